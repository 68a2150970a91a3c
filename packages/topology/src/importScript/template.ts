/**
 * Which template a rebuilt lab is: the same shape (node kinds and the links
 * between them, compared by colour refinement), then, among templates of that
 * shape, the one sharing most names and features (node and interface names,
 * routes, sysctls, NAT, firewall). Seed 01 and seed 02 have one shape; the
 * proxy_arp sysctls and /32 routes tell them apart.
 */
import type { Topology } from '../schema.js';

export interface TemplateRef {
  id: string;
  name: string;
  topology: Topology;
}

/** The graph of a lab: nodes that are link ends or bridges, labelled by kind (a host is a namespace too), and their links. */
function graph(t: Topology): { labels: Map<string, string>; edges: Array<[string, string]> } {
  const labels = new Map<string, string>();
  const edges: Array<[string, string]> = [];
  const label = (n: string) => (t.nodes[n]?.kind === 'bridge' ? 'bridge' : 'ns');
  for (const [n, node] of Object.entries(t.nodes)) if (node.kind === 'bridge') labels.set(n, 'bridge');
  for (const l of t.links) {
    const [a, b] = l.endpoints.map((e) => e.node) as [string, string];
    labels.set(a, label(a)).set(b, label(b));
    edges.push([a, b]);
  }
  return { labels, edges };
}

/** Colour refinement (1-WL): equal for isomorphic graphs, and for the small labs here, only for them. */
function shape(t: Topology): string {
  const { labels, edges } = graph(t);
  let colour = new Map(labels);
  for (let round = 0; round < 4; round++) {
    const next = new Map<string, string>();
    for (const n of colour.keys()) {
      const around = edges
        .flatMap(([a, b]) => (a === n ? [colour.get(b)!] : b === n ? [colour.get(a)!] : []))
        .sort()
        .join(',');
      next.set(n, `${colour.get(n)}(${around})`);
    }
    colour = next;
  }
  return `${edges.length}:${[...colour.values()].sort().join(';')}`;
}

/** Names and features, for telling same-shaped labs apart. */
function traits(t: Topology): Set<string> {
  const out = new Set<string>();
  for (const [n, node] of Object.entries(t.nodes)) {
    out.add(`name:${n}`);
    if (node.kind === 'bridge') {
      if (node.addresses?.length) out.add('bridge-address');
      continue;
    }
    for (const r of node.routes ?? []) out.add(r.to === 'default' ? 'route:default' : r.via ? 'route:via' : 'route:dev');
    for (const k of Object.keys(node.sysctls ?? {})) out.add(`sysctl:${k.replace(/^(net\.ipv[46]\.(?:conf|neigh))\.[^.]+\./, '$1.*.')}`);
    for (const x of node.nat ?? []) out.add(`nat:${x.type}`);
    if (node.firewall?.forwardPolicy) out.add(`policy:${node.firewall.forwardPolicy}`);
    if (node.firewall?.forward?.length) out.add('forward');
    if (node.vxlans?.length) out.add('vxlan');
    if (node.macvlans?.length) out.add('macvlan');
  }
  for (const l of t.links) for (const e of l.endpoints) out.add(`name:${e.name}`);
  return out;
}

/** Every address a lab gives its interfaces and bridges, sorted: what a handout's commands and a template must share to be the same lab. */
function addresses(t: Topology): string {
  const out: string[] = [];
  for (const node of Object.values(t.nodes)) if (node.kind === 'bridge') out.push(...(node.addresses ?? []));
  for (const l of t.links) for (const e of l.endpoints) out.push(...(e.addresses ?? []));
  return out.sort().join(',');
}

/**
 * The template `t` is, if one has its shape; `sameAddresses` when it also
 * numbers its interfaces alike (otherwise it is drawn like it, and a class
 * following the document needs the document's addresses).
 *
 * @example
 * matchTemplate(importScript(seed04part1).topology, templates)?.id // '01-veth-pair'
 */
export function matchTemplate(t: Topology, templates: TemplateRef[]): { id: string; name: string; sameAddresses: boolean } | undefined {
  // Shapes are compared only against templates of the same size: a 2000-link import costs nothing here.
  const size = (x: Topology) => `${x.links.length}/${graph(x).labels.size}`;
  const candidates = t.links.length === 0 ? [] : templates.filter((x) => size(x.topology) === size(t));
  if (candidates.length === 0) return undefined;
  const s = shape(t);
  const mine = traits(t);
  let best: { x: TemplateRef; score: number } | undefined;
  for (const x of candidates) {
    if (shape(x.topology) !== s) continue;
    const theirs = traits(x.topology);
    const shared = [...mine].filter((k) => theirs.has(k)).length;
    const score = shared / (mine.size + theirs.size - shared || 1);
    if (!best || score > best.score) best = { x, score };
  }
  return best && { id: best.x.id, name: best.x.name, sameAddresses: addresses(best.x.topology) === addresses(t) };
}
