import { useState } from 'react';
import { tools, type PingMatrix } from '../api';
import { labIsLive, useStore } from '../store';

/** Every namespace pings every address of the lab; the answers as a colored grid. */
export function PingAll() {
  const lab = useStore((s) => s.lab);
  const deployed = useStore(labIsLive);
  const [open, setOpen] = useState(false);
  const [matrix, setMatrix] = useState<PingMatrix | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    if (!lab) return;
    setOpen(true);
    setBusy(true);
    setError(null);
    try {
      setMatrix(await tools.pingAll(lab));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="menu">
      <button type="button" disabled={!deployed || busy} onClick={() => void run()}>
        Ping all
      </button>
      {open && (
        <div className="dropdown wide pingall" role="dialog" aria-label="Reachability">
          <div className="panel-head">
            <strong>Reachability{matrix ? ` (${matrix.elapsedMs} ms)` : ''}</strong>
            <button type="button" aria-label="Close" onClick={() => setOpen(false)}>
              ×
            </button>
          </div>
          {busy && <p className="hint">pinging…</p>}
          {error && <p className="error">{error}</p>}
          {matrix && !busy && (
            <table className="matrix" aria-label="Reachability matrix">
              <thead>
                <tr>
                  <th>from \ to</th>
                  {matrix.to.map((t) => (
                    <th key={t.address} title={t.node}>
                      {t.address}
                      <br />
                      <span className="desc">{t.node}</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {matrix.from.map((f, i) => (
                  <tr key={f}>
                    <th>{f}</th>
                    {matrix.to.map((t, j) => {
                      const ok = matrix.results[i]![j]!;
                      return (
                        <td
                          key={t.address}
                          className={ok ? 'ok' : 'no'}
                          aria-label={`${f} to ${t.address}: ${ok ? 'reachable' : 'unreachable'}`}
                          title={ok ? 'reachable' : 'unreachable'}
                        >
                          {ok ? '✓' : '✗'}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}
