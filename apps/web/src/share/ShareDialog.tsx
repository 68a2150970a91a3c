import { useEffect, useState } from 'react';
import type { ShareState } from '@nslab/topology';
import { api } from '../api';
import { viewPath } from '../address';
import { Modal } from '../panels/Modal';

/**
 * "Share view link": a link that shows the lab's diagram and nothing else,
 * without the token (docs/security.md). "Stop sharing" makes every link given
 * out stop working. The link is at an address other machines reach the
 * server at, as the server names them (a workshop's join link is made the
 * same way): the page's own origin may be loopback, which only this machine opens.
 */
export function ShareDialog({ lab, close }: { lab: string; close: () => void }) {
  const [state, setState] = useState<ShareState | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const fail = (e: Error) => setError(e.message);
  useEffect(() => {
    api.shareState(lab).then(setState, fail);
  }, [lab]);
  const key = state?.key;
  const urls = state?.urls ?? [];
  const link = key ? (urls[0] ?? `${location.origin}${viewPath(lab, key)}`) : '';
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
        <button type="button" className="primary" onClick={() => api.share(lab).then(setState, fail)}>
          Make a view link
        </button>
      ) : (
        <>
          <div className="field">
            <label htmlFor="share-link">View link</label>
            <input id="share-link" className="mono" readOnly value={link} onFocus={(e) => e.target.select()} />
            {urls.length === 0 && (
              <p className="hint">
                nslab listens on this machine only: other machines cannot open this link (start it with --host 0.0.0.0).
              </p>
            )}
          </div>
          {urls.length > 1 && (
            <div className="field">
              <span id="share-other-links">Also at</span>
              <ul aria-labelledby="share-other-links" className="share-other-links">
                {urls.slice(1).map((u) => (
                  <li key={u} className="mono">
                    {u}
                  </li>
                ))}
              </ul>
            </div>
          )}
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
            <button type="button" onClick={() => api.unshare(lab).then((s) => (setState(s), setCopied(false)), fail)}>
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
