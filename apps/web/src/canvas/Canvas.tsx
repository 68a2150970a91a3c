import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  ConnectionMode,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import { addNode, connect, connectionProblem, moveNodes, removeElements, type NodeKind } from '@nslab/topology';
import { useStore } from '../store';
import { EDGE_TYPES } from './VethEdge';
import { NODE_TYPES } from './nodes';
import { toFlow, type LinkData, type NodeData } from './toFlow';
import { useTraffic } from '../live/useTraffic';
import { TraceBanner } from '../trace/TraceBanner';
import { lightUp, sourceLights, traceLights } from '../trace/traceLights';
import { reducedMotion, useTrace } from '../trace/useTrace';

export const DRAG_MIME = 'application/x-nslab-kind';

// Props React Flow copies into its store whenever their identity changes: keep them constant.
const FIT_VIEW_OPTIONS = { maxZoom: 1.2 };
const DELETE_KEYS = ['Delete', 'Backspace'];
const MULTI_KEYS = ['Shift', 'Meta', 'Control'];
const PRO_OPTIONS = { hideAttribution: true };
const MINIMAP_STYLE = { width: 150, height: 100 };
// Room around a trace's path for the verdict written under the node where it ends.
const TRACE_VIEW = { padding: { top: '40px', left: '40px', right: '150px', bottom: '150px' }, maxZoom: 1.2 } as const;

/** The drawing: derived from the store's topology; every edit goes back through it. */
export function Canvas() {
  const topology = useStore((s) => s.topology);
  const issues = useStore((s) => s.issues);
  const status = useStore((s) => s.status);
  const focus = useStore((s) => s.focus);
  const apply = useStore((s) => s.apply);
  const select = useStore((s) => s.select);
  const say = useStore((s) => s.say);
  const flow = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);

  const traffic = useTraffic();
  const checkResults = useStore((s) => s.checkResults);
  const running = useStore((s) => s.progress?.running ?? false);
  const trace = useTrace((s) => s.result);
  const traceStep = useTrace((s) => s.step);
  const picking = useTrace((s) => s.picking);
  const derived = useMemo(() => {
    const drawn = toFlow(topology, issues, status, running, traffic, checkResults);
    const lights = trace ? traceLights(topology, trace, traceStep) : picking ? sourceLights(picking.from) : null;
    return lightUp(drawn.nodes, drawn.edges, lights);
  }, [topology, issues, status, running, traffic, checkResults, trace, traceStep, picking]);
  const [nodes, setNodes] = useState<Node<NodeData>[]>(derived.nodes);
  const [edges, setEdges] = useState<Edge<LinkData>[]>(derived.edges);
  // React Flow owns selection and measured sizes: carry them over when the topology changes…
  useEffect(() => setNodes((prev) => carryOver(derived.nodes, prev)), [derived.nodes]);
  useEffect(() => setEdges((prev) => carryOver(derived.edges, prev)), [derived.edges]);
  // …and apply the selections the app asks for.
  useEffect(() => {
    if (focus.seq === 0) return;
    setNodes((ns) => ns.map((n) => ({ ...n, selected: focus.nodes.includes(n.id) })));
    setEdges((es) => es.map((e) => ({ ...e, selected: focus.links.includes(e.data!.index) })));
  }, [focus]);

  // Fit the drawing when a lab is opened (not on every first node, which would move the view under the cursor).
  const lab = useStore((s) => s.lab);
  const flowRef = useRef(flow);
  flowRef.current = flow;
  useEffect(() => {
    const t = setTimeout(() => {
      if (Object.keys(useStore.getState().topology.nodes).length === 0) void flowRef.current.setViewport({ x: 0, y: 0, zoom: 1 });
      else void flowRef.current.fitView(FIT_VIEW_OPTIONS);
    }, 80);
    return () => clearTimeout(t);
  }, [lab]);
  // Also when the whole drawing is replaced under the same name (a restored revision, a workshop step's lab): no node of it is left.
  const drawn = useRef<string[]>([]);
  useEffect(() => {
    const names = Object.keys(topology.nodes);
    const replaced = names.length > 1 && !names.some((n) => drawn.current.includes(n));
    drawn.current = names;
    if (!replaced) return;
    const t = setTimeout(() => void flowRef.current.fitView(FIT_VIEW_OPTIONS), 80);
    return () => clearTimeout(t);
  }, [topology]);

  // A new trace: the view moves to its path.
  useEffect(() => {
    // The destination too: a packet dropped at its source has a path of one node.
    const on = [...(trace?.hops.map((h) => h.node) ?? []), trace?.toNode ?? ''].filter((n) => n in useStore.getState().topology.nodes);
    if (on.length === 0) return;
    void flowRef.current.fitView({ ...TRACE_VIEW, nodes: [...new Set(on)].map((id) => ({ id })), duration: reducedMotion() ? 0 : 400 });
  }, [trace]);

  const onNodesChange = useCallback((changes: NodeChange<Node<NodeData>>[]) => {
    // Drags, measurements and selection stay local; the topology changes on drag end; removals go through onDelete.
    setNodes((ns) =>
      applyNodeChanges(
        changes.filter((c) => c.type !== 'remove'),
        ns,
      ),
    );
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<Edge<LinkData>>[]) => {
    setEdges((es) =>
      applyEdgeChanges(
        changes.filter((c) => c.type !== 'remove'),
        es,
      ),
    );
  }, []);

  const onNodeDragStop = useCallback(
    (_e: unknown, _node: Node, dragged: Node[]) => {
      const t = useStore.getState().topology;
      apply(moveNodes(t, Object.fromEntries(dragged.map((n) => [n.id, n.position]))));
    },
    [apply],
  );

  const onSelectionChange = useCallback(({ nodes: ns, edges: es }: OnSelectionChangeParams) => {
    const next = { nodes: ns.map((n) => n.id), links: es.map((e) => (e.data as { index: number }).index).filter((i) => i >= 0) };
    const cur = useStore.getState().selection;
    if (JSON.stringify(next) !== JSON.stringify(cur)) useStore.getState().mirrorSelection(next);
  }, []);

  // Tracing: a click picks the destination, or shows the hop at that node; nothing is selected meanwhile.
  const onNodeClick = useCallback((_e: unknown, n: Node) => {
    const t = useTrace.getState();
    if (t.picking) t.pick(n.id);
    else if (t.result) {
      // A node met twice (a router hairpin): each click shows its next hop.
      const at = t.result.hops.flatMap((h, i) => (h.node === n.id ? [i] : []));
      const i = at.find((k) => k > t.step) ?? at[0];
      if (i !== undefined) t.show(i);
    }
  }, []);

  const isValidConnection = useCallback((c: Connection | Edge) => !connectionProblem(useStore.getState().topology, c.source, c.target), []);

  const onConnect = useCallback(
    (c: Connection) => {
      try {
        const { topology: next, index } = connect(useStore.getState().topology, c.source, c.target);
        apply(next);
        select({ nodes: [], links: [index] });
      } catch (e) {
        say((e as Error).message);
      }
    },
    [apply, select, say],
  );

  const onDelete = useCallback(
    ({ nodes: ns, edges: es }: { nodes: Node[]; edges: Edge[] }) => {
      const t = useStore.getState().topology;
      apply(
        removeElements(
          t,
          ns.map((n) => n.id),
          es.map((e) => (e.data as { index: number }).index).filter((i) => i >= 0),
        ),
      );
      select({ nodes: [], links: [] });
    },
    [apply, select],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      e.preventDefault();
      const kind = e.dataTransfer.getData(DRAG_MIME) as NodeKind;
      if (!kind) return;
      const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      // A bridge dropped onto a namespace (or the host) lives in it, drawn inside it.
      const target = document
        .elementsFromPoint(e.clientX, e.clientY)
        .find((el) => el.matches('.react-flow__node-netns, .react-flow__node-host'));
      const parent = kind === 'bridge' ? (target?.getAttribute('data-id') ?? undefined) : undefined;
      addAt(kind, parent ? { x: 24, y: 70 } : at, parent);
    },
    [flow],
  );

  return (
    <div className="canvas" ref={wrapper} onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onSelectionChange={onSelectionChange}
        onNodeClick={onNodeClick}
        elementsSelectable={!picking && !trace}
        onConnect={onConnect}
        onDelete={onDelete}
        isValidConnection={isValidConnection}
        connectionMode={ConnectionMode.Loose}
        deleteKeyCode={DELETE_KEYS}
        multiSelectionKeyCode={MULTI_KEYS}
        minZoom={0.1}
        proOptions={PRO_OPTIONS}
      >
        <Background gap={20} />
        <Controls />
        <MiniMap pannable zoomable style={MINIMAP_STYLE} />
      </ReactFlow>
      <TraceBanner />
    </div>
  );
}

/** Keeps what React Flow learned about elements (selection; measured size, so it need not measure again). */
function carryOver<T extends { id: string; selected?: boolean; measured?: unknown }>(next: T[], prev: T[]): T[] {
  const old = new Map(prev.map((x) => [x.id, x]));
  return next.map((x) => {
    const p = old.get(x.id);
    if (!p || (!p.selected && !p.measured)) return x;
    return { ...x, ...(p.selected ? { selected: true } : {}), ...(p.measured ? { measured: p.measured } : {}) };
  });
}

/** Adds a node at a flow position (for a bridge inside a namespace: relative to its box). */
export function addAt(kind: NodeKind, at: { x: number; y: number }, netns?: string): void {
  const { topology, apply, select, say } = useStore.getState();
  try {
    const { topology: next, name } = addNode(topology, kind, at, netns ? { netns } : {});
    apply(next);
    select({ nodes: [name], links: [] });
  } catch (e) {
    say((e as Error).message);
  }
}
