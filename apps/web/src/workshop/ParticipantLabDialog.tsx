import { useEffect, useRef, useState } from 'react';
import { workshops, type ParticipantLab, type ParticipantView } from '../api';
import { ReadOnlyCanvas } from './ReadOnlyCanvas';

/** A participant's lab, as they have drawn it now, read-only. */
export function ParticipantLabDialog({ workshop, person, close }: { workshop: string; person: ParticipantView; close: () => void }) {
  const [lab, setLab] = useState<ParticipantLab | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Focus moves into the dialog (it stays on the row's button otherwise), so Escape reaches it.
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => dialog.current?.focus(), []);
  useEffect(() => {
    void workshops.lab(workshop, person.id).then(setLab, (e: Error) => setError(e.message));
  }, [workshop, person.id]);
  const title = `Lab of ${person.name}`;
  return (
    <div className="modal">
      <div
        ref={dialog}
        tabIndex={-1}
        className="modal-body participant-lab"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onKeyDown={(e) => e.key === 'Escape' && close()}
      >
        <div className="panel-head">
          <h2>
            {title}
            {lab ? `: ${lab.name}` : ''}
          </h2>
          {lab && <span className="lab-status">{lab.status}</span>}
          <button type="button" aria-label="Close" onClick={close}>
            ×
          </button>
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {!lab && !error && <p className="hint">loading…</p>}
        {lab &&
          (lab.topology ? (
            <ReadOnlyCanvas topology={lab.topology} label={`Canvas of ${person.name}`} />
          ) : (
            <p className="hint">Their lab's text does not parse now: here it is as they wrote it.</p>
          ))}
        {lab && (
          <details open={!lab.topology}>
            <summary>YAML</summary>
            <pre className="tool-out">{lab.text}</pre>
          </details>
        )}
      </div>
    </div>
  );
}
