import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { desiredState, emptyObserved, parseTopology, planDeploy, type Plan } from '@nslab/topology';
import { executePlan, type StepEvent } from './executePlan.js';
import { HoldStore } from './holds.js';
import type { RunResult, Runner } from './runner.js';

/** Records every command; fails the ip batch line that matches `failOn`. */
class FakeRunner implements Runner {
  calls: Array<{ argv: string[]; input: string }> = [];
  constructor(private failOn?: RegExp) {}
  async run(argv: readonly string[], opts: { input?: string } = {}): Promise<RunResult> {
    const input = opts.input ?? '';
    this.calls.push({ argv: [...argv], input });
    if (this.failOn && argv.includes('-batch') && !argv.includes('-force')) {
      const lines = input.trim().split('\n');
      const at = lines.findIndex((l) => this.failOn!.test(l));
      if (at >= 0) return { code: 1, stdout: '', stderr: `RTNETLINK answers: File exists\nCommand failed -:${at + 1}\n` };
    }
    return { code: 0, stdout: '', stderr: '' };
  }
}

const LAB = `
name: ex
nodes:
  host: { kind: host, sysctls: { net.ipv4.ip_forward: 1 } }
  br0: { kind: bridge, addresses: [10.5.0.1/24] }
  a: { kind: netns, routes: [{ to: default, via: 10.5.0.1 }] }
  b: { kind: netns, routes: [{ to: default, via: 10.5.0.1 }] }
links:
  - endpoints: [{ node: a, name: eth0, addresses: [10.5.0.2/24] }, { node: br0, name: a-br }]
  - endpoints: [{ node: b, name: eth0, addresses: [10.5.0.3/24] }, { node: br0, name: b-br }]
`;

function plan(): Plan {
  const t = parseTopology(LAB).topology!;
  return planDeploy({ ...emptyObserved('ex'), hostValues: { 'sysctl:net.ipv4.ip_forward': '0' } }, desiredState(t));
}

const holds = () => new HoldStore(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-holds-')), 'holds.json'));

describe('executePlan', () => {
  it('runs one process per namespace and tool, not one per step', async () => {
    const runner = new FakeRunner();
    const p = plan();
    const result = await executePlan(p, { runner, lab: 'ex', holds: holds() });
    expect(result.ok).toBe(true);
    expect(result.applied).toBe(p.steps.length);
    const argvs = runner.calls.map((c) => c.argv.join(' '));
    expect(argvs).toEqual(
      expect.arrayContaining([
        'ip -batch -',
        'nsenter --net=/run/netns/a -- ip -batch -',
        'nsenter --net=/run/netns/b -- ip -batch -',
        'sysctl -w -- net.ipv4.ip_forward=1',
      ]),
    );
    expect(runner.calls.length).toBeLessThan(p.steps.length / 2);
    for (const c of runner.calls) expect(c.argv.some((a) => /[;&|$`]/.test(a))).toBe(false);
  });

  it('creates namespaces before configuring them', async () => {
    const runner = new FakeRunner();
    await executePlan(plan(), { runner, lab: 'ex', holds: holds() });
    const first = runner.calls.findIndex((c) => c.input.includes('netns add a'));
    const inA = runner.calls.findIndex((c) => c.argv.includes('--net=/run/netns/a'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(inA);
  });

  it('on a failed step, undoes what ran, newest first, and names the step', async () => {
    const runner = new FakeRunner(/route add default/);
    const events: StepEvent[] = [];
    const result = await executePlan(plan(), { runner, lab: 'ex', holds: holds(), onEvent: (e) => events.push(e) });
    expect(result.ok).toBe(false);
    expect(result.failure!.argv.join(' ')).toMatch(/^ip -n [ab] route add default via 10.5.0.1$/);
    expect(result.failure!.message).toBe('RTNETLINK answers: File exists');
    const undo = runner.calls
      .filter((c) => c.argv.includes('-force'))
      .map((c) => c.input)
      .join('');
    // Whatever was created is removed; namespaces last, host links synchronously.
    expect(undo).toContain('netns del a');
    expect(undo).toContain('netns del b');
    expect(undo).toContain('link del dev br0');
    expect(undo.indexOf('link del dev a-br')).toBeLessThan(undo.indexOf('netns del a'));
    expect(events.some((e) => e.status === 'failed')).toBe(true);
    expect(events.filter((e) => e.status === 'undone').length).toBeGreaterThan(0);
  });

  it("records a host sysctl's old value before changing it", async () => {
    const store = holds();
    await executePlan(plan(), { runner: new FakeRunner(), lab: 'ex', holds: store });
    expect(store.read()['sysctl:net.ipv4.ip_forward']).toEqual({ original: '0', labs: ['ex'] });
  });

  it('a failed run gives back the sysctl holds it took', async () => {
    const store = holds();
    await executePlan(plan(), { runner: new FakeRunner(/route add default/), lab: 'ex', holds: store });
    expect(store.read()).toEqual({});
  });
});
