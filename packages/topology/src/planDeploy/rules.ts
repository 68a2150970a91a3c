import { ruleKey } from '../iptablesRules.js';
import type { RuleState } from '../state.js';
import type { PlanContext } from './context.js';
import { explainRule } from './explain.js';

const chainOf = (r: RuleState) => `${r.family}|${r.table}|${r.chain}`;

/**
 * iptables rules, chain by chain. Order matters within a chain: when keeping
 * the rules that stay and appending new ones would not give the desired
 * order, the chain's lab rules are all removed and added again.
 */
export function planRules(ctx: PlanContext, key: string): void {
  const des = ctx.des(key);
  const obs = ctx.obs(key);
  if (!des && !obs) return;
  const netns = (des ?? obs)!.netns;
  const node = (des ?? obs)!.node;
  const chains = new Set([...(obs?.rules ?? []), ...(des?.rules ?? [])].map(chainOf));
  for (const chain of [...chains].sort()) {
    const o = (obs?.rules ?? []).filter((r) => chainOf(r) === chain);
    const d = (des?.rules ?? []).filter((r) => chainOf(r) === chain);
    const dKeys = d.map((r) => ruleKey(r.args));
    const oKeys = o.map((r) => ruleKey(r.args));
    const kept = oKeys.filter((k) => dKeys.includes(k));
    const added = dKeys.filter((k) => !oKeys.includes(k));
    const inOrder = [...kept, ...added].join('\n') === dKeys.join('\n');
    const del = (r: RuleState, why: string) =>
      ctx.push(key, { kind: 'rule.del', netns, node, rule: r, reason: `remove rule: ${explainRule(r)} (${why})` });
    const add = (r: RuleState) => ctx.push(key, { kind: 'rule.add', netns, node, rule: r, reason: explainRule(r) });
    if (inOrder) {
      o.forEach((r, i) => !dKeys.includes(oKeys[i]!) && del(r, 'no longer in the lab'));
      d.forEach((r, i) => !oKeys.includes(dKeys[i]!) && add(r));
    } else {
      o.forEach((r) => del(r, 'rule order changed'));
      d.forEach(add);
    }
  }
}
