/**
 * What a lab's checks mean, in words: each check as a sentence, and why a
 * failed one failed, from what the host showed. Pure: the server gathers the
 * observations and runs the probes.
 */
import type { CheckSpec } from './schema.js';

export type CheckResult = {
  index: number;
  check: CheckSpec;
  ok: boolean;
  /** What was seen, in a few words ("reachable, TTL 63", "FAILED"). */
  observed: string;
  /** One sentence a learner can follow; for a failure, why. */
  explanation: string;
};

export function describeCheck(c: CheckSpec): string {
  if ('ping' in c) return `${c.from} can${c.expect === 'unreachable' ? 'not' : ''} ping ${c.ping}${c.ttl ? ` (TTL ${c.ttl})` : ''}`;
  if ('tcp' in c) return `${c.from} ${c.expect === 'open' ? 'can' : 'cannot'} open a TCP connection to ${c.tcp}`;
  if ('neighbor' in c) return `${c.in}'s neighbour entry for ${c.neighbor} is ${c.state}`;
  return `${c.in} has a route to ${c.route}${c.via ? ` via ${c.via}` : ''}${c.dev ? ` on ${c.dev}` : ''}`;
}

/** Facts about a failed ping, gathered by the server in the sending namespace. */
export interface PingDiagnosis {
  route?: { dev?: string; gateway?: string } | null;
  /** Neighbour state of the next hop on the way (the target or the gateway). */
  neighbor?: string;
  proxyArpHint?: string;
}

export function explainPing(c: Extract<CheckSpec, { ping: string }>, reached: boolean, ttl: number | undefined, d: PingDiagnosis): string {
  if (reached && c.expect === 'reachable') {
    if (c.ttl && ttl !== c.ttl)
      return `${c.from} reaches ${c.ping}, but with TTL ${ttl}, not ${c.ttl}: the packet crossed ${64 - (ttl ?? 64)} router(s), not ${64 - c.ttl}`;
    return `${c.from} reaches ${c.ping}${ttl ? ` with TTL ${ttl}: ${ttl === 64 ? 'directly, on the same L2 segment' : `${64 - ttl} routed hop(s) on the way`}` : ''}`;
  }
  if (reached) return `${c.from} reaches ${c.ping}, but the lab says it should not`;
  if (d.route === null) return `${c.from} has no route to ${c.ping}: add a route (or a default route) in ${c.from}`;
  const hop = d.route?.gateway ?? c.ping;
  if (d.neighbor === 'FAILED' || d.neighbor === 'INCOMPLETE') {
    const base = `${c.from} has no neighbour entry for ${hop} on ${d.route?.dev ?? 'its interface'} (${d.neighbor}): nobody answered its ARP request`;
    return d.proxyArpHint ? `${base}; ${d.proxyArpHint}` : `${base}; is ${hop} on the same L2 segment (a veth pair or one bridge)?`;
  }
  if (c.expect === 'unreachable') return `${c.from} cannot reach ${c.ping}, as expected`;
  return `${c.from} sends to ${hop} via ${d.route?.dev ?? '?'} but gets no reply: check the return route, FORWARD rules and ip_forward on the way`;
}
