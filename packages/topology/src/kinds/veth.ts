/**
 * A veth pair: a virtual cable. Declared as a `links[]` entry with two
 * endpoints; each end is an interface of its node's namespace (an end on a
 * bridge node is created in the bridge's namespace and plugged into it).
 */
import { normaliseMac } from '../net.js';
import { HOST_KEY, linkId, scopeKeyOf, scopeLabel } from '../keys.js';
import type { Netns } from '../resolveTopology.js';
import type { StepBase } from '../step.js';
import type { EndpointSpec } from '../schema.js';
import type { LinkState } from '../state.js';
import { ipCommand, type LinkKindModule, type ToLabKit } from './kind.js';
import { markIfHost } from './mark.js';

export interface VethEnd {
  netns: Netns;
  name: string;
  mac?: string;
  mtu?: number;
}

export type VethAddStep = StepBase & { kind: 'veth.add'; a: VethEnd; b: VethEnd };

declare module '../state.js' {
  interface LinkKinds {
    veth: true;
  }
  interface LinkKindFields {
    /** veth: the other end. */
    peer?: { netns: Netns; name: string };
  }
}
declare module '../step.js' {
  interface KindSteps {
    'veth.add': VethAddStep;
  }
}

export const veth: LinkKindModule<'veth', VethAddStep> = {
  kind: 'veth',
  addStep: 'veth.add',
  order: 1,
  capability: { help: 'veth pairs (kernel module veth)', probe: 'link add p0 type veth peer name p1' },
  resolve(kit) {
    const t = kit.topology;
    t.links.forEach((link, index) => {
      const ids: string[] = [];
      link.endpoints.forEach((ep, end) => {
        const scopeKey = kit.scopeOfNode.get(ep.node);
        if (!scopeKey) return;
        const node = t.nodes[ep.node]!;
        const path = ['links', index, 'endpoints', end];
        const onBridge = node.kind === 'bridge';
        kit.add(scopeKey, {
          name: ep.name,
          kind: 'veth',
          node: ep.node,
          path,
          addresses: kit.addresses(ep.addresses, [...path, 'addresses']),
          master: onBridge ? ep.node : undefined,
          link: { index, end: end as 0 | 1 },
        });
        ids.push(`${scopeKey}/${ep.name}`);
        if (onBridge) kit.join(`${scopeKey}/${ep.name}`, `${scopeKey}/${ep.node}`);
      });
      if (ids.length === 2) kit.join(ids[0]!, ids[1]!);
    });
  },
  desired(iface, r) {
    const spec = r.topology.links[iface.link!.index]!;
    const ep = spec.endpoints[iface.link!.end];
    const other = spec.endpoints[1 - iface.link!.end]!;
    const otherScope = r.scopes.get(r.scopeOfNode.get(other.node)!)!;
    return {
      peer: { netns: otherScope.netns, name: other.name },
      ...(ep.mac ? { mac: normaliseMac(ep.mac) } : {}),
      ...(ep.mtu ? { mtu: ep.mtu } : {}),
    };
  },
  identity: (l) => ({ name: l.peer?.name, netns: l.peer?.netns }),
  identityWords: 'peer',
  create(ctx, key, d) {
    const id = linkId(key, d.name);
    // The end declared first creates the pair; the other end comes with it.
    if (ctx.desired.origins[id]?.end !== 0) return;
    const des = ctx.des(key)!;
    const netns = des.netns;
    const peerKey = scopeKeyOf(d.peer!.netns);
    const p = ctx.des(peerKey)!.links[d.peer!.name]!;
    ctx.created.add(linkId(peerKey, p.name));
    ctx.push(HOST_KEY, {
      kind: 'veth.add',
      netns: null,
      node: des.node,
      a: { netns, name: d.name, mac: d.mac, mtu: d.mtu },
      b: { netns: d.peer!.netns, name: p.name, mac: p.mac, mtu: p.mtu },
      reason: `create a veth pair, a virtual cable: ${d.name} in ${scopeLabel(netns)} ↔ ${p.name} in ${scopeLabel(d.peer!.netns)}`,
    });
    markIfHost(ctx, netns, d.name);
    markIfHost(ctx, d.peer!.netns, p.name);
  },
  command: (s) => ipCommand('link', 'add', ...vethEnd(s.a, s.netns), 'type', 'veth', 'peer', 'name', ...vethEnd(s.b, s.netns)),
  inverse(s) {
    // Delete the host's end when there is one: a namespace's end would only vanish later, asynchronously.
    const end = s.b.netns === null ? s.b : s.a;
    return { netns: end.netns, node: s.node, kind: 'link.del', name: end.name, reason: `undo: remove veth ${end.name}` };
  },
  phase: () => 2,
  creates: (s) => [s.a, s.b].map((e) => ({ netns: e.netns, name: e.name })),
  observe(l, kit) {
    const peer = kit.peerOf(l);
    return peer ? { peer } : {};
  },
  fromScript(add, kit) {
    // `peer name NAME` (or `peer NAME`, which newer iproute2 accepts).
    const at = add.opts.indexOf('peer') + 1;
    const peerName = add.opts[at] === 'name' ? add.opts[at + 1] : add.opts[at];
    if (at === 0 || !peerName) return kit.warn('veth without "peer name": cannot tell its other end');
    // Without its own netns, the peer stays where the command runs, whatever netns the first end went to.
    const peerNs = add.opts.includes('netns') ? add.opts[add.opts.indexOf('netns') + 1]! : add.ns;
    if (peerNs !== '') kit.addNamespace(peerNs);
    if (add.here !== '') kit.addNamespace(add.here);
    const a = kit.add({ name: add.name, ns: add.here, kind: 'veth', addresses: [] });
    const b = kit.add({ name: peerName, ns: peerNs, kind: 'veth', addresses: [] });
    a.pair = b;
    b.pair = a;
  },
  toLab(l, kit) {
    if (kit.claimed(kit.netns, l.name)) return;
    const peer = l.peer;
    const other = peer && kit.linkAt(peer.netns, peer.name);
    if (!peer) return kit.warn('its other end was not found (in a namespace that is not in /run/netns, or gone); left out');
    if (!other) return kit.warn(`its other end, ${peer.name} in ${scopeLabel(peer.netns)}, is not part of this lab; left out`);
    kit.claim(peer.netns, peer.name);
    const a = vethEndpoint(l, kit.netns, kit);
    const b = vethEndpoint(other, peer.netns, kit);
    if (!a || !b) return kit.warn(`one end is in a namespace that is not part of this lab; left out`);
    if (a.node === b.node)
      return kit.warn(`both ends, ${l.name} and ${other.name}, are on node ${a.node}; a link joins two nodes, so it is left out`);
    kit.addLink({ endpoints: [a, b] });
  },
};

/** One end of a veth as a link endpoint: on the bridge it is plugged into, else on its namespace's node. */
function vethEndpoint(l: LinkState, netns: Netns, kit: ToLabKit): EndpointSpec | undefined {
  const bridge = l.master === undefined ? undefined : kit.bridgeOf(netns, l.master);
  if (l.master !== undefined && bridge === undefined)
    kit.warn(`${l.name} is plugged into ${l.master}, which is not a bridge of this lab; it is left unplugged`);
  const node = bridge ?? kit.nodeOf(netns);
  return node === undefined ? undefined : { node, name: l.name, ...kit.common(l), ...kit.egress(l, netns) };
}

function vethEnd(end: VethEnd, from: Netns): string[] {
  const out = [end.name];
  if (end.netns !== from && end.netns !== null) out.push('netns', end.netns);
  if (end.mac) out.push('address', end.mac);
  if (end.mtu) out.push('mtu', String(end.mtu));
  return out;
}
