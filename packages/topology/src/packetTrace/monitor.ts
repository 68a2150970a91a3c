/**
 * Reads `xtables-monitor --trace` output: the netfilter trace of packets
 * marked by a `-j TRACE` rule, one PACKET line (where the packet is) followed
 * by TRACE lines (each chain, rule and verdict it met).
 *
 * @example
 * PACKET: 2 206d2582 IN=veth0 OUT=veth1 SRC=10.0.1.2 DST=10.0.2.2 LEN=84 TTL=63 …
 *  TRACE: 2 206d2582 filter:FORWARD:policy:DROP
 */
import { withoutComment } from './iptables.js';

export interface MonitorPacket {
  in?: string;
  out?: string;
  src?: string;
  dst?: string;
  ttl?: number;
  proto?: string;
  sport?: number;
  dport?: number;
}

export interface MonitorStep {
  /** The packet trace id (one per packet per namespace). */
  id: string;
  table: string;
  chain: string;
  /** `rule`, `policy` or `return`. */
  kind: string;
  /** ACCEPT, DROP, CONTINUE, JUMP, … (upper case), when the line has one. */
  verdict?: string;
  /** The rule, as iptables-save prints it, for `rule` steps. */
  rule?: string;
  packet: MonitorPacket;
}

const TRACE = /^\s*TRACE: \d+ ([0-9a-f]+) ([\w-]+):([\w-]+):(rule|policy|return)(?::(0x[0-9a-f]+))?(?::([A-Za-z]+))?\s*(.*)$/;
const PACKET = /^\s*PACKET: \d+ ([0-9a-f]+) (.*)$/;

export function parseMonitor(text: string): MonitorStep[] {
  const steps: MonitorStep[] = [];
  const packets = new Map<string, MonitorPacket>();
  for (const line of text.split('\n')) {
    const p = PACKET.exec(line);
    if (p) {
      packets.set(p[1]!, packetFields(p[2]!));
      continue;
    }
    const t = TRACE.exec(line);
    if (!t) continue;
    const [, id, table, chain, kind, , verdict, rest] = t;
    const rule = /-A \S+.*$/.exec(rest ?? '')?.[0]?.trim();
    steps.push({
      id: id!,
      table: table!,
      chain: chain!,
      kind: kind!,
      ...(verdict ? { verdict: verdict.toUpperCase() } : {}),
      ...(rule ? { rule } : {}),
      packet: packets.get(id!) ?? {},
    });
  }
  return steps;
}

function packetFields(text: string): MonitorPacket {
  const f: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)=(\S*)/g)) f[m[1]!] ??= m[2]!;
  const num = (k: string) => (f[k] !== undefined && /^\d+$/.test(f[k]) ? Number(f[k]) : undefined);
  const out: MonitorPacket = {};
  if (f.IN) out.in = f.IN;
  if (f.OUT) out.out = f.OUT;
  if (f.SRC) out.src = f.SRC;
  if (f.DST) out.dst = f.DST;
  if (f.PROTO) out.proto = f.PROTO.toLowerCase();
  const ttl = num('TTL') ?? num('HOPLIMIT');
  if (ttl !== undefined) out.ttl = ttl;
  const sport = num('SPORT');
  const dport = num('DPORT');
  if (sport !== undefined) out.sport = sport;
  if (dport !== undefined) out.dport = dport;
  return out;
}

/** One line per step, as the tracer shows it: `filter/FORWARD policy DROP (in veth0, out veth1)`. */
export function describeStep(s: MonitorStep): string {
  const where = [s.packet.in && `in ${s.packet.in}`, s.packet.out && `out ${s.packet.out}`].filter(Boolean).join(', ');
  const what =
    s.kind === 'policy'
      ? `policy ${s.verdict ?? ''}`
      : s.kind === 'return'
        ? 'return'
        : `${s.verdict ?? 'rule'}: ${withoutComment(s.rule ?? '')}`;
  return `${s.table}/${s.chain} ${what.trim()}${where ? ` (${where})` : ''}`;
}
