import { useEffect, useState } from 'react';
import { workshops, type ParticipantLab, type ParticipantView } from '../api';
import { ReadOnlyCanvas } from './ReadOnlyCanvas';
import { Alert } from '../panels/fields';
import { Modal } from '../panels/Modal';

/** A participant's lab, as they have drawn it now, read-only. */
export function ParticipantLabDialog({ workshop, person, close }: { workshop: string; person: ParticipantView; close: () => void }) {
  const [lab, setLab] = useState<ParticipantLab | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void workshops.lab(workshop, person.id).then(setLab, (e: Error) => setError(e.message));
  }, [workshop, person.id]);
  const title = `Lab of ${person.name}`;
  return (
    <Modal className="participant-lab" label={title} close={close}>
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
      <Alert message={error} />
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
    </Modal>
  );
}
