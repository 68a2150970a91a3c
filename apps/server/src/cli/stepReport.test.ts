/** Deploy and destroy output: a summary only for scripts, progress on a terminal, every command with --verbose; failures always. */
import { describe, expect, it } from 'vitest';
import type { Step } from '@nslab/topology';
import type { StepEvent } from '../executePlan.js';
import { stepReporter, type ReportStreams } from './stepReport.js';

function streams(tty: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  let now = 0;
  const io: ReportStreams = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), tty, columns: 80, now: () => now };
  return { io, out, err, advance: (ms: number) => (now += ms) };
}

const step = (name: string): Step => ({ kind: 'netns.add', netns: null, name, reason: `create namespace ${name}` }) as Step;
const event = (index: number, status: StepEvent['status'], error?: string): StepEvent => ({
  index,
  step: step(`ns${index}`),
  argv: ['ip', 'netns', 'add', `ns${index}`],
  status,
  elapsedMs: index,
  ...(error ? { error } : {}),
});

/** A deploy of `n` steps as deployLab reports it. */
function deploy(r: ReturnType<typeof stepReporter>, n: number, tick?: () => void): void {
  r.phase('observing the host');
  r.planned(n);
  r.phase(`applying ${n} steps`);
  for (let i = 0; i < n; i++) {
    tick?.();
    r.event(event(i, 'ok'));
  }
  r.done();
}

describe('deploy and destroy output', () => {
  it('not on a terminal: nothing at all (the caller prints the summary line)', () => {
    const s = streams(false);
    deploy(stepReporter({ verbose: false, label: 'deploying lab a', header: 'deploying lab a …', streams: s.io }), 5);
    expect([s.out, s.err]).toEqual([[], []]);
  });

  it('--verbose: the header and phases on stderr, every command on stdout, as it runs', () => {
    const s = streams(false);
    deploy(stepReporter({ verbose: true, label: 'deploying lab a', header: 'deploying lab a …', streams: s.io }), 2);
    expect(s.err).toEqual(['deploying lab a …\n', '  observing the host\n', '  applying 2 steps\n']);
    expect(s.out).toEqual(['  ip netns add ns0\n', '  ip netns add ns1\n']);
  });

  it('--verbose on a terminal: the same list, no progress line', () => {
    const s = streams(true);
    deploy(stepReporter({ verbose: true, label: 'deploying lab a', streams: s.io }), 2);
    expect(s.err.join('')).not.toContain('\r');
    expect(s.out).toHaveLength(2);
  });

  it('on a terminal: one line rewritten in place with the count, cleared at the end; stdout untouched', () => {
    const s = streams(true);
    deploy(stepReporter({ verbose: false, label: 'deploying lab a', streams: s.io }), 804, () => s.advance(1));
    const text = s.err.join('');
    expect(text).toContain('\r\x1b[Kdeploying lab a: observing the host');
    expect(text).toContain('\r\x1b[Kdeploying lab a: applying 0/804 steps');
    expect(text).toContain('\r\x1b[Kdeploying lab a: applying 804/804 steps');
    expect(text).not.toContain('\n');
    expect(text.endsWith('\r\x1b[K')).toBe(true); // cleared: the summary line starts on a clean line
    expect(s.err.length).toBeLessThan(804 / 10); // redrawn at most every 50 ms, not per step
    expect(s.out).toEqual([]);
  });

  it('a long progress line is cut to the terminal width (a wrapped line cannot be rewritten)', () => {
    const s = streams(true);
    s.io.columns = 30;
    const r = stepReporter({ verbose: false, label: 'deploying lab with-a-rather-long-name in sandbox classroom-1', streams: s.io });
    r.done();
    expect(s.err[0]!.replace('\r\x1b[K', '').length).toBeLessThanOrEqual(29);
  });

  for (const [mode, verbose, tty] of [
    ['a script', false, false],
    ['a terminal', false, true],
    ['--verbose', true, false],
  ] as const) {
    it(`a failed step and what was undone are printed in full (${mode})`, () => {
      const s = streams(tty);
      const r = stepReporter({ verbose, label: 'deploying lab a', streams: s.io });
      r.planned(3);
      r.event(event(0, 'ok'));
      r.event(event(1, 'failed', 'RTNETLINK answers: File exists'));
      r.event(event(0, 'undone'));
      r.done();
      const err = s.err.join('');
      expect(err).toContain('  FAILED ip netns add ns1\n    RTNETLINK answers: File exists\n');
      expect(err).toContain('  undone: ip netns add ns0\n');
      if (tty) expect(err.indexOf('\r\x1b[K')).toBeLessThan(err.indexOf('FAILED')); // progress cleared first, never drawn after
      if (tty) expect(err.slice(err.indexOf('FAILED'))).not.toContain('\r');
    });
  }
});
