/**
 * iptables rules for a namespace node's `nat` and `firewall` fields, written
 * in the argument order iptables-save prints, plus `ruleKey`, which makes an
 * observed rule (from iptables-save) and a desired one comparable.
 */
import { networkOf, parseCidr, parseHostPort, familyOf, type Family } from './net.js';
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
      rules.push({ family: src.family, table: 'nat', chain: 'POSTROUTING', args: ['-s', networkOf(src), ...out, ...comment, '-j', 'MASQUERADE'] });
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
        ...(rule.source ? ['-s', cidrArg(rule.source)] : []),
        ...(rule.destination ? ['-d', cidrArg(rule.destination)] : []),
        ...(rule.in ? ['-i', rule.in] : []),
        ...(rule.out ? ['-o', rule.out] : []),
        ...comment,
        '-j', rule.action === 'accept' ? 'ACCEPT' : 'DROP',
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
  return v6InScope ? { 'v4:filter/FORWARD': value, 'v6:filter/FORWARD': value } : { 'v4:filter/FORWARD': value };
}

function cidrArg(text: string): string {
  const c = parseCidr(text);
  return c ? networkOf(c) : text;
}

function hostCidr(ip: string): string {
  const f = familyOf(ip);
  return `${ip}/${f === 6 ? 128 : 32}`;
}

/**
 * A canonical key for a rule's arguments: option/value pairs, negation kept,
 * module loads (`-m tcp`) dropped, sorted. Equal keys mean the same rule.
 *
 * @example
 * ruleKey(['-s', '10.0.0.0/8', '-m', 'comment', '--comment', '"nslab:x"', '-j', 'MASQUERADE'])
 *   === ruleKey(['-j', 'MASQUERADE', '-s', '10.0.0.0/8', '-m', 'comment', '--comment', 'nslab:x'])
 */
export function ruleKey(args: readonly string[]): string {
  const pairs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let neg = '';
    let opt = args[i]!;
    if (opt === '!') {
      neg = '!';
      opt = args[++i] ?? '';
    }
    if (opt === '-m') {
      i++;
      continue;
    }
    const values: string[] = [];
    while (i + 1 < args.length && !args[i + 1]!.startsWith('-') && args[i + 1] !== '!') values.push(unquote(args[++i]!));
    pairs.push(`${neg}${opt}=${values.join(' ')}`);
  }
  return pairs.sort().join(' ');
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** Splits an iptables-save rule line into arguments, honouring double quotes. */
export function splitRuleLine(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}
