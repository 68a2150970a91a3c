/** Canvas nodes and edges, derived from the topology (never stored separately). */
import type { Edge, Node } from '@xyflow/react';
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

export interface NodeData extends Record<string, unknown> {
  name: string;
  kind: 'netns' | 'host' | 'bridge';
  label?: string;
  state?: ElementState;
  errors: string[];
  interfaces: Array<{ name: string; addresses: string[] }>;
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

const W = { netns: 170, host: 190, bridge: 130 };
const PAD = 24;

export function toFlow(
  t: Topology,
  issues: TopologyIssue[],
  status: LabStatus | null,
  busy: boolean,
  traffic: Record<number, { aToB: number; bToA: number }> = {},
  checks: CheckResult[] | null = null,
) {
  const checksOf = (name: string) => {
    const mine = (checks ?? []).filter((r) => ('from' in r.check ? r.check.from : r.check.in) === name);
    return mine.length ? { checks: { pass: mine.filter((r) => r.ok).length, fail: mine.filter((r) => !r.ok).length } } : {};
  };
  const errorsOf = (prefix: (string | number)[]) =>
    issues.filter((i) => i.severity !== 'warning' && prefix.every((p, k) => i.path[k] === p)).map(formatIssue);
  const ifaces = new Map<string, NodeData['interfaces']>();
  t.links.forEach((l) =>
    l.endpoints.forEach((e) => ifaces.set(e.node, [...(ifaces.get(e.node) ?? []), { name: e.name, addresses: e.addresses ?? [] }])),
  );
  // Interfaces declared in the node itself (vxlans, macvlans) are its interfaces too.
  for (const k of LIST_KINDS) {
    for (const { node, item } of listed(t, k.list!.field))
      ifaces.set(node, [...(ifaces.get(node) ?? []), { name: item.name, addresses: item.addresses ?? [] }]);
  }

  const entries = Object.entries(t.nodes);
  const children = new Map<string, string[]>();
  for (const [name, n] of entries) {
    if (n.kind === 'bridge' && n.netns && t.nodes[n.netns] && t.nodes[n.netns]!.kind !== 'bridge')
      children.set(n.netns, [...(children.get(n.netns) ?? []), name]);
  }
  const nodes: Node<NodeData>[] = [];
  const add = (name: string, i: number) => {
    const n = t.nodes[name]!;
    const parent = n.kind === 'bridge' && n.netns && children.get(n.netns)?.includes(name) ? n.netns : undefined;
    const kids = children.get(name) ?? [];
    const pos =
      n.position ?? (parent ? { x: PAD + kids.indexOf(name) * 150, y: 70 } : { x: 60 + (i % 6) * 230, y: 60 + Math.floor(i / 6) * 200 });
    const node: Node<NodeData> = {
      id: name,
      type: n.kind,
      position: pos,
      data: {
        name,
        kind: n.kind,
        ...(n.label ? { label: n.label } : {}),
        ...(busy ? { state: 'deploying' as const } : status?.nodes[name] ? { state: status.nodes[name] } : {}),
        // A namespace also shows the errors of its interfaces: their addresses are edited from it.
        errors: [
          ...errorsOf(['nodes', name]),
          ...t.links.flatMap((l, i) =>
            l.endpoints.flatMap((e, end) => (e.node === name && n.kind !== 'bridge' ? errorsOf(['links', i, 'endpoints', end]) : [])),
          ),
        ],
        interfaces: n.kind === 'bridge' ? [] : (ifaces.get(name) ?? []),
        ...checksOf(name),
      },
      ...(parent ? { parentId: parent, extent: 'parent' as const } : {}),
    };
    if (kids.length > 0) {
      // A namespace holding bridges is drawn as a box around them: an emulated host.
      const inner = kids.map((k) => t.nodes[k]!.position ?? { x: PAD + kids.indexOf(k) * 150, y: 70 });
      node.style = {
        width: Math.max(W[n.kind as 'netns'], ...inner.map((p) => p.x + W.bridge + PAD)),
        height: Math.max(150, ...inner.map((p) => p.y + 70 + PAD)),
      };
    }
    nodes.push(node);
  };
  // Parents before their children, as React Flow requires.
  entries.forEach(([name, n], i) => !(n.kind === 'bridge' && n.netns && children.get(n.netns)?.includes(name)) && add(name, i));
  entries.forEach(([name, n], i) => n.kind === 'bridge' && n.netns && children.get(n.netns)?.includes(name) && add(name, i));

  const edges: Edge<LinkData>[] = t.links.map((l, index) => ({
    id: `link-${index}`,
    source: l.endpoints[0].node,
    target: l.endpoints[1].node,
    sourceHandle: 's',
    targetHandle: 't',
    type: 'veth',
    data: {
      index,
      ends: [l.endpoints[0].name, l.endpoints[1].name],
      addresses: [l.endpoints[0].addresses ?? [], l.endpoints[1].addresses ?? []],
      ...(busy ? { state: 'deploying' as const } : status?.links[index] ? { state: status.links[index] } : {}),
      errors: errorsOf(['links', index]),
      ...linkMarks(l),
      ...(traffic[index]
        ? { pps: [traffic[index]!.aToB, traffic[index]!.bToA] as [number, number], active: traffic[index]!.aToB + traffic[index]!.bToA > 0 }
        : {}),
    },
  }));
  // Edges a kind draws besides veth links: VXLAN overlays, macvlans to their parent.
  const overlay: Edge<LinkData>[] = LINK_KINDS.flatMap((k) => k.edges?.(t) ?? [])
    .filter((e) => t.nodes[e.source] && t.nodes[e.target])
    .map((e) => ({
      ...e,
      sourceHandle: 's',
      targetHandle: 't',
      type: 'default',
      className: 'overlay',
      selectable: false,
      data: { index: -1, ends: ['', ''], addresses: [[], []], errors: [] },
    }));
  return { nodes, edges: [...edges, ...overlay] };
}
