/**
 * A namespace's iptables rules and FORWARD policies as the format's `nat`
 * and `firewall`: the inverse of iptablesRules.ts. A rule becomes an entry
 * only when the entry generates that very rule again (compared with
 * `ruleKey`, comments aside); anything else is a warning, never a guess.
 */
import { policyKey, parsePolicyKey } from '../keys.js';
import { ruleKey, ruleOptions, rulesOfNode } from '../iptablesRules.js';
import type { Family } from '../net.js';
import { shellQuote } from '../renderScript.js';
import type { ForwardRuleSpec, NatSpec, NetnsNode } from '../schema.js';
import type { RuleState, ScopeState } from '../state.js';

type Firewall = NonNullable<NetnsNode['firewall']>;
type Entry = { nat: NatSpec } | { forward: ForwardRuleSpec };

/**
 * @example
 * rulesToLab({ rules: [{ family: 4, table: 'nat', chain: 'POSTROUTING', args: ['-s', '10.0.0.0/24', '-j', 'MASQUERADE'] }], policies: {} }, false, warn)
 * // { nat: [{ type: 'masquerade', source: '10.0.0.0/24' }] }
 */
export function rulesToLab(
  scope: Pick<ScopeState, 'rules' | 'policies'>,
  v6: boolean,
  warn: (message: string) => void,
): { nat?: NatSpec[]; firewall?: Firewall } {
  const nat: NatSpec[] = [];
  const forward: ForwardRuleSpec[] = [];
  const keys = scope.rules.map(keyOf);
  const used = new Set<number>();
  scope.rules.forEach((rule, i) => {
    if (used.has(i)) return;
    const entry = entryOf(rule);
    const generated = entry
      ? rulesOfNode(
          'nat' in entry ? { kind: 'netns', nat: [entry.nat] } : { kind: 'netns', firewall: { forward: [entry.forward] } },
          'x',
          v6,
        )
      : [];
    const own = generated.findIndex((g) => keyOf(g) === keys[i]);
    if (own < 0) {
      used.add(i);
      return warn(`cannot write this rule in the lab format; left out: ${ruleLine(rule)}`);
    }
    used.add(i);
    generated.forEach((g, j) => {
      if (j === own) return;
      const twin = keys.findIndex((k, n) => !used.has(n) && k === keyOf(g));
      if (twin >= 0) used.add(twin);
      else warn(`${ruleLine(rule)} has no twin ${ruleLine(g)}; the lab writes both`);
    });
    if ('nat' in entry!) nat.push(entry.nat);
    else forward.push(entry!.forward);
  });
  const forwardPolicy = policyOf(scope.policies, v6, warn);
  const firewall: Firewall | undefined =
    forwardPolicy || forward.length > 0
      ? { ...(forwardPolicy ? { forwardPolicy } : {}), ...(forward.length > 0 ? { forward } : {}) }
      : undefined;
  return { ...(nat.length > 0 ? { nat } : {}), ...(firewall ? { firewall } : {}) };
}

/** The FORWARD policy, when the state's policies are what `forwardPolicy` sets (one value, for IPv4 and, with IPv6 in the namespace, IPv6). */
function policyOf(policies: ScopeState['policies'], v6: boolean, warn: (message: string) => void): Firewall['forwardPolicy'] {
  for (const k of Object.keys(policies).sort()) {
    const ref = parsePolicyKey(k);
    if (ref?.table !== 'filter' || ref.chain !== 'FORWARD') warn(`the policy ${k} cannot be written in the lab format; left out`);
  }
  const p4 = policies[policyKey(4, 'FORWARD')];
  const p6 = policies[policyKey(6, 'FORWARD')];
  const value = v6 ? (p4 ?? p6) : p4;
  if (!v6 && p6 !== undefined)
    warn(`the IPv6 FORWARD policy (${p6}) is left out: with no IPv6 address in this namespace, the lab sets only IPv4's`);
  if (v6 && p4 !== p6)
    warn(`the FORWARD policy differs between IPv4 (${p4 ?? 'not set'}) and IPv6 (${p6 ?? 'not set'}); the lab sets ${value} for both`);
  return value === undefined ? undefined : value === 'DROP' ? 'drop' : 'accept';
}

/** The entry a rule would come from, read off its options; whether it really does is checked by generating it again. */
function entryOf(rule: RuleState): Entry | undefined {
  const o = optionsOf(rule.args);
  const value = (opt: string) => o.get(opt)?.value;
  const target = value('-j');
  if (rule.table === 'nat' && rule.chain === 'POSTROUTING' && target === 'MASQUERADE') {
    const out = o.get('-o');
    return {
      nat: {
        type: 'masquerade',
        source: value('-s') ?? (rule.family === 6 ? '::/0' : '0.0.0.0/0'),
        ...(out && !out.negated ? { outInterface: out.value } : {}),
        ...(out?.negated ? { notOutInterface: out.value } : {}),
      },
    };
  }
  if (rule.table === 'nat' && (rule.chain === 'PREROUTING' || rule.chain === 'OUTPUT') && target === 'DNAT') {
    const proto = value('-p');
    const to = value('--to-destination');
    if ((proto !== 'tcp' && proto !== 'udp') || to === undefined) return undefined;
    const dest = value('-d');
    return {
      nat: {
        type: 'dnat',
        proto,
        port: Number(value('--dport')),
        to,
        ...(dest !== undefined ? { destination: dest.replace(/\/(32|128)$/, '') } : {}),
      },
    };
  }
  if (rule.table === 'filter' && rule.chain === 'FORWARD' && (target === 'ACCEPT' || target === 'DROP')) {
    const fields = { in: value('-i'), out: value('-o'), source: value('-s'), destination: value('-d') };
    const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<typeof fields>;
    return { forward: { ...given, action: target === 'ACCEPT' ? 'accept' : 'drop' } as ForwardRuleSpec };
  }
  return undefined;
}

/** The rule's options, each with its first value (see `ruleOptions`). */
function optionsOf(args: readonly string[]): Map<string, { value: string; negated: boolean }> {
  return new Map(
    ruleOptions(args).flatMap(({ opt, values, negated }) => (values.length > 0 ? [[opt, { value: values[0]!, negated }] as const] : [])),
  );
}

/** Comparable across labs: the rule's table, chain and `ruleKey`, without its comment (the mark of whichever lab made it). */
function keyOf(r: RuleState): string {
  return `${r.family} ${r.table} ${r.chain} ${ruleKey(withoutComment(r.args))}`;
}

function withoutComment(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--comment') i++;
    else out.push(args[i]!);
  }
  return out;
}

function ruleLine(r: RuleState): string {
  const tool = (r.family as Family) === 6 ? 'ip6tables' : 'iptables';
  return [
    tool,
    '-t',
    r.table,
    '-A',
    r.chain,
    ...withoutComment(r.args).filter((a, i, all) => !(a === '-m' && all[i + 1] === 'comment') && !(a === 'comment' && all[i - 1] === '-m')),
  ]
    .map(shellQuote)
    .join(' ');
}
