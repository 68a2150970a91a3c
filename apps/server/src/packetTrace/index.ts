/**
 * `nslab trace` and the canvas Trace: where one packet goes, hop by hop, and
 * why it stops. The model walk (walk.ts) reads kernel state and sends
 * nothing; the live probe (probe.ts) sends one real packet with netfilter
 * tracing on and reports where it was really seen. When they disagree, the
 * result says so.
 */
import {
  IFNAME,
  NODE_NAME,
  parseIp,
  resolveTopology,
  type ResolvedScope,
  type Topology,
  type TraceHop,
  type TraceProto,
  type TraceResult,
} from '@nslab/topology';
import { NslabError } from '../errors.js';
import type { Runner } from '../runner.js';
import { ownedScope } from '../live/scope.js';
import { KernelReader } from './kernel.js';
import { ModelWalk, type WalkResult } from './walk.js';
import { liveProbe } from './probe.js';

export interface TraceRequest {
  /** `node` or `node:interface`. */
  from: string;
  /** An address, or a node of the lab. */
  to: string;
  proto?: TraceProto;
  port?: number;
  /** Also send one real packet. */
  live?: boolean;
}

const START_TTL = 64;

/** Parses and checks a trace request against the lab: the one rule every caller (CLI, API) goes through. */
export function checkTraceRequest(
  t: Topology,
  req: TraceRequest,
): { node: string; iface?: string; dst: string; toNode?: string; proto: TraceProto; port?: number } {
  const [node, iface, extra] = req.from.split(':');
  if (!node || !NODE_NAME.test(node) || extra !== undefined || (iface !== undefined && !IFNAME.test(iface)))
    throw new NslabError('invalid', `from: ${JSON.stringify(req.from)} is not NODE or NODE:INTERFACE`);
  const spec = Object.hasOwn(t.nodes, node) ? t.nodes[node] : undefined;
  if (!spec) throw new NslabError('not-found', `from: lab "${t.name}" has no node "${node}"`);
  if (spec.kind === 'bridge') throw new NslabError('invalid', `from: "${node}" is a bridge; trace from a namespace`);
  const proto = req.proto ?? 'icmp';
  if (!['icmp', 'tcp', 'udp'].includes(proto)) throw new NslabError('invalid', `proto: ${JSON.stringify(proto)} is not icmp, tcp or udp`);
  if (req.port !== undefined && (!Number.isInteger(req.port) || req.port < 1 || req.port > 65535))
    throw new NslabError('invalid', `port: ${req.port} is not a port (1–65535)`);
  if (proto !== 'icmp' && req.port === undefined) throw new NslabError('invalid', `port: ${proto} needs a port (--port P)`);
  const ip = parseIp(req.to);
  let dst: string;
  let toNode: string | undefined;
  if (ip) dst = ip.toString();
  else {
    if (!NODE_NAME.test(req.to) || !Object.hasOwn(t.nodes, req.to))
      throw new NslabError('invalid', `to: ${JSON.stringify(req.to)} is neither an address nor a node of lab "${t.name}"`);
    toNode = req.to;
    const found = addressOfNode(t, req.to);
    if (!found) throw new NslabError('invalid', `to: node "${req.to}" has no IPv4 address to trace to`);
    dst = found;
  }
  if (dst.includes(':')) throw new NslabError('invalid', `to: ${dst}: the tracer follows IPv4 packets (IPv6 is not traced yet)`);
  return { node, ...(iface ? { iface } : {}), dst, ...(toNode ? { toNode } : {}), proto, ...(proto !== 'icmp' ? { port: req.port! } : {}) };
}

/** A node's first IPv4 address in the design: its link ends, tunnels, or (a bridge) its own. */
function addressOfNode(t: Topology, node: string): string | undefined {
  const r = resolveTopology(t);
  const scope = r.scopes.get(r.scopeOfNode.get(node) ?? '');
  const spec = t.nodes[node]!;
  for (const list of scope?.interfaces.values() ?? [])
    for (const i of list)
      if (spec.kind === 'bridge' ? i.kind === 'bridge' && i.name === node : i.kind !== 'bridge' || i.node === node)
        for (const a of i.addresses) if (a.cidr?.family === 4) return a.cidr.ip;
  return undefined;
}

export async function tracePacket(runner: Runner, t: Topology, req: TraceRequest): Promise<TraceResult> {
  const q = checkTraceRequest(t, req);
  await ownedScope(runner, t, q.node);
  const t0 = performance.now();
  const r = resolveTopology(t);
  const kernel = new KernelReader(runner);
  const walker = new ModelWalk(r, t, kernel);
  const start = r.scopes.get(r.scopeOfNode.get(q.node)!)!;
  const sport = q.proto === 'icmp' ? undefined : 40000 + Math.floor(Math.random() * 20000);
  let src = '';
  if (q.iface) {
    const v = await kernel.view(start.netns);
    const i = v.ifaces.get(q.iface);
    if (!i) throw new NslabError('not-found', `from: ${q.node} has no interface "${q.iface}"`);
    src = i.addresses.find((a) => !a.includes(':'))?.split('/')[0] ?? '';
    if (!src) throw new NslabError('invalid', `from: ${q.node}:${q.iface} has no IPv4 address`);
  }
  const pkt = {
    proto: q.proto,
    src,
    dst: q.dst,
    ttl: START_TTL,
    ...(sport ? { sport } : {}),
    ...(q.port ? { dport: q.port } : {}),
    ...(q.proto === 'icmp' ? { icmpType: 8 } : {}),
  };
  const request = await walker.walk({ scope: start }, pkt, { ...(q.iface ? { oif: q.iface, from: src } : {}) });
  let reply: WalkResult | undefined;
  if (request.outcome === 'delivered' && q.proto !== 'udp' && request.end && request.end.scope !== start) {
    const p = request.packet;
    reply = await walker.walk(
      { scope: request.end.scope },
      {
        proto: p.proto,
        src: p.dst,
        dst: p.src,
        ttl: START_TTL,
        ...(p.dport ? { sport: p.dport } : {}),
        ...(p.sport ? { dport: p.sport } : {}),
        ...(q.proto === 'icmp' ? { icmpType: 0 } : {}),
      },
      { reply: true, nat: request.nat },
    );
  }
  const model = verdictOf(q, request, reply, start);
  const result: TraceResult = {
    lab: t.name,
    from: req.from,
    to: q.dst,
    ...(q.toNode ? { toNode: q.toNode } : {}),
    proto: q.proto,
    ...(q.port ? { port: q.port } : {}),
    verdict: model.verdict,
    sentence: model.sentence,
    hops: [...request.hops, ...(reply?.hops ?? [])],
    elapsedMs: { model: Math.round(performance.now() - t0) },
  };
  if (req.live) {
    const t1 = performance.now();
    result.live = await liveProbe(runner, t, r, {
      start,
      iface: q.iface,
      pkt: { ...pkt, src: request.hops[0]?.packet.src ?? src },
      hops: result.hops,
      walker,
    });
    result.elapsedMs.live = Math.round(performance.now() - t1);
    const d = disagreement(result);
    if (d) result.disagreement = d;
  }
  return result;
}

function verdictOf(
  q: { dst: string; toNode?: string; proto: TraceProto; port?: number },
  request: WalkResult,
  reply: WalkResult | undefined,
  start: ResolvedScope,
): { verdict: TraceResult['verdict']; sentence: string } {
  if (request.outcome === 'outside') return { verdict: 'cannot-trace', sentence: request.hops.at(-1)?.note ?? 'the packet leaves the lab' };
  if (request.outcome === 'dropped') return { verdict: 'dropped', sentence: dropSentence(request.hops.at(-1)!) };
  const at = request.at;
  const p = request.packet;
  const routers = [...new Set(request.hops.filter((h) => h.kind === 'forward').map((h) => h.node))];
  const bridges = [...new Set(request.hops.filter((h) => h.kind === 'bridge').map((h) => h.node))];
  const how = routers.length ? `via ${routers.join(', ')}` : bridges.length ? `switched by ${bridges.join(', ')}` : 'directly';
  const rewritten = p.dst !== q.dst ? `, DNAT from ${q.dst}${q.port ? `:${q.port}` : ''}` : '';
  const where = `${at} (${p.dst}${p.dport && q.proto !== 'icmp' ? `:${p.dport}` : ''}${rewritten})`;
  if (request.end?.scope === start) return { verdict: 'delivered', sentence: `delivered to ${where}: its own address` };
  if (reply?.outcome === 'dropped')
    return { verdict: 'dropped', sentence: `${where} receives it ${how}, but the reply ${dropSentence(reply.hops.at(-1)!, true)}` };
  return { verdict: 'delivered', sentence: `delivered to ${where} ${how}, TTL ${p.ttl}` };
}

function dropSentence(h: TraceHop, reply = false): string {
  const why = h.why ?? 'dropped';
  if (why.startsWith('never left')) return reply ? why.replace(/^never left/, 'never leaves') : why;
  return `${reply ? 'is dropped' : 'dropped'} in ${h.node}: ${why}`;
}

/** When the real packet did not do what the model said, one sentence saying both. */
function disagreement(r: TraceResult): string | undefined {
  const live = r.live!;
  if (live.verdict === 'unknown') return undefined;
  const modelDelivered = r.verdict === 'delivered';
  const liveDelivered = live.verdict === 'delivered';
  if (modelDelivered !== liveDelivered)
    return `The model walk says "${r.sentence}", but the real packet says "${live.sentence}": something the model does not read decided (a rule it could not judge, an impairment, a change since the walk).`;
  const modelTtl = r.hops.find((h) => h.kind === 'deliver' && !h.reply)?.packet.ttl;
  if (modelDelivered && live.ttl && modelTtl && live.ttl !== modelTtl)
    return `The model walk has it arrive with TTL ${modelTtl}, the real packet arrived with TTL ${live.ttl}: it crossed ${Math.abs(modelTtl - live.ttl)} ${live.ttl > modelTtl ? 'fewer' : 'more'} routing hop(s) than the model thinks (a bridge with br_netfilter can switch a DNATed packet instead of routing it).`;
  if (!modelDelivered && live.lastNode) {
    const modelDrop = r.hops.at(-1)?.node;
    if (modelDrop && modelDrop !== live.lastNode && r.verdict === 'dropped')
      return `The model walk stops in ${modelDrop}, the real packet was last seen in ${live.lastNode}.`;
  }
  return undefined;
}
