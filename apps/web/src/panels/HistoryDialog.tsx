import { useEffect, useMemo, useState } from 'react';
import { revPath } from '../address';
import { api, type Revision } from '../api';
import { openRevision } from '../share/route';
import { useStore } from '../store';
import { Alert } from './fields';
import { onlyPositionsDiffer } from './labWords';
import { diffHunks, lineDiff } from './lineDiff';
import { Modal } from './Modal';
import './labs.css';

/**
 * The lab's revisions, newest first, marking the one open and the one whose
 * design is on the host; a revision picked shows what it changed (against
 * the revision before it, or against the design open now) and can be restored.
 */
export function HistoryDialog({ lab, close }: { lab: string; close: () => void }) {
  const rev = useStore((s) => s.rev);
  const text = useStore((s) => s.text);
  const [revs, setRevs] = useState<Revision[] | null>(null);
  const [picked, setPicked] = useState<number | null>(null);
  const [against, setAgainst] = useState<'previous' | 'open'>('previous');
  const [texts, setTexts] = useState<Record<number, string>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.revisions(lab).then(
      (r) => (setRevs(r), setPicked((p) => p ?? r[0]?.rev ?? null)),
      (e: Error) => setError(e.message),
    );
  }, [lab, rev]);

  const index = revs?.findIndex((r) => r.rev === picked) ?? -1;
  const before = revs && index >= 0 ? revs[index + 1]?.rev : undefined;
  useEffect(() => {
    const wanted = [picked, against === 'previous' ? before : undefined].filter((r): r is number => r != null && !(r in texts));
    if (wanted.length === 0) return;
    Promise.all(wanted.map((r) => api.revision(lab, r))).then(
      (got) => setTexts((t) => ({ ...t, ...Object.fromEntries(got.map((g) => [g.rev, g.text])) })),
      (e: Error) => setError(e.message),
    );
  }, [lab, picked, before, against, texts]);

  const after = picked != null ? texts[picked] : undefined;
  const base = against === 'open' ? text : before === undefined ? '' : texts[before];
  // Against the open design, the diff says what restoring would change: from the open text to the picked one.
  const parts = useMemo(() => (after === undefined || base === undefined ? null : diffHunks(lineDiff(base, after))), [after, base]);
  const onlyLayout = useMemo(() => after !== undefined && base !== undefined && onlyPositionsDiffer(base, after), [after, base]);
  const restore = async (r: number) => {
    await useStore.getState().restore(r);
    close();
  };

  return (
    <Modal className="history" label="History" close={close}>
      <div className="panel-head">
        <h2>History of {lab}</h2>
        <button type="button" aria-label="Close" onClick={close}>
          ×
        </button>
      </div>
      <Alert message={error} />
      <div className="history-body">
        <ul className="history-list" aria-label="Revisions">
          {(revs ?? []).map((r) => (
            <li key={r.rev}>
              <button type="button" aria-pressed={r.rev === picked} onClick={() => setPicked(r.rev)}>
                <span className="history-rev">#{r.rev}</span>
                {r.rev === rev && <span className="tag tag-open">open</span>}
                {r.deployed && <span className="tag tag-deployed">deployed</span>}
                <span className="history-when">{new Date(r.createdAt).toLocaleString()}</span>
                {r.message && <span className="history-message">{r.message}</span>}
              </button>
            </li>
          ))}
        </ul>
        <section className="history-diff" aria-label="Changes">
          {picked != null && (
            <div className="history-diff-head">
              <label>
                Compare #{picked} with{' '}
                <select value={against} onChange={(e) => setAgainst(e.target.value as 'previous' | 'open')}>
                  <option value="previous">{before === undefined ? 'nothing (first revision)' : `#${before}, the revision before`}</option>
                  <option value="open">the design open now</option>
                </select>
              </label>
              <a
                href={revPath(lab, picked)}
                title="look at this revision on its own (it has its own address)"
                onClick={(e) => (e.preventDefault(), close(), openRevision(lab, picked))}
              >
                Open #{picked}
              </a>
              {picked !== rev && (
                <button type="button" className="primary" onClick={() => void restore(picked).catch((e: Error) => setError(e.message))}>
                  Restore #{picked}
                </button>
              )}
            </div>
          )}
          {against === 'open' && (
            <p className="hint">Lines marked − are in the open design, + in #{picked}: what restoring it would change.</p>
          )}
          {parts === null ? (
            <p className="hint">{picked == null ? 'No revisions yet.' : 'Loading…'}</p>
          ) : onlyLayout ? (
            <p className="hint">Only positions changed (the layout).</p>
          ) : parts.every((p) => 'skipped' in p) ? (
            <p className="hint">No changes.</p>
          ) : (
            <pre className="diff">
              {parts.map((p, i) =>
                'skipped' in p ? (
                  <div key={i} className="diff-skip">
                    … {p.skipped} unchanged line{p.skipped > 1 ? 's' : ''}
                  </div>
                ) : (
                  p.lines.map((l, k) => (
                    <div key={`${i}-${k}`} className={l.op === '+' ? 'diff-add' : l.op === '-' ? 'diff-del' : 'diff-same'}>
                      <span className="diff-op" aria-hidden="true">
                        {l.op === '+' ? '+' : l.op === '-' ? '−' : ' '}
                      </span>
                      {l.op === '+' && <span className="sr-only">added: </span>}
                      {l.op === '-' && <span className="sr-only">removed: </span>}
                      {l.text}
                    </div>
                  ))
                ),
              )}
            </pre>
          )}
        </section>
      </div>
    </Modal>
  );
}
