/**
 * Edits a designer makes, as pure functions from topology to topology. The
 * canvas and inspector call these, never mutate a topology themselves.
 * Names they invent are valid and unique; addresses they suggest come from
 * the lab's own subnets, or a free 10.0.N.0/24.
 */
import { cidrContains, parseCidr } from './net.js';
import { isIfName } from './names.js';
import { resolveTopology, scopeKeyOf, type ResolvedTopology } from './resolveTopology.js';
import { LIST_KINDS } from './kinds/index.js';
import type { EndpointSpec, LinkSpec, NamespaceNode, NodeSpec, Topology } from './schema.js';

export type NodeKind = NodeSpec['kind'];
export type Position = { x: number; y: number };

const PREFIX: Record<NodeKind, string> = { netns: 'ns', bridge: 'br', host: 'host' };

/** A node name not used yet: ns1, ns2, … br0, … host. */
export function freeNodeName(t: Topology, kind: NodeKind): string {
  if (kind === 'host' && !t.nodes.host) return 'host';
  for (let i = kind === 'bridge' ? 0 : 1; ; i++) {
    const name = `${PREFIX[kind]}${i}`;
    if (!t.nodes[name]) return name;
  }
}

/**
 * Adds a node. A bridge dropped inside a namespace node lives in it.
 *
 * @example
 * addNode(t, 'netns', { x: 10, y: 20 }) // { topology, name: 'ns1' }
 */
export function addNode(
  t: Topology,
  kind: NodeKind,
  position: Position,
  opts: { netns?: string } = {},
): { topology: Topology; name: string } {
  if (kind === 'host' && Object.values(t.nodes).some((n) => n.kind === 'host')) {
    throw new Error('a lab has at most one host node');
  }
  const name = freeNodeName(t, kind);
  const node = (
    kind === 'bridge'
      ? { kind, ...(opts.netns ? { netns: opts.netns } : {}), position: round(position) }
      : { kind, position: round(position) }
  ) as NodeSpec;
  return { topology: { ...t, nodes: { ...t.nodes, [name]: node } }, name };
}

/** Why two nodes cannot be joined by a veth link, or undefined when they can. */
export function connectionProblem(t: Topology, a: string, b: string): string | undefined {
  if (!t.nodes[a] || !t.nodes[b]) return 'both ends must be nodes of the lab';
  if (a === b) return 'a veth link joins two different nodes';
  return undefined;
}

/**
 * Joins two nodes with a veth link: interface names unique in their
 * namespaces (eth0, eth1… inside namespaces, veth-<peer> elsewhere) and
 * addresses from the segment's subnet (a bridge's) or a free /24.
 */
export function connect(t: Topology, a: string, b: string): { topology: Topology; index: number } {
  const problem = connectionProblem(t, a, b);
  if (problem) throw new Error(problem);
  const r = resolveTopology(t);
  const taken = new Map<string, Set<string>>();
  const names = (node: string) => {
    const key = r.scopeOfNode.get(node)!;
    if (!taken.has(key)) taken.set(key, new Set(['lo', ...(r.scopes.get(key)?.interfaces.keys() ?? [])]));
    return taken.get(key)!;
  };
  const endA: EndpointSpec = { node: a, name: pickIfName(t, a, b, names(a)) };
  names(a).add(endA.name);
  const endB: EndpointSpec = { node: b, name: pickIfName(t, b, a, names(b)) };
  const [addrA, addrB] = suggestAddresses(t, r, a, b);
  if (addrA) endA.addresses = [addrA];
  if (addrB) endB.addresses = [addrB];
  return { topology: { ...t, links: [...t.links, { endpoints: [endA, endB] }] }, index: t.links.length };
}

function pickIfName(t: Topology, node: string, peer: string, used: Set<string>): string {
  const kind = t.nodes[node]!.kind;
  const unique = (base: string) => {
    const stem = base.slice(0, 15);
    if (!used.has(stem) && isIfName(stem)) return stem;
    for (let i = 1; ; i++) {
      const cand = `${base.slice(0, 15 - String(i).length)}${i}`;
      if (!used.has(cand) && isIfName(cand)) return cand;
    }
  };
  if (kind === 'netns') {
    for (let i = 0; ; i++) if (!used.has(`eth${i}`)) return `eth${i}`;
  }
  const clean = peer.replace(/[^A-Za-z0-9_.-]/g, '');
  return unique(`veth-${clean}`);
}

/** Addresses for a new link's ends (bridge ports get none: the bridge holds the segment's gateway). */
function suggestAddresses(t: Topology, r: ResolvedTopology, a: string, b: string): [string | undefined, string | undefined] {
  const kinds = [t.nodes[a]!.kind, t.nodes[b]!.kind];
  const bridgeEnd = kinds[0] === 'bridge' ? 0 : kinds[1] === 'bridge' ? 1 : -1;
  const used = usedAddresses(r);
  if (bridgeEnd >= 0) {
    if (kinds[0] === 'bridge' && kinds[1] === 'bridge') return [undefined, undefined];
    const bridge = bridgeEnd === 0 ? a : b;
    // The segment's subnet: the bridge's own address, else any address already on the segment, else a fresh /24 (.1 left for a gateway).
    const scope = r.scopes.get(r.scopeOfNode.get(bridge)!)!;
    const segment = scope.interfaces.get(bridge)?.[0]?.segment;
    const onSegment = [...r.scopes.values()]
      .flatMap((s) => [...s.interfaces.values()].flat())
      .filter((i) => i.segment === segment)
      .flatMap((i) => i.addresses);
    const known = onSegment.map((x) => x.cidr).find((c) => c?.family === 4);
    const addr = known ? nextFree(known.ip, known.prefix, used) : `10.0.${freeSubnet(used)}.2/24`;
    return bridgeEnd === 0 ? [undefined, addr] : [addr, undefined];
  }
  const net = freeSubnet(used);
  return [`10.0.${net}.1/24`, `10.0.${net}.2/24`];
}

function usedAddresses(r: ResolvedTopology): string[] {
  const out: string[] = [];
  for (const s of r.scopes.values())
    for (const l of s.interfaces.values())
      for (const i of l) for (const a of i.addresses) if (a.cidr) out.push(`${a.cidr.ip}/${a.cidr.prefix}`);
  return out;
}

function freeSubnet(used: string[]): number {
  for (let n = 0; n < 256; n++) {
    if (!used.some((u) => cidrContains(parseCidr(`10.0.${n}.0/24`)!, u.split('/')[0]!))) return n;
  }
  return 255;
}

function nextFree(gateway: string, prefix: number, used: string[]): string | undefined {
  const parts = gateway.split('.').map(Number);
  const base = ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
  const size = 2 ** (32 - prefix);
  const net = base - (base % size);
  const taken = new Set(used.map((u) => u.split('/')[0]));
  for (let i = 2; i < Math.min(size - 1, 4096); i++) {
    const ip = [(net + i) >>> 24, ((net + i) >> 16) & 255, ((net + i) >> 8) & 255, (net + i) & 255].join('.');
    if (ip !== gateway && !taken.has(ip)) return `${ip}/${prefix}`;
  }
  return undefined;
}

/** Removes nodes (with their links, and bridges living in them) and links. */
export function removeElements(t: Topology, nodes: string[], links: number[]): Topology {
  const gone = new Set(nodes);
  for (const [name, n] of Object.entries(t.nodes)) if (n.kind === 'bridge' && n.netns && gone.has(n.netns)) gone.add(name);
  const dropLinks = new Set(links);
  const keptNodes = Object.fromEntries(Object.entries(t.nodes).filter(([n]) => !gone.has(n)));
  const keptLinks = t.links.filter((l, i) => !dropLinks.has(i) && !l.endpoints.some((e) => gone.has(e.node)));
  const checks = t.checks?.filter((c) => !gone.has('from' in c ? c.from : c.in));
  return { ...t, nodes: keptNodes, links: keptLinks, ...(checks ? { checks } : {}) };
}

/** List kinds' fields that name a bridge node (a vxlan's `bridge`, a macvlan's `parent`) follow its rename. */
function renameInLists(node: NamespaceNode, from: string, to: string): NamespaceNode {
  let out = node;
  for (const k of LIST_KINDS) {
    const { field, nodeRefs = [] } = k.list!;
    const items = (node as Record<string, unknown>)[field] as Array<Record<string, unknown>> | undefined;
    if (!items?.some((i) => nodeRefs.some((f) => i[f] === from))) continue;
    out = {
      ...out,
      [field]: items.map((i) => Object.fromEntries(Object.entries(i).map(([f, v]) => [f, nodeRefs.includes(f) && v === from ? to : v]))),
    };
  }
  return out;
}

/** Renames a node and every reference to it. */
export function renameNode(t: Topology, from: string, to: string): Topology {
  if (from === to || !t.nodes[from]) return t;
  if (t.nodes[to]) throw new Error(`a node named "${to}" already exists`);
  const nodes: Topology['nodes'] = {};
  for (const [name, n] of Object.entries(t.nodes)) {
    let node = n;
    if (node.kind === 'bridge' && node.netns === from) node = { ...node, netns: to };
    if (node.kind !== 'bridge' && t.nodes[from]!.kind === 'bridge') node = renameInLists(node, from, to);
    nodes[name === from ? to : name] = node;
  }
  const links = t.links.map((l) => ({
    ...l,
    endpoints: l.endpoints.map((e) => (e.node === from ? { ...e, node: to } : e)) as typeof l.endpoints,
  }));
  const checks = t.checks?.map((c) =>
    'from' in c && c.from === from ? { ...c, from: to } : 'in' in c && c.in === from ? { ...c, in: to } : c,
  );
  return { ...t, nodes, links, ...(checks ? { checks } : {}) };
}

export function updateNode(t: Topology, name: string, patch: Partial<NodeSpec>): Topology {
  const node = t.nodes[name];
  if (!node) return t;
  return { ...t, nodes: { ...t.nodes, [name]: dropUndefined({ ...node, ...patch }) as NodeSpec } };
}

export function updateEndpoint(t: Topology, link: number, end: 0 | 1, patch: Partial<EndpointSpec>): Topology {
  const l = t.links[link];
  if (!l) return t;
  const endpoints = l.endpoints.map((e, i) => (i === end ? dropUndefined({ ...e, ...patch }) : e)) as typeof l.endpoints;
  return { ...t, links: t.links.map((x, i) => (i === link ? { ...x, endpoints } : x)) };
}

/** Changes a link's own fields (`impair`, `up`, `label`); undefined removes one. */
export function updateLink(t: Topology, link: number, patch: Partial<Omit<LinkSpec, 'endpoints'>>): Topology {
  const l = t.links[link];
  if (!l) return t;
  return { ...t, links: t.links.map((x, i) => (i === link ? (dropUndefined({ ...x, ...patch }) as LinkSpec) : x)) };
}

export function moveNodes(t: Topology, moves: Record<string, Position>): Topology {
  const nodes = { ...t.nodes };
  for (const [name, pos] of Object.entries(moves)) if (nodes[name]) nodes[name] = { ...nodes[name]!, position: round(pos) };
  return { ...t, nodes };
}

/**
 * Copies nodes (and the links among them) with fresh names, shifted by
 * `offset`: what paste does. Addresses are dropped from the copies to avoid
 * duplicates on a shared segment.
 */
export function duplicateNodes(t: Topology, names: string[], offset: Position): { topology: Topology; names: string[] } {
  let out = t;
  const map = new Map<string, string>();
  const order = [...names].sort(
    (a, b) =>
      (t.nodes[a]?.kind === 'bridge' && (t.nodes[a] as { netns?: string }).netns ? 1 : 0) -
      (t.nodes[b]?.kind === 'bridge' && (t.nodes[b] as { netns?: string }).netns ? 1 : 0),
  );
  for (const name of order) {
    const node = t.nodes[name];
    if (!node || node.kind === 'host') continue;
    const fresh = freeNodeName(out, node.kind);
    map.set(name, fresh);
    const pos = node.position ?? { x: 0, y: 0 };
    let copy: NodeSpec = {
      ...(JSON.parse(JSON.stringify(node)) as NodeSpec),
      position: round({ x: pos.x + offset.x, y: pos.y + offset.y }),
    };
    if (copy.kind === 'bridge') {
      const parent = copy.netns ? map.get(copy.netns) : undefined;
      copy = { ...copy, addresses: undefined, ...(parent ? { netns: parent, position: node.position } : {}) } as NodeSpec;
    }
    out = { ...out, nodes: { ...out.nodes, [fresh]: dropUndefined(copy) as NodeSpec } };
  }
  for (const l of t.links) {
    const [a, b] = l.endpoints;
    if (map.has(a.node) && map.has(b.node)) {
      out = {
        ...out,
        links: [
          ...out.links,
          {
            ...l,
            endpoints: [
              { ...a, node: map.get(a.node)!, addresses: undefined },
              { ...b, node: map.get(b.node)!, addresses: undefined },
            ].map(dropUndefined) as typeof l.endpoints,
          },
        ],
      };
    }
  }
  return { topology: out, names: [...map.values()] };
}

/** The namespace (scope key) a node's interfaces live in. */
export function scopeOfNode(t: Topology, node: string): string | undefined {
  return resolveTopology(t).scopeOfNode.get(node);
}

export { scopeKeyOf };

function round(p: Position): Position {
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
