import { useState } from 'react';

/** An in-page "are you sure?": Confirm runs `action` and closes once it is done; a failure stays shown. */
export function Confirm({ question, action, close }: { question: string; action: () => Promise<unknown>; close: () => void }) {
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
    <div className="modal">
      <div
        className="modal-body confirm"
        role="alertdialog"
        aria-modal="true"
        aria-label={question}
        onKeyDown={(e) => e.key === 'Escape' && close()}
      >
        <p>{question}</p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="button" className="primary" disabled={busy} autoFocus onClick={() => void run()}>
            Confirm
          </button>
          <button type="button" onClick={close}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
