/**
 * Auto-layout with elkjs (loaded on demand): layered, with bridges kept inside
 * their namespace (a container is laid out as one block of its drawn size).
 *
 * - A lab with no positions gets a whole layout; `all` lays out again what has
 *   positions (the "Auto layout" button).
 * - Otherwise only the nodes without a position are placed, below the others:
 *   adding a node never moves what is there.
 * - Layered layouts are tried down and across, with and without the links
 *   between non-leaf nodes (two routers, two emulated hosts), and the one that
 *   fits the view at the largest zoom wins: readable at fit zoom.
 * - Many leaves on one hub (400 namespaces on a bridge) are a grid, not a column.
 */
import { LINK_KINDS, type Topology } from '@nslab/topology';
import type { ElkNode } from 'elkjs/lib/elk.bundled.js';
import { childSlots, nodeSize, parentOf, type Size } from './canvas/geometry';

export interface View {
  width: number;
  height: number;
}
type XY = { x: number; y: number };

const DEFAULT_VIEW: View = { width: 800, height: 440 };
/** A hub with this many leaves or more draws them as a grid. */
const GRID_FROM = 7;
const SPACE = 28;
const LAYER_GAP = 90;
/** Trying each variant costs a layout: only for labs of this many nodes or fewer. */
const TRY_UP_TO = 40;
/** As Canvas.tsx's fit. */
const MAX_ZOOM = 1.2;

export async function autoLayout(t: Topology, opts: { all?: boolean; view?: View } = {}): Promise<Topology> {
  const top = Object.keys(t.nodes).filter((n) => !parentOf(t, n));
  const unplaced = top.filter((n) => !t.nodes[n]!.position);
  if (!opts.all && unplaced.length === 0) return t;
  if (!opts.all && unplaced.length < top.length) return withPositions(t, placeBeside(t, unplaced));
  // Bridges go back to their slots inside their container; then the containers' sizes are final.
  const base = withPositions(t, opts.all || unplaced.length === top.length ? childPositions(t) : {});
  return withPositions(base, await layoutAll(base, top, opts.view ?? DEFAULT_VIEW));
}

function withPositions(t: Topology, positions: Record<string, XY>): Topology {
  const nodes = { ...t.nodes };
  for (const [name, p] of Object.entries(positions))
    if (nodes[name]) nodes[name] = { ...nodes[name]!, position: { x: Math.round(p.x), y: Math.round(p.y) } };
  return { ...t, nodes };
}

function childPositions(t: Topology): Record<string, XY> {
  const out: Record<string, XY> = {};
  const stripped = {
    ...t,
    nodes: Object.fromEntries(Object.entries(t.nodes).map(([n, s]) => [n, parentOf(t, n) ? { ...s, position: undefined } : s])),
  };
  for (const name of Object.keys(t.nodes)) Object.assign(out, childSlots(stripped, name));
  return out;
}

/** New nodes in rows under the drawing: nothing already placed moves. */
function placeBeside(t: Topology, names: string[]): Record<string, XY> {
  const placed = Object.keys(t.nodes).filter((n) => !parentOf(t, n) && t.nodes[n]!.position);
  const boxes = placed.map((n) => ({ ...t.nodes[n]!.position!, ...nodeSize(t, n) }));
  const left = Math.min(...boxes.map((b) => b.x));
  const right = Math.max(left + 800, ...boxes.map((b) => b.x + b.w));
  let x = left;
  let y = Math.max(...boxes.map((b) => b.y + b.h)) + SPACE * 2;
  let rowH = 0;
  const out: Record<string, XY> = {};
  for (const n of names) {
    const s = nodeSize(t, n);
    if (x > left && x + s.w > right) {
      x = left;
      y += rowH + SPACE;
      rowH = 0;
    }
    out[n] = { x, y };
    x += s.w + SPACE;
    rowH = Math.max(rowH, s.h);
  }
  return out;
}

interface Unit {
  id: string;
  size: Size;
  /** A grid of leaves: the nodes in it, row by row. */
  grid?: { names: string[]; cols: number; cell: Size };
}

async function layoutAll(t: Topology, top: string[], view: View): Promise<Record<string, XY>> {
  const unitOf = (n: string) => parentOf(t, n) ?? n;
  // Who is joined to whom, once per pair, in the order the lab lists them.
  const pairs = new Map<string, [string, string]>();
  const join = (a: string, b: string) => {
    const [x, y] = [unitOf(a), unitOf(b)];
    if (x !== y && !pairs.has(`${y}|${x}`)) pairs.set(`${x}|${y}`, [x, y]);
  };
  for (const l of t.links) join(l.endpoints[0].node, l.endpoints[1].node);
  for (const e of LINK_KINDS.flatMap((k) => k.edges?.(t) ?? [])) if (t.nodes[e.source] && t.nodes[e.target]) join(e.source, e.target);
  const neighbours = new Map<string, Set<string>>(top.map((n) => [n, new Set()]));
  for (const [a, b] of pairs.values()) {
    neighbours.get(a)!.add(b);
    neighbours.get(b)!.add(a);
  }
  const degree = (n: string) => neighbours.get(n)!.size;

  // Hubs with many leaves: the leaves become one grid.
  const units = new Map<string, Unit>(top.map((n) => [n, { id: n, size: nodeSize(t, n) }]));
  const inGrid = new Map<string, string>();
  for (const hub of top) {
    const leaves = [...neighbours.get(hub)!].filter((n) => degree(n) === 1 && !inGrid.has(n));
    if (leaves.length < GRID_FROM) continue;
    const cell = {
      w: Math.max(...leaves.map((n) => units.get(n)!.size.w)) + SPACE,
      h: Math.max(...leaves.map((n) => units.get(n)!.size.h)) + SPACE,
    };
    const cols = Math.max(1, Math.round(Math.sqrt((leaves.length * (view.width / view.height) * cell.h) / cell.w)));
    const id = `grid:${hub}`;
    units.set(id, { id, size: { w: cols * cell.w, h: Math.ceil(leaves.length / cols) * cell.h }, grid: { names: leaves, cols, cell } });
    for (const n of leaves) {
      units.delete(n);
      inGrid.set(n, id);
    }
  }
  const seen = new Set<string>();
  const edges = [...pairs.values()]
    // From the busier end to the quieter: hubs first, leaves after.
    .map(([a, b]) => (degree(a) < degree(b) ? [b, a] : [a, b]))
    .map(([a, b]) => [inGrid.get(a!) ?? a!, inGrid.get(b!) ?? b!] as [string, string])
    .filter(([a, b]) => a !== b && !seen.has(`${a}|${b}`) && seen.add(`${a}|${b}`));
  const leafish = (n: string) => units.get(n)?.grid !== undefined || degree(n) <= 1;
  const core = edges.filter(([a, b]) => leafish(a) || leafish(b));

  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const run = async (direction: 'DOWN' | 'RIGHT', es: Array<[string, string]>) => {
    const graph: ElkNode = {
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': direction,
        'elk.spacing.nodeNode': String(SPACE),
        'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
        'elk.spacing.componentComponent': String(SPACE * 1.5),
        'elk.aspectRatio': String(view.width / view.height),
        'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
        // Parts of the lab not joined for the layering keep the lab's order (router1 before router2).
        'elk.layered.considerModelOrder.components': 'MODEL_ORDER',
      },
      children: [...units.values()].map((u) => ({ id: u.id, width: u.size.w, height: u.size.h })),
      edges: es.map(([a, b], i) => ({ id: `e${i}`, sources: [a], targets: [b] })),
    };
    const g = await elk.layout(graph);
    // The canvas never zooms in past MAX_ZOOM to fit: beyond it, smaller is no better.
    const fit = Math.min(MAX_ZOOM, view.width / ((g.width ?? 1) * 1.2), view.height / ((g.height ?? 1) * 1.2));
    return { g, fit };
  };
  const variants: Array<['DOWN' | 'RIGHT', Array<[string, string]>]> =
    units.size > TRY_UP_TO
      ? [['DOWN', edges]]
      : [
          // Across first: cables leave nodes sideways, so they run straight.
          ['RIGHT', edges],
          ['DOWN', edges],
          ...(core.length < edges.length
            ? ([
                ['RIGHT', core],
                ['DOWN', core],
              ] as Array<['DOWN' | 'RIGHT', Array<[string, string]>]>)
            : []),
        ];
  let best: Awaited<ReturnType<typeof run>> | undefined;
  for (const [dir, es] of variants) {
    const r = await run(dir, es);
    // A clear gain only: the first variants keep every link in the layering.
    if (!best || r.fit > best.fit * 1.08) best = r;
  }

  const out: Record<string, XY> = {};
  for (const c of best!.g.children ?? []) {
    const u = units.get(c.id)!;
    const at = { x: c.x ?? 0, y: c.y ?? 0 };
    if (!u.grid) out[c.id] = at;
    else
      u.grid.names.forEach((n, i) => {
        out[n] = { x: at.x + (i % u.grid!.cols) * u.grid!.cell.w, y: at.y + Math.floor(i / u.grid!.cols) * u.grid!.cell.h };
      });
  }
  return out;
}
