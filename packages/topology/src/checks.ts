/**
 * What a lab's checks mean, in words: each check as a sentence, and why a
 * failed one failed, from what the host showed. Pure: the server gathers the
 * observations and runs the probes.
 */
import { familyOf } from './net.js';
import type { CheckSpec } from './schema.js';

type PingCheck = Extract<CheckSpec, { ping: string }>;

export type CheckResult = {
  index: number;
  check: CheckSpec;
  ok: boolean;
  /** What was seen, in a few words ("reachable, TTL 63", "FAILED"). */
  observed: string;
  /** One sentence a learner can follow; for a failure, why. */
  explanation: string;
  /** For a failed ping or TCP check: what the packet tracer says of that packet (`nslab trace`). */
  trace?: string;
};

export function describeCheck(c: CheckSpec): string {
  if ('ping' in c)
    return `${c.from} can${c.expect === 'unreachable' ? 'not' : ''} ping ${c.ping}${c.size !== undefined ? ` with ${c.size}-byte payloads, unfragmented` : ''}${c.ttl ? ` (TTL ${c.ttl})` : ''}`;
  if ('tcp' in c) return `${c.from} ${c.expect === 'open' ? 'can' : 'cannot'} open a TCP connection to ${c.tcp}`;
  if ('neighbor' in c) return `${c.in}'s neighbour entry for ${c.neighbor} is ${c.state}`;
  return `${c.in} has a route to ${c.route}${c.via ? ` via ${c.via}` : ''}${c.dev ? ` on ${c.dev}` : ''}`;
}

/**
 * The ping a check runs, after `ping` (the target after `--`). A `size` is the
 * payload (`-s`), sent with DF set (`-M do`), so it is never fragmented.
 *
 * @example
 * pingCheckArgs({ from: 'a', ping: '10.0.0.2', expect: 'reachable', size: 1472 })
 * // ['-c', '1', '-W', '1', '-s', '1472', '-M', 'do', '--', '10.0.0.2']
 */
export function pingCheckArgs(c: PingCheck): string[] {
  return ['-c', '1', '-W', '1', ...(c.size !== undefined ? ['-s', String(c.size), '-M', 'do'] : []), '--', c.ping];
}

/** Facts about a failed ping, gathered by the server in the sending namespace. */
export interface PingDiagnosis {
  route?: { dev?: string; gateway?: string } | null;
  /** Neighbour state of the next hop on the way (the target or the gateway). */
  neighbor?: string;
  proxyArpHint?: string;
  /** For a sized ping that failed: whether a ping of the default size got through. */
  smallReached?: boolean;
  /** An MTU the failed ping was told of ("Frag needed … mtu = 1400", "message too long, mtu=1400"). */
  mtu?: number;
}

export function explainPing(c: PingCheck, reached: boolean, ttl: number | undefined, d: PingDiagnosis): string {
  if (reached && c.expect === 'reachable') {
    if (c.ttl && ttl !== c.ttl)
      return `${c.from} reaches ${c.ping}, but with TTL ${ttl}, not ${c.ttl}: the packet crossed ${64 - (ttl ?? 64)} router(s), not ${64 - c.ttl}`;
    return `${c.from} reaches ${c.ping}${ttl ? ` with TTL ${ttl}: ${ttl === 64 ? 'directly, on the same L2 segment' : `${64 - ttl} routed hop(s) on the way`}` : ''}`;
  }
  if (reached) return `${c.from} reaches ${c.ping}, but the lab says it should not`;
  if (c.size !== undefined && d.smallReached && c.expect === 'reachable') {
    const packet = c.size + (familyOf(c.ping) === 6 ? 48 : 28);
    const why = d.mtu
      ? `: the path says its MTU is ${d.mtu}`
      : ': no error came back, so it was dropped on the way (a receiving interface with a smaller MTU drops it silently)';
    return `${c.from} reaches ${c.ping} with a default ping, but not with a ${c.size}-byte payload (a ${packet}-byte packet that may not be fragmented)${why}; compare the MTU of every interface on the path (ip link)`;
  }
  if (d.route === null) return `${c.from} has no route to ${c.ping}: add a route (or a default route) in ${c.from}`;
  const hop = d.route?.gateway ?? c.ping;
  if (d.neighbor === 'FAILED' || d.neighbor === 'INCOMPLETE') {
    const base = `${c.from} has no neighbour entry for ${hop} on ${d.route?.dev ?? 'its interface'} (${d.neighbor}): nobody answered its ARP request`;
    return d.proxyArpHint ? `${base}; ${d.proxyArpHint}` : `${base}; is ${hop} on the same L2 segment (a veth pair or one bridge)?`;
  }
  if (c.expect === 'unreachable') return `${c.from} cannot reach ${c.ping}, as expected`;
  return `${c.from} sends to ${hop} via ${d.route?.dev ?? '?'} but gets no reply: check the return route, FORWARD rules and ip_forward on the way`;
}
