/**
 * Reads what a lab owns on the host, proving ownership from the host alone:
 * a namespace is the lab's when its loopback's alias is `nslab:<lab>`; a host
 * interface when its own alias is; a host iptables rule when its comment is.
 * One `ip -json -batch` process per namespace, run in parallel through
 * nsenter (no mount-namespace work, unlike `ip -n`), keeps this fast at scale.
 */
import {
  emptyScope, hasV6, labMark, labOfMark, scopeKeyOf,
  type DesiredState, type Family, type ObservedState, type ScopeState,
} from '@nslab/topology';
import type { HoldStore } from './holds.js';
import {
  hasComment, parseIptablesSave, parseJsonLines, parseSysctl, toLinkState, toRouteStates,
  type IpLink, type IpRoute, type SavedTables,
} from './observe/parse.js';
import { parallelism } from './paths.js';
import { inNetns, mapLimit, runOk, type Runner } from './runner.js';

interface RawScope {
  netns: string | null;
  links: IpLink[];
  routes: { 4: IpRoute[]; 6: IpRoute[] };
  /** nsid (as this namespace numbers them) → namespace name; null for an id without a name (the host). */
  nsids: Map<number, string | null>;
  owner?: string;
}

const BATCH = 'addr show\nroute show\nroute show root ::/0\nnetns list-id\n';

export interface ObserveOptions {
  runner: Runner;
  lab: string;
  holds: HoldStore;
  /** What the lab should look like: tells which host sysctls and policies to read. */
  desired?: DesiredState;
}

export async function listNetns(runner: Runner): Promise<string[]> {
  const out = await runOk(runner, ['ip', '-json', 'netns', 'list']);
  if (out.trim() === '') return [];
  return (JSON.parse(out) as Array<{ name: string }>).map((n) => n.name).sort();
}

async function readScope(runner: Runner, netns: string | null): Promise<RawScope | undefined> {
  const r = await runner.run(inNetns(netns, ['ip', '-json', '-details', '-batch', '-']), { input: BATCH });
  if (r.code !== 0) {
    if (netns !== null) return undefined; // deleted while we looked
    throw new Error(`cannot read the host's interfaces: ${r.stderr.trim()}`);
  }
  const [links = [], r4 = [], r6 = [], ids = []] = parseJsonLines(r.stdout);
  const nsids = new Map<number, string | null>();
  for (const e of ids as Array<{ nsid: number; name?: string }>) nsids.set(e.nsid, e.name ?? null);
  const raw: RawScope = { netns, links: links as IpLink[], routes: { 4: r4 as IpRoute[], 6: r6 as IpRoute[] }, nsids };
  raw.owner = labOfMark((raw.links.find((l) => l.ifname === 'lo') ?? {}).ifalias);
  return raw;
}

/** Reads every namespace (to learn its owner) and the lab's full state. */
export async function observeHost(opts: ObserveOptions): Promise<ObservedState> {
  const { runner, lab } = opts;
  const mark = labMark(lab);
  const names = await listNetns(runner);
  const raws = await mapLimit([null, ...names], parallelism(), (n) => readScope(runner, n));
  const host = raws[0]!;
  const byName = new Map<string | null, RawScope>();
  for (const r of raws) if (r) byName.set(r.netns, r);

  const observed: ObservedState = { lab, scopes: {}, foreign: { netns: {}, hostLinks: {} }, hostValues: {}, holds: opts.holds.read() };
  const v6 = opts.desired ? hasV6(opts.desired) : false;
  const owned = raws.filter((r): r is RawScope => !!r && r.netns !== null && r.owner === lab);
  for (const r of raws) if (r && r.netns !== null && r.owner !== lab) observed.foreign.netns[r.netns] = r.owner;
  for (const l of host.links) {
    const owner = labOfMark(l.ifalias);
    if (owner !== lab) observed.foreign.hostLinks[l.ifname] = owner;
  }

  const peerOf = (scope: RawScope, l: IpLink) => {
    if (l.link_index === undefined) return undefined;
    const peerNs = l.link_netnsid === undefined ? scope.netns : (scope.nsids.get(l.link_netnsid) ?? null);
    const peer = byName.get(peerNs)?.links.find((p) => p.ifindex === l.link_index && p.link_index === l.ifindex);
    return peer ? { netns: peerNs, name: peer.ifname } : undefined;
  };
  const toScope = (r: RawScope, keepLink: (l: IpLink) => boolean): ScopeState => {
    const s = emptyScope(r.netns);
    for (const l of r.links) {
      if (l.ifname === 'lo' || !keepLink(l)) continue;
      const state = toLinkState(l);
      if (!state) continue;
      if (state.kind === 'veth') {
        const peer = peerOf(r, l);
        if (peer) state.peer = peer;
      }
      s.links[l.ifname] = state;
    }
    const devs = new Set(Object.keys(s.links));
    const mine = (rt: { dev?: string }) => r.netns !== null || (rt.dev !== undefined && devs.has(rt.dev));
    s.routes = [...toRouteStates(r.routes[4], 4), ...toRouteStates(r.routes[6], 6)].filter(mine);
    return s;
  };

  await mapLimit(owned, parallelism(), async (r) => {
    const s = toScope(r, () => true);
    const key = scopeKeyOf(r.netns);
    const d = opts.desired?.scopes[key];
    applyTables(s, await saveTables(runner, r.netns, 4, () => true));
    if (v6) applyTables(s, await saveTables(runner, r.netns, 6, () => true));
    const keys = Object.keys(d?.sysctls ?? {});
    if (keys.length > 0) s.sysctls = await readSysctls(runner, r.netns, keys);
    s.node = d?.node;
    observed.scopes[key] = s;
  });

  const hostScope = toScope(host, (l) => labOfMark(l.ifalias) === lab);
  const hostTables = [await saveTables(runner, null, 4, (a) => hasComment(a, mark)), await saveTables(runner, null, 6, (a) => hasComment(a, mark))];
  for (const t of hostTables) hostScope.rules.push(...t.rules);
  const wanted = new Set([
    ...Object.keys(opts.desired?.scopes.host?.sysctls ?? {}).map((k) => `sysctl:${k}`),
    ...Object.keys(opts.desired?.scopes.host?.policies ?? {}).map((k) => `policy:${k}`),
    ...Object.keys(observed.holds),
  ]);
  const sysctlKeys = [...wanted].filter((k) => k.startsWith('sysctl:')).map((k) => k.slice(7));
  const values = sysctlKeys.length > 0 ? await readSysctls(runner, null, sysctlKeys) : {};
  for (const [k, v] of Object.entries(values)) observed.hostValues[`sysctl:${k}`] = v;
  for (const k of wanted) {
    if (!k.startsWith('policy:')) continue;
    const p = hostTables[0]!.policies[k.slice(7)] ?? hostTables[1]!.policies[k.slice(7)];
    if (p) observed.hostValues[k] = p;
  }
  if (Object.keys(hostScope.links).length > 0 || hostScope.rules.length > 0) observed.scopes.host = hostScope;
  return observed;
}

function applyTables(s: ScopeState, t: SavedTables): void {
  s.rules.push(...t.rules);
  for (const [k, p] of Object.entries(t.policies)) if (k.endsWith(':filter/FORWARD')) s.policies[k] = p;
}

async function saveTables(runner: Runner, netns: string | null, family: Family, keep: (args: string[]) => boolean): Promise<SavedTables> {
  const r = await runner.run(inNetns(netns, [family === 6 ? 'ip6tables-save' : 'iptables-save']));
  if (r.code !== 0) return { rules: [], policies: {} }; // no iptables on this host: nothing of ours either
  return parseIptablesSave(r.stdout, family, keep);
}

async function readSysctls(runner: Runner, netns: string | null, keys: string[]): Promise<Record<string, string>> {
  // Missing keys (an interface not created yet) are reported on stderr and skipped.
  const r = await runner.run(inNetns(netns, ['sysctl', ...keys]));
  const raw = parseSysctl(r.stdout);
  const out: Record<string, string> = {};
  for (const k of keys) {
    if (raw[k] !== undefined) out[k] = raw[k];
  }
  return out;
}
