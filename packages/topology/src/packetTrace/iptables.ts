/**
 * Decides what an iptables ruleset does to one packet, from `iptables-save`
 * text: the chains a packet traverses, which rule (or chain policy) decided,
 * and the NAT rewrite it applies. Only what the packet tracer needs: the
 * matches nslab and the seeds write (addresses, interfaces, protocol, ports,
 * conntrack state, random loss); a rule with a match it cannot judge is
 * reported as uncertain and assumed not to match, and the live probe has the
 * last word.
 */
import { cidrContains, parseCidr } from '../net.js';
import { ruleOptions, splitRuleLine } from '../iptablesRules.js';

export type TraceProtocol = 'icmp' | 'tcp' | 'udp';

/** One packet as the tracer follows it. */
export interface TracePacket {
  proto: TraceProtocol;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  /** icmp: echo-request (8) going out, echo-reply (0) coming back. */
  icmpType?: number;
}

/** Where the packet is when a chain sees it. */
export interface ChainContext {
  in?: string;
  out?: string;
  /** The first packet of a flow is NEW; a reply is ESTABLISHED. */
  state: 'NEW' | 'ESTABLISHED';
  /** A bridged packet (br_netfilter): the bridge ports it enters and leaves by. */
  physIn?: string;
  physOut?: string;
}

export interface Rule {
  /** The rule as iptables-save prints it, from `-A`. */
  text: string;
  args: string[];
}

export interface Chain {
  policy?: string;
  rules: Rule[];
}

/** `table` → `chain` → chain. */
export type Ruleset = Record<string, Record<string, Chain>>;

export function parseRuleset(save: string): Ruleset {
  // No prototype: a chain may be called `constructor` or `__proto__`.
  const out: Ruleset = Object.create(null) as Ruleset;
  let table: Record<string, Chain> | undefined;
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) out[line.slice(1).trim()] = table = Object.create(null) as Record<string, Chain>;
    else if (!table) continue;
    else if (line.startsWith(':')) {
      const [chain, policy] = line.slice(1).split(/\s+/);
      table[chain!] = { ...(policy && policy !== '-' ? { policy } : {}), rules: Object.hasOwn(table, chain!) ? table[chain!]!.rules : [] };
    } else if (line.startsWith('-A ')) {
      const [, chain, ...args] = splitRuleLine(line);
      if (!Object.hasOwn(table, chain!)) table[chain!] = { rules: [] };
      table[chain!]!.rules.push({ text: line, args });
    }
  }
  return out;
}

export interface Decision {
  /** ACCEPT, DROP, REJECT, or for nat: DNAT, SNAT, MASQUERADE, ACCEPT (no rewrite). */
  verdict: string;
  /** `table/CHAIN` of the rule or policy that decided. */
  chain: string;
  /** The deciding rule (undefined: the chain's policy, or no rule in a chain without one). */
  rule?: Rule;
  /** 1-based position of the deciding rule in its chain. */
  position?: number;
  /** DNAT/SNAT target. */
  to?: string;
  /** Rules that drop at random on the way (`-m statistic`), with their probability. */
  random: Array<{ rule: Rule; probability: number }>;
  /** Rules with matches this model cannot judge, assumed not to match. */
  uncertain: Rule[];
}

const TERMINAL = new Set(['ACCEPT', 'DROP', 'REJECT', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'RETURN']);

/**
 * Runs the packet through `table/chain` (and the user chains it jumps to).
 * A chain that does not exist accepts (iptables-nft makes tables lazily).
 */
export function evaluateChain(rs: Ruleset, table: string, chain: string, pkt: TracePacket, ctx: ChainContext): Decision {
  const d: Decision = { verdict: 'ACCEPT', chain: `${table}/${chain}`, random: [], uncertain: [] };
  const t = Object.hasOwn(rs, table) ? rs[table] : undefined;
  const c = t && Object.hasOwn(t, chain) ? t[chain] : undefined;
  if (!t || !c) return d;
  const decided = walk(t, chain, pkt, ctx, d, 0);
  if (decided) return decided;
  return { ...d, verdict: c.policy ?? 'ACCEPT', chain: `${table}/${chain}` };
}

function walk(
  t: Record<string, Chain>,
  name: string,
  pkt: TracePacket,
  ctx: ChainContext,
  d: Decision,
  depth: number,
): Decision | undefined {
  const c = Object.hasOwn(t, name) ? t[name] : undefined;
  if (!c || depth > 16) return undefined;
  for (const [i, rule] of c.rules.entries()) {
    const m = matches(rule.args, pkt, ctx);
    if (m === 'unknown') {
      d.uncertain.push(rule);
      continue;
    }
    if (!m) continue;
    const opts = ruleOptions(rule.args);
    const jump = opts.find((o) => o.opt === '-j' || o.opt === '-g');
    const target = jump?.values[0];
    const probability = opts.find((o) => o.opt === '--probability')?.values[0];
    if (probability !== undefined && Number(probability) < 1) {
      if (target === 'DROP' || target === 'REJECT') d.random.push({ rule, probability: Number(probability) });
      continue;
    }
    if (!target) continue;
    if (target === 'RETURN') return undefined;
    if (TERMINAL.has(target)) {
      const to = opts.find((o) => o.opt === '--to-destination' || o.opt === '--to-source' || o.opt === '--to-ports')?.values[0];
      return { ...d, verdict: target, chain: `${d.chain.split('/')[0]}/${name}`, rule, position: i + 1, ...(to ? { to } : {}) };
    }
    if (Object.hasOwn(t, target)) {
      const inner = walk(t, target, pkt, ctx, d, depth + 1);
      if (inner) return inner;
      // A goto (-g) does not come back here: falling off that chain returns from this one.
      if (jump!.opt === '-g') return undefined;
    }
    // LOG, TRACE, MARK, CT, …: not terminal, the packet goes on.
  }
  return undefined;
}

const PROTO_NUMBERS: Record<string, TraceProtocol> = { '1': 'icmp', '6': 'tcp', '17': 'udp' };

/** true/false, or 'unknown' when the rule uses a match this model does not judge. */
export function matches(args: readonly string[], pkt: TracePacket, ctx: ChainContext): boolean | 'unknown' {
  for (const { opt, values, negated } of ruleOptions(args)) {
    const v = values[0] ?? '';
    let m: boolean | 'unknown';
    switch (opt) {
      case '-s':
        m = addressIn(v, pkt.src);
        break;
      case '-d':
        m = addressIn(v, pkt.dst);
        break;
      case '-i':
        m = ifaceMatches(v, ctx.in);
        break;
      case '-o':
        m = ifaceMatches(v, ctx.out);
        break;
      case '-p':
        m = v === 'all' || (PROTO_NUMBERS[v] ?? v.toLowerCase()) === pkt.proto;
        break;
      case '--dport':
      case '--destination-port':
        m = portIn(v, pkt.dport);
        break;
      case '--sport':
      case '--source-port':
        m = portIn(v, pkt.sport);
        break;
      case '--dports':
        m = v.split(',').some((p) => portIn(p, pkt.dport));
        break;
      case '--sports':
        m = v.split(',').some((p) => portIn(p, pkt.sport));
        break;
      case '--ctstate':
      case '--state':
        m = v.split(',').includes(ctx.state);
        break;
      case '--physdev-in':
        m = ifaceMatches(v, ctx.physIn);
        break;
      case '--physdev-out':
        m = ifaceMatches(v, ctx.physOut);
        break;
      case '--physdev-is-bridged':
        m = ctx.physIn !== undefined && ctx.physOut !== undefined;
        break;
      case '--physdev-is-in':
        m = ctx.physIn !== undefined;
        break;
      case '--physdev-is-out':
        m = ctx.physOut !== undefined;
        break;
      case '--icmp-type':
        m = icmpTypeMatches(v, pkt.icmpType);
        break;
      case '--comment':
      case '--mode':
      case '--probability':
      case '-j':
      case '-g':
      case '--to-destination':
      case '--to-source':
      case '--to-ports':
      case '--reject-with':
      case '--log-prefix':
      case '--log-level':
      case '--random':
      case '--random-fully':
      case '--persistent':
        continue;
      default:
        return 'unknown';
    }
    if (m === 'unknown') return 'unknown';
    if (m === negated) return false;
  }
  return true;
}

function addressIn(spec: string, ip: string): boolean | 'unknown' {
  const c = parseCidr(spec.includes('/') ? spec : `${spec}/${spec.includes(':') ? 128 : 32}`);
  return c ? cidrContains(c, ip) : 'unknown';
}

function ifaceMatches(spec: string, name: string | undefined): boolean {
  if (name === undefined) return false;
  return spec.endsWith('+') ? name.startsWith(spec.slice(0, -1)) : name === spec;
}

function portIn(spec: string, port: number | undefined): boolean {
  if (port === undefined) return false;
  const [lo, hi] = spec.split(':');
  return port >= Number(lo || 0) && port <= Number(hi === undefined ? lo : hi || 65535);
}

const ICMP_TYPES: Record<string, number> = { 'echo-request': 8, 'echo-reply': 0, any: -1 };

function icmpTypeMatches(spec: string, type: number | undefined): boolean | 'unknown' {
  const t = ICMP_TYPES[spec] ?? (/^\d+$/.test(spec.split('/')[0]!) ? Number(spec.split('/')[0]) : undefined);
  if (t === undefined) return 'unknown';
  return t === -1 || t === type;
}

/** A rule as a person reads it: its arguments without the nslab comment. */
export function ruleText(rule: Rule): string {
  return withoutComment(rule.text);
}

/** A rule line without its `-m comment --comment …` (nslab's mark says nothing to a learner). */
export function withoutComment(line: string): string {
  return line.replace(/\s+-m comment --comment ("[^"]*"|\S+)/, '');
}

/**
 * A rule of the tracer's live probe, never of a lab's design: a TRACE rule,
 * or a counting rule with no target. The observer leaves them out (they are
 * not drift) and destroy removes any a crash left behind.
 */
export function isProbeRule(args: readonly string[], table: string): boolean {
  if (table !== 'raw' && table !== 'mangle') return false;
  const j = args.findIndex((a) => a === '-j' || a === '-g' || a === '--jump' || a === '--goto');
  return j < 0 ? table === 'mangle' : table === 'raw' && args[j + 1] === 'TRACE';
}
