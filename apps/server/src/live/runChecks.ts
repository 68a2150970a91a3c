/**
 * Runs a lab's checks against the live host: real pings, TCP connections,
 * neighbour and route tables, each inside the namespace the check names.
 * Every result carries a sentence saying what was seen and, on failure, why.
 */
import {
  describeCheck,
  explainPing,
  familyOf,
  normaliseRouteTo,
  parseCidr,
  parseHostPort,
  pingCheckArgs,
  resolveTopology,
  type CheckResult,
  type CheckSpec,
  type PingDiagnosis,
  type Topology,
} from '@nslab/topology';
import { spawnAudited, type ChildProcess, type Runner } from '../runner.js';
import { enter, ownedScope, spawnable, type NodeScope } from './scope.js';
import { killSession } from './session.js';
import { TCP_CLIENT } from './tcpClient.js';
import { tracePacket } from '../packetTrace/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A tiny TCP server (the client is tcpClient.ts), run by this very node binary inside a namespace (argv, no shell).
const TCP_SERVER = `require('net').createServer(s=>s.end('nslab\\n')).listen(+process.argv[1],()=>console.log('listening'));setTimeout(()=>process.exit(0),30000)`;

/** `hints: false` leaves out the tracer's verdict on failures (workshop sweeps check everyone every 15 s: no one reads them). */
export async function runChecks(
  runner: Runner,
  t: Topology,
  onResult?: (r: CheckResult) => void,
  opts: { hints?: boolean } = {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [index, check] of (t.checks ?? []).entries()) {
    let r: CheckResult;
    try {
      r = await runCheck(runner, t, check, index);
      if (!r.ok && opts.hints !== false) r = await withTrace(runner, t, r);
    } catch (e) {
      r = { index, check, ok: false, observed: 'not run', explanation: `could not run: ${(e as Error).message}` };
    }
    results.push(r);
    onResult?.(r);
  }
  return results;
}

/** A failed ping or TCP check that should have got through gets the tracer's verdict on that packet: the hint. */
async function withTrace(runner: Runner, t: Topology, r: CheckResult): Promise<CheckResult> {
  const c = r.check;
  const req =
    'ping' in c && c.expect !== 'unreachable'
      ? { from: c.from, to: c.ping }
      : 'tcp' in c && c.expect !== 'closed'
        ? { from: c.from, to: parseHostPort(c.tcp)?.ip ?? '', proto: 'tcp' as const, port: parseHostPort(c.tcp)?.port ?? 0 }
        : undefined;
  if (!req || req.to.includes(':')) return r;
  try {
    const trace = await tracePacket(runner, t, req);
    return trace.verdict === 'delivered' ? r : { ...r, trace: trace.sentence };
  } catch {
    return r; // the check's own explanation stands
  }
}

async function runCheck(runner: Runner, t: Topology, check: CheckSpec, index: number): Promise<CheckResult> {
  if ('ping' in check) return ping(runner, t, check, index);
  if ('tcp' in check) return tcp(runner, t, check, index);
  if ('neighbor' in check) return neighbor(runner, t, check, index);
  return route(runner, t, check, index);
}

async function ping(runner: Runner, t: Topology, c: Extract<CheckSpec, { ping: string }>, index: number): Promise<CheckResult> {
  const scope = await ownedScope(runner, t, c.from);
  let reached = false;
  let ttl: number | undefined;
  // Proxy ARP answers after up to 0.8 s, and any first ARP takes a moment: try a few times.
  let said = '';
  for (let i = 0; i < 3 && !reached; i++) {
    const r = await runner.run(enter(scope, ['ping', ...pingCheckArgs(c)]));
    reached = r.code === 0;
    said = r.stdout + r.stderr;
    // A path MTU the sender learned from an earlier failure is cached for minutes and refuses the packet locally,
    // even once the path is fixed: forget it, and let the next try ask the path again.
    if (c.size !== undefined && /message too long/.test(said))
      await runner.run(enter(scope, ['ip', ...(familyOf(c.ping) === 6 ? ['-6'] : []), 'route', 'flush', 'cache']));
    const m = /ttl=(\d+)/.exec(r.stdout);
    if (m) ttl = Number(m[1]);
  }
  const d = reached
    ? {}
    : { ...(await diagnose(runner, t, scope, c.ping)), ...(c.size !== undefined ? await sizeDiagnosis(runner, scope, c, said) : {}) };
  const ok = c.expect === 'reachable' ? reached && (!c.ttl || ttl === c.ttl) : !reached;
  return { index, check: c, ok, observed: reached ? `reachable, TTL ${ttl}` : 'unreachable', explanation: explainPing(c, reached, ttl, d) };
}

/** Why a sized ping got no answer: does a default-size one, and did the path name its MTU. */
async function sizeDiagnosis(
  runner: Runner,
  scope: NodeScope,
  c: Extract<CheckSpec, { ping: string }>,
  said: string,
): Promise<PingDiagnosis> {
  const { size: _size, ...plain } = c;
  const small = await runner.run(enter(scope, ['ping', ...pingCheckArgs(plain)]));
  const mtu = /mtu ?= ?(\d+)/.exec(said)?.[1];
  return { smallReached: small.code === 0, ...(mtu ? { mtu: Number(mtu) } : {}) };
}

/** Why a ping got no answer: the route it takes, and the next hop's neighbour state. */
async function diagnose(runner: Runner, t: Topology, scope: NodeScope, ip: string): Promise<PingDiagnosis> {
  const r = await runner.run(enter(scope, ['ip', '-json', 'route', 'get', ip]));
  if (r.code !== 0) return { route: null };
  const route = (JSON.parse(r.stdout) as Array<{ dev?: string; gateway?: string }>)[0] ?? {};
  const hop = route.gateway ?? ip;
  let neighbor: string | undefined;
  for (let i = 0; i < 16; i++) {
    const n = await runner.run(enter(scope, ['ip', '-json', 'neigh', 'show', 'to', hop, ...(route.dev ? ['dev', route.dev] : [])]));
    neighbor = (JSON.parse(n.stdout || '[]') as Array<{ state?: string[] }>)[0]?.state?.[0];
    if (neighbor !== 'INCOMPLETE') break;
    await sleep(250); // an unanswered ARP request becomes FAILED after its retries
  }
  return { route, ...(neighbor ? { neighbor } : {}), ...proxyArpHint(t, scope, route.dev, hop) };
}

/** When the next hop sits behind a veth's other end, say how to reach across: proxy ARP there, or a bridge. */
function proxyArpHint(t: Topology, scope: NodeScope, dev: string | undefined, hop: string): { proxyArpHint?: string } {
  if (!dev) return {};
  const r = resolveTopology(t);
  const mine = t.links
    .flatMap((l) => l.endpoints.map((e, i) => ({ e, peer: l.endpoints[1 - i]! })))
    .find(({ e }) => {
      const s = r.scopes.get(r.scopeOfNode.get(e.node)!);
      return e.name === dev && (s?.netns ?? null) === scope.netns;
    });
  if (!mine || t.nodes[mine.peer.node]?.kind === 'bridge') return {};
  const peerHas = (mine.peer.addresses ?? []).some((a) => parseCidr(a)?.ip === hop);
  if (peerHas) return {};
  return {
    proxyArpHint: `${dev} and ${hop} are on separate L2 segments (${dev}'s peer is ${mine.peer.name} in ${mine.peer.node}); enable proxy_arp on ${mine.peer.name} (with a route to ${hop}) or put both on a bridge`,
  };
}

async function tcp(runner: Runner, t: Topology, c: Extract<CheckSpec, { tcp: string }>, index: number): Promise<CheckResult> {
  const target = parseHostPort(c.tcp)!;
  const scope = await ownedScope(runner, t, c.from);
  let server: ChildProcess | undefined;
  try {
    if (c.listen) {
      const where = await ownedScope(runner, t, c.listen.node);
      const { argv, env } = spawnable(where, [process.execPath, '-e', TCP_SERVER, String(c.listen.port)]);
      server = spawnAudited(argv, t.name, { stdio: 'stdout', ...(env ? { env } : {}) });
      await new Promise<void>((resolve) => {
        server!.stdout!.once('data', () => resolve());
        server!.once('exit', () => resolve());
        setTimeout(resolve, 3000);
      });
    }
    const r = await runner.run(enter(scope, [process.execPath, '-e', TCP_CLIENT, target.ip, String(target.port)]));
    const seen = r.stdout.trim() || 'error';
    const open = seen === 'open';
    const ok = (c.expect === 'open') === open;
    const listening = c.listen ? ` (a listener ran in ${c.listen.node} on port ${c.listen.port})` : '';
    const explanation = open
      ? `${c.from} connected to ${c.tcp}${listening}`
      : seen === 'refused'
        ? `${c.tcp} refused the connection from ${c.from}: the packets arrived, but nothing listens there${c.listen ? ', or DNAT did not send them to the listener' : ''}`
        : `${c.from} got no answer from ${c.tcp} (${seen}): a route, DNAT or FORWARD rule is missing on the way`;
    return { index, check: c, ok, observed: open ? 'open' : `closed (${seen})`, explanation };
  } finally {
    if (server?.pid) killSession(server.pid);
  }
}

async function neighbor(runner: Runner, t: Topology, c: Extract<CheckSpec, { neighbor: string }>, index: number): Promise<CheckResult> {
  const scope = await ownedScope(runner, t, c.in);
  const state = async () =>
    (
      JSON.parse((await runner.run(enter(scope, ['ip', '-json', 'neigh', 'show', 'to', c.neighbor]))).stdout || '[]') as Array<{
        state?: string[];
      }>
    )[0]?.state ?? [];
  let seen = await state();
  if (seen.length === 0) {
    await runner.run(enter(scope, ['ping', '-c', '1', '-W', '1', '--', c.neighbor])); // make the kernel resolve it
    seen = await state();
  }
  for (let i = 0; i < 20 && !seen.includes(c.state); i++) {
    await sleep(250);
    seen = await state();
  }
  const ok = seen.includes(c.state);
  const now = seen.join(',') || 'no entry';
  const why = c.state === 'FAILED' && ok ? ': its ARP requests got no answer, so the kernel gave up on that address' : '';
  return {
    index,
    check: c,
    ok,
    observed: now,
    explanation: `${c.in}'s neighbour entry for ${c.neighbor} is ${now}${why}${ok ? '' : `, not ${c.state}`}`,
  };
}

async function route(runner: Runner, t: Topology, c: Extract<CheckSpec, { route: string }>, index: number): Promise<CheckResult> {
  const scope = await ownedScope(runner, t, c.in);
  const family = c.route === 'default' ? 4 : (parseCidr(c.route)?.family ?? 4);
  const want = normaliseRouteTo(c.route, family);
  const r = await runner.run(enter(scope, ['ip', '-json', ...(family === 6 ? ['-6'] : []), 'route', 'show']));
  const routes = JSON.parse(r.stdout || '[]') as Array<{ dst: string; gateway?: string; dev?: string }>;
  const match = routes.find(
    (x) =>
      normaliseRouteTo(x.dst === 'default' ? 'default' : x.dst.includes('/') ? x.dst : `${x.dst}/${family === 4 ? 32 : 128}`, family) ===
      want,
  );
  const ok = !!match && (!c.via || match.gateway === c.via) && (!c.dev || match.dev === c.dev);
  const observed = match ? `${match.dst}${match.gateway ? ` via ${match.gateway}` : ''} dev ${match.dev}` : 'no such route';
  return { index, check: c, ok, observed, explanation: `${c.in}: ${observed}${ok ? '' : `; expected ${describeCheck(c)}`}` };
}
