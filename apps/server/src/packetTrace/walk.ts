/**
 * The model walk: follows one packet through a deployed lab from kernel
 * state alone, sending nothing. At each namespace the kernel itself picks the
 * route (`ip route get`, with `iif` where the packet arrives from elsewhere,
 * so ip_forward and rp_filter decide as they would); iptables decides
 * NAT and filtering (evaluated from iptables-save); the lab's links say what
 * is at the other end of a veth, bridge or tunnel, and the kernel's addresses
 * and proxy_arp say who answers ARP there.
 */
import {
  evaluateChain,
  parseIp,
  ruleText,
  type Decision,
  type ResolvedInterface,
  type ResolvedScope,
  type ResolvedTopology,
  type Topology,
  type TraceHop,
  type TracePacket,
} from '@nslab/topology';
import { ifaceSysctl, type KernelReader, type KernelRoute, type NsView } from './kernel.js';

/** Where a packet is: a namespace, and the interface it arrived on (none: sent from here). */
interface Position {
  scope: ResolvedScope;
  iif?: string;
}

/** A NAT rewrite done on the way out, undone for the reply. */
interface NatRecord {
  scopeKey: string;
  type: 'dnat' | 'snat';
  from: { ip: string; port?: number };
  to: { ip: string; port?: number };
}

export interface WalkResult {
  outcome: 'delivered' | 'dropped' | 'outside';
  hops: TraceHop[];
  /** The node that delivered (or dropped) it, and the packet as it arrived. */
  at: string;
  packet: TracePacket & { ttl: number };
  /** The node that received it, as a position (for the reply). */
  end?: Position;
  nat: NatRecord[];
}

type Pkt = TracePacket & { ttl: number };

const MAX_HOPS = 32;

export class ModelWalk {
  private members = new Map<number, Array<{ scope: ResolvedScope; iface: ResolvedInterface }>>();

  constructor(
    private r: ResolvedTopology,
    private t: Topology,
    private kernel: KernelReader,
  ) {
    for (const scope of r.scopes.values())
      for (const list of scope.interfaces.values())
        for (const iface of list.slice(0, 1)) {
          const m = this.members.get(iface.segment) ?? [];
          m.push({ scope, iface });
          this.members.set(iface.segment, m);
        }
  }

  nodeOf(scope: ResolvedScope): string {
    return scope.node ?? 'host';
  }

  /**
   * Walks `pkt` from `start`. `reply` walks the answer back: conntrack state
   * ESTABLISHED, and the NAT rewrites of the request undone.
   */
  async walk(
    start: Position,
    pkt0: Pkt,
    opts: { reply?: boolean; nat?: NatRecord[]; oif?: string; from?: string } = {},
  ): Promise<WalkResult> {
    const hops: TraceHop[] = [];
    const nat = opts.nat ?? [];
    const state = opts.reply ? 'ESTABLISHED' : 'NEW';
    let pkt: Pkt = { ...pkt0 };
    let pos = start;
    // Rules with matches the model cannot judge at this hop (assumed not to match): said on the hop.
    const unsure: string[] = [];
    const hop = (h: Omit<TraceHop, 'packet'> & { packet?: TraceHop['packet'] }): TraceHop => {
      const full: TraceHop = { packet: packetOf(pkt), ...h, ...(opts.reply ? { reply: true } : {}) };
      if (unsure.length && h.node !== '?' && h.kind !== 'bridge')
        full.note = [full.note, `could not judge (assumed not to match): ${[...new Set(unsure)].join('; ')}`].filter(Boolean).join('; ');
      hops.push(full);
      return full;
    };
    const drop = (node: string, why: string, extra: Partial<TraceHop> = {}): WalkResult => {
      hop({ kind: 'drop', node, why, ...extra });
      return { outcome: 'dropped', hops, at: node, packet: pkt, nat };
    };

    for (let n = 0; n < MAX_HOPS; n++) {
      const node = this.nodeOf(pos.scope);
      const v = await this.kernel.view(pos.scope.netns);
      const local = pos.iif === undefined;
      unsure.length = 0;
      const judge = (table: string, chain: string, p: Pkt, ctx: Parameters<typeof evaluateChain>[4]) => {
        const d = evaluateChain(v.rules, table, chain, p, ctx);
        unsure.push(...d.uncertain.map((r) => `${table}/${chain}: ${ruleText(r)}`));
        return d;
      };
      let natNote: string | undefined;

      // nat OUTPUT may match on the source: learn the one the kernel would pick first.
      if (local && !pkt.src) {
        const pre = await this.kernel.routeGet(pos.scope.netns, pkt, {
          ...(opts.oif ? { oif: opts.oif } : {}),
          ...(opts.from ? { from: opts.from } : {}),
        });
        if (pre.route?.prefsrc) pkt = { ...pkt, src: pre.route.prefsrc };
      }
      // Destination NAT on the way in (PREROUTING) or for locally sent packets (OUTPUT); a reply is un-masqueraded.
      if (opts.reply) {
        const s = nat.find((x) => x.scopeKey === pos.scope.key && x.type === 'snat' && x.to.ip === pkt.dst);
        if (s && !local) {
          natNote = `un-NAT (conntrack) ${pkt.dst} → ${s.from.ip}`;
          pkt = { ...pkt, dst: s.from.ip };
        }
      } else {
        const d = judge('nat', local ? 'OUTPUT' : 'PREROUTING', pkt, { ...(pos.iif ? { in: pos.iif } : {}), state });
        if (d.verdict === 'REDIRECT') {
          const ip = local ? '127.0.0.1' : primaryAddress(v, pos.iif!);
          const toPort = d.to ? Number(d.to.split('-')[0]) : pkt.dport;
          const to: { ip: string; port?: number } = { ip: ip ?? pkt.dst, ...(toPort ? { port: toPort } : {}) };
          natNote = `REDIRECT ${hostPort(pkt.dst, pkt.dport)} → ${hostPort(to.ip, to.port)} (${d.chain} rule ${d.position}): to ${node} itself`;
          nat.push({ scopeKey: pos.scope.key, type: 'dnat', from: { ip: pkt.dst, ...port(pkt.dport) }, to });
          pkt = { ...pkt, dst: to.ip, ...port(to.port, 'dport') };
        } else if (d.verdict === 'DNAT' && d.to && natTarget(d.to, pkt.dport)) {
          const to = natTarget(d.to, pkt.dport)!;
          nat.push({ scopeKey: pos.scope.key, type: 'dnat', from: { ip: pkt.dst, ...port(pkt.dport) }, to });
          natNote = `DNAT ${hostPort(pkt.dst, pkt.dport)} → ${hostPort(to.ip, to.port)} (${d.chain} rule ${d.position})`;
          pkt = { ...pkt, dst: to.ip, ...port(to.port, 'dport') };
        }
      }

      const rg = await this.kernel.routeGet(pos.scope.netns, pkt, {
        ...(pos.iif ? { iif: pos.iif } : {}),
        ...(local && opts.oif ? { oif: opts.oif } : {}),
        ...(local && opts.from ? { from: opts.from } : {}),
      });
      if (!rg.route)
        return drop(node, await this.noRoute(v, node, pos, pkt, rg.error ?? 'no route'), {
          ...(pos.iif ? { in: pos.iif } : {}),
          ...(natNote ? { nat: natNote } : {}),
        });
      const route = rg.route;
      if (local && !pkt.src && route.prefsrc) pkt = { ...pkt, src: route.prefsrc };
      if (local && !pkt.src) return drop(node, `${node} has no address to send from towards ${pkt.dst}`);

      if (route.type === 'local') {
        const input = judge('filter', 'INPUT', pkt, { ...(pos.iif ? { in: pos.iif } : {}), state });
        if (blocks(input))
          return drop(node, firewallText(input, pkt), { firewall: firewallText(input, pkt), ...(pos.iif ? { in: pos.iif } : {}) });
        if (opts.reply) {
          const d = nat.find((x) => x.scopeKey === pos.scope.key && x.type === 'dnat' && x.to.ip === pkt.src);
          if (d) pkt = { ...pkt, src: d.from.ip, ...port(d.from.port, 'sport') };
        }
        hop({
          kind: 'deliver',
          node,
          ...(pos.iif ? { in: pos.iif } : {}),
          ...(natNote ? { nat: natNote } : {}),
          ...(local ? { note: `${pkt.dst} is ${node}'s own address` } : {}),
        });
        return { outcome: 'delivered', hops, at: node, packet: pkt, end: pos, nat };
      }
      if (route.type && route.type !== 'unicast')
        return drop(node, `a ${route.type} route for ${pkt.dst} (${routeText(route)}): the kernel discards it`, {
          route: routeText(route),
        });
      const dev = route.dev;
      if (!dev) return drop(node, `the route to ${pkt.dst} names no interface`);

      let firewall: string | undefined;
      const out = v.ifaces.get(dev);
      if (local) {
        const out = judge('filter', 'OUTPUT', pkt, { out: dev, state });
        if (blocks(out)) return drop(node, firewallText(out, pkt), { firewall: firewallText(out, pkt), out: dev });
        firewall = decidedText(out);
      } else {
        const fwd = judge('filter', 'FORWARD', pkt, { in: pos.iif!, out: dev, state });
        if (blocks(fwd))
          return drop(node, firewallText(fwd, pkt), { in: pos.iif!, out: dev, route: routeText(route), firewall: firewallText(fwd, pkt) });
        firewall = decidedText(fwd);
        // br_netfilter sends a packet DNATed back onto the bridge it came from across the bridge: switched, not routed.
        const switched =
          natNote?.startsWith('DNAT') &&
          dev === pos.iif &&
          out?.kind === 'bridge' &&
          v.sysctl['net.bridge.bridge-nf-call-iptables'] === '1';
        if (switched) natNote += `; back out on bridge ${dev}, br_netfilter switches it (not routed: TTL unchanged)`;
        else {
          if (pkt.ttl <= 1) return drop(node, `TTL exceeded (a routing loop?)`, { in: pos.iif! });
          pkt = { ...pkt, ttl: pkt.ttl - 1 };
        }
      }

      // Source NAT on the way out; a reply gets its original source back.
      if (opts.reply) {
        const d = nat.find((x) => x.scopeKey === pos.scope.key && x.type === 'dnat' && x.to.ip === pkt.src);
        if (d) {
          natNote = `un-DNAT (conntrack) ${hostPort(pkt.src, pkt.sport)} → ${hostPort(d.from.ip, d.from.port)}`;
          pkt = { ...pkt, src: d.from.ip, ...port(d.from.port, 'sport') };
        }
      } else {
        const s = judge('nat', 'POSTROUTING', pkt, { out: dev, state });
        const to = s.verdict === 'MASQUERADE' ? primaryAddress(v, dev) : s.verdict === 'SNAT' && s.to ? natTarget(s.to)?.ip : undefined;
        if (to) {
          nat.push({ scopeKey: pos.scope.key, type: 'snat', from: { ip: pkt.src }, to: { ip: to } });
          natNote = `${s.verdict} ${pkt.src} → ${to} (${s.chain} rule ${s.position})`;
          pkt = { ...pkt, src: to };
        }
      }

      const nextHop = route.gateway ?? pkt.dst;
      const sent = hop({
        kind: local ? 'send' : 'forward',
        node,
        ...(pos.iif ? { in: pos.iif } : {}),
        out: dev,
        route: routeText(route),
        ...(natNote ? { nat: natNote } : {}),
        ...(firewall ? { firewall } : {}),
      });
      // Loss set on the interface (impair: loss, without netem): a marked statistic DROP in mangle POSTROUTING.
      const loss = judge('mangle', 'POSTROUTING', pkt, { out: dev, state });
      if (blocks(loss)) return drop(node, `${dev} drops every packet it sends (loss 100%: ${ruleText(loss.rule!)})`, { out: dev });
      if (loss.random.length) sent.note = `${dev} ${decidedText({ ...loss, rule: undefined } as Decision)}`;
      if (out && !out.up) return drop(node, `${dev} is down (set it up: \`ip link set ${dev} up\`)`, { out: dev });
      if (out && !out.carrier) return drop(node, `${dev} has no carrier: the other end of its link is down`, { out: dev });

      const l2 = await this.acrossSegment(pos.scope, dev, nextHop, pkt, state);
      const neighbour = await this.kernel.neighbour(pos.scope.netns, nextHop, dev);
      sent.neighbour = {
        ip: nextHop,
        state: neighbour?.state ?? 'not resolved yet',
        ...(l2.answeredBy ? { answeredBy: l2.answeredBy } : {}),
      };
      if (l2.firstLink !== undefined) sent.link = l2.firstLink;
      for (const h of l2.hops) hop(h);
      if ('outside' in l2) {
        hop({ kind: 'deliver', node: '?', note: l2.outside });
        return { outcome: 'outside', hops, at: '?', packet: pkt, nat };
      }
      if ('fail' in l2) return drop(l2.failAt ?? node, l2.fail, l2.failAt ? {} : { out: dev });
      pos = l2.next;
    }
    return drop(this.nodeOf(pos.scope), `more than ${MAX_HOPS} hops: a routing loop`);
  }

  /** Why a namespace has no route for the packet, in words. */
  private async noRoute(v: NsView, node: string, pos: Position, pkt: Pkt, error: string): Promise<string> {
    if (pos.iif) {
      // The kernel answers a forwarded packet's lookup that hits a blackhole with EINVAL too: look at the route itself.
      const hit = await this.kernel.routeMatch(pos.scope.netns, pkt.dst);
      if (hit?.type && ['blackhole', 'unreachable', 'prohibit'].includes(hit.type))
        return `a ${hit.type} route for ${pkt.dst} (${routeText(hit)}): the kernel discards it`;
    }
    if (pos.iif && /no route to host/i.test(error) && v.sysctl['net.ipv4.ip_forward'] === '0')
      return `net.ipv4.ip_forward is 0, so ${node} does not route packets between its interfaces (${pkt.src} → ${pkt.dst} arrived on ${pos.iif})`;
    if (pos.iif && /invalid argument|cross-device/i.test(error) && ifaceSysctl(v, 'rp_filter', pos.iif) === 1)
      return `rp_filter=1 on ${pos.iif} drops ${pkt.src} → ${pkt.dst}: ${node}'s route back to ${pkt.src} does not leave by ${pos.iif} (an asymmetric path; set rp_filter to 2 or 0, or make the path symmetric)`;
    return `no route to ${pkt.dst}${pos.iif ? ` for a packet from ${pkt.src} on ${pos.iif}` : ''} (${error})`;
  }

  /**
   * From `dev` in `scope` to whoever answers ARP for `ip` on that L2 segment:
   * across the veth, through bridges (iptables FORWARD where
   * bridge-nf-call-iptables is 1) and VXLAN tunnels.
   */
  private async acrossSegment(
    scope: ResolvedScope,
    dev: string,
    ip: string,
    pkt: Pkt,
    state: 'NEW' | 'ESTABLISHED',
  ): Promise<
    { hops: TraceHop[]; firstLink?: number; answeredBy?: string } & (
      { next: Position } | { fail: string; failAt?: string } | { outside: string }
    )
  > {
    const start = scope.interfaces.get(dev)?.[0];
    const node = this.nodeOf(scope);
    if (!start)
      return { hops: [], outside: `${pkt.dst} leaves the lab by ${dev} (not an interface of the lab): nslab follows it no further` };
    const segment = this.members.get(start.segment) ?? [];
    // Who holds the address, by the kernel's word; else who answers for it by proxy ARP.
    let target: { scope: ResolvedScope; iface: ResolvedInterface } | undefined;
    let answeredBy: string | undefined;
    for (const m of segment) {
      if (m.iface === start || m.iface.master) continue;
      if (await this.holds(m, ip)) {
        target = m;
        break;
      }
    }
    if (!target) {
      for (const m of segment) {
        if (m.iface === start || m.iface.master || m.iface.kind === 'vxlan') continue;
        const v = await this.kernel.view(m.scope.netns);
        if (!v.ifaces.get(m.iface.name)?.up || ifaceSysctl(v, 'proxy_arp', m.iface.name) !== 1) continue;
        const rg = await this.kernel.routeGet(m.scope.netns, { ...pkt, dst: ip }, { iif: m.iface.name });
        if (rg.route?.dev && rg.route.dev !== m.iface.name && (rg.route.type ?? 'unicast') !== 'local') {
          target = m;
          answeredBy = `${m.iface.name} in ${this.nodeOf(m.scope)} (proxy ARP)`;
          break;
        }
      }
    }
    if (!target) {
      const n = await this.kernel.neighbour(scope.netns, ip, dev);
      const peer = this.describePeer(start);
      return {
        hops: [],
        firstLink: start.link?.index,
        fail: `never left ${node}: no ARP reply for ${ip} on ${dev} (${n ? `neighbour ${n.state}` : 'no neighbour entry yet'}) — nothing answers for that address on this link${peer}; a /32 peer needs proxy ARP or a route via the host`,
      };
    }
    answeredBy ??= `${target.iface.name} in ${this.nodeOf(target.scope)}`;
    const path = this.l2Path(start, scope, target);
    if (!path) return { hops: [], fail: `${ip} is on ${dev}'s segment, but no path of links reaches it` };
    const hops: TraceHop[] = [];
    let firstLink: number | undefined;
    const setLink = (index: number) => {
      const last = hops.at(-1);
      if (last) last.link = index;
      else firstLink = index;
    };
    for (let i = 1; i < path.length; i++) {
      const prev = path[i - 1]!;
      const cur = path[i]!;
      if (prev.iface.link && cur.iface.link && prev.iface.link.index === cur.iface.link.index) setLink(cur.iface.link.index);
      else if (cur.iface.kind === 'bridge' && prev.iface.master === cur.iface.name) {
        const next = path[i + 1];
        const v = await this.kernel.view(cur.scope.netns);
        const h: TraceHop = { kind: 'bridge', node: cur.iface.node, in: prev.iface.name, packet: packetOf(pkt) };
        if (next && next.iface.master === cur.iface.name) {
          h.out = next.iface.name;
          if (v.sysctl['net.bridge.bridge-nf-call-iptables'] === '1') {
            const bridged = { in: cur.iface.name, out: cur.iface.name, physIn: prev.iface.name, physOut: next.iface.name, state };
            const d = evaluateChain(v.rules, 'filter', 'FORWARD', pkt, bridged);
            h.firewall = decidedText(d) ?? `${d.chain} policy ${d.verdict}`;
            const loss = evaluateChain(v.rules, 'mangle', 'POSTROUTING', pkt, bridged);
            if (blocks(loss) && !blocks(d)) {
              hops.push(h);
              return {
                hops,
                firstLink,
                answeredBy,
                failAt: cur.iface.node,
                fail: `port ${next.iface.name} drops every packet it sends (loss 100%: ${ruleText(loss.rule!)})`,
              };
            }
            if (loss.random.length) h.note = `port ${next.iface.name} ${decidedText({ ...loss, rule: undefined } as Decision)}`;
            if (blocks(d)) {
              hops.push(h);
              const where = this.nodeOf(cur.scope);
              return {
                hops,
                firstLink,
                answeredBy,
                failAt: where,
                fail: `${firewallText(d, pkt)} — bridged traffic on ${cur.iface.name} passes the FORWARD chain because net.bridge.bridge-nf-call-iptables=1`,
              };
            }
          }
        }
        hops.push(h);
      } else if (cur.iface.kind === 'vxlan' && prev.iface.kind === 'vxlan') {
        hops.push(...(await this.tunnel(prev, cur, pkt)));
      }
    }
    return { hops, ...(firstLink !== undefined ? { firstLink } : {}), answeredBy, next: { scope: target.scope, iif: target.iface.name } };
  }

  /** The kernel holds `ip` on this member's interface. */
  private async holds(m: { scope: ResolvedScope; iface: ResolvedInterface }, ip: string): Promise<boolean> {
    if (!m.iface.addresses.some((a) => a.cidr?.ip === ip)) return false;
    const v = await this.kernel.view(m.scope.netns);
    const k = v.ifaces.get(m.iface.name);
    return !!k && k.up && k.addresses.some((a) => a.split('/')[0] === ip);
  }

  private describePeer(start: ResolvedInterface): string {
    if (!start.link) return '';
    const peer = this.t.links[start.link.index]?.endpoints[1 - start.link.end];
    return peer ? ` (${start.name}'s peer is ${peer.name} in ${peer.node})` : '';
  }

  /** Breadth-first through the segment: veth pairs, bridge ports, VXLAN peers. */
  private l2Path(
    start: ResolvedInterface,
    startScope: ResolvedScope,
    target: { scope: ResolvedScope; iface: ResolvedInterface },
  ): Array<{ scope: ResolvedScope; iface: ResolvedInterface }> | undefined {
    const segment = this.members.get(start.segment) ?? [];
    const key = (m: { scope: ResolvedScope; iface: ResolvedInterface }) => `${m.scope.key}/${m.iface.name}`;
    const from = { scope: startScope, iface: start };
    const prev = new Map<string, { scope: ResolvedScope; iface: ResolvedInterface } | null>([[key(from), null]]);
    const queue = [from];
    while (queue.length) {
      const cur = queue.shift()!;
      if (key(cur) === key(target)) {
        const path = [cur];
        for (let p = prev.get(key(cur)); p; p = prev.get(key(p))) path.unshift(p);
        return path;
      }
      for (const m of segment) {
        if (prev.has(key(m)) || !adjacent(cur, m)) continue;
        prev.set(key(m), cur);
        queue.push(m);
      }
    }
    return undefined;
  }

  /** The encapsulation and decapsulation hops of a VXLAN crossing. */
  private async tunnel(
    a: { scope: ResolvedScope; iface: ResolvedInterface },
    b: { scope: ResolvedScope; iface: ResolvedInterface },
    pkt: Pkt,
  ): Promise<TraceHop[]> {
    const spec = (s: ResolvedScope, name: string) => {
      const n = this.t.nodes[s.node ?? ''];
      return n && n.kind !== 'bridge' ? n.vxlans?.find((x) => x.name === name) : undefined;
    };
    const va = spec(a.scope, a.iface.name);
    const remote = va?.remote ?? va?.group ?? '?';
    const rg =
      remote === '?' ? {} : await this.kernel.routeGet(a.scope.netns, { proto: 'udp', src: '', dst: remote, dport: va?.dstport }, {});
    const under = rg.route?.dev ? a.scope.interfaces.get(rg.route.dev)?.[0] : undefined;
    const outer = `VXLAN VNI ${va?.vni ?? '?'}: ${rg.route?.prefsrc ?? va?.local ?? '?'} → ${remote} UDP ${va?.dstport ?? 4789}${rg.route?.dev ? ` by ${rg.route.dev}` : ''}`;
    return [
      {
        kind: 'encap',
        node: this.nodeOf(a.scope),
        in: a.iface.master ?? a.iface.name,
        out: a.iface.name,
        packet: packetOf(pkt),
        note: `encapsulated: ${outer}`,
        ...(rg.error ? { why: `the underlay has no route to ${remote}: ${rg.error}` } : {}),
        ...(under?.link ? { link: under.link.index } : {}),
      },
      {
        kind: 'decap',
        node: this.nodeOf(b.scope),
        in: b.iface.name,
        ...(b.iface.master ? { out: b.iface.master } : {}),
        packet: packetOf(pkt),
        note: `decapsulated (VNI ${va?.vni ?? '?'})`,
      },
    ];
  }
}

function adjacent(a: { scope: ResolvedScope; iface: ResolvedInterface }, b: { scope: ResolvedScope; iface: ResolvedInterface }): boolean {
  if (a.iface.link && b.iface.link && a.iface.link.index === b.iface.link.index && a.iface.link.end !== b.iface.link.end) return true;
  if (a.scope.key === b.scope.key && (a.iface.master === b.iface.name || b.iface.master === a.iface.name)) return true;
  if (a.iface.kind === 'vxlan' && b.iface.kind === 'vxlan' && a.scope.key !== b.scope.key) return true;
  if (a.iface.kind === 'macvlan' || b.iface.kind === 'macvlan') return a.iface.segment === b.iface.segment && a.scope.key !== b.scope.key;
  return false;
}

function packetOf(p: Pkt): TraceHop['packet'] {
  return { src: p.src, dst: p.dst, ttl: p.ttl, ...(p.sport ? { sport: p.sport } : {}), ...(p.dport ? { dport: p.dport } : {}) };
}

function blocks(d: Decision): boolean {
  return d.verdict === 'DROP' || d.verdict === 'REJECT';
}

/** The firewall line of a hop: the rule that accepted, or nothing when no rule spoke. */
function decidedText(d: Decision): string | undefined {
  const random = d.random.map((r) => `drops ${Math.round(r.probability * 100)}% at random (${ruleText(r.rule)})`).join('; ');
  const base = d.rule ? `${d.chain} rule ${d.position} ${d.verdict}: ${ruleText(d.rule)}` : undefined;
  return [base, random].filter(Boolean).join('; ') || undefined;
}

/** Why a chain dropped the packet, as the verdict sentence says it. */
export function firewallText(d: Decision, pkt: { src: string; dst: string }): string {
  const chain = d.chain.split('/')[1];
  if (!d.rule) return `${chain} policy ${d.verdict}, no rule matched ${pkt.src} → ${pkt.dst}`;
  return `${chain} rule ${d.position} ${d.verdict}s ${pkt.src} → ${pkt.dst} (${ruleText(d.rule)})`;
}

function routeText(r: KernelRoute): string {
  return [
    r.type && r.type !== 'unicast' ? r.type : '',
    r.dst,
    r.gateway && `via ${r.gateway}`,
    r.dev && `dev ${r.dev}`,
    r.prefsrc && `src ${r.prefsrc}`,
  ]
    .filter(Boolean)
    .join(' ');
}

function primaryAddress(v: NsView, dev: string): string | undefined {
  return v.ifaces
    .get(dev)
    ?.addresses.find((a) => !a.includes(':'))
    ?.split('/')[0];
}

/**
 * A NAT target as iptables-save prints it (`IP`, `IP:PORT`, ranges
 * `IP-IP:P-P`): its first IPv4 address and port, or undefined when it is not
 * one — nothing unparsed goes on to `ip route get`.
 */
export function natTarget(text: string, keepPort?: number): { ip: string; port?: number } | undefined {
  const [addr = '', ports] = text.split(':');
  const ip = parseIp(addr.split('-')[0]!);
  const port = ports === undefined ? keepPort : Number(ports.split('-')[0]);
  if (ip?.kind() !== 'ipv4' || (port !== undefined && !(port >= 1 && port <= 65535))) return undefined;
  return { ip: ip.toString(), ...(port ? { port } : {}) };
}

function hostPort(ip: string, p?: number): string {
  return p ? `${ip}:${p}` : ip;
}

function port(p: number | undefined, key: 'port' | 'dport' | 'sport' = 'port'): Record<string, number> {
  return p ? { [key]: p } : {};
}
