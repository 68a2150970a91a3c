/** Custom canvas nodes: memoised, registered once at module scope. */
import { memo } from 'react';
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import { useStore } from '../store';
import { Icon } from './icons';
import { ifHandle, SIDE, type NodeData } from './toFlow';
import './canvas.css';

/** A name this long or shorter is never cut in a node's title, whatever badges it has; a longer one keeps this many characters. */
const WHOLE_NAME = 8;

function StateDot({ state }: { state?: string }) {
  return <span className={`state-dot state-${state ?? 'none'}`} title={state ? `state: ${state}` : 'state: not deployed'} />;
}

/** Deploy recreates what is missing: the node's namespace, its links, addresses and routes. */
function RepairButton({ name }: { name: string }) {
  const busy = useStore((s) => s.progress?.running ?? false);
  return (
    <button
      type="button"
      className="node-repair nodrag"
      disabled={busy}
      title={`${name} is gone from the host: Deploy recreates it`}
      onClick={(e) => {
        e.stopPropagation();
        void useStore.getState().deploy();
      }}
    >
      Repair
    </button>
  );
}

function LabNode({ data, selected }: NodeProps<Node<NodeData>>) {
  const invalid = data.errors.length > 0;
  return (
    <div
      className={`lab-node kind-${data.kind}${data.container ? ' container' : ''}${invalid ? ' invalid' : ''}${selected ? ' selected' : ''}${data.missing ? ' missing' : ''}`}
      data-kind={data.kind}
      data-state={data.state ?? 'none'}
      {...(data.missing ? { 'data-missing': 'true' } : {})}
    >
      {/* The handles a new link is drawn from and to. */}
      <Handle type="target" position={Position.Top} id="t" />
      <div className="node-head">
        <Icon kind={data.icon} />
        <strong className="node-name" style={{ minWidth: `${Math.min(data.name.length, WHOLE_NAME)}ch` }}>
          {data.name}
        </strong>
        <StateDot state={data.state} />
        {data.badges.map((b) => (
          <span key={b.key} className={`l3-badge badge-${b.key}`} title={b.title} aria-label={b.title}>
            {b.text}
          </span>
        ))}
        {data.checks && (
          <span
            className={`node-checks ${data.checks.fail ? 'fail' : 'pass'}`}
            title={`checks from ${data.name}: ${data.checks.pass} pass, ${data.checks.fail} fail`}
          >
            {data.checks.fail ? `✗${data.checks.fail}` : `✓${data.checks.pass}`}
          </span>
        )}
        {data.trace && data.trace.hops.length > 0 && (
          <span className="trace-badge" title={`trace hop ${data.trace.hops.join(', ')}`}>
            {data.trace.hops.join(' · ')}
          </span>
        )}
        {invalid && (
          <span className="node-errors" title={data.errors.join('\n')} aria-label={`${data.errors.length} error(s)`}>
            !{data.errors.length}
          </span>
        )}
      </div>
      {data.missing && (
        <div className="node-missing" role="note">
          <span title={`${data.name} is gone from the host`}>missing</span> <RepairButton name={data.name} />
        </div>
      )}
      {data.label && (
        <div className="node-label" title={data.label}>
          {data.label}
        </div>
      )}
      {data.lines.length > 0 && (
        <ul className={data.kind === 'bridge' ? 'node-addrs' : 'node-routes'} aria-label={data.kind === 'bridge' ? 'addresses' : 'routes'}>
          {data.lines.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
      {data.interfaces.length > 0 && (
        <ul className="node-ifaces" aria-label="interfaces">
          {data.interfaces.map((i) => (
            <li key={i.name} className={`iface side-${i.side} iface-${i.kind}`} {...(i.note ? { title: `${i.name}: ${i.note}` } : {})}>
              {i.kind === 'vxlan' && <Icon kind="vxlan" size={14} />}
              <span className="ifname">{i.name}</span>
              {i.addresses.length > 0 && <span className="ifaddr">{i.addresses.join(' ')}</span>}
              <Handle type="source" position={SIDE[i.side]} id={ifHandle(i.name)} isConnectable={false} className="if-handle" />
            </li>
          ))}
        </ul>
      )}
      <Handle type="source" position={Position.Bottom} id="s" />
      {data.trace?.sentence && (
        <div className={`trace-sentence ${data.trace.state}`} role="note" aria-label={`Trace ends at ${data.name}`}>
          {data.trace.state === 'drop' ? '✗ ' : '✓ '}
          {data.trace.sentence}
        </div>
      )}
    </div>
  );
}

export const NODE_TYPES = { netns: memo(LabNode), host: memo(LabNode), bridge: memo(LabNode) };
