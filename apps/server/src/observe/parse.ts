/** Parsers for what `ip -json`, iptables-save and sysctl print. Pure. */
import {
  isLinkKind,
  kindOf,
  labOfMark,
  normaliseRouteTo,
  policyKey,
  splitRuleLine,
  type Family,
  type IpLink,
  type LinkKind,
  type LinkState,
  type ObserveKit,
  type RouteState,
  type RuleState,
} from '@nslab/topology';

export type { IpLink } from '@nslab/topology';

export interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  metric?: number;
  type?: string;
  scope?: string;
  /** Absent for the main table. */
  table?: string;
}

/**
 * What to ask `ip -json -batch` for one namespace: interfaces with their
 * addresses, IPv4 routes, IPv6 routes (three lines of JSON). iproute2 6.1's
 * `route show root ::/0` prints nothing from the main table (its default);
 * naming `table all` lists every table, and `toRouteStates` keeps main's.
 */
export const SCOPE_BATCH = 'addr show\nroute show\nroute show table all root ::/0\n';

/** `ip -json -batch` prints one JSON array per command, one per line. */
export function parseJsonLines(stdout: string): unknown[][] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown[]);
}

/** The lab owning a namespace, from its links: its loopback's `nslab:<lab>` alias. */
export function ownerOfLinks(links: IpLink[]): string | undefined {
  return labOfMark(links.find((l) => l.ifname === 'lo')?.ifalias);
}

export function linkKind(l: IpLink): LinkKind | undefined {
  const k = l.linkinfo?.info_kind;
  return k !== undefined && isLinkKind(k) ? k : undefined;
}

/** The state of one interface as nslab models it; its kind module reads its own fields (a veth's peer through `kit`). */
export function toLinkState(l: IpLink, kit: ObserveKit): LinkState | undefined {
  const kind = linkKind(l);
  if (!kind) return undefined;
  const s: LinkState = {
    name: l.ifname,
    kind,
    addresses: (l.addr_info ?? [])
      .filter((a) => a.scope !== 'link' && a.scope !== 'host')
      .map((a) => `${a.local}/${a.prefixlen}`)
      .sort(),
    up: (l.flags ?? []).includes('UP'),
  };
  if (l.master) s.master = l.master;
  if (l.mtu) s.mtu = l.mtu;
  if (l.address) s.mac = l.address.toLowerCase();
  return Object.assign(s, kindOf(kind).observe(l, kit));
}

const FOREIGN_PROTOCOLS = new Set(['kernel', 'ra', 'redirect', 'dhcp', 'zebra', 'bird', 'bgp', 'ospf']);

/** Routes nslab could have made: not kernel-made, unicast, main table. */
export function toRouteStates(routes: IpRoute[], family: Family): RouteState[] {
  const out: RouteState[] = [];
  for (const r of routes) {
    if (r.table !== undefined && r.table !== 'main') continue;
    if (r.protocol && FOREIGN_PROTOCOLS.has(r.protocol)) continue;
    if (r.type && r.type !== 'unicast') continue;
    const dst = r.dst === 'default' ? 'default' : r.dst.includes('/') ? r.dst : `${r.dst}/${family === 4 ? 32 : 128}`;
    const s: RouteState = { family, to: normaliseRouteTo(dst, family) };
    if (r.gateway) s.via = r.gateway;
    if (r.dev) s.dev = r.dev;
    // The kernel's default metrics (0 for IPv4, 1024 for IPv6) mean "none given".
    if (r.metric && !(family === 6 && r.metric === 1024)) s.metric = r.metric;
    out.push(s);
  }
  return out;
}

export interface SavedTables {
  rules: RuleState[];
  /** `v4:filter/FORWARD` → policy, for built-in chains. */
  policies: Record<string, 'ACCEPT' | 'DROP'>;
}

/** Parses iptables-save output; `keep` picks the rules (by their arguments) to return. */
export function parseIptablesSave(text: string, family: Family, keep: (args: string[], table: string) => boolean): SavedTables {
  const out: SavedTables = { rules: [], policies: {} };
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else if (line.startsWith(':')) {
      const [chain, policy] = line.slice(1).split(/\s+/);
      if (policy === 'ACCEPT' || policy === 'DROP') out.policies[policyKey(family, chain!, table)] = policy;
    } else if (line.startsWith('-A ')) {
      const [, chain, ...args] = splitRuleLine(line);
      if ((table === 'nat' || table === 'filter' || table === 'mangle') && keep(args, table))
        out.rules.push({ family, table, chain: chain!, args });
    }
  }
  return out;
}

/** True when a rule carries exactly this comment (iptables-save may quote it). */
export function hasComment(args: string[], mark: string): boolean {
  const i = args.indexOf('--comment');
  return i >= 0 && args[i + 1] === mark;
}

/** `sysctl k1 k2` prints `k = v` lines; keys with dots in interface names come back with '/'. */
export function parseSysctl(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) = (.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.trim();
  }
  return out;
}
