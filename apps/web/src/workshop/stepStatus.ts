/** How a step's result reads on the page: a mark for the eye, a word for screen readers, its check lines as the tooltip. */
import type { StepResult } from '@nslab/topology';

export type StepState = 'passed' | 'failed' | 'not-run';

export interface StepStatus {
  state: StepState;
  /** ✓ ○ or · */
  mark: string;
  /** "passed", "not yet" or "not run": what a screen reader says. */
  label: string;
  /** One line per check, as the server wrote them. */
  detail: string[];
  /** When the checks ran (ISO time), if they did. */
  at?: string;
}

const LOOK: Record<StepState, { mark: string; label: string }> = {
  passed: { mark: '✓', label: 'passed' },
  // Not passed yet: the step a participant is on, or one they have not reached. Neutral, not red: a class at work is not a class failing.
  failed: { mark: '○', label: 'not yet' },
  'not-run': { mark: '·', label: 'not run' },
};

/**
 * The status of step `index` (0-based, the step's position in the workshop)
 * among a participant's results. The one place that reads `StepResult.step`.
 */
export function stepStatus(results: StepResult[], index: number): StepStatus {
  const r = results.find((x) => x.step === index);
  const state: StepState = !r ? 'not-run' : r.ok ? 'passed' : 'failed';
  return { state, ...LOOK[state], detail: r?.detail ?? [], ...(r ? { at: r.at } : {}) };
}

/** The tooltip of a step's cell: its check lines, or why there are none. */
export function stepTitle(s: StepStatus): string {
  return s.state === 'not-run' ? 'not run yet' : s.detail.join('\n') || s.label;
}

/** How many of `steps` steps are passed. */
export function passedCount(results: StepResult[], steps: number): number {
  return Array.from({ length: steps }, (_, i) => stepStatus(results, i)).filter((s) => s.state === 'passed').length;
}

/**
 * "just now", "40 s ago", "3 min ago", "2 h ago", "5 d ago"; a time in the
 * future (clocks a little apart) is "just now"; no time at all is "never".
 *
 * @example relativeTime('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:03:10Z')) // → '3 min ago'
 */
export function relativeTime(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'never';
  const s = Math.floor((now - t) / 1000);
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}
