import { useMemo } from 'react';
import { Background, ConnectionMode, Controls, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import type { Topology } from '@nslab/topology';
import { EDGE_TYPES } from '../canvas/VethEdge';
import { NODE_TYPES } from '../canvas/nodes';
import { toFlow } from '../canvas/toFlow';

// Props React Flow copies into its store whenever their identity changes: keep them constant.
const FIT_VIEW_OPTIONS = { maxZoom: 1.2 };
const PRO_OPTIONS = { hideAttribution: true };

/**
 * Someone else's lab drawn with the designer's own nodes and edges, to look
 * at only: its own React Flow store (not the designer's), nothing to drag,
 * connect, select or delete.
 */
export function ReadOnlyCanvas({ topology, label }: { topology: Topology; label: string }) {
  const { nodes, edges } = useMemo(() => toFlow(topology, [], null, false), [topology]);
  return (
    <div className="readonly-canvas" role="region" aria-label={label}>
      <ReactFlowProvider>
        <ReactFlow
          defaultNodes={nodes}
          defaultEdges={edges}
          nodeTypes={NODE_TYPES}
          edgeTypes={EDGE_TYPES}
          nodesDraggable={false}
          nodesConnectable={false}
          // Links end on interface handles, which are all of one type (as in the designer's canvas).
          connectionMode={ConnectionMode.Loose}
          elementsSelectable={false}
          deleteKeyCode={null}
          fitView
          fitViewOptions={FIT_VIEW_OPTIONS}
          minZoom={0.1}
          proOptions={PRO_OPTIONS}
        >
          <Background gap={20} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
