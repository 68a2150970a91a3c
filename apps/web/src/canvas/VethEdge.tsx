import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, type Edge, type EdgeProps } from '@xyflow/react';
import type { LinkData } from './toFlow';
import { ppsLabel } from '../live/useTraffic';

/** A veth pair: a cable routed in right angles between its two interface rows (each row names its end). */
function VethEdgeView({
  id,
  source,
  target,
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  data,
  selected,
}: EdgeProps<Edge<LinkData>>) {
  const [path, x, y] = getSmoothStepPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
    offset: 24,
    borderRadius: 10,
  });
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
        {(data?.badge || data?.down) && (
          <div
            className={`edge-impair nodrag nopan${data.down ? ' down' : ''}`}
            title={data.down ? 'administratively down (up: false)' : 'impairments (delay, loss, rate)'}
            style={{ transform: `translate(-50%, -100%) translate(${x}px, ${y - 4}px)` }}
          >
            {[data.down ? 'down' : '', data.badge ?? ''].filter(Boolean).join(' · ')}
          </div>
        )}
        {data?.active && data.pps && (
          <div
            className="edge-pps nodrag nopan"
            title={ppsLabel(data.pps, [`${source} ${data.ends[0]}`, `${target} ${data.ends[1]}`]).title}
            style={{ transform: `translate(-50%, 0) translate(${x}px, ${y + 4}px)` }}
          >
            {ppsLabel(data.pps, [`${source} ${data.ends[0]}`, `${target} ${data.ends[1]}`]).text}
          </div>
        )}
        {invalid && (
          <div
            className="edge-error nodrag nopan"
            title={data!.errors.join('\n')}
            style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
          >
            !{data!.errors.length}
          </div>
        )}
      </EdgeLabelRenderer>
    </>
  );
}

export const EDGE_TYPES = { veth: memo(VethEdgeView) };
