/**
 * What an imported script has built so far: namespaces, interfaces (where
 * they are now, their peer, bridge, addresses), routes, sysctls and rules,
 * per namespace. `toTopology` turns it into a lab.
 */
import { LIST_KINDS } from '../kinds/index.js';
import type { ScriptIface } from '../kinds/kind.js';
import type { LinkKindFields } from '../state.js';
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
  private readonly madeNs = new Set<string>();

  ns(name: Ns): NsState {
    if (name === '') this.hostUsed = true;
    let s = this.namespaces.get(name);
    if (!s) this.namespaces.set(name, (s = emptyNs()));
    return s;
  }

  /** `explicit`: made by `ip netns add` (not just entered): making it again is a reuse of the name. */
  addNamespace(name: string, explicit = false): void {
    this.ns(name);
    if (explicit) this.madeNs.add(name);
  }

  /** Made by `ip netns add` before, or deleted (which says it was there). */
  made(name: string): boolean {
    return this.madeNs.has(name);
  }

  deleteNamespace(name: string): void {
    this.namespaces.delete(name);
    this.madeNs.add(name);
    for (const i of this.ifaces.filter((x) => x.ns === name)) this.remove(i);
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
    // A renamed bridge is a renamed interface: every mention of it in its namespace follows.
    const ifname = (ns: Ns, n: string) => bridgeNames.get(`${ns}/${n}`) ?? n;
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
              fields: renamedFields(i.fields ?? {}, (n) => ifname(ns, n)),
              ...(i.master ? { bridge: bridgeNode(i.ns, i.master) } : {}),
              hostNode: (n) => bridgeNames.get(`/${n}`),
            }),
          );
        return entries.length ? [[k.list!.field, entries] as const] : [];
      });
      const r = renamedState(s, (n) => ifname(ns, n));
      nodes[nodeOf(ns)] = {
        kind: ns === '' ? 'host' : 'netns',
        ...(r.routes.length ? { routes: r.routes } : {}),
        ...(Object.keys(r.sysctls).length ? { sysctls: r.sysctls } : {}),
        ...(r.nat.length ? { nat: r.nat } : {}),
        ...(r.forward.length || r.forwardPolicy
          ? {
              firewall: {
                ...(r.forwardPolicy ? { forwardPolicy: r.forwardPolicy } : {}),
                ...(r.forward.length ? { forward: r.forward } : {}),
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

/** A namespace's routes, rules and sysctls with its interface names passed through `rename` (a bridge renamed to keep node names apart). */
function renamedState(s: NsState, rename: (ifname: string) => string): NsState {
  const opt = (k: string, v: string | undefined) => (v === undefined ? {} : { [k]: rename(v) });
  return {
    ...s,
    routes: s.routes.map((r) => ({ ...r, ...opt('dev', r.dev) })),
    sysctls: Object.fromEntries(
      Object.entries(s.sysctls).map(([k, v]) => [
        k.replace(/^(net\.ipv[46]\.(?:conf|neigh)\.)([^.]+)\./, (_, a: string, n: string) => `${a}${rename(n)}.`),
        v,
      ]),
    ),
    nat: s.nat.map((n) =>
      n.type === 'masquerade' ? { ...n, ...opt('outInterface', n.outInterface), ...opt('notOutInterface', n.notOutInterface) } : n,
    ),
    forward: s.forward.map((f) => ({ ...f, ...opt('in', f.in), ...opt('out', f.out) })),
  };
}

/** A list kind's own fields with the interface it stands on (a vxlan's `dev`) renamed. */
function renamedFields(f: LinkKindFields, rename: (ifname: string) => string): LinkKindFields {
  return f.vxlan?.dev ? { ...f, vxlan: { ...f.vxlan, dev: rename(f.vxlan.dev) } } : f;
}

function emptyNs(): NsState {
  return { routes: [], sysctls: {}, nat: [], forward: [] };
}

function hasContent(s: NsState): boolean {
  return s.routes.length > 0 || Object.keys(s.sysctls).length > 0 || s.nat.length > 0 || s.forward.length > 0 || !!s.forwardPolicy;
}
