/** Custom canvas nodes: memoised, registered once at module scope. */
import { memo } from 'react';
import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import type { NodeData } from './toFlow';

function StateDot({ state }: { state?: string }) {
  return <span className={`state-dot state-${state ?? 'none'}`} title={state ? `state: ${state}` : 'state: not deployed'} />;
}

function LabNode({ data, selected }: NodeProps<Node<NodeData>>) {
  const invalid = data.errors.length > 0;
  return (
    <div
      className={`lab-node kind-${data.kind}${invalid ? ' invalid' : ''}${selected ? ' selected' : ''}`}
      data-kind={data.kind}
      data-state={data.state ?? 'none'}
    >
      <Handle type="target" position={Position.Top} id="t" />
      <div className="node-head">
        <StateDot state={data.state} />
        <strong className="node-name">{data.name}</strong>
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
      {data.label && <div className="node-label">{data.label}</div>}
      {data.interfaces.length > 0 && (
        <ul className="node-ifaces">
          {data.interfaces.map((i) => (
            <li key={i.name}>
              <span className="ifname">{i.name}</span> {i.addresses.join(' ')}
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
