/**
 * What a trace lights on the canvas at one step: the nodes and links the
 * packet has reached so far. Pure, so the canvas only has to paint it.
 * Step `s` means hops[0..s] are reached; hops[s] is the current one.
 */
import type { Edge, Node } from '@xyflow/react';
import type { Topology, TraceHop, TraceResult } from '@nslab/topology';

/** How a node is lit: where the trace starts (pick mode), on the path so far, or where a way ends (reached). */
export type TraceMarkState = 'source' | 'lit' | 'drop' | 'deliver';

export interface TraceMark {
  state: TraceMarkState;
  /** The hop shown now is here. */
  current: boolean;
  /** The hop numbers (1-based) at this node reached so far. */
  hops: number[];
  /** Where the verdict is decided, once reached: the verdict sentence, shown next to the node. */
  sentence?: string;
}

export interface LinkMark {
  /** The link crossed just before the current hop: the packet is on it. */
  current: boolean;
  /** Its last crossing went from its second endpoint to its first. */
  reverse: boolean;
}

export interface TraceLights {
  nodes: Map<string, TraceMark>;
  links: Map<number, LinkMark>;
}

/** A way's end outshines the path through: a node that delivers stays green while the reply leaves it. */
const RANK: Record<TraceMarkState, number> = { source: 0, lit: 0, drop: 1, deliver: 1 };

/**
 * The hop that decides the verdict: the first drop of a dropped trace, the
 * delivery of a delivered one (the destination, not the reply's way back).
 */
export function verdictHop(result: TraceResult): TraceHop | undefined {
  if (result.verdict === 'dropped') return result.hops.find((h) => h.kind === 'drop');
  if (result.verdict === 'delivered') return result.hops.find((h) => h.kind === 'deliver' && !h.reply);
  return undefined;
}

/**
 * The nodes and links lit at `step`. A link lights once the packet crossed
 * it (the next hop is at another node: a packet dropped before it left
 * crossed nothing). Hops outside the lab (node `?`) and links the topology
 * no longer has light nothing.
 *
 * @example traceLights(t, { hops: [send ns1 link 0, forward host link 1, deliver ns2] }, 1)
 *   // nodes: ns1 lit [1], host lit+current [2]; links: 0 current
 */
export function traceLights(t: Topology, result: TraceResult, step: number): TraceLights {
  const nodes = new Map<string, TraceMark>();
  const links = new Map<number, LinkMark>();
  const last = Math.min(step, result.hops.length - 1);
  const decisive = verdictHop(result);
  for (let i = 0; i <= last; i++) {
    const hop = result.hops[i]!;
    if (hop.node !== '?' && t.nodes[hop.node]) {
      const state: TraceMarkState = hop.kind === 'drop' || hop.kind === 'deliver' ? hop.kind : 'lit';
      const mark = nodes.get(hop.node) ?? { state, current: false, hops: [] };
      mark.hops.push(i + 1);
      if (RANK[state] >= RANK[mark.state]) mark.state = state;
      if (i === last) mark.current = true;
      if (hop === decisive) mark.sentence = result.sentence;
      nodes.set(hop.node, mark);
    }
    const next = result.hops[i + 1];
    const link = hop.link === undefined ? undefined : t.links[hop.link];
    if (link && hop.link !== undefined && i < last && next && next.node !== hop.node)
      links.set(hop.link, { current: i === last - 1, reverse: link.endpoints[1].node === hop.node && link.endpoints[0].node !== hop.node });
  }
  return { nodes, links };
}

/** Pick mode: only the node the trace starts from is marked. */
export function sourceLights(from: string): TraceLights {
  return { nodes: new Map([[from, { state: 'source', current: false, hops: [] }]]), links: new Map() };
}

/** The canvas's nodes and edges with a trace's lights: a class to paint, and the node's mark for its badge and verdict. */
export function lightUp<N extends Node, E extends Edge>(nodes: N[], edges: E[], lights: TraceLights | null): { nodes: N[]; edges: E[] } {
  if (!lights) return { nodes, edges };
  return {
    nodes: nodes.map((n) => {
      const mark = lights.nodes.get(n.id);
      if (!mark) return n;
      // The end of the trace is drawn above its neighbours: its verdict must not hide under them.
      return {
        ...n,
        className: `trace-${mark.state}${mark.current ? ' trace-current' : ''}`,
        data: { ...n.data, trace: mark },
        ...(mark.sentence ? { zIndex: 1000 } : {}),
      };
    }),
    edges: edges.map((e) => {
      const index = (e.data as { index?: number } | undefined)?.index;
      const mark = index === undefined ? undefined : lights.links.get(index);
      if (!mark) return e;
      return { ...e, className: `trace-link${mark.current ? ' trace-current' : ''}${mark.reverse ? ' trace-reverse' : ''}` };
    }),
  };
}

/** One hop's facts, as short labelled lines ("in veth0 → out eth1", "route …"): the hop list and its detail show them. */
export function hopFacts(hop: TraceHop): Array<[string, string]> {
  const facts: Array<[string, string]> = [];
  if (hop.in || hop.out) facts.push(['interfaces', [hop.in && `in ${hop.in}`, hop.out && `out ${hop.out}`].filter(Boolean).join(' → ')]);
  if (hop.route) facts.push(['route', hop.route]);
  if (hop.neighbour) {
    const n = hop.neighbour;
    facts.push(['neighbour', `${n.ip} ${n.state}${n.answeredBy ? ` (answered by ${n.answeredBy})` : ''}`]);
  }
  if (hop.nat) facts.push(['NAT', hop.nat]);
  if (hop.firewall) facts.push(['firewall', hop.firewall]);
  facts.push(['TTL', String(hop.packet.ttl)]);
  return facts;
}

/** What a hop does, in a word or two for the list ("sends", "routes", "drops"). */
export const HOP_VERB: Record<TraceHop['kind'], string> = {
  send: 'sends',
  forward: 'routes',
  bridge: 'switches',
  encap: 'encapsulates',
  decap: 'decapsulates',
  deliver: 'delivers',
  drop: 'drops',
};

/** The packet's headers at a hop: `10.0.0.1:40000 → 10.0.0.2:80`. */
export function packetText(p: TraceHop['packet']): string {
  return `${p.src}${p.sport ? `:${p.sport}` : ''} → ${p.dst}${p.dport ? `:${p.dport}` : ''}`;
}
