import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getStraightPath, type Edge, type EdgeProps } from '@xyflow/react';
import type { LinkData } from './toFlow';

/** A veth pair: a straight cable with each end's interface name near its node. */
function VethEdgeView({ id, sourceX, sourceY, targetX, targetY, data, selected }: EdgeProps<Edge<LinkData>>) {
  const [path] = getStraightPath({ sourceX, sourceY, targetX, targetY });
  const at = (f: number) => ({ x: sourceX + (targetX - sourceX) * f, y: sourceY + (targetY - sourceY) * f });
  const a = at(0.2);
  const b = at(0.8);
  const state = data?.state ?? 'none';
  const invalid = (data?.errors.length ?? 0) > 0;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        className={`veth state-${state}${invalid ? ' invalid' : ''}${selected ? ' selected' : ''}${data?.active ? ' active' : ''}${data?.down ? ' down' : ''}`}
      />
      <EdgeLabelRenderer>
        <div className="end-label nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${a.x}px, ${a.y}px)` }}>
          {data?.ends[0]}
        </div>
        <div className="end-label nodrag nopan" style={{ transform: `translate(-50%, -50%) translate(${b.x}px, ${b.y}px)` }}>
          {data?.ends[1]}
        </div>
        {(data?.badge || data?.down) && (
          <div
            className={`edge-impair nodrag nopan${data.down ? ' down' : ''}`}
            title={data.down ? 'administratively down (up: false)' : 'impairments (delay, loss, rate)'}
            style={{ transform: `translate(-50%, -50%) translate(${(a.x + b.x) / 2}px, ${(a.y + b.y) / 2 - 12}px)` }}
          >
            {[data.down ? 'down' : '', data.badge ?? ''].filter(Boolean).join(' · ')}
          </div>
        )}
        {data?.active && data.pps && (
          <div
            className="edge-pps nodrag nopan"
            title="packets per second, each way"
            style={{ transform: `translate(-50%, -50%) translate(${(a.x + b.x) / 2}px, ${(a.y + b.y) / 2 + 12}px)` }}
          >
            {Math.round(data.pps[0])}→ ←{Math.round(data.pps[1])} pps
          </div>
        )}
        {invalid && (
          <div
            className="edge-error nodrag nopan"
            title={data!.errors.join('\n')}
            style={{ transform: `translate(-50%, -50%) translate(${(a.x + b.x) / 2}px, ${(a.y + b.y) / 2}px)` }}
          >
            !{data!.errors.length}
          </div>
        )}
      </EdgeLabelRenderer>
    </>
  );
}

export const EDGE_TYPES = { veth: memo(VethEdgeView) };
