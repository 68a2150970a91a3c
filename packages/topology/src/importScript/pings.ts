/**
 * The pings of an imported script, as the lab's checks: `ip netns exec ns1
 * ping -c1 10.0.0.2` (or a ping at a prompt, or inside an nsenter block)
 * becomes `{ from: ns1, ping: 10.0.0.2 }`. A transcript's output says how it
 * went: "0 received" or "Unreachable" is a ping that should fail, "ttl=63"
 * the TTL it should arrive with. The last ping of a pair wins (a document
 * shows the failure, fixes it, and pings again); a ping without output does
 * not undo a known outcome. Only targets that are addresses of the lab
 * become checks: 8.8.8.8 or the author's own host cannot be reached from a lab.
 */
import { parseCidr } from '../net.js';
import type { CheckSpec, Topology } from '../schema.js';

export interface ScriptPing {
  line: number;
  /** Where it runs: '' is the host. */
  ns: string;
  target: string;
  reached?: boolean;
  ttl?: number;
}

/** Options of ping that take a value: the target is the word that is neither an option nor its value. */
const WITH_VALUE = new Set(['-c', '-W', '-w', '-i', '-s', '-I', '-t', '-M', '-Q', '-l', '-p', '-m', '-S', '-F', '-T']);

/** The target of `ping ARGS`, when it is an address. */
export function pingTarget(args: string[]): string | undefined {
  const words = args.filter((a, i) => a !== '--' && !a.startsWith('-') && !WITH_VALUE.has(args[i - 1] ?? ''));
  const target = words.at(-1);
  return target && !target.includes('/') && parseCidr(target) ? target : undefined;
}

/** Reads one line of a ping's output into what it says of the ping. */
export function readPingOutput(p: ScriptPing, text: string): void {
  const received = /(?<!\d)(\d+) (?:packets )?received/.exec(text); // (?<!\d): not retried inside a long run of digits
  if (received) p.reached = Number(received[1]) > 0;
  if (/Unreachable|100% packet loss/.test(text)) p.reached = false;
  const ttl = /\bttl=(\d+)/.exec(text);
  if (ttl) {
    p.reached = true;
    p.ttl = Number(ttl[1]);
  }
}

/** The checks the pings make in a lab: see the top of this file. */
export function pingChecks(pings: ScriptPing[], t: Topology): CheckSpec[] {
  const addresses = new Set<string>();
  const add = (list: string[] | undefined) => list?.forEach((a) => addresses.add(a.split('/')[0]!));
  for (const n of Object.values(t.nodes)) if (n.kind === 'bridge') add(n.addresses);
  for (const l of t.links) for (const e of l.endpoints) add(e.addresses);
  for (const n of Object.values(t.nodes))
    for (const list of Object.values(n))
      if (Array.isArray(list)) for (const x of list) if (x && typeof x === 'object' && 'addresses' in x) add(x.addresses as string[]);
  const byPair = new Map<string, { from: string; ping: ScriptPing }>();
  for (const p of pings) {
    const from = p.ns === '' ? 'host' : p.ns;
    if (!addresses.has(p.target) || t.nodes[from]?.kind === 'bridge' || !t.nodes[from]) continue;
    const key = `${from} ${p.target}`;
    const known = byPair.get(key)?.ping;
    const outcome = p.reached === undefined && known ? known : p;
    byPair.set(key, { from, ping: { ...p, reached: outcome.reached, ttl: outcome.ttl } });
  }
  return [...byPair.values()].map(({ from, ping: p }) => ({
    from,
    ping: p.target,
    expect: p.reached === false ? 'unreachable' : 'reachable',
    ...(p.reached && p.ttl ? { ttl: p.ttl } : {}),
  }));
}
