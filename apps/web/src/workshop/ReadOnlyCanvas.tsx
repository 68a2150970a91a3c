import { useEffect, useMemo, useState } from 'react';
import { Background, ConnectionMode, Controls, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import type { Topology } from '@nslab/topology';
import { EDGE_TYPES } from '../canvas/VethEdge';
import { NODE_TYPES } from '../canvas/nodes';
import { toFlow } from '../canvas/toFlow';
import { autoLayout } from '../layout';

// Props React Flow copies into its store whenever their identity changes: keep them constant.
const FIT_VIEW_OPTIONS = { maxZoom: 1.2 };
const PRO_OPTIONS = { hideAttribution: true };

/**
 * Someone else's lab drawn with the designer's own nodes and edges, to look
 * at only: its own React Flow store (not the designer's), nothing to drag,
 * connect, select or delete.
 */
export function ReadOnlyCanvas({ topology, label }: { topology: Topology; label: string }) {
  // A lab drawn without positions (made by the API, from a template) is laid out as the designer shows it.
  const [laid, setLaid] = useState<{ from: Topology; to: Topology } | null>(null);
  useEffect(() => {
    let live = true;
    void autoLayout(topology).then((to) => live && setLaid({ from: topology, to }));
    return () => {
      live = false;
    };
  }, [topology]);
  const shown = laid?.from === topology ? laid.to : null;
  const { nodes, edges } = useMemo(() => (shown ? toFlow(shown, [], null, false) : { nodes: [], edges: [] }), [shown]);
  if (!shown) return <div className="readonly-canvas" role="region" aria-label={label} aria-busy="true" />;
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
