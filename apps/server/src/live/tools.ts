/** One-shot tools: structured ip views, the path to an address, ping-all, link counters. */
import fs from 'node:fs';
import {
  interfacesOf,
  resolveTopology,
  type Hop,
  type LinkCounters,
  type PingMatrix,
  type ShowResult,
  type Topology,
} from '@nslab/topology';
import { NslabError } from '../errors.js';
import { ipBatchEach } from '../nsPool.js';
import { directFor, type Kernel, type Stats64 } from '../netlink/kernel.js';
import { mapLimit, type Runner } from '../runner.js';
import { enter, ownedScope, type NodeScope } from './scope.js';

const SHOW = { addr: ['addr', 'show'], route: ['route', 'show'], neigh: ['neigh', 'show'], link: ['-s', 'link', 'show'] } as const;
export const SHOW_VIEWS = Object.keys(SHOW) as Array<keyof typeof SHOW>;

export async function show(runner: Runner, scope: NodeScope, what: keyof typeof SHOW, raw: boolean): Promise<ShowResult> {
  const argv = enter(scope, ['ip', ...(raw ? [] : ['-json']), ...(what === 'link' ? ['-details'] : []), ...SHOW[what]]);
  const r = await runner.run(argv);
  if (r.code !== 0) throw new Error(r.stderr.trim());
  return raw ? { text: r.stdout, argv } : { json: JSON.parse(r.stdout || '[]'), argv };
}

/** Which lab namespace holds an address (for following a path hop by hop). */
function ownerOf(t: Topology, ip: string): { node: string } | undefined {
  const r = resolveTopology(t);
  for (const scope of r.scopes.values()) {
    for (const iface of interfacesOf(scope)) {
      if (iface.addresses.some((a) => a.cidr?.ip === ip) && scope.node) return { node: scope.node };
    }
  }
  return undefined;
}

/** `ip route get` from namespace to namespace, following gateways, up to 16 hops; `to` is a checked IP address. */
export async function tracePath(runner: Runner, t: Topology, from: NodeScope, to: string): Promise<Hop[]> {
  const hops: Hop[] = [];
  let node = from.node;
  for (let i = 0; i < 16; i++) {
    const scope = i === 0 ? from : await ownedScope(runner, t, node);
    const r = await runner.run(enter(scope, ['ip', '-json', 'route', 'get', to]));
    if (r.code !== 0) {
      hops.push({ node, note: r.stderr.trim() || 'no route' });
      return hops;
    }
    const route = (JSON.parse(r.stdout) as Array<{ dev?: string; gateway?: string; prefsrc?: string; type?: string }>)[0] ?? {};
    if (route.type === 'local') {
      hops.push({ node, note: `${to} is this namespace's own address` });
      return hops;
    }
    hops.push({
      node,
      ...(route.dev ? { dev: route.dev } : {}),
      ...(route.gateway ? { via: route.gateway } : {}),
      ...(route.prefsrc ? { src: route.prefsrc } : {}),
    });
    const next = route.gateway ? ownerOf(t, route.gateway) : ownerOf(t, to);
    if (!route.gateway) {
      hops.push(
        next
          ? { node: next.node, note: `delivers to ${to} on the same segment` }
          : { node: '?', note: `${to} is directly connected, outside the lab` },
      );
      return hops;
    }
    if (!next) {
      hops.push({ node: '?', note: `gateway ${route.gateway} is outside the lab` });
      return hops;
    }
    node = next.node;
  }
  hops.push({ node, note: 'more than 16 hops: a routing loop?' });
  return hops;
}

/** Every namespace pings every address in the lab, in parallel, from the real kernel. */
/** Pings one Ping all may send: namespaces × addresses. */
const MAX_PINGS = 10_000;

export async function pingAll(runner: Runner, t: Topology): Promise<PingMatrix> {
  const start = performance.now();
  const r = resolveTopology(t);
  const from = Object.entries(t.nodes)
    .filter(([, n]) => n.kind !== 'bridge')
    .map(([n]) => n);
  const to: PingMatrix['to'] = [];
  for (const scope of r.scopes.values()) {
    for (const iface of interfacesOf(scope)) {
      for (const a of iface.addresses)
        if (a.cidr?.family === 4) to.push({ node: iface.kind === 'bridge' ? iface.name : (scope.node ?? iface.node), address: a.cidr.ip });
    }
  }
  if (from.length * to.length > MAX_PINGS)
    throw new NslabError(
      'limit',
      `ping all would send ${from.length * to.length} pings (at most ${MAX_PINGS}): ping from fewer namespaces`,
    );
  const scopes = new Map<string, NodeScope>();
  for (const n of from) scopes.set(n, await ownedScope(runner, t, n));
  const jobs = from.flatMap((f, i) =>
    to.map((target, j) => ({ i, j, argv: enter(scopes.get(f)!, ['ping', '-c', '1', '-W', '1', '-q', '--', target.address]) })),
  );
  const results = from.map(() => to.map(() => false));
  // Pings mostly wait: many in flight at once is cheap.
  await mapLimit(jobs, 64, async (job) => {
    let ok = (await runner.run(job.argv)).code === 0;
    if (!ok) ok = (await runner.run(job.argv)).code === 0; // ARP (and proxy ARP's delay) may eat the first
    results[job.i]![job.j] = ok;
  });
  return { from, to, results, elapsedMs: Math.round(performance.now() - start) };
}

/** The kernel's counters for every link end of the lab: over netlink, or one `ip -s -json link` per namespace. */
export async function linkCounters(runner: Runner, t: Topology): Promise<LinkCounters> {
  const { ends, netns, withHost } = linkEnds(t);
  const kernel = directFor(runner);
  const byScope = kernel ? statsDirect(kernel, netns, withHost) : await statsViaIp(runner, netns, withHost);
  const links: LinkCounters['links'] = {};
  ends.forEach((pair, i) => {
    links[i] = pair.map((e) => {
      const s = byScope.get(e.netns)?.get(e.name);
      return s ? { rxPackets: s.rx.packets, txPackets: s.tx.packets, rxBytes: s.rx.bytes, txBytes: s.tx.bytes } : null;
    });
  });
  return { at: Date.now(), links };
}

interface LinkEnds {
  /** Each link's ends: the namespace (null: the host) and the interface's name. */
  ends: Array<Array<{ netns: string | null; name: string }>>;
  netns: string[];
  withHost: boolean;
}

/** Where a lab's link ends are, worked out once per design: a page asks for the counters every second. */
const endsByLab = new WeakMap<Topology, LinkEnds>();

function linkEnds(t: Topology): LinkEnds {
  const known = endsByLab.get(t);
  if (known) return known;
  const r = resolveTopology(t);
  const ends = t.links.map((l) =>
    l.endpoints.map((e) => ({ netns: r.scopes.get(r.scopeOfNode.get(e.node)!)?.netns ?? null, name: e.name })),
  );
  const netns = [...new Set(ends.flat().flatMap((e) => (e.netns === null ? [] : [e.netns])))];
  const out = { ends, netns, withHost: ends.flat().some((e) => e.netns === null) };
  endsByLab.set(t, out);
  return out;
}

function statsDirect(kernel: Kernel, netns: string[], withHost: boolean): Map<string | null, Map<string, Stats64>> {
  const out = new Map<string | null, Map<string, Stats64>>();
  const now = Date.now();
  if (namesSeen.size > 10_000) namesSeen.clear(); // bounded: namespaces come and go
  for (const ns of [...(withHost ? [null] : []), ...netns]) {
    try {
      kernel.using(ns, (conn) => {
        const stats = conn.statsByIndex();
        const ino = ns === null ? 0 : fs.fstatSync(conn.nsFd).ino; // a namespace made again under the same name is another
        const kept = namesSeen.get(ns);
        const fresh = kept && kept.ino === ino && now - kept.at <= NAMES_FOR_MS && kept.names.size === stats.size;
        const seen = fresh && [...stats.keys()].every((i) => kept.names.has(i)) ? kept : { ino, at: now, names: conn.names() };
        namesSeen.set(ns, seen);
        const byName = new Map<string, Stats64>();
        for (const [index, s] of stats) {
          const name = seen.names.get(index);
          if (name !== undefined) byName.set(name, s);
        }
        out.set(ns, byName);
      });
    } catch {
      /* not there (not deployed, or deleted meanwhile): no counters */
    }
  }
  return out;
}

/**
 * Interface names by index, per namespace, as last read: the counters come by
 * index. Read again when the indexes differ, the namespace is another (its
 * inode; one made again may reuse it, but then its indexes differ too unless
 * its links are the same), or after a few seconds (a link renamed keeps its index).
 */
const namesSeen = new Map<string | null, { ino: number; at: number; names: Map<number, string> }>();
const NAMES_FOR_MS = 5000;

async function statsViaIp(runner: Runner, netns: string[], withHost: boolean): Promise<Map<string | null, Map<string, Stats64>>> {
  const [host, each] = await Promise.all([
    withHost ? runner.run(['ip', '-s', '-json', 'link', 'show']) : undefined,
    ipBatchEach(
      runner,
      netns.map((n) => ({ netns: n, input: 'link show\n' })),
      ['-json', '-s'],
      { linesPerJob: 1 },
    ),
  ]);
  const byScope = new Map<string | null, Map<string, Stats64>>();
  const add = (ns: string | null, stdout: string | undefined) =>
    byScope.set(
      ns,
      new Map(
        (JSON.parse(stdout?.trim().split('\n')[0] || '[]') as Array<{ ifname: string; stats64?: Stats64 }>).flatMap((s) =>
          s.stats64 ? [[s.ifname, s.stats64] as const] : [],
        ),
      ),
    );
  if (host) add(null, host.stdout);
  for (const n of netns) add(n, each.get(n)?.stdout);
  return byScope;
}
