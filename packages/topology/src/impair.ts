/**
 * Link impairments (`impair: { delay, jitter, loss, rate }`) and the
 * administrative state (`up`) of a veth link or of one endpoint. One rule
 * merges them: an endpoint's field wins over the link's, field by field, and
 * applies to that interface's egress only; a link's applies to both ends.
 * Values are text with a unit (`50ms`, `5%`, `10mbit`); `parseImpair` is the
 * one rule that reads them, and validation and desiredState both call it.
 */
import { z } from 'zod';
import type { IssueList, Path } from './issues.js';
import type { EndpointSpec, LinkSpec } from './schema.js';

/** A number is accepted by the shape only to be refused by the value rule with a message that shows the unit. */
const value = z.union([z.string(), z.number()]).optional();
export const impairSchema = z.strictObject({ delay: value, jitter: value, loss: value, rate: value });
export type ImpairSpec = z.infer<typeof impairSchema>;
export type ImpairField = keyof ImpairSpec;
export const IMPAIR_FIELDS: readonly ImpairField[] = ['delay', 'jitter', 'loss', 'rate'];

/** Impairments as numbers: microseconds, percent, bits per second. Zero means none (left out). */
export interface Impair {
  delay?: number;
  jitter?: number;
  loss?: number;
  rate?: number;
}

export const MAX_DELAY_US = 60_000_000;
export const MIN_RATE = 8;
export const MAX_RATE = 100_000_000_000;

const DURATION = /^(\d+(?:\.\d+)?)(us|ms|s)$/;
const PERCENT = /^(\d+(?:\.\d{1,4})?)%$/;
const RATE = /^(\d+(?:\.\d+)?)(bit|kbit|mbit|gbit)$/;
const BYTE_RATE = /^\d+(?:\.\d+)?[kmg]?bps$/;
const US = { us: 1, ms: 1000, s: 1_000_000 } as const;
const BITS = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 } as const;

/** Why a value cannot be this field, or the number it means. */
export function parseImpairValue(field: ImpairField, v: unknown): { value: number } | { problem: string } {
  const text = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  const shown = JSON.stringify(v);
  if (field === 'loss') {
    const m = text === undefined ? null : PERCENT.exec(text);
    const n = m ? Number(m[1]) : NaN;
    if (!(n >= 0 && n <= 100)) return { problem: `${shown} must be a percentage like 5% (0–100%, at most 4 decimals)` };
    return { value: n };
  }
  if (field === 'rate') {
    if (text !== undefined && BYTE_RATE.test(text))
      return { problem: `${shown}: write bits per second, like 10mbit (tc's "bps" means bytes per second)` };
    const m = text === undefined ? null : RATE.exec(text);
    const n = m ? Math.round(Number(m[1]) * BITS[m[2] as keyof typeof BITS]) : NaN;
    if (!(n >= MIN_RATE && n <= MAX_RATE))
      return { problem: `${shown} must be a rate like 10mbit (bit, kbit, mbit or gbit; 8bit to 100gbit)` };
    return { value: n };
  }
  const m = text === undefined ? null : DURATION.exec(text);
  const n = m ? Math.round(Number(m[1]) * US[m[2] as keyof typeof US]) : NaN;
  if (!(n >= 0 && n <= MAX_DELAY_US)) return { problem: `${shown} must be a duration like 50ms (us, ms or s; at most 60s)` };
  return { value: n };
}

/**
 * The impairments one object asks for, as numbers; fields that do not parse
 * are left out (validation reports them).
 *
 * @example
 * parseImpair({ delay: '50ms', loss: '5%', rate: '10mbit' }) // { delay: 50000, loss: 5, rate: 10000000 }
 */
export function parseImpair(spec: ImpairSpec | undefined): Impair {
  const out: Impair = {};
  for (const f of IMPAIR_FIELDS) {
    if (spec?.[f] === undefined) continue;
    const r = parseImpairValue(f, spec[f]);
    if ('value' in r && r.value > 0) out[f] = r.value;
  }
  return out;
}

/** The merged impairment spec of one end: the endpoint's fields win over the link's. */
export function endpointImpairSpec(link: LinkSpec, end: 0 | 1): ImpairSpec {
  return { ...link.impair, ...link.endpoints[end].impair };
}

/**
 * What one end of a link asks for: its merged impairments and whether it is up.
 *
 * @example
 * endImpair({ impair: { rate: '1mbit' }, endpoints: [{ node: 'a', name: 'x', impair: { rate: '2mbit' } }, b] }, 0)
 * // { impair: { rate: 2000000 }, up: true }
 */
export function endImpair(link: LinkSpec, end: 0 | 1): { impair: Impair; up: boolean } {
  const ep: EndpointSpec = link.endpoints[end];
  return { impair: parseImpair(endpointImpairSpec(link, end)), up: ep.up ?? link.up ?? true };
}

/** [V20] every impairment value of link `i`, and jitter only with a delay (on the merged end). */
export function validateImpair(link: LinkSpec, i: number, list: IssueList): void {
  const check = (spec: ImpairSpec | undefined, path: Path) => {
    for (const f of IMPAIR_FIELDS) {
      if (spec?.[f] === undefined) continue;
      const r = parseImpairValue(f, spec[f]);
      if ('problem' in r) list.error(`impair.${f}`, [...path, 'impair', f], r.problem);
    }
  };
  check(link.impair, ['links', i]);
  const reported = new Set<string>();
  link.endpoints.forEach((ep, end) => {
    check(ep.impair, ['links', i, 'endpoints', end]);
    const merged = endpointImpairSpec(link, end as 0 | 1);
    const n = parseImpair(merged);
    if (n.jitter === undefined || n.delay !== undefined) return;
    const path = ep.impair?.jitter !== undefined ? ['links', i, 'endpoints', end, 'impair', 'jitter'] : ['links', i, 'impair', 'jitter'];
    if (reported.has(path.join('.'))) return;
    reported.add(path.join('.'));
    list.error('impair.jitter-without-delay', path, `jitter varies a delay: give "delay" too (like delay: 50ms, jitter: 10ms)`);
  });
}

/** Microseconds as tc and the format write them: `50ms`, `1s`, `250us`. */
export function formatDuration(us: number): string {
  if (us % 1_000_000 === 0) return `${us / 1_000_000}s`;
  if (us % 1000 === 0) return `${us / 1000}ms`;
  return `${us}us`;
}

/** Bits per second as tc and the format write them: `10mbit`, `1500kbit`, `12bit`. */
export function formatRate(bits: number): string {
  for (const [unit, m] of [
    ['gbit', 1e9],
    ['mbit', 1e6],
    ['kbit', 1e3],
  ] as const)
    if (bits % m === 0) return `${bits / m}${unit}`;
  return `${bits}bit`;
}

/** The format's impair object for numbers (labFromState), or undefined when there is nothing. */
export function impairSpecOf(i: Impair): ImpairSpec | undefined {
  const out: ImpairSpec = {};
  if (i.delay) out.delay = formatDuration(i.delay);
  if (i.jitter) out.jitter = formatDuration(i.jitter);
  if (i.loss) out.loss = `${i.loss}%`;
  if (i.rate) out.rate = formatRate(i.rate);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A short badge for the canvas: `50ms±10ms 5% 10mbit`. */
export function impairBadge(i: Impair): string {
  return [
    i.delay ? `${formatDuration(i.delay)}${i.jitter ? `±${formatDuration(i.jitter)}` : ''}` : '',
    i.loss ? `${i.loss}%` : '',
    i.rate ? formatRate(i.rate) : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * How the canvas marks a link: down when either end is, and a badge of its
 * impairments (`→ 50ms · ← 5%` when the two directions differ).
 *
 * @example
 * linkMarks({ impair: { delay: '50ms', loss: '5%' }, endpoints: [a, b] }) // { down: false, badge: '50ms 5%' }
 */
export function linkMarks(link: LinkSpec): { down: boolean; badge?: string } {
  const [a, b] = [endImpair(link, 0), endImpair(link, 1)];
  const [x, y] = [impairBadge(a.impair), impairBadge(b.impair)];
  const badge = x === y ? x : [x && `→ ${x}`, y && `← ${y}`].filter(Boolean).join(' · ');
  return { down: !a.up || !b.up, ...(badge ? { badge } : {}) };
}
