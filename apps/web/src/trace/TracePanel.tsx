/**
 * A trace's result, in the inspector's place: the verdict, the live probe's
 * word on it, and the hops in order — the one shown now opened up in full.
 */
import { useEffect, useRef } from 'react';
import type { TraceHop, TraceResult } from '@nslab/topology';
import { HOP_VERB, hopFacts, packetText, verdictHop } from './traceLights';
import { useTrace } from './useTrace';

export function TracePanel() {
  const result = useTrace((s) => s.result);
  const step = useTrace((s) => s.step);
  if (!result) return null;
  const { previous, next, replay, clear, show } = useTrace.getState();
  const last = result.hops.length - 1;
  const decisive = verdictHop(result);
  const replyFrom = result.hops.findIndex((h) => h.reply);
  const verdict = result.verdict === 'delivered' ? 'delivered' : result.verdict === 'dropped' ? 'dropped' : 'unknown';
  return (
    <div className="inspector trace-side">
      <section className="trace-panel" aria-label="Trace">
        <div className="panel-head">
          <h2>Trace</h2>
          <button type="button" onClick={() => clear({ backToSource: true })}>
            Clear trace
          </button>
        </div>
        <p className="trace-what">
          <strong className="mono">{result.from}</strong> → <strong className="mono">{result.to}</strong>
          {result.toNode && result.toNode !== result.to ? ` (${result.toNode})` : ''} · {result.proto.toUpperCase()}
          {result.port ? ` port ${result.port}` : ''}
        </p>
        <p className={`trace-verdict verdict-${verdict}`} role="status" aria-label="Trace verdict">
          {verdict === 'delivered' ? '✓ ' : verdict === 'dropped' ? '✗ ' : '? '}
          {result.sentence}
        </p>
        {result.live && (
          <div className={`trace-live verdict-${result.live.verdict}`}>
            <p>
              <span className="trace-live-head">Live probe:</span> {result.live.sentence}
            </p>
            {result.live.probe && (
              <details>
                <summary>Probe output</summary>
                <pre className="tool-out">{result.live.probe}</pre>
              </details>
            )}
          </div>
        )}
        {result.disagreement && (
          <p className="trace-disagreement" role="alert">
            ⚠ {result.disagreement}
          </p>
        )}
        {result.hops.length > 0 && (
          <div className="trace-steps actions">
            <button type="button" onClick={previous} disabled={step <= 0}>
              Previous hop
            </button>
            <span className="trace-count" aria-live="polite">
              Hop {Math.min(step, last) + 1} of {result.hops.length}
            </span>
            <button type="button" onClick={next} disabled={step >= last}>
              Next hop
            </button>
            <button type="button" onClick={replay} title="Light the path up again, hop by hop">
              Replay
            </button>
          </div>
        )}
        <ol className="trace-hops" aria-label="Hops">
          {result.hops.map((hop, i) => (
            <HopItem
              key={i}
              hop={hop}
              n={i + 1}
              state={i > step ? 'ahead' : i === step ? 'current' : 'passed'}
              decisive={hop === decisive}
              replyStarts={i === replyFrom}
              result={result}
              onShow={() => show(i)}
            />
          ))}
        </ol>
        {result.hops.length > 0 && <p className="hint">← → or ↑ ↓ step through the hops; click a node on the path to jump to it.</p>}
      </section>
    </div>
  );
}

function HopItem(props: {
  hop: TraceHop;
  n: number;
  state: 'passed' | 'current' | 'ahead';
  decisive: boolean;
  replyStarts: boolean;
  result: TraceResult;
  onShow: () => void;
}) {
  const { hop, n, state, decisive, result } = props;
  const ref = useRef<HTMLLIElement>(null);
  const current = state === 'current';
  useEffect(() => {
    if (current) ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [current]);
  const seen = current ? result.live?.seen.find((s) => s.node === hop.node) : undefined;
  return (
    <li
      ref={ref}
      className={`trace-hop hop-${hop.kind} ${state}${decisive ? ' decisive' : ''}${hop.reply ? ' reply' : ''}`}
      aria-current={current ? 'step' : undefined}
    >
      {props.replyStarts && <p className="trace-reply-head">↩ The reply, back to {result.from}</p>}
      <button type="button" className="trace-hop-title" onClick={props.onShow}>
        <span className="trace-hop-n">{n}</span> <strong className="mono">{hop.node}</strong> {HOP_VERB[hop.kind]}
        {hop.reply ? ' the reply' : ''}
      </button>
      <dl className="trace-facts">
        {hopFacts(hop).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className="mono">{v}</dd>
          </div>
        ))}
        {current && (
          <div>
            <dt>packet</dt>
            <dd className="mono">
              {packetText(hop.packet)} {result.proto.toUpperCase()}
            </dd>
          </div>
        )}
      </dl>
      {hop.why && hop.why !== result.sentence && <p className="trace-why">{hop.why}</p>}
      {current && hop.note && <p className="trace-note">{hop.note}</p>}
      {seen && seen.events.length > 0 && (
        <div className="trace-seen">
          <span className="trace-live-head">Live probe here:</span>
          <ul className="mono">
            {seen.events.map((ev, k) => (
              <li key={k}>{ev}</li>
            ))}
          </ul>
        </div>
      )}
    </li>
  );
}
