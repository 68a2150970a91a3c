/** Pick mode: over the canvas, where the trace goes — a node clicked on the canvas, or an address typed here. */
import { useEffect, useId, useRef } from 'react';
import type { TraceProto } from '@nslab/topology';
import { useStore } from '../store';
import { labAddresses } from '../live/ToolsSection';
import { Alert } from '../panels/fields';
import { traceRequest } from './traceRequest';
import { useTrace } from './useTrace';

const PROTOS: TraceProto[] = ['icmp', 'tcp', 'udp'];

export function TraceBanner() {
  const picking = useTrace((s) => s.picking);
  const form = useTrace((s) => s.form);
  const running = useTrace((s) => s.running);
  const error = useTrace((s) => s.error);
  const topology = useStore((s) => s.topology);
  const id = useId();
  const first = useRef<HTMLInputElement>(null);
  const from = picking?.from;
  useEffect(() => {
    if (from) first.current?.focus();
  }, [from]);
  if (!picking) return null;
  const { setForm, run, cancel } = useTrace.getState();
  const ready = !('problem' in traceRequest(form));
  const nodes = Object.keys(topology.nodes).filter((n) => n !== picking.from);
  return (
    <form
      className="trace-banner nodrag nopan"
      aria-label={`Trace from ${picking.from}`}
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <p className="trace-banner-title">
        Trace from <strong className="mono">{picking.from}</strong>: click the destination node, or type an address
      </p>
      <div className="trace-banner-fields">
        <div className="field">
          <label htmlFor={`${id}-to`}>Destination</label>
          <input
            id={`${id}-to`}
            ref={first}
            className="mono"
            list={`${id}-targets`}
            value={form.to}
            placeholder="node or address"
            spellCheck={false}
            onChange={(e) => setForm({ to: e.target.value })}
          />
          <datalist id={`${id}-targets`}>
            {nodes.map((n) => (
              <option key={n} value={n}>
                node {n}
              </option>
            ))}
            {labAddresses(topology).map((x) => (
              <option key={x.label} value={x.ip}>
                {x.label}
              </option>
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={`${id}-proto`}>Protocol</label>
          <select id={`${id}-proto`} value={form.proto} onChange={(e) => setForm({ proto: e.target.value as TraceProto })}>
            {PROTOS.map((p) => (
              <option key={p} value={p}>
                {p.toUpperCase()}
              </option>
            ))}
          </select>
        </div>
        {form.proto !== 'icmp' && (
          <div className="field port">
            <label htmlFor={`${id}-port`}>Port</label>
            <input
              id={`${id}-port`}
              className="mono"
              inputMode="numeric"
              value={form.port}
              placeholder="1–65535"
              onChange={(e) => setForm({ port: e.target.value })}
            />
          </div>
        )}
        <div className="field check">
          <input id={`${id}-live`} type="checkbox" checked={form.live} onChange={(e) => setForm({ live: e.target.checked })} />
          <label htmlFor={`${id}-live`} title="Also send one real packet and follow it with netfilter tracing">
            Live probe
          </label>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={!ready || running}>
            Run trace
          </button>
          <button type="button" onClick={cancel}>
            Cancel
          </button>
          {running && (
            <span role="status" className="hint">
              Tracing…
            </span>
          )}
        </div>
      </div>
      <Alert message={error} />
    </form>
  );
}
