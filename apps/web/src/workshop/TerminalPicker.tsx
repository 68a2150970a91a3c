import { useEffect, useId, useState, type FormEvent } from 'react';
import { workshops, type ParticipantLab, type ParticipantView } from '../api';
import { useDock } from '../live/dock';
import { terminalNodes } from './terminalNodes';
import { Alert } from '../panels/fields';
import { Modal } from '../panels/Modal';

/** Asks on which node to watch or help a participant, then opens that terminal in the dock. */
export function TerminalPicker({
  workshop,
  person,
  mode,
  close,
}: {
  workshop: string;
  person: ParticipantView;
  mode: 'watch' | 'help';
  close: () => void;
}) {
  const [lab, setLab] = useState<ParticipantLab | null>(null);
  const [node, setNode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  useEffect(() => {
    void workshops.lab(workshop, person.id).then(
      (l) => (setLab(l), setNode(terminalNodes(l.topology)[0] ?? '')),
      (e: Error) => setError(e.message),
    );
  }, [workshop, person.id]);
  const nodes = lab ? terminalNodes(lab.topology) : [];
  const open = (e: FormEvent) => {
    e.preventDefault();
    if (!lab || !node) return;
    useDock.getState().open({ kind: 'terminal', lab: lab.name, node, participant: { id: person.id, name: person.name, mode } });
    close();
  };
  const title = `${mode === 'watch' ? 'Watch' : 'Help'} ${person.name}`;
  return (
    <Modal className="picker" label={title} close={close}>
      <form onSubmit={open}>
        <h2>{title}</h2>
        <p className="hint">
          {mode === 'watch'
            ? 'Follow their open terminal on a node, read-only.'
            : 'Type into their open terminal on a node, or open a shell there if they have none.'}
        </p>
        <div className="field">
          <label htmlFor={`${id}-node`}>Node</label>
          <select id={`${id}-node`} value={node} onChange={(e) => setNode(e.target.value)} disabled={!lab}>
            {nodes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        {lab && <p className="hint">Their lab: {lab.status}.</p>}
        {lab && nodes.length === 0 && <p className="hint">Their lab has no namespace yet.</p>}
        <Alert message={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={!node}>
            Open
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
