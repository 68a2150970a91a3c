/**
 * What the packet tracer reads from the kernel, one namespace at a time and
 * only the namespaces the packet reaches: interfaces with their addresses and
 * state, the sysctls that decide forwarding (ip_forward, rp_filter,
 * proxy_arp, bridge-nf-call-iptables), the iptables ruleset, neighbours, and
 * the kernel's own route lookup (`ip route get`, with `iif` for a packet
 * arriving from elsewhere).
 */
import { labOfMark, parseRuleset, type Ruleset, type TracePacket } from '@nslab/topology';
import type { Runner } from '../runner.js';
import { enter, type NodeScope } from '../live/scope.js';
import { NslabError } from '../errors.js';

export interface KernelIface {
  name: string;
  kind?: string;
  /** Administratively up. */
  up: boolean;
  /** Has a carrier (a veth whose peer is up). */
  carrier: boolean;
  master?: string;
  mtu?: number;
  /** `ip/prefixlen`. */
  addresses: string[];
}

export interface KernelRoute {
  type?: string;
  dst?: string;
  gateway?: string;
  dev?: string;
  prefsrc?: string;
}

export interface NsView {
  netns: string | null;
  /** The lab that marked this namespace's loopback (undefined: unmarked, or the host). */
  owner?: string;
  ifaces: Map<string, KernelIface>;
  sysctl: Record<string, string>;
  rules: Ruleset;
}

interface IpAddrJson {
  ifname: string;
  flags?: string[];
  operstate?: string;
  mtu?: number;
  master?: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: Array<{ local: string; prefixlen: number; family: string }>;
}

/** Reads namespaces on demand, each once per trace. */
/** A trace reads at most this many namespaces, and each command may take this long: a model walk stays cheap. */
export const MAX_NAMESPACES_READ = 64;
const COMMAND_MS = 5000;

export class KernelReader {
  private views = new Map<string | null, Promise<NsView>>();
  constructor(private runner: Runner) {}

  private run(netns: string | null, argv: string[]) {
    return this.runner.run(enter(this.scope(netns), argv), { timeoutMs: COMMAND_MS });
  }

  private scope(netns: string | null): NodeScope {
    return { netns, node: '', runner: this.runner };
  }

  view(netns: string | null): Promise<NsView> {
    let v = this.views.get(netns);
    if (!v) {
      if (this.views.size >= MAX_NAMESPACES_READ)
        throw new NslabError('limit', `the trace would read more than ${MAX_NAMESPACES_READ} namespaces: trace a shorter path`);
      this.views.set(netns, (v = this.read(netns)));
    }
    return v;
  }

  private async read(netns: string | null): Promise<NsView> {
    const [addr, sys, save] = await Promise.all([
      this.run(netns, ['ip', '-json', '-details', 'addr', 'show']),
      this.run(netns, [
        'grep',
        '-H',
        '-r',
        '--include=ip_forward',
        '--include=rp_filter',
        '--include=proxy_arp',
        '--include=bridge-nf-call-iptables',
        '--',
        '.',
        '/proc/sys/net/ipv4/ip_forward',
        '/proc/sys/net/ipv4/conf',
        '/proc/sys/net/bridge/bridge-nf-call-iptables',
      ]),
      this.run(netns, ['iptables-save']),
    ]);
    if (addr.code !== 0) throw new Error(`cannot read namespace ${netns ?? 'host'}: ${addr.stderr.trim()}`);
    const ifaces = new Map<string, KernelIface>();
    let owner: string | undefined;
    for (const l of JSON.parse(addr.stdout) as IpAddrJson[]) {
      if (l.ifname === 'lo') owner = labOfMark(l.ifalias);
      const flags = l.flags ?? [];
      ifaces.set(l.ifname, {
        name: l.ifname,
        ...(l.linkinfo?.info_kind ? { kind: l.linkinfo.info_kind } : {}),
        up: flags.includes('UP'),
        carrier: flags.includes('LOWER_UP'),
        ...(l.master ? { master: l.master } : {}),
        ...(l.mtu ? { mtu: l.mtu } : {}),
        addresses: (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`),
      });
    }
    const sysctl: Record<string, string> = {};
    for (const line of sys.stdout.split('\n')) {
      const m = /^\/proc\/sys\/(.+):(.*)$/.exec(line);
      if (m) sysctl[m[1]!.replaceAll('/', '.')] = m[2]!.trim();
    }
    return { netns, ...(owner ? { owner } : {}), ifaces, sysctl, rules: parseRuleset(save.stdout) };
  }

  /** The kernel's route for a packet: locally sent (no `iif`) or arriving on `iif`. */
  async routeGet(
    netns: string | null,
    pkt: TracePacket,
    opts: { iif?: string; oif?: string; from?: string },
  ): Promise<{ route?: KernelRoute; error?: string }> {
    const argv = ['ip', '-json', 'route', 'get', 'to', pkt.dst];
    const from = opts.from ?? (opts.iif ? pkt.src : undefined);
    if (from) argv.push('from', from);
    if (opts.iif) argv.push('iif', opts.iif);
    if (opts.oif) argv.push('oif', opts.oif);
    if (pkt.proto !== 'icmp') argv.push('ipproto', pkt.proto, ...(pkt.dport ? ['dport', String(pkt.dport)] : []));
    const r = await this.run(netns, argv);
    if (r.code !== 0) return { error: r.stderr.replace(/^RTNETLINK answers: /, '').trim() || 'no route' };
    return { route: (JSON.parse(r.stdout) as KernelRoute[])[0] ?? {} };
  }

  /** The most specific route of any table that covers `dst` (what a forwarded packet's failed lookup hit). */
  async routeMatch(netns: string | null, dst: string): Promise<KernelRoute | undefined> {
    const r = await this.run(netns, ['ip', '-json', 'route', 'show', 'table', 'all', 'match', dst]);
    const routes = r.code === 0 ? (JSON.parse(r.stdout || '[]') as KernelRoute[]) : [];
    const len = (x: KernelRoute) => (x.dst === 'default' || !x.dst ? 0 : x.dst.includes('/') ? Number(x.dst.split('/')[1]) : 32);
    return routes.sort((a, b) => len(b) - len(a))[0];
  }

  /** The neighbour entry for `ip` on `dev`, as the kernel holds it now. */
  async neighbour(netns: string | null, ip: string, dev: string): Promise<{ state: string; lladdr?: string } | undefined> {
    const r = await this.run(netns, ['ip', '-json', 'neigh', 'show', 'to', ip, 'dev', dev]);
    const n = (JSON.parse(r.stdout || '[]') as Array<{ state?: string[]; lladdr?: string }>)[0];
    return n ? { state: n.state?.[0] ?? 'NONE', ...(n.lladdr ? { lladdr: n.lladdr } : {}) } : undefined;
  }
}

/** A sysctl of an interface, combined with `all` as the kernel does (rp_filter: the larger; proxy_arp: either). */
export function ifaceSysctl(v: NsView, key: 'rp_filter' | 'proxy_arp', dev: string): number {
  const all = Number(v.sysctl[`net.ipv4.conf.all.${key}`] ?? 0);
  const one = Number(v.sysctl[`net.ipv4.conf.${dev}.${key}`] ?? 0);
  return key === 'rp_filter' ? Math.max(all, one) : all || one ? 1 : 0;
}
