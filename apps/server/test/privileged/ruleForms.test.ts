/**
 * The iptables normal form, from the kernel: each way of writing a rule in
 * RULE_FORM_CASES is added with the real iptables (in a namespace of the
 * test's own) and read back with iptables-save; `ruleKey` of what was written
 * must equal `ruleKey` of what iptables-save prints.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleKey } from '@nslab/topology';
import { RULE_FORM_CASES } from '../../../../packages/topology/src/iptablesRules.cases.js';
import { parseIptablesSave } from '../../src/observe/parse.js';
import { inNetns } from '../../src/runner.js';
import { isRoot, sh } from './helpers.js';

describe.skipIf(!isRoot)('iptables-save normal form, from the kernel', () => {
  const netns = `rf-${crypto.randomBytes(3).toString('hex')}`;
  beforeAll(async () => {
    expect((await sh(['ip', 'netns', 'add', netns])).code).toBe(0);
  });
  afterAll(() => sh(['ip', 'netns', 'del', netns]));

  const cases = RULE_FORM_CASES.flatMap((c) => c.forms.map((form, i) => ({ ...c, form, title: `${c.name} (form ${i + 1})` })));
  it.each(cases)('$title', async ({ family, table, chain, form }) => {
    const [tool, save] = family === 6 ? ['ip6tables', 'ip6tables-save'] : ['iptables', 'iptables-save'];
    const add = await sh(inNetns(netns, [tool, '-t', table, '-A', chain, ...form.map((a) => a.replace(/^"(.*)"$/, '$1'))]));
    expect(add.code, add.stderr).toBe(0);
    try {
      const saved = parseIptablesSave((await sh(inNetns(netns, [save, '-t', table]))).stdout, family, () => true).rules.filter(
        (r) => r.chain === chain,
      );
      expect(saved).toHaveLength(1);
      expect(ruleKey(saved[0]!.args)).toBe(ruleKey(form));
    } finally {
      await sh(inNetns(netns, [tool, '-t', table, '-F', chain]));
    }
  });
});
