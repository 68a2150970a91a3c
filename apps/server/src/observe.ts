/**
 * Reads what a lab owns on the host, proving ownership from the host alone:
 * a namespace is the lab's when its loopback's alias is `nslab:<lab>`; a host
 * interface when its own alias is; a host iptables rule when its comment is.
 * One `ip -json -batch` process per namespace, run in parallel through
 * nsenter (no mount-namespace work, unlike `ip -n`), keeps this fast at scale.
 */
import fs from 'node:fs';
import {
  emptyScope,
  sysctlPath,
  isProbeRule,
  hasV6,
  holdKey,
  HOST_KEY,
  labMark,
  labOfMark,
  parseHoldKey,
  parsePolicyKey,
  policyKey,
  scopeKeyOf,
  type DesiredState,
  type Family,
  type HoldRef,
  type ObservedState,
  type ScopeState,
} from '@nslab/topology';
import type { HoldStore } from './holds.js';
import {
  hasComment,
  ownerOfLinks,
  SCOPE_BATCH,
  parseIptablesSave,
  parseJsonLines,
  parseSysctl,
  toLinkState,
  toRouteStates,
  type IpLink,
  type IpRoute,
  type SavedTables,
} from './observe/parse.js';
import { htbDevices, tcStates, type TcQdisc } from './observe/tc.js';
import { parallelism } from './paths.js';
import { ipBatchEach } from './nsPool.js';
import { directFor, pacer, type Kernel, type NsConn } from './netlink/kernel.js';
import { hostRunner, inNetns, mapLimit, runOk, type RunResult, type Runner } from './runner.js';
import { traced } from './trace.js';

/** One namespace (or the host) as `ip -json` printed it. */
export interface RawScope {
  netns: string | null;
  links: IpLink[];
  routes: { 4: IpRoute[]; 6: IpRoute[] };
  /** The lab whose mark its loopback carries. */
  owner?: string;
}

export interface ObserveOptions {
  runner: Runner;
  lab: string;
  holds: HoldStore;
  /** What the lab should look like: tells which host sysctls and policies to read. */
  desired?: DesiredState;
  /**
   * Which lab namespaces may hold iptables rules (the design, and the one
   * last deployed). Absent: read them all. A hint for speed, never for ownership.
   */
  rulesIn?: (scopeKey: string) => boolean;
  /** Which scopes may hold impairment qdiscs (as rulesIn; absent: read them all). */
  tcIn?: (scopeKey: string) => boolean;
  /** Names a killed run of this lab created but may not have marked (see intent.ts). */
  intent?: { netns: string[]; hostLinks: string[] };
  /** Namespaces' interfaces only, without addresses or routes: enough to remove them (destroy). The host is read whole. */
  linksOnly?: boolean;
}

interface NetnsEntry {
  name: string;
  /** The host's nsid for it, when one is assigned (a veth crosses into it). */
  id?: number;
}

export async function listNetnsIds(runner: Runner): Promise<NetnsEntry[]> {
  const out = await runOk(runner, ['ip', '-json', 'netns', 'list']);
  if (out.trim() === '') return [];
  return (JSON.parse(out) as NetnsEntry[]).sort((a, b) => (a.name < b.name ? -1 : 1));
}

export async function listNetns(runner: Runner): Promise<string[]> {
  const kernel = directFor(runner);
  if (kernel) return kernel.listNetns();
  return (await listNetnsIds(runner)).map((n) => n.name);
}

/**
 * Reads the host and every namespace: one `ip -json -batch` each, namespaces through the xargs pool.
 * No `netns list-id` here: it opens every /run/netns entry, which makes observing N namespaces O(N²).
 */
async function readScopes(runner: Runner, hostRead: Promise<RunResult>, names: string[]): Promise<Array<RawScope | undefined>> {
  const [host, each] = await Promise.all([
    hostRead,
    ipBatchEach(
      runner,
      names.map((netns) => ({ netns, input: SCOPE_BATCH })),
      ['-json', '-details'],
      { linesPerJob: 3 },
    ),
  ]);
  if (host.code !== 0) throw new Error(`cannot read the host's interfaces: ${host.stderr.trim()}`);
  return [
    toRaw(null, host.stdout),
    ...names.map((n) => {
      const r = each.get(n);
      return r && r.code === 0 ? toRaw(n, r.stdout) : undefined; // deleted while we looked
    }),
  ];
}

/**
 * The same reading over netlink: one socket per namespace, opened inside it.
 * The host's nsids are asked after its link dump, which assigns them.
 * Yields to the event loop every few milliseconds.
 */
async function readDirect(kernel: Kernel, linksOnly: boolean): Promise<{ entries: NetnsEntry[]; raws: Array<RawScope | undefined> }> {
  const host = kernel.open(null);
  try {
    const raws: Array<RawScope | undefined> = [rawOf(null, host, false)];
    const entries: NetnsEntry[] = [];
    const pace = pacer();
    for (const name of kernel.listNetns()) {
      try {
        const { raw, id } = kernel.using(name, (conn) => ({ raw: rawOf(name, conn, linksOnly), id: host.nsid(conn.nsFd) }));
        raws.push(raw);
        entries.push(id === undefined ? { name } : { name, id });
      } catch {
        raws.push(undefined); // deleted while we looked, or not a namespace (a file left behind)
        entries.push({ name });
      }
      await pace();
    }
    return { entries, raws };
  } finally {
    host.close();
  }
}

/** A scope's reading; `linksOnly`: its interfaces without addresses, and no routes (what removing a namespace needs). */
function rawOf(netns: string | null, conn: NsConn, linksOnly: boolean): RawScope {
  const raw: RawScope = linksOnly
    ? { netns, links: conn.links(false), routes: { 4: [], 6: [] } }
    : { netns, links: conn.links(), routes: { 4: conn.routes(4), 6: conn.routes(6) } };
  raw.owner = ownerOfLinks(raw.links);
  return raw;
}

function toRaw(netns: string | null, stdout: string): RawScope {
  const [links = [], r4 = [], r6 = []] = parseJsonLines(stdout);
  const raw: RawScope = { netns, links: links as IpLink[], routes: { 4: r4 as IpRoute[], 6: r6 as IpRoute[] } };
  raw.owner = ownerOfLinks(raw.links);
  return raw;
}

/** The host and every namespace, read once: what observeHost and discover start from. */
export interface HostReading {
  host: RawScope;
  /** The namespaces that could be read (one deleted while we looked is left out), by name. */
  namespaces: RawScope[];
  /** A scope's interfaces (those `keep` accepts; never `lo`), veth peers resolved across namespaces, and the routes it owns. */
  scopeState(r: RawScope, keep: (l: IpLink) => boolean): ScopeState;
}

/**
 * Reads the host and every namespace. `expected` (the design) only breaks
 * ties where a veth's peer cannot be told from the host alone.
 */
export async function readHost(runner: Runner, expected?: DesiredState, opts: { linksOnly?: boolean } = {}): Promise<HostReading> {
  const kernel = directFor(runner);
  let entries: NetnsEntry[];
  let raws: Array<RawScope | undefined>;
  if (kernel)
    ({ entries, raws } = await traced('observe: read the host and its namespaces over netlink', () =>
      readDirect(kernel, opts.linksOnly === true),
    ));
  else {
    // The host's own reading needs no namespace's name: it runs while they are listed.
    const hostRead = runner.run(['ip', '-json', '-details', '-batch', '-'], { input: SCOPE_BATCH });
    entries = await traced('observe: list namespaces', () => listNetnsIds(runner));
    raws = await traced(`observe: read the host and ${entries.length} namespaces`, () =>
      readScopes(
        runner,
        hostRead,
        entries.map((e) => e.name),
      ),
    );
    // The kernel gives a namespace its nsid (as the host sees it) lazily, on the first link
    // dump that needs it: ids the dump just handed out are missing from a list taken before it.
    const known = new Set(entries.flatMap((e) => (e.id === undefined ? [] : [e.id])));
    if (raws[0]!.links.some((l) => l.link_netnsid !== undefined && !known.has(l.link_netnsid))) entries = await listNetnsIds(runner);
  }
  const host = raws[0]!;
  const hostNsids = new Map(entries.filter((e) => e.id !== undefined).map((e) => [e.id!, e.name]));
  const byName = new Map<string | null, RawScope>();
  for (const r of raws) if (r) byName.set(r.netns, r);

  // Veth ends whose peer is in another namespace, by "ifindex/peer ifindex": a peer is found by its mirror key, not by a scan of every scope.
  let crossed: Map<string, Array<{ scope: RawScope; link: IpLink }>> | undefined;
  const crossing = () => {
    if (crossed) return crossed;
    crossed = new Map();
    for (const scope of byName.values())
      for (const link of scope.links) {
        if (link.link_netnsid === undefined || link.link_index === undefined) continue;
        const key = `${link.ifindex}/${link.link_index}`;
        crossed.set(key, [...(crossed.get(key) ?? []), { scope, link }]);
      }
    return crossed;
  };
  /**
   * A veth's other end. Same namespace: by ifindex. Seen from the host: the
   * host's nsid names the namespace. Seen from a namespace (whose nsids we do
   * not read): the end whose ifindex and peer ifindex mirror ours, preferring
   * the one the design expects, and for host ends checking the host's nsid.
   */
  const peerOf = (scope: RawScope, l: IpLink): { netns: string | null; name: string } | undefined => {
    if (l.link_index === undefined) return undefined;
    const mirrors = (p: IpLink) => p.ifindex === l.link_index && p.link_index === l.ifindex && p.linkinfo?.info_kind === 'veth';
    if (l.link_netnsid === undefined) {
      const p = scope.links.find(mirrors);
      return p ? { netns: scope.netns, name: p.ifname } : undefined;
    }
    if (scope.netns === null) {
      const name = hostNsids.get(l.link_netnsid);
      const p = name === undefined ? undefined : byName.get(name)?.links.find(mirrors);
      return p ? { netns: name!, name: p.ifname } : undefined;
    }
    const candidates: Array<{ netns: string | null; name: string }> = [];
    for (const { scope: other, link: p } of crossing().get(`${l.link_index}/${l.ifindex}`) ?? []) {
      if (other === scope || !mirrors(p)) continue;
      if (other.netns === null && hostNsids.get(p.link_netnsid!) !== scope.netns) continue;
      candidates.push({ netns: other.netns, name: p.ifname });
    }
    const want = expected?.scopes[scopeKeyOf(scope.netns)]?.links[l.ifname]?.peer;
    return (
      candidates.find((c) => want && c.netns === want.netns && c.name === want.name) ??
      (candidates.length === 1 ? candidates[0] : undefined)
    );
  };
  const hostByIndex = new Map(host.links.map((l) => [l.ifindex, l.ifname]));
  const scopeState = (r: RawScope, keepLink: (l: IpLink) => boolean): ScopeState => {
    const s = emptyScope(r.netns);
    for (const l of r.links) {
      if (l.ifname === 'lo' || !keepLink(l)) continue;
      const state = toLinkState(l, { peerOf: (x) => peerOf(r, x), hostLinkName: (i) => hostByIndex.get(i) });
      if (state) s.links[l.ifname] = state;
    }
    const devs = new Set(Object.keys(s.links));
    const mine = (rt: { dev?: string }) => r.netns !== null || (rt.dev !== undefined && devs.has(rt.dev));
    s.routes = [...toRouteStates(r.routes[4], 4), ...toRouteStates(r.routes[6], 6)].filter(mine);
    return s;
  };
  return { host, namespaces: raws.slice(1).filter((r): r is RawScope => r !== undefined), scopeState };
}

/** Reads every namespace (to learn its owner) and the lab's full state. */
export async function observeHost(opts: ObserveOptions): Promise<ObservedState> {
  const { runner, lab } = opts;
  const mark = labMark(lab);
  const kernel = directFor(runner);
  const observed: ObservedState = { lab, scopes: {}, foreign: { netns: {}, hostLinks: {} }, hostValues: {}, holds: opts.holds.read() };
  // The host settings the design or a hold mentions: their current values are read below.
  const wanted: HoldRef[] = [
    ...Object.keys(opts.desired?.scopes[HOST_KEY]?.sysctls ?? {}).map((key): HoldRef => ({ type: 'sysctl', key })),
    ...Object.keys(opts.desired?.scopes[HOST_KEY]?.policies ?? {}).flatMap((k): HoldRef[] => {
      const ref = parsePolicyKey(k);
      return ref ? [{ type: 'policy', ...ref }] : [];
    }),
    ...Object.keys(observed.holds).flatMap((k) => parseHoldKey(k) ?? []),
  ];
  // The host's tables do not depend on what the namespaces hold: read them while the namespaces are read,
  // each family only where it has a rule (ours would be one) or a policy is wanted.
  const hostLook = kernel ? await lookDirect(kernel, null) : ALL;
  const hostTablesRead = Promise.all(
    ([4, 6] as const).map((family): Promise<SavedTables> | SavedTables =>
      hostLook.families.has(family) || wanted.some((w) => w.type === 'policy' && w.family === family)
        ? saveTables(runner, null, family, (a, table) => hasComment(a, mark) && !isProbeRule(a, table))
        : { rules: [], policies: {} },
    ),
  );
  hostTablesRead.catch(() => {}); // awaited below; a failure of readHost first must not leave it unhandled
  const reading = await readHost(runner, opts.desired, { linksOnly: opts.linksOnly });
  const { host } = reading;
  const raws = [host, ...reading.namespaces];

  const v6 = opts.desired ? hasV6(opts.desired) : false;
  const adopt = new Set(opts.intent?.netns ?? []);
  for (const r of raws) if (r.netns !== null && r.owner === undefined && adopt.has(r.netns)) r.owner = lab;
  const unmarkedNs = new Set(
    raws.filter((r) => r.netns !== null && adopt.has(r.netns) && ownerOfLinks(r.links) === undefined).map((r) => r.netns),
  );
  const adoptLinks = new Set(opts.intent?.hostLinks ?? []);
  const ownedHostLink = (l: IpLink) => labOfMark(l.ifalias) === lab || (l.ifalias === undefined && adoptLinks.has(l.ifname));
  const owned = raws.filter((r) => r.netns !== null && r.owner === lab);
  for (const r of raws) if (r.netns !== null && r.owner !== lab) observed.foreign.netns[r.netns] = r.owner;
  for (const l of host.links) {
    if (!ownedHostLink(l)) observed.foreign.hostLinks[l.ifname] = labOfMark(l.ifalias);
  }

  await mapLimit(owned, parallelism(), async (r) => {
    const s = reading.scopeState(r, () => true);
    const key = scopeKeyOf(r.netns);
    const d = opts.desired?.scopes[key];
    const readRules = opts.rulesIn?.(key) ?? true;
    const readQdiscs = opts.tcIn?.(key) ?? true;
    const look = kernel && (readRules || readQdiscs) ? await lookDirect(kernel, r.netns) : ALL;
    if (readRules) {
      if (look.families.has(4)) applyTables(s, await saveTables(runner, r.netns, 4, (a, table) => !isProbeRule(a, table)));
      if (v6 && look.families.has(6)) applyTables(s, await saveTables(runner, r.netns, 6, (a, table) => !isProbeRule(a, table)));
    }
    if (readQdiscs && look.qdiscs) await readTc(runner, r.netns, s);
    const keys = Object.keys(d?.sysctls ?? {});
    if (keys.length > 0) s.sysctls = await readSysctls(runner, r.netns, keys);
    s.node = d?.node;
    if (unmarkedNs.has(r.netns)) s.unmarked = true;
    observed.scopes[key] = s;
  });

  const hostScope = reading.scopeState(host, ownedHostLink);
  for (const l of host.links) if (hostScope.links[l.ifname] && labOfMark(l.ifalias) !== lab) hostScope.links[l.ifname]!.unmarked = true;
  const hostTables = await hostTablesRead;
  for (const t of hostTables) for (const r of t.rules) hostScope.rules.push(r); // no spread: a host may hold 150k rules
  if (Object.keys(hostScope.links).length > 0 && hostLook.qdiscs && (opts.tcIn?.(HOST_KEY) ?? true)) await readTc(runner, null, hostScope);
  const sysctlKeys = [...new Set(wanted.flatMap((w) => (w.type === 'sysctl' ? [w.key] : [])))];
  const values = sysctlKeys.length > 0 ? await readSysctls(runner, null, sysctlKeys) : {};
  for (const [k, v] of Object.entries(values)) observed.hostValues[holdKey.sysctl(k)] = v;
  for (const w of wanted) {
    if (w.type !== 'policy') continue;
    const p = hostTables[w.family === 6 ? 1 : 0]!.policies[policyKey(w.family, w.chain, w.table)];
    if (p) observed.hostValues[holdKey.ofPolicy(w)] = p;
  }
  if (Object.keys(hostScope.links).length > 0 || hostScope.rules.length > 0) observed.scopes[HOST_KEY] = hostScope;
  return observed;
}

let nftBackend: Promise<[boolean, boolean]> | undefined;

/** What a look could not tell: every family's tables and the qdiscs are read. */
const ALL: Look = { families: new Set([4, 6]), qdiscs: true };

interface Look {
  /** The IP families whose tables iptables-save must read. */
  families: Set<number>;
  /** Whether `tc` must read the qdiscs. */
  qdiscs: boolean;
}

/**
 * What in a namespace needs a program to read it, found over netlink: the
 * families with nf_tables tables (iptables-save has nothing to print without
 * them), and whether any interface has a qdisc of its own (else `tc` has
 * nothing of ours to show). On the host (null), whose tables other tools
 * keep, a family counts only when it holds a rule: the lab's host rules are
 * rules, and the host policies it needs are read whatever the look says.
 * With the legacy iptables backend, whose rules nf_tables does not see, every
 * family is read.
 */
async function lookDirect(kernel: Kernel, netns: string | null): Promise<Look> {
  // iptables and ip6tables may be switched to different backends: each is asked.
  const nftOf = (tool: string) => hostRunner.run([tool, '-V']).then((r) => r.stdout.includes('nf_tables'));
  nftBackend ??= Promise.all([nftOf('iptables'), nftOf('ip6tables')]);
  const [nft4, nft6] = await nftBackend;
  try {
    return kernel.using(netns, (conn) => {
      const seen = nft4 || nft6 ? (netns === null ? conn.nftRuleFamilies() : conn.nftFamilies()) : new Set<number>();
      return { families: new Set([4, 6].filter((f) => (f === 4 ? !nft4 : !nft6) || seen.has(f))), qdiscs: conn.hasOwnQdiscs() };
    });
  } catch {
    return ALL; // cannot tell: read as before
  }
}

/** Adds a namespace's rules and its FORWARD policies (the only chain policies a lab sets) to its state. */
export function applyTables(s: ScopeState, t: SavedTables): void {
  for (const r of t.rules) s.rules.push(r); // no spread: a namespace may hold more rules than a call has arguments
  for (const [k, p] of Object.entries(t.policies)) {
    const ref = parsePolicyKey(k);
    if (ref?.table === 'filter' && ref.chain === 'FORWARD') s.policies[k] = p;
  }
}

/** Sets the tc state (impairments) of a scope's links: one `tc -j qdisc show`, and a class listing per htb root. */
async function readTc(runner: Runner, netns: string | null, s: ScopeState): Promise<void> {
  const r = await runner.run(inNetns(netns, ['tc', '-j', 'qdisc', 'show']));
  if (r.code !== 0 || r.stdout.trim() === '') return; // no tc here: nothing of ours either
  const qdiscs = (JSON.parse(r.stdout) as TcQdisc[]).filter((q) => q.dev !== undefined && Object.hasOwn(s.links, q.dev));
  const classes: Record<string, string> = {};
  for (const dev of htbDevices(qdiscs)) classes[dev] = (await runner.run(inNetns(netns, ['tc', 'class', 'show', 'dev', dev]))).stdout;
  for (const [dev, tc] of Object.entries(tcStates(qdiscs, classes))) s.links[dev]!.tc = tc;
}

export async function saveTables(
  runner: Runner,
  netns: string | null,
  family: Family,
  keep: (args: string[], table: string) => boolean,
): Promise<SavedTables> {
  const r = await runner.run(inNetns(netns, [family === 6 ? 'ip6tables-save' : 'iptables-save']));
  if (r.code !== 0) return { rules: [], policies: {} }; // no iptables on this host: nothing of ours either
  return parseIptablesSave(r.stdout, family, keep);
}

export async function readSysctls(runner: Runner, netns: string | null, keys: string[]): Promise<Record<string, string>> {
  const kernel = directFor(runner);
  if (kernel) return readSysctlsDirect(kernel, netns, keys);
  // Missing keys (an interface not created yet) are reported on stderr and skipped.
  const r = await runner.run(inNetns(netns, ['sysctl', ...keys]));
  const raw = parseSysctl(r.stdout);
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (raw[k] !== undefined) out[k] = raw[k];
  }
  return out;
}

/** Sysctls read from /proc/sys files opened inside the namespace; a missing one (an interface not made yet) is left out. */
function readSysctlsDirect(kernel: Kernel, netns: string | null, keys: string[]): Record<string, string> {
  let nsFd = -1;
  try {
    if (netns !== null) nsFd = kernel.openNs(netns);
    const out: Record<string, string> = {};
    for (const k of keys) {
      const v = kernel.readSysctl(nsFd, sysctlPath(k));
      if (v !== undefined) out[k] = v;
    }
    return out;
  } catch {
    return {}; // the namespace is gone: nothing of ours either
  } finally {
    if (nsFd >= 0) fs.closeSync(nsFd);
  }
}
