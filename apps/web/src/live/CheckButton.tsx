import { useState } from 'react';
import { describeCheck } from '@nslab/topology';
import { tools } from '../api';
import { labIsLive, useStore } from '../store';

/** Runs the lab's checks on the host; marks them on the canvas and lists each with its explanation. */
export function CheckButton() {
  const lab = useStore((s) => s.lab);
  const results = useStore((s) => s.checkResults);
  const count = useStore((s) => s.topology.checks?.length ?? 0);
  const deployed = useStore(labIsLive);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (!lab) return;
    setBusy(true);
    setOpen(true);
    try {
      useStore.setState({ checkResults: (await tools.check(lab)).results });
    } catch (e) {
      useStore.getState().say((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const failed = results?.filter((r) => !r.ok).length ?? 0;
  return (
    <div className="menu">
      <button
        type="button"
        disabled={!deployed || busy || count === 0}
        title={count === 0 ? 'this lab has no checks' : `run the lab's ${count} checks`}
        onClick={() => void run()}
      >
        Check
      </button>
      {open && (
        <div className="dropdown wide pingall" role="dialog" aria-label="Check results">
          <div className="panel-head">
            <strong>
              {busy
                ? 'checking…'
                : results
                  ? failed === 0
                    ? `all ${results.length} checks pass`
                    : `${failed} of ${results.length} checks failed`
                  : ''}
            </strong>
            <button type="button" aria-label="Close" onClick={() => setOpen(false)}>
              ×
            </button>
          </div>
          <ul className="check-results">
            {results?.map((r) => (
              <li key={r.index} className={r.ok ? 'pass' : 'fail'}>
                <strong>{r.ok ? 'PASS' : 'FAIL'}</strong> {describeCheck(r.check)} — <em>{r.observed}</em>
                <div className="why">{r.explanation}</div>
                {r.trace && <div className="why trace-hint">Trace: {r.trace}</div>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
