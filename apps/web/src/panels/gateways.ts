/**
 * Gateways to suggest for a new route of a namespace: the addresses across
 * its links that share a subnet with its own — the peer of a veth, or a
 * bridge's own address and the other namespaces on the bridge — those that
 * forward (a router) first.
 */
import { cidrContains, parseCidr, type Cidr, type EndpointSpec, type Topology } from '@nslab/topology';

export interface Gateway {
  ip: string;
  /** Whose address it is: `router eth0`, `br0 (bridge)`. */
  label: string;
  /** The interface of `node` the route would leave by. */
  dev: string;
}

const cidrs = (list: string[] | undefined): Cidr[] => (list ?? []).flatMap((a) => parseCidr(a) ?? []);
const forwards = (t: Topology, node: string): boolean => {
  const n = t.nodes[node];
  return !!n && n.kind !== 'bridge' && n.sysctls?.['net.ipv4.ip_forward'] === 1;
};

/**
 * @example gateways(t, 'ns1', 'eth0') // → [{ ip: '10.0.0.1', label: 'router eth0', dev: 'eth0' }]
 */
export function gateways(t: Topology, node: string, dev?: string): Gateway[] {
  const found: Array<Gateway & { rank: number }> = [];
  for (const l of t.links) {
    for (const side of [0, 1] as const) {
      const me = l.endpoints[side];
      if (me.node !== node || (dev && me.name !== dev)) continue;
      const peer = l.endpoints[side === 0 ? 1 : 0];
      const offer = (addresses: string[] | undefined, label: string, rank: number) => {
        for (const c of cidrs(addresses)) found.push({ ip: c.ip, label, dev: me.name, rank });
      };
      const pn = t.nodes[peer.node];
      if (pn?.kind === 'bridge') {
        offer(pn.addresses, `${peer.node} (bridge)`, 0);
        for (const other of t.links)
          for (const e of other.endpoints as EndpointSpec[]) {
            const far = other.endpoints.find((x) => x !== e)!;
            if (far.node === peer.node && e.node !== node && e.node !== peer.node)
              offer(e.addresses, `${e.node} ${e.name}`, forwards(t, e.node) ? 0 : 1);
          }
      } else offer(peer.addresses, `${peer.node} ${peer.name}`, forwards(t, peer.node) ? 0 : 1);
      // Only where this end has an address in the same subnet (when it has any): a gateway must be on-link.
      const mine = cidrs(me.addresses);
      for (let i = found.length - 1; i >= 0; i--)
        if (
          found[i]!.dev === me.name &&
          mine.length &&
          !mine.some((m) => m.family === parseCidr(found[i]!.ip)?.family && cidrContains(m, found[i]!.ip))
        )
          found.splice(i, 1);
    }
  }
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.rank - b.rank)
    .filter((g) => !seen.has(g.ip) && seen.add(g.ip))
    .map(({ ip, label, dev: d }) => ({ ip, label, dev: d }));
}
