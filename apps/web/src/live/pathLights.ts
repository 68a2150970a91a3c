/**
 * The Path tool's answer (`ip route get`, gateway after gateway) lit on the
 * canvas with the trace's own marks (trace/traceLights.ts): each namespace
 * on the way numbered in order, the link each one sends on, and the bridge
 * it crosses to the next. Its own small store, like the trace's.
 */
import { create } from 'zustand';
import type { Hop, Topology } from '@nslab/topology';
import type { TraceLights, TraceMarkState } from '../trace/traceLights';

/** The link one of whose ends is `node`'s interface `dev`, and which end. */
function linkAt(t: Topology, node: string, dev: string): { index: number; end: 0 | 1 } | undefined {
  for (const [index, l] of t.links.entries())
    for (const end of [0, 1] as const) if (l.endpoints[end].node === node && l.endpoints[end].name === dev) return { index, end };
  return undefined;
}

/** The link between bridge `bridge` and `node`, and whether it runs from the node to the bridge (drawn reversed). */
function bridgeLink(t: Topology, bridge: string, node: string): { index: number; reverse: boolean } | undefined {
  const index = t.links.findIndex((l) => l.endpoints.some((e) => e.node === bridge) && l.endpoints.some((e) => e.node === node));
  return index < 0 ? undefined : { index, reverse: t.links[index]!.endpoints[0].node === node };
}

/**
 * What a path lights. The last hop is green when the address is reached,
 * red when the way ends there (no route, a gateway outside the lab, a loop).
 * Hops outside the lab (`?`) light nothing.
 *
 * @example pathLights(t, [{ node: 'ns1', dev: 'veth0', via: '10.0.0.1' }, { node: 'r', note: 'delivers to 10.0.1.2 on the same segment' }])
 *   // ns1 lit [1], r deliver [2], the link from ns1's veth0 lit
 */
export function pathLights(t: Topology, hops: Hop[]): TraceLights {
  const lights: TraceLights = { nodes: new Map(), links: new Map() };
  const mark = (node: string, state: TraceMarkState, hop?: number) => {
    if (!(node in t.nodes)) return;
    const was = lights.nodes.get(node);
    const numbers = [...(was?.hops ?? []), ...(hop === undefined ? [] : [hop])];
    lights.nodes.set(node, { state: was && was.state !== 'lit' ? was.state : state, current: false, hops: numbers });
  };
  hops.forEach((h, i) => {
    const last = i === hops.length - 1;
    const reached = !h.dev && h.note !== undefined && /^delivers |own address/.test(h.note);
    mark(h.node, last ? (reached ? 'deliver' : h.dev ? 'lit' : 'drop') : 'lit', i + 1);
    const next = hops[i + 1]?.node;
    if (!h.dev) return;
    const link = linkAt(t, h.node, h.dev);
    // The far end of the link, or the bridge the interface is (a bridge in this namespace, routed on directly).
    const far = link ? t.links[link.index]!.endpoints[link.end === 0 ? 1 : 0].node : t.nodes[h.dev]?.kind === 'bridge' ? h.dev : undefined;
    if (link) lights.links.set(link.index, { current: false, reverse: link.end === 1 });
    if (far && far !== next && t.nodes[far]?.kind === 'bridge' && next) {
      mark(far, 'lit');
      const on = bridgeLink(t, far, next);
      if (on) lights.links.set(on.index, { current: false, reverse: on.reverse });
    }
  });
  return lights;
}

interface PathState {
  /** The lit path, of which lab and from which node; null when none is shown. */
  shown: { lab: string; from: string; lights: TraceLights } | null;
  show(lab: string, from: string, t: Topology, hops: Hop[]): void;
  clear(): void;
}

export const usePath = create<PathState>()((set) => ({
  shown: null,
  show: (lab, from, t, hops) => set({ shown: { lab, from, lights: pathLights(t, hops) } }),
  clear: () => set({ shown: null }),
}));
