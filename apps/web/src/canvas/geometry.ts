/**
 * How big each drawn node is, from its content: the layout needs sizes before
 * React measures anything, and containers (a namespace holding bridges) are
 * sized from their bridges. Text inside nodes is monospace (canvas.css), so a
 * line's width is its length times one character's width.
 */
import { LIST_KINDS, listed, type NodeSpec, type Topology } from '@nslab/topology';
import { nodeFacts } from './nodeFacts';

/** Pixels at zoom 1; canvas.css uses the same numbers. */
export const CHAR = 7.83; // 13px DejaVu Sans Mono
export const NAME_CHAR = 9.04; // 15px bold
export const LINE = 20; // an interface row, a route line
export const HEAD = 30;
export const PAD_X = 12;
export const BADGE = 38;
/**
 * Room in every title for one status badge ("!2" errors, "✓3" checks): they
 * come and go with validation and check runs, which the layout never sees,
 * and a title that lacks the room cuts its node's name or pushes the badge
 * past the node's border.
 */
export const STATUS_BADGE = 30;
/** Inside a container: the margin around its bridges. */
export const INSET = 14;
export const GAP = 16;

export interface Size {
  w: number;
  h: number;
}

/** The interfaces a node shows as rows: its veth ends and its listed interfaces (vxlans, macvlans). */
export function interfacesOf(t: Topology, name: string): Array<{ name: string; addresses: string[]; kind: string }> {
  const rows: Array<{ name: string; addresses: string[]; kind: string }> = [];
  for (const l of t.links)
    for (const e of l.endpoints) if (e.node === name) rows.push({ name: e.name, addresses: e.addresses ?? [], kind: 'veth' });
  for (const k of LIST_KINDS)
    for (const { node, item } of listed(t, k.list!.field))
      if (node === name) rows.push({ name: item.name, addresses: item.addresses ?? [], kind: k.kind });
  return rows;
}

/** A node with more interfaces than this shows how many instead (a bridge with 400 ports); their cables use its plain handles. */
export const MAX_ROWS = 12;

/** The rows a node draws, or the one line that counts them. */
export function shownInterfaces(t: Topology, name: string): { rows: ReturnType<typeof interfacesOf>; summary?: string } {
  const rows = interfacesOf(t, name);
  return rows.length > MAX_ROWS ? { rows: [], summary: `${rows.length} interfaces` } : { rows };
}

/** Bridges drawn inside a namespace (or the host) node: its children. */
export function childrenOf(t: Topology, name: string): string[] {
  const n = t.nodes[name];
  if (!n || n.kind === 'bridge') return [];
  return Object.entries(t.nodes)
    .filter(([, b]) => b.kind === 'bridge' && b.netns === name)
    .map(([b]) => b);
}

/** The node that draws `name` inside it, if any. */
export function parentOf(t: Topology, name: string): string | undefined {
  const n = t.nodes[name];
  return n?.kind === 'bridge' && n.netns && t.nodes[n.netns] && t.nodes[n.netns]!.kind !== 'bridge' ? n.netns : undefined;
}

const rowWidth = (r: { name: string; addresses: string[] }) =>
  PAD_X * 2 + 10 + (r.name.length + (r.addresses.length ? 1 + r.addresses.join(' ').length : 0)) * CHAR;

/** Width and height of a node's own content (for a container: above its bridges). */
export function contentSize(t: Topology, name: string): Size {
  const n = t.nodes[name] as NodeSpec;
  const facts = nodeFacts(n);
  const { rows, summary } = shownInterfaces(t, name);
  const lines = [...facts.lines, ...(n.label ? [n.label.slice(0, 40)] : []), ...(summary ? [summary] : [])];
  const head = PAD_X * 2 + 26 + name.length * NAME_CHAR + facts.badges.length * BADGE + STATUS_BADGE + 30;
  const w = Math.max(n.kind === 'bridge' ? 130 : 150, head, ...lines.map((l) => PAD_X * 2 + l.length * CHAR), ...rows.map(rowWidth));
  const h = HEAD + 6 + (lines.length + rows.length) * LINE + 4;
  return { w: Math.ceil(w), h };
}

/** Where a container's bridges go when they have no position: side by side below its own content. */
export function childSlots(t: Topology, name: string): Record<string, { x: number; y: number }> {
  const top = contentSize(t, name).h + 4;
  let x = INSET;
  const slots: Record<string, { x: number; y: number }> = {};
  for (const c of childrenOf(t, name)) {
    slots[c] = { x, y: top };
    x += contentSize(t, c).w + GAP;
  }
  return slots;
}

/** A node's drawn size; a container's encloses its bridges where they are (stored or slotted). */
export function nodeSize(t: Topology, name: string): Size {
  const own = contentSize(t, name);
  const kids = childrenOf(t, name);
  if (kids.length === 0) return own;
  const slots = childSlots(t, name);
  let { w, h } = own;
  for (const c of kids) {
    const at = t.nodes[c]!.position ?? slots[c]!;
    const s = contentSize(t, c);
    w = Math.max(w, at.x + s.w + INSET);
    h = Math.max(h, at.y + s.h + INSET);
  }
  return { w: Math.ceil(w), h: Math.ceil(h) };
}
