/**
 * iptables rules for a namespace node's `nat` and `firewall` fields, written
 * in the argument order iptables-save prints, plus `ruleKey`, which makes an
 * observed rule (from iptables-save) and a desired one comparable.
 */
import { policyKey } from './keys.js';
import { networkOf, parseCidr, parseHostPort, parseIp, familyOf, type Family } from './net.js';
import type { NamespaceNode } from './schema.js';
import type { RuleState } from './state.js';

export function rulesOfNode(node: NamespaceNode, mark: string, v6InScope: boolean): RuleState[] {
  const rules: RuleState[] = [];
  const comment = ['-m', 'comment', '--comment', mark];
  for (const nat of node.nat ?? []) {
    if (nat.type === 'masquerade') {
      const src = parseCidr(nat.source);
      if (!src) continue;
      const out = nat.outInterface ? ['-o', nat.outInterface] : nat.notOutInterface ? ['!', '-o', nat.notOutInterface] : [];
      rules.push({
        family: src.family,
        table: 'nat',
        chain: 'POSTROUTING',
        args: [...addressMatch('-s', nat.source), ...out, ...comment, '-j', 'MASQUERADE'],
      });
    } else {
      const to = parseHostPort(nat.to);
      if (!to) continue;
      const dest = nat.destination ? ['-d', hostCidr(nat.destination)] : [];
      const match = ['-p', nat.proto, '-m', nat.proto, '--dport', String(nat.port)];
      const target = ['-j', 'DNAT', '--to-destination', to.family === 6 ? `[${to.ip}]:${to.port}` : `${to.ip}:${to.port}`];
      rules.push({ family: to.family, table: 'nat', chain: 'PREROUTING', args: [...dest, ...match, ...comment, ...target] });
      // Locally generated connections skip PREROUTING; without a destination, only those aimed at this host.
      const local = nat.destination ? [] : ['-m', 'addrtype', '--dst-type', 'LOCAL'];
      rules.push({ family: to.family, table: 'nat', chain: 'OUTPUT', args: [...dest, ...match, ...local, ...comment, ...target] });
    }
  }
  for (const rule of node.firewall?.forward ?? []) {
    const fam = familyOf(rule.source?.split('/')[0] ?? '') ?? familyOf(rule.destination?.split('/')[0] ?? '');
    const families: Family[] = fam ? [fam] : v6InScope ? [4, 6] : [4];
    for (const family of families) {
      const args = [
        ...(rule.source ? addressMatch('-s', rule.source) : []),
        ...(rule.destination ? addressMatch('-d', rule.destination) : []),
        ...(rule.in ? ['-i', rule.in] : []),
        ...(rule.out ? ['-o', rule.out] : []),
        ...comment,
        '-j',
        rule.action === 'accept' ? 'ACCEPT' : 'DROP',
      ];
      rules.push({ family, table: 'filter', chain: 'FORWARD', args });
    }
  }
  return rules;
}

/** The chain policies a node sets, keyed `v4:filter/FORWARD`. */
export function policiesOfNode(node: NamespaceNode, v6InScope: boolean): Record<string, 'ACCEPT' | 'DROP'> {
  const p = node.firewall?.forwardPolicy;
  if (!p) return {};
  const value = p === 'accept' ? 'ACCEPT' : 'DROP';
  const families: Family[] = v6InScope ? [4, 6] : [4];
  return Object.fromEntries(families.map((f) => [policyKey(f, 'FORWARD'), value]));
}

/** `-s`/`-d` and the network as iptables-save prints it; nothing for "any address" (`0.0.0.0/0`), which it leaves out. */
function addressMatch(opt: '-s' | '-d', text: string): string[] {
  const c = parseCidr(text);
  if (!c) return [opt, text];
  return c.prefix === 0 ? [] : [opt, networkOf(c)];
}

function hostCidr(ip: string): string {
  const f = familyOf(ip);
  return `${ip}/${f === 6 ? 128 : 32}`;
}

/** Long option spellings iptables accepts, by the short form iptables-save prints. */
const SPELLINGS: Record<string, string> = {
  '--source': '-s',
  '--src': '-s',
  '--destination': '-d',
  '--dst': '-d',
  '--in-interface': '-i',
  '--out-interface': '-o',
  '--protocol': '-p',
  '--jump': '-j',
  '--destination-port': '--dport',
  '--source-port': '--sport',
  '--to': '--to-destination',
};
const PROTOCOL_NUMBERS: Record<string, string> = {
  '0': 'all',
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '58': 'ipv6-icmp',
  icmpv6: 'ipv6-icmp',
};

/** An option's value as iptables-save prints it, or undefined where iptables-save omits the option. */
function savedValue(opt: string, value: string, negated: boolean): string | undefined {
  if (opt === '-s' || opt === '-d') {
    // iptables leaves out "any address" (however written: 0/0, 0.0.0.0/0, ::/0) and masks host bits.
    if (value.endsWith('/0') && !negated) return undefined;
    const c = parseCidr(value);
    return c ? networkOf(c) : value;
  }
  if (opt === '-p') {
    const p = PROTOCOL_NUMBERS[value.toLowerCase()] ?? value.toLowerCase();
    return p === 'all' && !negated ? undefined : p;
  }
  if (opt === '--to-destination') {
    const hp = parseHostPort(value);
    if (hp) return hp.family === 6 ? `[${hp.ip}]:${hp.port}` : `${hp.ip}:${hp.port}`;
    const ip = parseIp(value);
    return ip ? ip.toString() : value;
  }
  if (opt === '--dst-type' || opt === '--src-type') return value.toUpperCase();
  // The kernel keeps a probability in 1/2^31 steps: 0.05 prints as 0.04999999981.
  if (opt === '--probability' && Number.isFinite(Number(value))) return String(Number(Number(value).toFixed(6)));
  return value;
}

/**
 * A canonical key for a rule's arguments, in iptables-save's normal form:
 * long spellings made short, "any address" and "any protocol" left out,
 * addresses masked and compressed, protocol numbers named, module loads
 * (`-m tcp`) dropped, comment quotes removed, option order ignored. Equal
 * keys mean the kernel holds the same rule. `privileged/ruleForms.test.ts`
 * checks each equivalence against what iptables-save really prints.
 *
 * @example
 * ruleKey(['-s', '10.0.0.0/8', '-m', 'comment', '--comment', '"nslab:x"', '-j', 'MASQUERADE'])
 *   === ruleKey(['-j', 'MASQUERADE', '--source', '10.1.2.3/8', '-m', 'comment', '--comment', 'nslab:x'])
 * ruleKey(['-s', '0.0.0.0/0', '-p', 'all', '-j', 'MASQUERADE']) === ruleKey(['-j', 'MASQUERADE'])
 */
export function ruleKey(args: readonly string[]): string {
  const pairs: string[] = [];
  for (const { opt, values, negated } of ruleOptions(args)) {
    const value = values.length === 1 ? savedValue(opt, values[0]!, negated) : values.join(' ');
    if (value === undefined) continue;
    pairs.push(`${negated ? '!' : ''}${opt}=${value}`);
  }
  return pairs.sort().join(' ');
}

/**
 * A rule's options in order, each with its values (unquoted) and whether it
 * is negated (`! -s …`); long spellings become the short ones iptables-save
 * prints (`--source` → `-s`); module loads (`-m tcp`) are left out.
 */
export function ruleOptions(args: readonly string[]): Array<{ opt: string; values: string[]; negated: boolean }> {
  const out: Array<{ opt: string; values: string[]; negated: boolean }> = [];
  for (let i = 0; i < args.length; i++) {
    let negated = false;
    let opt = args[i]!;
    if (opt === '!') {
      negated = true;
      opt = args[++i] ?? '';
    }
    if (opt === '-m' || opt === '--match') {
      i++;
      continue;
    }
    const values: string[] = [];
    while (i + 1 < args.length && !args[i + 1]!.startsWith('-') && args[i + 1] !== '!') values.push(unquote(args[++i]!));
    out.push({ opt: SPELLINGS[opt] ?? opt, values, negated });
  }
  return out;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/**
 * The comment a rule carries (`-m comment --comment TEXT`), or undefined.
 *
 * @example
 * labOfMark(commentOf(splitRuleLine('-A FORWARD -m comment --comment "nslab:demo" -j ACCEPT'))) // 'demo'
 */
export function commentOf(args: readonly string[]): string | undefined {
  const i = args.indexOf('--comment');
  return i >= 0 && i + 1 < args.length ? unquote(args[i + 1]!) : undefined;
}

/** Splits an iptables-save rule line into arguments, honouring double quotes. */
export function splitRuleLine(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}
