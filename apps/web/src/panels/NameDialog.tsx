import { useId, useState, type FormEvent } from 'react';
import { Alert } from './fields';
import { Modal } from './Modal';

/**
 * The page's own prompt for a name (new lab, rename, duplicate, a node's new
 * name): says what is wrong with the name as it is typed, runs `action`, and
 * closes once it is done; the server's refusal stays shown.
 */
export function NameDialog(props: {
  title: string;
  label: string;
  initial: string;
  /** The button that does it: "Create", "Rename", … */
  submit: string;
  /** Why the name would be refused, or null. */
  problem: (name: string) => string | null;
  action: (name: string) => Promise<unknown>;
  close: () => void;
}) {
  const id = useId();
  const [name, setName] = useState(props.initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problem = props.problem(name);
  // Said once the name is typed: the name it opens with (a rename's current one) keeps the button off, quietly.
  const said = name !== props.initial && name !== '' ? problem : null;
  const run = async (e: FormEvent) => {
    e.preventDefault();
    if (problem) return;
    setBusy(true);
    try {
      await props.action(name);
      props.close();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal className="confirm name-dialog" label={props.title} close={props.close}>
      <form onSubmit={(e) => void run(e)}>
        <h2>{props.title}</h2>
        <div className="field">
          <label htmlFor={id}>{props.label}</label>
          <input
            id={id}
            className="mono"
            value={name}
            autoFocus
            onFocus={(e) => e.target.select()}
            spellCheck={false}
            aria-invalid={said ? true : undefined}
            aria-describedby={said ? `${id}-e` : undefined}
            onChange={(e) => (setName(e.target.value), setError(null))}
          />
          {said && (
            <ul className="field-errors" id={`${id}-e`}>
              <li className="error">{said}</li>
            </ul>
          )}
        </div>
        <Alert message={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || problem !== null}>
            {props.submit}
          </button>
          <button type="button" onClick={props.close}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
