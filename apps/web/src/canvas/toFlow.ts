/** Canvas nodes and edges, derived from the topology (never stored separately). */
import { Position, type Edge, type Node } from '@xyflow/react';
import {
  formatIssue,
  linkMarks,
  LINK_KINDS,
  LIST_KINDS,
  listed,
  type CheckResult,
  type Topology,
  type TopologyIssue,
} from '@nslab/topology';
import type { ElementState, LabStatus } from '../api';
import type { TraceMark } from '../trace/traceLights';
import { childSlots, nodeSize, parentOf, shownInterfaces } from './geometry';
import { nodeFacts, type Badge } from './nodeFacts';
import type { IconKind } from './icons';

export interface InterfaceRow {
  name: string;
  addresses: string[];
  /** veth, vxlan, macvlan: the link kind. */
  kind: string;
  /** The border its edge leaves from: the side its peer is on. */
  side: 'left' | 'right';
  /** What its overlay edge says (`VXLAN 1`), shown on hover. */
  note?: string;
}

export interface NodeData extends Record<string, unknown> {
  name: string;
  kind: 'netns' | 'host' | 'bridge';
  icon: IconKind;
  label?: string;
  state?: ElementState;
  /** Deployed, but its namespace (or bridge) is gone from the host: drawn faded, with Repair. */
  missing?: boolean;
  errors: string[];
  interfaces: InterfaceRow[];
  /** Forwarding, NAT, firewall. */
  badges: Badge[];
  /** A bridge's addresses, a namespace's routes. */
  lines: string[];
  /** It draws bridges inside it. */
  container?: boolean;
  /** Results of the lab's checks run from this node: passed and failed. */
  checks?: { pass: number; fail: number };
  /** Lit by the trace shown on the canvas. */
  trace?: TraceMark;
}

export interface LinkData extends Record<string, unknown> {
  index: number;
  ends: [string, string];
  addresses: [string[], string[]];
  state?: ElementState;
  errors: string[];
  /** Either end is administratively down (`up: false`). */
  down?: boolean;
  /** Its impairments in short (`50ms 5%`). */
  badge?: string;
  /** Packets per second, a→b and b→a, while deployed. */
  pps?: [number, number];
  active?: boolean;
}

type XY = { x: number; y: number };
const DEPLOYED: Array<LabStatus['state']> = ['deployed', 'drift', 'failed'];

/** The handle of one interface row (nodes.tsx draws it). */
export const ifHandle = (ifname: string) => `if:${ifname}`;

/**
 * `laid`: positions for nodes the topology has none for (the auto-layout shown
 * until the user moves something); without either, a plain grid.
 */
export function toFlow(
  t: Topology,
  issues: TopologyIssue[],
  status: LabStatus | null,
  busy: boolean,
  traffic: Record<number, { aToB: number; bToA: number }> = {},
  checks: CheckResult[] | null = null,
  laid: Record<string, XY> = {},
) {
  const checksOf = (name: string) => {
    const mine = (checks ?? []).filter((r) => ('from' in r.check ? r.check.from : r.check.in) === name);
    return mine.length ? { checks: { pass: mine.filter((r) => r.ok).length, fail: mine.filter((r) => !r.ok).length } } : {};
  };
  const errorsOf = (prefix: (string | number)[]) =>
    issues.filter((i) => i.severity !== 'warning' && prefix.every((p, k) => i.path[k] === p)).map(formatIssue);

  const names = Object.keys(t.nodes);
  const sizes = new Map(names.map((n) => [n, nodeSize(t, n)]));
  const slots = new Map<string, Record<string, XY>>();
  const relative = (name: string, i: number): XY => {
    const n = t.nodes[name]!;
    const parent = parentOf(t, name);
    if (parent) {
      if (!slots.has(parent)) slots.set(parent, childSlots(t, parent));
      return n.position ?? slots.get(parent)![name]!;
    }
    return n.position ?? laid[name] ?? { x: 60 + (i % 6) * 260, y: 60 + Math.floor(i / 6) * 220 };
  };
  const rel = new Map(names.map((n, i) => [n, relative(n, i)]));
  const centre = (name: string): XY => {
    const parent = parentOf(t, name);
    const at = rel.get(name)!;
    const base = parent ? rel.get(parent)! : { x: 0, y: 0 };
    const s = sizes.get(name)!;
    return { x: base.x + at.x + s.w / 2, y: base.y + at.y + s.h / 2 };
  };

  // Each interface row's peer, to put its handle on the side facing it.
  const peers = new Map<string, string>();
  const summed = new Set(names.filter((n) => shownInterfaces(t, n).summary));
  const handleOf = (node: string, ifname: string, plain: 's' | 't') => (summed.has(node) ? plain : ifHandle(ifname));
  const edges: Edge<LinkData>[] = t.links.map((l, index) => {
    const [a, b] = l.endpoints;
    peers.set(`${a.node}/${a.name}`, b.node);
    peers.set(`${b.node}/${b.name}`, a.node);
    return {
      id: `link-${index}`,
      source: a.node,
      target: b.node,
      sourceHandle: handleOf(a.node, a.name, 's'),
      targetHandle: handleOf(b.node, b.name, 't'),
      type: 'veth',
      data: {
        index,
        ends: [a.name, b.name],
        addresses: [a.addresses ?? [], b.addresses ?? []],
        ...(busy ? { state: 'deploying' as const } : status?.links[index] ? { state: status.links[index] } : {}),
        errors: errorsOf(['links', index]),
        ...linkMarks(l),
        ...(traffic[index]
          ? {
              pps: [traffic[index]!.aToB, traffic[index]!.bToA] as [number, number],
              active: traffic[index]!.aToB + traffic[index]!.bToA > 0,
            }
          : {}),
      },
    };
  });

  // Edges a kind draws besides veth links (VXLAN overlays, macvlans to their parent), from the interface row they belong to.
  const items = LIST_KINDS.flatMap((k) =>
    listed(t, k.list!.field).map(({ node, item }) => ({ node, item: item as { name: string; bridge?: string } })),
  );
  const rowOf = (end: string, label: string): { node: string; handle?: string } => {
    const own = items.filter((i) => i.node === end);
    const named = own.find((i) => new RegExp(`(^|\\s)${i.item.name.replace(/[^\w-]/g, '\\$&')}($|\\s)`).test(label));
    const found = named ?? items.find((i) => i.item.bridge === end) ?? (own.length === 1 ? own[0] : undefined);
    return found && !summed.has(found.node) ? { node: found.node, handle: ifHandle(found.item.name) } : { node: end };
  };
  const notes = new Map<string, string>();
  const overlay: Edge<LinkData>[] = LINK_KINDS.flatMap((k) => k.edges?.(t) ?? [])
    .filter((e) => t.nodes[e.source] && t.nodes[e.target])
    .map((e) => {
      const [s, d] = [rowOf(e.source, e.label ?? ''), rowOf(e.target, e.label ?? '')];
      if (s.handle) peers.set(`${s.node}/${s.handle.slice(3)}`, d.node);
      if (d.handle) peers.set(`${d.node}/${d.handle.slice(3)}`, s.node);
      // Its words go on its rows (a label in the short gap between two nodes would cover them).
      for (const end of [s, d]) if (end.handle && e.label) notes.set(`${end.node}/${end.handle.slice(3)}`, e.label);
      const { label, ...edge } = e;
      return {
        ...edge,
        ...(s.handle && d.handle ? {} : { label }),
        source: s.node,
        target: d.node,
        sourceHandle: s.handle ?? 's',
        targetHandle: d.handle ?? 't',
        type: 'smoothstep',
        pathOptions: { offset: 24, borderRadius: 10 },
        className: 'overlay',
        selectable: false,
        data: { index: -1, ends: ['', ''], addresses: [[], []], errors: [] },
      };
    });

  const missing = (name: string) =>
    !!status && !busy && DEPLOYED.includes(status.state) && status.present.length > 0 && !status.present.includes(name);
  const nodes: Node<NodeData>[] = [];
  const add = (name: string) => {
    const n = t.nodes[name]!;
    const parent = parentOf(t, name);
    const me = centre(name);
    const shown = shownInterfaces(t, name);
    const peerOf = (r: { name: string }) => {
      const p = peers.get(`${name}/${r.name}`);
      return p && t.nodes[p] ? centre(p) : undefined;
    };
    // Peers straight above or below: the cable runs down the side the node's other cables do not use.
    const sideways = shown.rows.map(peerOf).filter((p): p is XY => !!p && Math.abs(p.x - me.x) > Math.abs(p.y - me.y));
    const free = sideways.filter((p) => p.x > me.x).length > sideways.filter((p) => p.x < me.x).length ? 'left' : 'right';
    const rows: InterfaceRow[] = shown.rows.map((r) => {
      const peer = peerOf(r);
      const note = notes.get(`${name}/${r.name}`);
      return { ...r, side: peer ? sideFacing(me, peer, free) : ('right' as const), ...(note ? { note } : {}) };
    });
    const facts = nodeFacts(n);
    const kids = names.some((c) => parentOf(t, c) === name);
    const size = sizes.get(name)!;
    nodes.push({
      id: name,
      type: n.kind,
      position: rel.get(name)!,
      data: {
        name,
        kind: n.kind,
        icon: n.kind === 'netns' && facts.badges.some((b) => b.key === 'fwd') ? 'router' : n.kind,
        ...(n.label ? { label: n.label } : {}),
        ...(busy ? { state: 'deploying' as const } : status?.nodes[name] ? { state: status.nodes[name] } : {}),
        ...(missing(name) ? { missing: true } : {}),
        // A namespace also shows the errors of its interfaces: their addresses are edited from it.
        errors: [
          ...errorsOf(['nodes', name]),
          ...t.links.flatMap((l, i) =>
            l.endpoints.flatMap((e, end) => (e.node === name && n.kind !== 'bridge' ? errorsOf(['links', i, 'endpoints', end]) : [])),
          ),
        ],
        interfaces: rows,
        badges: facts.badges,
        lines: shown.summary ? [...facts.lines, shown.summary] : facts.lines,
        ...(kids ? { container: true } : {}),
        ...checksOf(name),
      },
      // A namespace holding bridges is a box around them (an emulated host); every node is as wide as the layout thought.
      style: kids ? { width: size.w, height: size.h } : { width: size.w },
      ...(parent ? { parentId: parent, extent: 'parent' as const } : {}),
    });
  };
  // Parents before their children, as React Flow requires.
  names.filter((n) => !parentOf(t, n)).forEach(add);
  names.filter((n) => parentOf(t, n)).forEach(add);
  return { nodes, edges: [...edges, ...overlay] };
}

/**
 * The border a cable leaves from. Side by side: the side facing the peer.
 * One above the other: both ends on the side the lower one leans to, so the
 * cable runs down beside the nodes instead of across them; straight above or
 * below, on the side free of the node's other cables (`free`).
 */
export function sideFacing(me: XY, peer: XY, free: 'left' | 'right' = 'right'): 'left' | 'right' {
  if (Math.abs(peer.y - me.y) <= Math.abs(peer.x - me.x)) return peer.x < me.x ? 'left' : 'right';
  const [upper, lower] = peer.y < me.y ? [peer, me] : [me, peer];
  // Straight above or below: the side that is free of other cables.
  if (Math.abs(lower.x - upper.x) < ALIGNED) return free;
  return lower.x < upper.x ? 'left' : 'right';
}
/** Centres closer than this across are one above the other. */
const ALIGNED = 40;

/** Where a row's handle sits. */
export const SIDE = { left: Position.Left, right: Position.Right } as const;
