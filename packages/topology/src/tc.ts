/**
 * How impairments become host state: queueing disciplines (`tc`) on an
 * interface's egress, and, where the kernel has no netem, an iptables rule
 * for loss. The layout nslab makes, and the only one it reads back as its own:
 *
 * - rate only:        root `htb` handle 1: default 1, class 1:1 `htb rate R`
 * - netem only:       root `netem delay D J loss L`
 * - rate and netem:   both above, netem as handle 10: under class 1:1
 * - loss without netem: mangle POSTROUTING `-o IF -m statistic --mode random
 *   --probability P -j DROP` with the lab's comment. POSTROUTING sees both
 *   locally generated and forwarded (and, with bridge-nf-call-iptables,
 *   bridged) packets leaving IF.
 */
import { formatDuration, formatRate, type Impair } from './impair.js';
import type { Family } from './net.js';
import type { RuleState } from './state.js';

export interface NetemState {
  /** Microseconds. */
  delay?: number;
  jitter?: number;
  /** Percent. */
  loss?: number;
}

/** An interface's egress queueing as nslab models it. */
export interface TcState {
  /** htb rate, bits per second, as the kernel keeps and tc prints it (see `kernelRate`). */
  rate?: number;
  netem?: NetemState;
  /** Observed only: a root qdisc nslab does not make (its kind), so not the lab's. */
  other?: string;
}

/** Where a qdisc goes: the interface's root, or under the htb class 1:1. */
export type Qdisc = { type: 'htb' } | { type: 'netem'; netem: NetemState; parent: 'root' | '1:1' };

/**
 * A rate as it comes back from the kernel: it keeps bytes per second, and tc
 * 6.1 prints `1234Kbit` for 1234567bit (it divides by 1000 while the number is
 * a multiple of 1000 or at least a million). Desired and observed rates both
 * go through this, so a deployed rate reads back equal.
 *
 * @example
 * kernelRate(1_000_000) // 1000000
 * kernelRate(1_234_567) // 1234000
 */
export function kernelRate(bits: number): number {
  let rate = Math.floor(bits / 8) * 8;
  let mult = 1;
  for (let i = 0; i < 4; i++) {
    if (rate < 1000 || (rate % 1000 !== 0 && rate < 1_000_000)) break;
    rate = Math.floor(rate / 1000);
    mult *= 1000;
  }
  return rate * mult;
}

/**
 * The tc state for one interface's impairments, or undefined when it has
 * none. Loss uses netem when the host has it (or when delay needs netem
 * anyway); otherwise it is an iptables rule (`lossRules`), not tc.
 *
 * @example
 * tcOf({ rate: 1_000_000, loss: 5 }, false) // { rate: 1000000 } (and the loss as a rule)
 * tcOf({ delay: 50_000, loss: 5 }, false)   // { netem: { delay: 50000, loss: 5 } }
 */
export function tcOf(i: Impair, netem: boolean): TcState | undefined {
  const useNetem = netem || i.delay !== undefined;
  const n: NetemState = {};
  if (i.delay) n.delay = i.delay;
  if (i.delay && i.jitter) n.jitter = i.jitter;
  if (useNetem && i.loss) n.loss = i.loss;
  const tc: TcState = {};
  if (i.rate) tc.rate = kernelRate(i.rate);
  if (Object.keys(n).length > 0) tc.netem = n;
  return Object.keys(tc).length > 0 ? tc : undefined;
}

/** True when loss is done by iptables, not netem (see tcOf). */
export function lossByRule(i: Impair, netem: boolean): boolean {
  return i.loss !== undefined && !(netem || i.delay !== undefined);
}

/** Percent → the probability as nslab writes it (0.05 for 5%; at most 6 decimals, as loss has at most 4). */
export function lossProbability(percent: number): string {
  return String(Number((percent / 100).toFixed(6)));
}

/**
 * The iptables rules that drop `loss` percent of what leaves `dev`, one per family.
 *
 * @example
 * lossRules('eth0', 5, 'nslab:demo', [4])[0].args
 * // ['-o', 'eth0', '-m', 'statistic', '--mode', 'random', '--probability', '0.05', '-m', 'comment', '--comment', 'nslab:demo', '-j', 'DROP']
 */
export function lossRules(dev: string, loss: number, mark: string, families: Family[], bridgePort = false): RuleState[] {
  // A bridged packet leaves by the bridge (`-o br0`): a port's own egress is physdev's (br_netfilter).
  const out = bridgePort ? ['-m', 'physdev', '--physdev-out', dev, '--physdev-is-bridged'] : ['-o', dev];
  const args = [...out, '-m', 'statistic', '--mode', 'random', '--probability', lossProbability(loss)];
  return families.map((family) => ({
    family,
    table: 'mangle',
    chain: 'POSTROUTING',
    args: [...args, '-m', 'comment', '--comment', mark, '-j', 'DROP'],
  }));
}

/** The interface and loss (percent) of a rule `lossRules` makes, or undefined for any other rule. */
export function lossOfRule(r: RuleState): { dev: string; loss: number } | undefined {
  const a = r.args;
  const dev = a[0] === '-o' ? a[1] : a[0] === '-m' && a[1] === 'physdev' && a[2] === '--physdev-out' ? a[3] : undefined;
  if (r.table !== 'mangle' || r.chain !== 'POSTROUTING' || dev === undefined || a.at(-1) !== 'DROP') return undefined;
  const p = a.indexOf('--probability');
  if (p < 0 || a[p - 2] !== '--mode' || a[p - 1] !== 'random') return undefined;
  const prob = Number(a[p + 1]);
  return Number.isFinite(prob) ? { dev, loss: Number((prob * 100).toFixed(4)) } : undefined;
}

/** netem's arguments: `delay 50ms 10ms loss 5%`. */
export function netemArgs(n: NetemState): string[] {
  const out: string[] = [];
  if (n.delay) out.push('delay', formatDuration(n.delay), ...(n.jitter ? [formatDuration(n.jitter)] : []));
  if (n.loss) out.push('loss', `${n.loss}%`);
  return out;
}

/** `tc` arguments that put a qdisc on `dev`. */
export function qdiscArgs(dev: string, q: Qdisc): string[] {
  if (q.type === 'htb') return ['qdisc', 'replace', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '1'];
  const at = q.parent === 'root' ? ['root'] : ['parent', '1:1', 'handle', '10:'];
  return ['qdisc', 'replace', 'dev', dev, ...at, 'netem', ...netemArgs(q.netem)];
}

export function classArgs(dev: string, rate: number): string[] {
  return ['class', 'replace', 'dev', dev, 'parent', '1:', 'classid', '1:1', 'htb', 'rate', formatRate(rate)];
}
