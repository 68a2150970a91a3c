/**
 * Reads back the qdiscs nslab makes for impairments (packages/topology
 * tc.ts): `tc -j qdisc show` for the layout, and, for an htb root,
 * `tc class show dev IF` for its rate (iproute2 6.1 prints htb classes as
 * text even with -j). Pure parsing here; observe.ts runs the commands.
 */
import type { NetemState, TcState } from '@nslab/topology';

/** The fields of `tc -j qdisc show` nslab reads. */
export interface TcQdisc {
  kind: string;
  handle?: string;
  dev?: string;
  root?: boolean;
  parent?: string;
  options?: Record<string, unknown>;
}

/** Root qdiscs the kernel puts on an interface by itself (also known by their handle 0:): no impairment. */
const DEFAULT_ROOTS = new Set(['noqueue', 'pfifo_fast', 'fq_codel', 'mq', 'fq']);

/** Devices whose root is nslab's htb (their class rate must be read). */
export function htbDevices(qdiscs: TcQdisc[]): string[] {
  return qdiscs.filter((q) => q.root && q.kind === 'htb' && q.handle === '1:' && q.dev).map((q) => q.dev!);
}

/**
 * The tc state of each device, from its qdiscs and (for htb roots) the text
 * of `tc class show dev IF`; devices with the kernel's default have none.
 *
 * @example
 * tcStates([{ kind: 'htb', handle: '1:', dev: 'eth0', root: true }], { eth0: 'class htb 1:1 root prio 0 rate 1Mbit ceil 1Mbit' })
 * // { eth0: { rate: 1000000 } }
 */
export function tcStates(qdiscs: TcQdisc[], classes: Record<string, string>): Record<string, TcState> {
  const out: Record<string, TcState> = {};
  for (const root of qdiscs.filter((q) => q.root && q.dev)) {
    const dev = root.dev!;
    if (DEFAULT_ROOTS.has(root.kind) || root.handle === '0:') continue; // handle 0: is the kernel's own choice (net.core.default_qdisc)
    if (root.kind === 'netem') {
      out[dev] = { netem: netemOf(root.options) };
      continue;
    }
    if (root.kind !== 'htb' || root.handle !== '1:') {
      out[dev] = { other: root.kind };
      continue;
    }
    const rate = classRate(classes[dev] ?? '');
    const children = qdiscs.filter((q) => q.dev === dev && !q.root);
    const child = children.find((q) => q.parent === '1:1');
    const foreign = children.find((q) => q !== child || q.kind !== 'netem');
    if (rate === undefined || foreign) {
      out[dev] = { other: foreign ? `htb with ${foreign.kind}` : 'htb without class 1:1' };
      continue;
    }
    out[dev] = { rate, ...(child ? { netem: netemOf(child.options) } : {}) };
  }
  return out;
}

/** `rate 1234Kbit` of class 1:1 in `tc class show` text, in bits per second. */
export function classRate(text: string): number | undefined {
  const line = text.split('\n').find((l) => /^class htb 1:1 /.test(l));
  const m = line ? /\brate (\d+(?:\.\d+)?)([KMGT]?)bit\b/.exec(line) : null;
  if (!m) return undefined;
  const mult = { '': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2]!]!;
  return Math.round(Number(m[1]) * mult);
}

/** netem's JSON options: `delay: { delay, jitter }` in seconds, `loss-random: { loss }` as a fraction. */
function netemOf(options: Record<string, unknown> | undefined): NetemState {
  const o = options ?? {};
  const delay = (o.delay ?? {}) as { delay?: number; jitter?: number };
  const loss = (o['loss-random'] ?? {}) as { loss?: number };
  const n: NetemState = {};
  if (typeof delay.delay === 'number' && delay.delay > 0) n.delay = Math.round(delay.delay * 1e6);
  if (typeof delay.jitter === 'number' && delay.jitter > 0) n.jitter = Math.round(delay.jitter * 1e6);
  if (typeof loss.loss === 'number' && loss.loss > 0) n.loss = Number((loss.loss * 100).toFixed(4));
  return n;
}
