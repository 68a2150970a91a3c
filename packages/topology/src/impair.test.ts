import { describe, expect, it } from 'vitest';
import { checkCapabilities, type Capability } from './capabilities.js';
import { desiredState } from './desiredState.js';
import { endImpair, parseImpairValue, type ImpairField } from './impair.js';
import { ruleKey } from './iptablesRules.js';
import { formatIssue, isError } from './issues.js';
import { labFromState } from './labFromState.js';
import { parseTopology } from './parseTopology.js';
import { planDeploy } from './planDeploy.js';
import { stepLine } from './renderScript.js';
import type { Topology } from './schema.js';
import { emptyObserved } from './state.js';
import { inverseOf, phaseOf } from './step.js';
import { stepTargets } from './stepTargets.js';
import { kernelRate, lossOfRule, lossRules } from './tc.js';
import { splitRuleLine } from './iptablesRules.js';
import { deployedAs } from './testFixtures.js';

/** Two namespaces joined by one veth link, with `link` and `a` (endpoint 0) fields as YAML flow text. */
function yaml(link = '', a = '', b = ''): string {
  return `name: imp
nodes: { a: { kind: netns }, b: { kind: netns } }
links:
  - endpoints:
      - { node: a, name: ea, addresses: [10.238.0.1/24]${a ? `, ${a}` : ''} }
      - { node: b, name: eb, addresses: [10.238.0.2/24]${b ? `, ${b}` : ''} }
${link ? `    ${link}\n` : ''}`;
}

function lab(link = '', a = '', b = ''): Topology {
  const r = parseTopology(yaml(link, a, b));
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  return r.topology!;
}

const errorsOf = (text: string) => parseTopology(text).issues.filter(isError).map(formatIssue);
const plan = (t: Topology, netem = false) => planDeploy(emptyObserved(t.name), desiredState(t, { netem })).steps;
const tcLines = (t: Topology, netem = false) =>
  plan(t, netem)
    .filter((s) => s.kind.startsWith('qdisc') || s.kind.startsWith('class') || s.kind.startsWith('rule'))
    .map(stepLine);

describe('[V20] impairment values', () => {
  const good: Array<[ImpairField, unknown, number]> = [
    ['delay', '50ms', 50_000],
    ['delay', '250us', 250],
    ['delay', '1.5ms', 1500],
    ['delay', '60s', 60_000_000],
    ['delay', '0ms', 0],
    ['jitter', '10ms', 10_000],
    ['loss', '5%', 5],
    ['loss', '0.01%', 0.01],
    ['loss', '100%', 100],
    ['loss', '0%', 0],
    ['rate', '10mbit', 10_000_000],
    ['rate', '8bit', 8],
    ['rate', '1.5mbit', 1_500_000],
    ['rate', '100gbit', 100_000_000_000],
    ['rate', '64kbit', 64_000],
  ];
  it.each(good)('%s %j is %d', (field, v, n) => expect(parseImpairValue(field, v)).toEqual({ value: n }));

  const bad: Array<[ImpairField, unknown]> = [
    ['delay', '50'],
    ['delay', 50],
    ['delay', '61s'],
    ['delay', '-5ms'],
    ['delay', '5 min'],
    ['delay', '1e3ms'],
    ['jitter', 'ms'],
    ['loss', '5'],
    ['loss', 5],
    ['loss', '101%'],
    ['loss', '-1%'],
    ['loss', '0.00001%'],
    ['loss', '5%; reboot'],
    ['rate', '10'],
    ['rate', '4bit'],
    ['rate', '101gbit'],
    ['rate', '10mbps'],
    ['rate', '10 mbit'],
    ['rate', '$(reboot)mbit'],
  ];
  it.each(bad)('%s %j is refused', (field, v) => expect(parseImpairValue(field, v)).toHaveProperty('problem'));

  it('reports a bad value at its path, with the unit it wants', () => {
    expect(errorsOf(yaml('impair: { loss: "5" }'))).toEqual([
      'links[0].impair.loss: "5" must be a percentage like 5% (0–100%, at most 4 decimals)',
    ]);
    expect(errorsOf(yaml('', 'impair: { delay: 50 }'))).toEqual([
      'links[0].endpoints[0].impair.delay: 50 must be a duration like 50ms (us, ms or s; at most 60s)',
    ]);
    expect(errorsOf(yaml('impair: { rate: 10mbps }'))[0]).toMatch(/^links\[0\]\.impair\.rate: "10mbps": write bits per second/);
  });

  it('jitter without a delay is an error, once, where the jitter is', () => {
    expect(errorsOf(yaml('impair: { jitter: 10ms }'))).toEqual([
      'links[0].impair.jitter: jitter varies a delay: give "delay" too (like delay: 50ms, jitter: 10ms)',
    ]);
    expect(errorsOf(yaml('', 'impair: { jitter: 10ms }'))).toHaveLength(1);
    // The link's delay covers an endpoint's jitter.
    expect(errorsOf(yaml('impair: { delay: 50ms }', 'impair: { jitter: 10ms }'))).toEqual([]);
  });

  it('unknown keys and wrong types in impair and up are shape errors at their path', () => {
    expect(errorsOf(yaml('impair: { latency: 5ms }'))[0]).toMatch(/^links\[0\]\.impair\.latency: unknown key/);
    expect(errorsOf(yaml('up: "no"'))[0]).toMatch(/^links\[0\]\.up: expected boolean/);
  });
});

describe('merging a link and its endpoints', () => {
  it('an endpoint value wins per field; the link applies to both ends; up defaults to true', () => {
    const t = lab('impair: { rate: 1mbit, loss: 5% }\n    up: false', 'impair: { rate: 2mbit }, up: true');
    expect(endImpair(t.links[0]!, 0)).toEqual({ impair: { rate: 2_000_000, loss: 5 }, up: true });
    expect(endImpair(t.links[0]!, 1)).toEqual({ impair: { rate: 1_000_000, loss: 5 }, up: false });
    expect(endImpair(lab().links[0]!, 0)).toEqual({ impair: {}, up: true });
  });
});

describe('desired state, plans and reconcile', () => {
  it('up: false: the interface stays down (a new veth starts down); an existing up one is taken down', () => {
    const t = lab('', 'up: false');
    const d = desiredState(t);
    expect(d.scopes['ns:a']!.links.ea!.up).toBe(false);
    expect(d.scopes['ns:b']!.links.eb!.up).toBe(true);
    expect(
      plan(t)
        .filter((s) => s.kind === 'link.set' && s.name !== 'lo')
        .map(stepLine),
    ).toEqual(['ip -n b link set dev eb up']);
    const up = deployedAs(desiredState(lab()));
    const steps = planDeploy(up, d).steps;
    expect(steps.map(stepLine)).toEqual(['ip -n a link set dev ea down']);
    expect(steps[0]!.reason).toContain('take ea down');
    expect(inverseOf(steps[0]!)).toMatchObject({ kind: 'link.set', set: { up: true } });
  });

  it('rate: an htb root and its one class, in the namespace, after the link exists', () => {
    const t = lab('', 'impair: { rate: 10mbit }');
    expect(tcLines(t)).toEqual([
      'tc -n a qdisc replace dev ea root handle 1: htb default 1',
      'tc -n a class replace dev ea parent 1: classid 1:1 htb rate 10mbit',
    ]);
    const steps = plan(t);
    expect(steps.findIndex((s) => s.kind === 'qdisc.set')).toBeGreaterThan(steps.findIndex((s) => s.kind === 'veth.add'));
    expect(steps.filter((s) => s.kind.startsWith('qdisc') || s.kind.startsWith('class')).map(phaseOf)).toEqual([3, 3]);
  });

  it('loss without netem: a marked mangle POSTROUTING rule per end (both families where the scope has IPv6)', () => {
    expect(tcLines(lab('impair: { loss: 5% }'))).toEqual([
      'ip netns exec a iptables -t mangle -A POSTROUTING -o ea -m statistic --mode random --probability 0.05 -m comment --comment nslab:imp -j DROP',
      'ip netns exec b iptables -t mangle -A POSTROUTING -o eb -m statistic --mode random --probability 0.05 -m comment --comment nslab:imp -j DROP',
    ]);
    const v6 = parseTopology(yaml('', 'impair: { loss: 0.5% }').replace('10.238.0.1/24', 'fd00::1/64')).topology!;
    expect(desiredState(v6).scopes['ns:a']!.rules.map((r) => r.family)).toEqual([4, 6]);
  });

  it('netem plans: delay and jitter, loss with netem, netem under a rate', () => {
    expect(tcLines(lab('', 'impair: { delay: 50ms, jitter: 10ms }'))).toEqual(['tc -n a qdisc replace dev ea root netem delay 50ms 10ms']);
    expect(tcLines(lab('', 'impair: { loss: 5% }'), true)).toEqual(['tc -n a qdisc replace dev ea root netem loss 5%']);
    // A delay needs netem anyway: the loss goes with it, not to iptables.
    expect(tcLines(lab('', 'impair: { delay: 1s, loss: 2.5% }'))).toEqual(['tc -n a qdisc replace dev ea root netem delay 1s loss 2.5%']);
    expect(tcLines(lab('', 'impair: { delay: 250us, rate: 1mbit }'))).toEqual([
      'tc -n a qdisc replace dev ea root handle 1: htb default 1',
      'tc -n a class replace dev ea parent 1: classid 1:1 htb rate 1mbit',
      'tc -n a qdisc replace dev ea parent 1:1 handle 10: netem delay 250us',
    ]);
  });

  const cases: Array<[string, Topology, boolean]> = [
    ['rate', lab('', 'impair: { rate: 1234567bit }'), false],
    ['loss by rule', lab('impair: { loss: 33.3% }'), false],
    ['netem', lab('impair: { delay: 50ms, jitter: 1ms, loss: 1% }'), true],
    ['netem and rate', lab('', 'impair: { delay: 5ms, rate: 1gbit }'), true],
    ['down', lab('up: false'), false],
  ];
  it.each(cases)('[P2] %s: planning against its own deployed state changes nothing', (_n, t, netem) => {
    const d = desiredState(t, { netem });
    expect(planDeploy(deployedAs(d), d).steps).toEqual([]);
  });

  it('[P3] a changed rate is one class change with an inverse; a changed netem one replace; the link is kept', () => {
    const from = deployedAs(desiredState(lab('', 'impair: { rate: 1mbit }')));
    const steps = planDeploy(from, desiredState(lab('', 'impair: { rate: 2mbit }'))).steps;
    expect(steps.map(stepLine)).toEqual(['tc -n a class replace dev ea parent 1: classid 1:1 htb rate 2mbit']);
    expect(inverseOf(steps[0]!)).toMatchObject({ kind: 'class.set', rate: 1_000_000 });
    const n = deployedAs(desiredState(lab('', 'impair: { delay: 5ms }'), { netem: true }));
    expect(planDeploy(n, desiredState(lab('', 'impair: { delay: 7ms }'), { netem: true })).steps.map(stepLine)).toEqual([
      'tc -n a qdisc replace dev ea root netem delay 7ms',
    ]);
  });

  it('a new layout, a foreign qdisc, or no impairment wanted: the root qdisc is deleted (phase 0) first', () => {
    const rated = deployedAs(desiredState(lab('', 'impair: { rate: 1mbit }')));
    expect(planDeploy(rated, desiredState(lab())).steps.map(stepLine)).toEqual(['tc -n a qdisc del dev ea root']);
    const both = planDeploy(rated, desiredState(lab('', 'impair: { delay: 1ms }'), { netem: true })).steps;
    expect(both.map(stepLine)).toEqual(['tc -n a qdisc del dev ea root', 'tc -n a qdisc replace dev ea root netem delay 1ms']);
    expect(both.map(phaseOf)).toEqual([0, 3]);
    const foreign = deployedAs(desiredState(lab()));
    foreign.scopes['ns:a']!.links.ea!.tc = { other: 'tbf' };
    expect(planDeploy(foreign, desiredState(lab())).steps[0]!.reason).toContain('a tbf qdisc nslab did not make');
  });

  it('drift: a qdisc deleted by hand is put back; a fresh root qdisc is undone by deleting it', () => {
    const d = desiredState(lab('', 'impair: { rate: 1mbit }'));
    const o = deployedAs(d);
    delete o.scopes['ns:a']!.links.ea!.tc;
    const steps = planDeploy(o, d).steps;
    expect(steps.map((s) => s.kind)).toEqual(['qdisc.set', 'class.set']);
    expect(inverseOf(steps[0]!)).toMatchObject({ kind: 'qdisc.del', dev: 'ea' });
    expect(stepTargets(steps[0]!, d)).toEqual({ link: 0 });
  });

  it('a loss rule targets its link on the canvas and explains itself', () => {
    const t = lab('impair: { loss: 5% }');
    const rule = plan(t).find((s) => s.kind === 'rule.add')!;
    expect(stepTargets(rule, desiredState(t))).toEqual({ link: 0 });
    expect(rule.reason).toContain('drop 5% of the packets leaving ea');
  });
});

describe('iptables and kernel forms', () => {
  it('a probability reads back as iptables-save prints it (1/2^31 steps)', () => {
    const [r] = lossRules('ea', 5, 'nslab:imp', [4]);
    const saved = [...r!.args];
    saved[saved.indexOf('--probability') + 1] = '0.04999999981';
    expect(ruleKey(saved)).toBe(ruleKey(r!.args));
    expect(lossOfRule({ ...r!, args: saved })).toEqual({ dev: 'ea', loss: 5 });
    expect(lossOfRule({ family: 4, table: 'filter', chain: 'FORWARD', args: ['-o', 'ea', '-j', 'DROP'] })).toBeUndefined();
  });

  it("a bridge port's loss matches its bridged egress (physdev), as iptables-save prints it back", () => {
    const [r] = lossRules('veth-p2', 100, 'nslab:imp', [4], true);
    expect(r!.args.slice(0, 5)).toEqual(['-m', 'physdev', '--physdev-out', 'veth-p2', '--physdev-is-bridged']);
    const saved = splitRuleLine(
      '-m physdev --physdev-out veth-p2 --physdev-is-bridged -m statistic --mode random --probability 1.00000000000 -m comment --comment "nslab:imp" -j DROP',
    );
    expect(ruleKey(saved)).toBe(ruleKey(r!.args));
    expect(lossOfRule({ ...r!, args: saved })).toEqual({ dev: 'veth-p2', loss: 100 });
  });

  it('rates are kept as the kernel keeps and tc prints them', () => {
    expect(kernelRate(1_000_000)).toBe(1_000_000);
    expect(kernelRate(1_234_567)).toBe(1_234_000);
    expect(kernelRate(1_500_000)).toBe(1_500_000);
    expect(kernelRate(12)).toBe(8);
  });
});

describe('capabilities', () => {
  const has = (...c: Capability[]) => new Set<Capability>(['veth', 'iptables', ...c]);
  it('delay without netem is refused at its path; rate needs htb; loss needs netem or iptables', () => {
    const t = lab('', 'impair: { delay: 50ms }');
    expect(checkCapabilities(t, has('htb')).map(formatIssue)).toEqual([
      'links[0].endpoints[0].impair.delay: this lab needs the netem qdisc (kernel module sch_netem) for delay and jitter, which this host lacks',
    ]);
    expect(checkCapabilities(lab('impair: { rate: 1mbit }'), has()).map((i) => i.path.join('.'))).toEqual(['links.0.impair.rate']);
    expect(checkCapabilities(lab('impair: { loss: 5% }'), has())).toEqual([]);
    expect(checkCapabilities(lab('impair: { loss: 5% }'), new Set<Capability>(['veth', 'netem']))).toEqual([]);
    expect(checkCapabilities(lab('impair: { loss: 5% }'), new Set<Capability>(['veth']))).toHaveLength(1);
  });
});

describe('[D1] discover writes impairments and up: false back', () => {
  it.each([
    ['rate, loss by rule, down', lab('impair: { loss: 5% }', 'impair: { rate: 10mbit }, up: false'), false],
    ['netem', lab('', 'impair: { delay: 50ms, jitter: 5ms, loss: 1% }'), true],
  ])('%s', (_n, t, netem) => {
    const d = desiredState(t, { netem });
    const { topology, warnings } = labFromState(d);
    expect(warnings).toEqual([]);
    expect(desiredState(topology, { netem })).toEqual(d);
  });
});
