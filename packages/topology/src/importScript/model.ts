/**
 * What an imported script has built so far: namespaces, interfaces (where
 * they are now, their peer, bridge, addresses), routes, sysctls and rules,
 * per namespace. `toTopology` turns it into a lab.
 */
import { LIST_KINDS } from '../kinds/index.js';
import type { ScriptIface } from '../kinds/kind.js';
import type { ForwardRuleSpec, NatSpec, RouteSpec, Topology } from '../schema.js';

/** '' is the host (root) namespace. */
export type Ns = string;

/** An interface the script made (kinds/kind.ts: a kind's `fromScript` records it). */
export type Iface = ScriptIface;

export interface NsState {
  routes: RouteSpec[];
  sysctls: Record<string, number>;
  nat: NatSpec[];
  forward: ForwardRuleSpec[];
  forwardPolicy?: 'accept' | 'drop';
}

export class ScriptModel {
  readonly namespaces = new Map<Ns, NsState>([['', emptyNs()]]);
  readonly ifaces: Iface[] = [];
  private hostUsed = false;

  ns(name: Ns): NsState {
    if (name === '') this.hostUsed = true;
    let s = this.namespaces.get(name);
    if (!s) this.namespaces.set(name, (s = emptyNs()));
    return s;
  }

  addNamespace(name: string): void {
    this.ns(name);
  }

  find(ns: Ns, name: string): Iface | undefined {
    return this.ifaces.find((i) => i.ns === ns && i.name === name);
  }

  add(i: Iface): Iface {
    this.ifaces.push(i);
    if (i.ns === '') this.hostUsed = true;
    return i;
  }

  remove(i: Iface): void {
    for (const x of [i, i.pair]) {
      const at = x ? this.ifaces.indexOf(x) : -1;
      if (at >= 0) this.ifaces.splice(at, 1);
    }
  }

  toTopology(name: string): Topology {
    const nodes: Topology['nodes'] = {};
    const bridgeNames = new Map<string, string>();
    const bridgeNode = (ns: Ns, br: string) => bridgeNames.get(`${ns}/${br}`) ?? br;
    const namespaceNames = new Set([...this.namespaces.keys()].filter((n) => n !== '').concat(['host']));
    for (const b of this.ifaces.filter((i) => i.kind === 'bridge')) {
      let node = b.name;
      for (let k = 2; namespaceNames.has(node) || [...bridgeNames.values()].includes(node); k++) node = `${b.name}-${k}`;
      bridgeNames.set(`${b.ns}/${b.name}`, node);
    }
    const nodeOf = (ns: Ns) => (ns === '' ? 'host' : ns);
    const hasHostStuff =
      this.hostUsed && (this.ifaces.some((i) => i.ns === '' && i.kind !== 'bridge') || hasContent(this.namespaces.get('')!));
    for (const [ns, s] of this.namespaces) {
      if (ns === '' && !hasHostStuff) continue;
      // List kinds (vxlans, macvlans): each writes its own entries.
      const lists = LIST_KINDS.flatMap((k) => {
        const entries = this.ifaces
          .filter((i) => i.ns === ns && i.kind === k.kind)
          .map((i) =>
            k.list!.entry({
              name: i.name,
              addresses: i.addresses,
              mac: i.mac,
              mtu: i.mtu,
              fields: i.fields ?? {},
              ...(i.master ? { bridge: bridgeNode(i.ns, i.master) } : {}),
              hostNode: (n) => bridgeNames.get(`/${n}`),
            }),
          );
        return entries.length ? [[k.list!.field, entries] as const] : [];
      });
      nodes[nodeOf(ns)] = {
        kind: ns === '' ? 'host' : 'netns',
        ...(s.routes.length ? { routes: s.routes } : {}),
        ...(Object.keys(s.sysctls).length ? { sysctls: s.sysctls } : {}),
        ...(s.nat.length ? { nat: s.nat } : {}),
        ...(s.forward.length || s.forwardPolicy
          ? {
              firewall: {
                ...(s.forwardPolicy ? { forwardPolicy: s.forwardPolicy } : {}),
                ...(s.forward.length ? { forward: s.forward } : {}),
              },
            }
          : {}),
        ...Object.fromEntries(lists),
      } as Topology['nodes'][string];
    }
    for (const b of this.ifaces.filter((i) => i.kind === 'bridge')) {
      const node = bridgeNode(b.ns, b.name);
      nodes[node] = { kind: 'bridge', ...(b.ns !== '' ? { netns: b.ns } : {}), ...(b.addresses.length ? { addresses: b.addresses } : {}) };
    }
    // The host node is needed when a bridge or veth end lives there.
    if (!nodes.host && this.ifaces.some((i) => i.ns === '' && i.kind === 'veth')) nodes.host = { kind: 'host' };
    const links: Topology['links'] = [];
    const done = new Set<Iface>();
    for (const i of this.ifaces) {
      if (i.kind !== 'veth' || !i.pair || done.has(i)) continue;
      done.add(i).add(i.pair);
      const end = (x: Iface) => ({
        node: x.master ? bridgeNode(x.ns, x.master) : nodeOf(x.ns),
        name: x.name,
        ...(x.addresses.length ? { addresses: x.addresses } : {}),
        ...(x.mac ? { mac: x.mac } : {}),
        ...(x.mtu ? { mtu: x.mtu } : {}),
      });
      links.push({ endpoints: [end(i), end(i.pair)] });
    }
    return { name, nodes, links };
  }
}

function emptyNs(): NsState {
  return { routes: [], sysctls: {}, nat: [], forward: [] };
}

function hasContent(s: NsState): boolean {
  return s.routes.length > 0 || Object.keys(s.sysctls).length > 0 || s.nat.length > 0 || s.forward.length > 0 || !!s.forwardPolicy;
}
