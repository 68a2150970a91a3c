/**
 * The live probe: one real packet, traced by netfilter in every namespace of
 * the lab it could reach. A `-j TRACE` rule in each namespace's raw table
 * (carrying the lab's mark) flags the probe's packets; `xtables-monitor
 * --trace` in each namespace prints every chain, rule and verdict they meet.
 * The rules are removed and the monitors stopped before it returns.
 */
import fs from 'node:fs';
import {
  commentOf,
  describeStep,
  isProbeRule,
  labMark,
  parseIp,
  parseMonitor,
  splitRuleLine,
  type MonitorStep,
  type ResolvedScope,
  type ResolvedTopology,
  type Topology,
  type TraceHop,
  type TraceLive,
  type TracePacket,
} from '@nslab/topology';
import { spawnAudited, type ChildProcess, type Runner } from '../runner.js';
import { enter, spawnable, type NodeScope } from '../live/scope.js';
import { killSession } from '../live/session.js';
import { TCP_CLIENT } from '../live/tcpClient.js';
import { NslabError } from '../errors.js';
import type { ModelWalk } from './walk.js';

/** At most this many namespaces are watched (those on the model's path first). */
export const MAX_WATCHED = 24;
/** Live probes running at once, server-wide: each starts a monitor per namespace. */
const MAX_PROBES = 4;
let inFlight = 0;
const perPlace = new Map<string, number>();
/** Every command of a probe is bounded: a namespace's iptables is quick, or something is wrong. */
const COMMAND_MS = 5000;

/** Probes of one lab take turns: each one's rules and monitors are its own. */
const turns = new Map<string, Promise<void>>();
async function lock(key: string): Promise<() => void> {
  const before = turns.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const chain = before.then(() => mine);
  turns.set(key, chain);
  await before;
  return () => {
    release();
    if (turns.get(key) === chain) turns.delete(key);
  };
}
const READY_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Watched {
  scope: ResolvedScope;
  node: string;
  child?: ChildProcess;
  out: string;
}

export async function liveProbe(
  runner: Runner,
  t: Topology,
  r: ResolvedTopology,
  o: { start: ResolvedScope; iface?: string; pkt: TracePacket; hops: TraceHop[]; walker: ModelWalk },
): Promise<TraceLive> {
  const onPath = [...new Set(o.hops.map((h) => h.node))];
  const scopes = [...r.scopes.values()]
    .sort((a, b) => rank(onPath, o.walker.nodeOf(a)) - rank(onPath, o.walker.nodeOf(b)))
    .slice(0, MAX_WATCHED);
  const watched: Watched[] = scopes.map((scope) => ({ scope, node: o.walker.nodeOf(scope), out: '' }));
  const mark = labMark(t.name);
  const lines = traceRules(o.pkt, o.hops, mark);
  const nodeScope = (s: ResolvedScope): NodeScope => ({ netns: s.netns, node: o.walker.nodeOf(s), runner });
  // One probe at a time per place (a sandbox, or the host) and lab, and a few server-wide: no participant holds them all.
  const place = runner.sandbox ?? 'host';
  if (inFlight >= MAX_PROBES || (perPlace.get(place) ?? 0) >= (runner.sandbox ? 1 : MAX_PROBES - 1))
    throw new NslabError('limit', 'live traces are running here already: try again in a moment');
  inFlight++;
  perPlace.set(place, (perPlace.get(place) ?? 0) + 1);
  let sent: { probe: string; outcome: ProbeOutcome };
  const release = await lock(`${place}/${t.name}`);
  try {
    await Promise.all(watched.map((w) => removeProbeRules(runner, w.scope.netns, mark)));
    await Promise.all(watched.map((w) => addRules(runner, nodeScope(w.scope), lines)));
    for (const w of watched) {
      const { argv, env } = spawnable(nodeScope(w.scope), ['xtables-monitor', '--trace']);
      w.child = spawnAudited(argv, t.name, { stdio: 'stdout', ...(env ? { env } : {}) });
      w.child.stdout!.on('data', (b: Buffer) => {
        if (w.out.length < 1 << 20) w.out += b.toString();
      });
    }
    await Promise.all(watched.map((w) => listening(w.child!)));
    sent = await send(runner, nodeScope(o.start), o.pkt, o.iface);
    await settled(watched);
  } finally {
    for (const w of watched) if (w.child?.pid && w.child.exitCode === null && w.child.signalCode === null) killSession(w.child.pid);
    await Promise.all(watched.map((w) => removeProbeRules(runner, w.scope.netns, mark)));
    release();
    inFlight--;
    perPlace.set(place, perPlace.get(place)! - 1);
  }
  return judge(watched, o, sent.probe, sent.outcome, onPath);
}

function rank(onPath: string[], node: string): number {
  const i = onPath.indexOf(node);
  return i < 0 ? onPath.length : i;
}

/** The IPv4 addresses the probe's packets carry on the model's path, both ways (a DNAT range is not one). */
function probeAddresses(pkt: TracePacket, hops: TraceHop[]): Set<string> {
  const all = [pkt.src, pkt.dst, ...hops.flatMap((h) => [h.packet.src, h.packet.dst])];
  return new Set(all.filter((a) => !!a && parseIp(a)?.kind() === 'ipv4'));
}

/**
 * The probe's rules, as iptables-restore input: TRACE in raw PREROUTING and
 * OUTPUT flags the probe's packets both ways (by ports for tcp and udp, by
 * the addresses on the model's path for icmp); a counting rule in mangle
 * POSTROUTING makes the trace show the interface a packet leaves by.
 */
export function traceRules(pkt: TracePacket, hops: TraceHop[], mark: string): { raw: string[]; mangle: string[] } {
  const comment = ['-m', 'comment', '--comment', mark];
  const matches: string[][] = [];
  if (pkt.proto === 'icmp') {
    for (const a of probeAddresses(pkt, hops)) matches.push(['-p', 'icmp', '-s', a], ['-p', 'icmp', '-d', a]);
  } else {
    matches.push(['-p', pkt.proto, '--sport', String(pkt.sport)], ['-p', pkt.proto, '--dport', String(pkt.sport)]);
  }
  return {
    raw: ['PREROUTING', 'OUTPUT'].flatMap((chain) => matches.map((m) => [chain, ...m, ...comment, '-j', 'TRACE'].join(' '))),
    mangle: matches.map((m) => ['POSTROUTING', ...m, ...comment].join(' ')),
  };
}

/** Adds the rules in one namespace with one iptables-restore. */
async function addRules(runner: Runner, scope: NodeScope, lines: { raw: string[]; mangle: string[] }): Promise<void> {
  const table = (name: string, list: string[]) => `*${name}\n${list.map((l) => `-I ${l.replace(' ', ' 1 ')}`).join('\n')}\nCOMMIT\n`;
  const res = await runner.run(enter(scope, ['iptables-restore', '--noflush']), {
    input: table('raw', lines.raw) + table('mangle', lines.mangle),
  });
  if (res.code !== 0) throw new Error(`cannot add the probe's trace rules in ${scope.node}: ${res.stderr.trim()}`);
}

/**
 * Removes every probe rule carrying the lab's mark from a namespace's raw and
 * mangle tables: this probe's, and any a killed probe left (destroy calls it
 * for the host namespace too).
 */
export async function removeProbeRules(runner: Runner, netns: string | null, mark: string): Promise<void> {
  const scope: NodeScope = { netns, node: netns ?? 'host', runner };
  const save = await runner.run(enter(scope, ['iptables-save']), { timeoutMs: COMMAND_MS });
  if (save.code !== 0) return;
  let table = '';
  const doomed = new Map<string, string[]>();
  for (const line of save.stdout.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    else if ((table === 'raw' || table === 'mangle') && line.startsWith('-A ')) {
      const args = splitRuleLine(line).slice(2);
      if (commentOf(args) === mark && isProbeRule(args, table)) doomed.set(table, [...(doomed.get(table) ?? []), `-D${line.slice(2)}`]);
    }
  }
  if (doomed.size === 0) return;
  const restore = (input: string) => runner.run(enter(scope, ['iptables-restore', '--noflush']), { input, timeoutMs: COMMAND_MS });
  const all = [...doomed].map(([t, lines]) => `*${t}\n${lines.join('\n')}\nCOMMIT\n`).join('');
  if ((await restore(all)).code === 0) return;
  // One rule gone meanwhile fails the whole commit: then one at a time.
  for (const [t, lines] of doomed) for (const l of lines) await restore(`*${t}\n${l}\nCOMMIT\n`);
}

/** Waits until the monitor has joined netfilter's trace group: one of its sockets shows groups in /proc/PID/net/netlink. */
async function listening(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  const t0 = Date.now();
  while (pid && Date.now() - t0 < READY_MS && child.exitCode === null) {
    try {
      const inodes = new Set(
        fs
          .readdirSync(`/proc/${pid}/fd`)
          .map((fd) => /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1])
          .filter(Boolean),
      );
      const table = fs.readFileSync(`/proc/${pid}/net/netlink`, 'utf8');
      if (table.split('\n').some((l) => isTraceSocket(l, inodes))) return;
    } catch {
      /* not started yet */
    }
    await sleep(5);
  }
  throw new Error('xtables-monitor did not start (is it installed? `apt-get install iptables`)');
}

/** A /proc/net/netlink row (sk Eth Pid Groups … Inode) of a NETLINK_NETFILTER (12) socket among `inodes`, with groups joined. */
function isTraceSocket(line: string, inodes: Set<string | undefined>): boolean {
  const f = line.trim().split(/\s+/);
  return f[1] === '12' && /[1-9a-f]/.test(f[3] ?? '') && inodes.has(f[9]);
}

/** Waits until no monitor printed anything for a moment (at most half a second). */
async function settled(watched: Watched[]): Promise<void> {
  let last = watched.map((w) => w.out.length).join();
  for (let i = 0; i < 10; i++) {
    await sleep(50);
    const now = watched.map((w) => w.out.length).join();
    if (now === last && i >= 1) return;
    last = now;
  }
}

/** `failed`: the probe could not be sent (its source port taken, …): the live probe has no verdict. */
type ProbeOutcome = 'answered' | 'refused' | 'no answer' | 'failed';

// A UDP datagram from a fixed source port, run by this node binary inside the namespace (argv, no shell); TCP is the checks' client.
const UDP_PROBE = `const s=require('dgram').createSocket('udp4');s.bind(+process.argv[3],()=>{s.connect(+process.argv[2],process.argv[1],()=>{s.send('nslab trace');setTimeout(()=>{console.log('no answer');process.exit(1)},1500)})});s.on('message',()=>{console.log('answered');process.exit(0)});s.on('error',e=>{console.log(e.code==='ECONNREFUSED'?'refused':'failed '+e.code);process.exit(1)})`;

async function send(runner: Runner, scope: NodeScope, pkt: TracePacket, iface?: string): Promise<{ probe: string; outcome: ProbeOutcome }> {
  const argv =
    pkt.proto === 'icmp'
      ? ['ping', '-c', '1', '-W', '2', '-n', ...(iface ? ['-I', iface] : []), '--', pkt.dst]
      : [process.execPath, '-e', pkt.proto === 'tcp' ? TCP_CLIENT : UDP_PROBE, pkt.dst, String(pkt.dport), String(pkt.sport)];
  const res = await runner.run(enter(scope, argv), { timeoutMs: COMMAND_MS });
  const probe = (res.stdout + res.stderr).trim();
  if (pkt.proto === 'icmp') return { probe, outcome: res.code === 0 ? 'answered' : 'no answer' };
  const said = res.stdout.trim().split('\n').at(-1) ?? '';
  // The TCP client says open/refused/timeout or an error code; the UDP probe answered/refused/no answer/failed CODE.
  if (said === 'open' || said === 'answered') return { probe, outcome: 'answered' };
  if (said === 'refused') return { probe, outcome: 'refused' };
  if (/^(timeout|no answer|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)/.test(said) || said === '') return { probe, outcome: 'no answer' };
  return { probe, outcome: 'failed' };
}

function judge(
  watched: Watched[],
  o: { pkt: TracePacket; hops: TraceHop[]; walker: ModelWalk },
  probe: string,
  outcome: ProbeOutcome,
  onPath: string[],
): TraceLive {
  const steps = new Map<string, MonitorStep[]>();
  // Only this probe's packets: a host namespace's monitor also sees other labs' traces, and a user may be pinging.
  const addrs = probeAddresses(o.pkt, o.hops);
  const belongs = (s: MonitorStep) =>
    o.pkt.proto === 'icmp'
      ? addrs.has(s.packet.src ?? '') && addrs.has(s.packet.dst ?? '')
      : s.packet.sport === o.pkt.sport || s.packet.dport === o.pkt.sport;
  for (const w of watched) {
    const s = parseMonitor(w.out).filter(belongs);
    if (s.length) steps.set(w.node, [...(steps.get(w.node) ?? []), ...s]);
  }
  const order = [...steps.keys()].sort((a, b) => rank(onPath, a) - rank(onPath, b));
  const seen = order.map((node) => ({
    node,
    events: [
      ...new Set(
        steps
          .get(node)!
          .map(eventText)
          .filter((e): e is string => !!e),
      ),
    ].slice(0, 24),
  }));
  const isReply = (s: MonitorStep) => s.packet.src !== undefined && s.packet.src !== o.pkt.src && s.packet.dst === o.pkt.src;
  const drop = order.flatMap((node) =>
    steps
      .get(node)!
      .filter((s) => s.verdict === 'DROP' || s.verdict === 'REJECT')
      .map((s) => ({ node, s })),
  )[0];
  const requestNodes = order.filter((n) => steps.get(n)!.some((s) => !isReply(s)));
  const lastNode = drop?.node ?? requestNodes.at(-1);
  const what = o.pkt.proto === 'icmp' ? 'the ping' : `the ${o.pkt.proto.toUpperCase()} probe to port ${o.pkt.dport}`;
  const arrivals = (requestNodes.length ? steps.get(requestNodes.at(-1)!)! : []).filter(
    (s) => !isReply(s) && s.table === 'raw' && s.packet.in,
  );
  const ttl = arrivals.at(-1)?.packet.ttl;
  const base = { seen, probe, ...(lastNode ? { lastNode } : {}), ...(ttl ? { ttl } : {}) };
  if (outcome === 'failed') return { ...base, verdict: 'unknown', sentence: `${what} could not be sent: ${probe}` };
  if (outcome === 'answered')
    return { ...base, verdict: 'delivered', sentence: `${what} was answered: the real packet went there and back` };
  if (outcome === 'refused')
    return {
      ...base,
      verdict: 'delivered',
      sentence: `${what} was refused${requestNodes.length ? ` by ${requestNodes.at(-1)}` : ''}: it arrived, but nothing listens on port ${o.pkt.dport} there`,
    };
  if (drop)
    return {
      ...base,
      verdict: 'dropped',
      sentence: `${isReply(drop.s) ? 'the reply was' : 'the real packet was'} dropped in ${drop.node}: ${describeStep(drop.s)}`,
    };
  if (o.pkt.proto === 'udp' && requestNodes.includes(onPath.at(-1) ?? ''))
    return { ...base, verdict: 'delivered', sentence: `the datagram reached ${onPath.at(-1)}; UDP sends no answer of its own` };
  if (!lastNode) return { ...base, verdict: 'unknown', sentence: `no namespace saw ${what}'s packet` };
  const last = steps
    .get(lastNode)!
    .filter((s) => !isReply(s))
    .at(-1);
  const out = last?.packet.out;
  return {
    ...base,
    verdict: 'dropped',
    sentence: out
      ? `the real packet left ${lastNode} by ${out} and was seen nowhere after: no ARP answer on that link, the link down, or loss on the wire`
      : `the real packet arrived in ${lastNode}${last?.packet.in ? ` on ${last.packet.in}` : ''} and went no further, with no firewall verdict: the kernel's routing dropped it (no route, ip_forward, rp_filter, a blackhole)`,
  };
}

/** What a person wants to read of a step: where the packet came and went, and every decision outside the probe's own rules. */
function eventText(s: MonitorStep): string | undefined {
  const p = s.packet;
  const headers = `${p.src ?? '?'} → ${p.dst ?? '?'}${p.ttl ? ` ttl ${p.ttl}` : ''}`;
  if (s.table === 'raw') return s.kind === 'policy' ? `${p.in ? `arrived on ${p.in}` : 'sent'}: ${headers}` : undefined;
  if (s.table === 'mangle') return s.kind === 'rule' && p.out ? `left by ${p.out}: ${headers}` : undefined;
  return describeStep(s);
}
