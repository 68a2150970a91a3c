import { Modal } from './Modal';
import './labs.css';

/** The whole of a failure the top bar cuts short: the command and what the kernel said, as selectable text. */
export function FailureDialog({ title, error, close }: { title: string; error: string; close: () => void }) {
  return (
    <Modal className="failure" label={title} close={close}>
      <div className="panel-head">
        <h2>{title}</h2>
        <button type="button" aria-label="Close" onClick={close}>
          ×
        </button>
      </div>
      <pre className="failure-text" aria-label="Error message">
        {error}
      </pre>
      <p className="hint">The steps it had made in this run were undone. Select the text to copy it.</p>
      <div className="actions">
        <button type="button" onClick={() => void navigator.clipboard?.writeText(error).catch(() => {})}>
          Copy
        </button>
        <button type="button" className="primary" autoFocus onClick={close}>
          Close
        </button>
      </div>
    </Modal>
  );
}
