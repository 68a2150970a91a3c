import { useState } from 'react';
import { Alert } from '../panels/fields';
import { Modal } from '../panels/Modal';

/**
 * An in-page "are you sure?": Confirm (or `confirm`, the button's own word) runs `action` and closes once it is done; a failure stays shown.
 * `danger`: the button is red, for what cannot be undone (delete, destroy).
 */
export function Confirm({
  question,
  action,
  close,
  confirm = 'Confirm',
  danger = false,
}: {
  question: string;
  action: () => Promise<unknown>;
  close: () => void;
  confirm?: string;
  danger?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    try {
      await action();
      close();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <Modal className="confirm" role="alertdialog" label={question} close={close}>
      <p>{question}</p>
      <Alert message={error} />
      <div className="actions">
        <button type="button" className={danger ? 'primary danger' : 'primary'} disabled={busy} autoFocus onClick={() => void run()}>
          {confirm}
        </button>
        <button type="button" onClick={close}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
