import { describe, expect, it } from 'vitest';
import { RULE_FORM_CASES, RULE_FORM_DIFFERENT } from './iptablesRules.cases.js';
import { rulesOfNode, ruleKey, splitRuleLine } from './iptablesRules.js';

describe('ruleKey: iptables-save normal form', () => {
  it.each(RULE_FORM_CASES)('$name', ({ forms }) => {
    const keys = forms.map((f) => ruleKey(f));
    for (const k of keys) expect(k).toBe(keys[0]);
  });

  it.each(RULE_FORM_DIFFERENT)('$name: not the same rule', ({ a, b }) => {
    expect(ruleKey(a)).not.toBe(ruleKey(b));
  });

  it('reads the quoted comment iptables-save prints', () => {
    const line = '-A POSTROUTING -s 10.1.0.0/16 ! -o br0 -m comment --comment "nslab:my lab" -j MASQUERADE';
    expect(splitRuleLine(line)).toEqual([
      '-A',
      'POSTROUTING',
      '-s',
      '10.1.0.0/16',
      '!',
      '-o',
      'br0',
      '-m',
      'comment',
      '--comment',
      'nslab:my lab',
      '-j',
      'MASQUERADE',
    ]);
  });
});

describe('rulesOfNode writes rules as iptables-save prints them', () => {
  it('a masquerade from 0.0.0.0/0 (seed 03) has no -s, as iptables-save shows it', () => {
    const [r] = rulesOfNode({ kind: 'host', nat: [{ type: 'masquerade', source: '0.0.0.0/0', outInterface: 'wlo1' }] }, 'nslab:x', false);
    expect(r!.args).toEqual(['-o', 'wlo1', '-m', 'comment', '--comment', 'nslab:x', '-j', 'MASQUERADE']);
  });

  it('a forward rule from ::/0 has no -s', () => {
    const rules = rulesOfNode(
      { kind: 'netns', firewall: { forward: [{ source: '::/0', out: 'eth1', action: 'accept' }] } },
      'nslab:x',
      true,
    );
    expect(rules).toEqual([
      { family: 6, table: 'filter', chain: 'FORWARD', args: ['-o', 'eth1', '-m', 'comment', '--comment', 'nslab:x', '-j', 'ACCEPT'] },
    ]);
  });

  it('a source with host bits is written as its network', () => {
    const [r] = rulesOfNode({ kind: 'host', nat: [{ type: 'masquerade', source: '10.1.2.3/16' }] }, 'nslab:x', false);
    expect(r!.args.slice(0, 2)).toEqual(['-s', '10.1.0.0/16']);
  });
});
