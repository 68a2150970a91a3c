import { useEffect, useState } from 'react';
import { api } from '../api';
import { viewPath } from '../address';
import { Modal } from '../panels/Modal';

/**
 * "Share view link": a link that shows the lab's diagram and nothing else,
 * without the token (docs/security.md). "Stop sharing" makes every link given
 * out stop working.
 */
export function ShareDialog({ lab, close }: { lab: string; close: () => void }) {
  const [key, setKey] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const fail = (e: Error) => setError(e.message);
  useEffect(() => {
    api.shareState(lab).then((s) => setKey(s.key), fail);
  }, [lab]);
  const link = key ? `${location.origin}${viewPath(lab, key)}` : '';
  return (
    <Modal label={`Share a view of ${lab}`} className="share-dialog" close={close}>
      <h2>Share a view of {lab}</h2>
      <p className="hint">
        Anyone with this link sees the diagram of this lab, and nothing else: no editing, no Deploy, no terminals. It does not carry your
        token.
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {key === undefined ? (
        <p className="hint">…</p>
      ) : key === null ? (
        <button type="button" className="primary" onClick={() => api.share(lab).then((s) => setKey(s.key), fail)}>
          Make a view link
        </button>
      ) : (
        <>
          <div className="field">
            <label htmlFor="share-link">View link</label>
            <input id="share-link" className="mono" readOnly value={link} onFocus={(e) => e.target.select()} />
          </div>
          <div className="actions">
            <button
              type="button"
              onClick={() =>
                navigator.clipboard?.writeText(link).then(
                  () => setCopied(true),
                  () => setError('the browser did not let the page copy: select the link and copy it'),
                )
              }
            >
              {copied ? 'Copied' : 'Copy link'}
            </button>
            <a href={link} target="_blank" rel="noreferrer noopener">
              Open it
            </a>
            <button type="button" onClick={() => api.unshare(lab).then(() => (setKey(null), setCopied(false)), fail)}>
              Stop sharing
            </button>
          </div>
        </>
      )}
      <div className="actions end">
        <button type="button" onClick={close}>
          Close
        </button>
      </div>
    </Modal>
  );
}
