import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  Controls,
  ControlButton,
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
import { addNode, connect, connectionProblem, moveNodes, removeElements, type NodeKind, type Topology } from '@nslab/topology';
import { useShallow } from 'zustand/react/shallow';
import { shownIssues, useStore } from '../store';
import { EDGE_TYPES } from './VethEdge';
import { NODE_TYPES } from './nodes';
import { toFlow, type LinkData, type NodeData } from './toFlow';
import { useTraffic } from '../live/useTraffic';
import { TraceBanner } from '../trace/TraceBanner';
import { lightUp, sourceLights, traceLights } from '../trace/traceLights';
import { reducedMotion, useTrace } from '../trace/useTrace';
import { recall } from '../share/designerMemory';
import { usePath } from '../live/pathLights';
import { autoLayout } from '../layout';
import { canvasRef, canvasView } from './canvasView';
import { parentOf } from './geometry';

export const DRAG_MIME = 'application/x-nslab-kind';

// Props React Flow copies into its store whenever their identity changes: keep them constant.
const FIT_VIEW_OPTIONS = { maxZoom: 1.2 };
const DELETE_KEYS = ['Delete', 'Backspace'];
const MULTI_KEYS = ['Shift', 'Meta', 'Control'];
const PRO_OPTIONS = { hideAttribution: true };
const MINIMAP_STYLE = { width: 150, height: 100 };
const MINIMAP_FROM = 12;
// Room around a trace's path for the verdict written under the node where it ends.
const TRACE_VIEW = { padding: { top: '40px', left: '40px', right: '150px', bottom: '150px' }, maxZoom: 1.2 } as const;

/** The drawing: derived from the store's topology; every edit goes back through it. */
export function Canvas() {
  const topology = useStore((s) => s.topology);
  // Host-name clashes (the status's conflicts) mark their node like validation errors do.
  const issues = useStore(useShallow(shownIssues));
  const status = useStore((s) => s.status);
  const focus = useStore((s) => s.focus);
  const apply = useStore((s) => s.apply);
  const select = useStore((s) => s.select);
  const say = useStore((s) => s.say);
  const flow = useReactFlow();

  const traffic = useTraffic();
  const checkResults = useStore((s) => s.checkResults);
  const running = useStore((s) => s.progress?.running ?? false);
  const trace = useTrace((s) => s.result);
  const traceStep = useTrace((s) => s.step);
  const picking = useTrace((s) => s.picking);
  const path = usePath((s) => s.shown);
  const laid = useLaidOut(topology);
  const derived = useMemo(() => {
    const drawn = toFlow(topology, issues, status, running, traffic, checkResults, laid);
    const lights = trace ? traceLights(topology, trace, traceStep) : picking ? sourceLights(picking.from) : (path?.lights ?? null);
    return lightUp(drawn.nodes, drawn.edges, lights);
  }, [topology, issues, status, running, traffic, checkResults, laid, trace, traceStep, picking, path]);
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
      // The view this lab had (share/designerMemory.ts), else the whole drawing.
      const had = lab ? recall(lab)?.viewport : undefined;
      if (Object.keys(useStore.getState().topology.nodes).length === 0) void flowRef.current.setViewport({ x: 0, y: 0, zoom: 1 });
      else void (had ? flowRef.current.setViewport(had) : flowRef.current.fitView(FIT_VIEW_OPTIONS));
    }, 80);
    return () => clearTimeout(t);
  }, [lab]);
  // Also when the whole drawing is replaced under the same name (a restored revision, a workshop step's lab): no node of it is left.
  const drawn = useRef<string[]>([]);
  const drawnLab = useRef<string | null>(null);
  useEffect(() => {
    const names = Object.keys(topology.nodes);
    const sameLab = drawnLab.current === useStore.getState().lab; // another lab opened: the effect above places it
    const replaced = sameLab && names.length > 1 && !names.some((n) => drawn.current.includes(n));
    drawn.current = names;
    drawnLab.current = useStore.getState().lab;
    if (!replaced) return;
    const t = setTimeout(() => void flowRef.current.fitView(FIT_VIEW_OPTIONS), 80);
    return () => clearTimeout(t);
  }, [topology]);
  // And when a lab without positions has been laid out (elk answers after the lab opened).
  const laidSome = Object.keys(laid).length > 0;
  useEffect(() => {
    if (!laidSome) return;
    const t = setTimeout(() => void flowRef.current.fitView(FIT_VIEW_OPTIONS), 50);
    return () => clearTimeout(t);
  }, [laidSome, lab]);

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
      // Nodes shown where the auto-layout put them are kept there too: moving one never reshuffles the rest.
      const shown = flow.getNodes().filter((n) => !t.nodes[n.id]?.position && !parentOf(t, n.id));
      apply(moveNodes(t, Object.fromEntries([...shown, ...dragged].map((n) => [n.id, n.position]))));
    },
    [apply, flow],
  );

  const tidy = useCallback(async () => {
    const t = useStore.getState().topology;
    const next = await autoLayout(t, { all: true, view: canvasView() });
    if (useStore.getState().topology !== t) return; // edited meanwhile
    apply(next);
    setTimeout(() => void flowRef.current.fitView(FIT_VIEW_OPTIONS), 50);
  }, [apply]);

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
    <div className="canvas" ref={canvasRef} onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
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
        <Controls fitViewOptions={FIT_VIEW_OPTIONS}>
          <ControlButton
            aria-label="Auto layout"
            title="Auto layout: lay the drawing out again (layered, bridges inside their namespaces)"
            onClick={() => void tidy().catch((e: Error) => say(e.message))}
          >
            <svg viewBox="0 0 20 20" aria-hidden="true">
              <path d="M3 3h5v5H3zM12 12h5v5h-5zM3 12h5v5H3zM5.5 8v4M8 14.5h4" fill="none" stroke="currentColor" strokeWidth="1.6" />
            </svg>
          </ControlButton>
        </Controls>
        {/* A small lab fits the canvas: the map would only cover part of it. */}
        {nodes.length > MINIMAP_FROM && <MiniMap pannable zoomable style={MINIMAP_STYLE} />}
      </ReactFlow>
      <TraceBanner />
    </div>
  );
}

/**
 * Positions for the nodes the lab has none for (a lab made by the API, a
 * workshop's lab, a line added to the YAML): the auto-layout, shown and not
 * saved until the user moves a node.
 */
function useLaidOut(t: Topology): Record<string, { x: number; y: number }> {
  const [laid, setLaid] = useState<Record<string, { x: number; y: number }>>({});
  const unplaced = Object.keys(t.nodes).filter((n) => !t.nodes[n]!.position && !parentOf(t, n));
  const key = unplaced.join('\n');
  useEffect(() => {
    if (!key) return;
    let live = true;
    void autoLayout(t, { view: canvasView() }).then((r) => {
      if (live) setLaid(Object.fromEntries(key.split('\n').map((n) => [n, r.nodes[n]!.position!])));
    });
    return () => {
      live = false;
    };
    // Laid out again only when the set of nodes without a position changes, not on every edit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return key ? laid : EMPTY_LAID;
}
const EMPTY_LAID = {};

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
