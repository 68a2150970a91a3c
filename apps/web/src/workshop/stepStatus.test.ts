import { describe, expect, it } from 'vitest';
import type { StepResult } from '@nslab/topology';
import { passedCount, relativeTime, stepStatus, stepTitle } from './stepStatus';

const results: StepResult[] = [
  { step: 0, ok: true, detail: ['PASS red can ping 10.0.0.2: reachable, TTL 64'], at: '2026-01-01T00:00:00Z' },
  { step: 1, ok: false, detail: ['PASS red has a default route', 'FAIL blue can ping 10.0.1.1: unreachable'], at: '2026-01-01T00:00:05Z' },
];

describe('stepStatus', () => {
  it('a step whose checks all passed', () => {
    expect(stepStatus(results, 0)).toEqual({
      state: 'passed',
      mark: '✓',
      label: 'passed',
      detail: ['PASS red can ping 10.0.0.2: reachable, TTL 64'],
      at: '2026-01-01T00:00:00Z',
    });
  });

  it('a step with a failed check', () => {
    const s = stepStatus(results, 1);
    expect(s).toMatchObject({ state: 'failed', mark: '○', label: 'not yet' });
    expect(stepTitle(s)).toBe('PASS red has a default route\nFAIL blue can ping 10.0.1.1: unreachable');
  });

  it('a step with no result has not run', () => {
    const s = stepStatus(results, 2);
    expect(s).toEqual({ state: 'not-run', mark: '·', label: 'not run', detail: [] });
    expect(stepTitle(s)).toBe('not run yet');
  });

  it('finds a result by its step, not its position in the list', () => {
    expect(stepStatus([results[1]!], 1).state).toBe('failed');
    expect(stepStatus([results[1]!], 0).state).toBe('not-run');
  });

  it('counts passed steps among the workshop steps only', () => {
    expect(passedCount(results, 3)).toBe(1);
    expect(passedCount([...results, { step: 7, ok: true, detail: [], at: '' }], 3)).toBe(1);
  });
});

describe('relativeTime', () => {
  const at = Date.parse('2026-01-01T12:00:00Z');
  const cases: Array<[string, string, string]> = [
    ['a few seconds ago is just now', '2026-01-01T11:59:55Z', 'just now'],
    ['seconds', '2026-01-01T11:59:20Z', '40 s ago'],
    ['minutes', '2026-01-01T11:56:50Z', '3 min ago'],
    ['hours', '2026-01-01T09:30:00Z', '2 h ago'],
    ['days', '2025-12-27T12:00:00Z', '5 d ago'],
    ['a clock a little ahead is just now', '2026-01-01T12:00:03Z', 'just now'],
    ['no time is never', '', 'never'],
  ];
  for (const [name, iso, text] of cases) it(name, () => expect(relativeTime(iso, at)).toBe(text));
});
