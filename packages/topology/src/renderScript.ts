import { formatIssue } from './issues.js';
import type { Plan } from './planDeploy.js';
import { toArgv, type Step } from './step.js';

/** Quotes one argument for bash, only when it needs it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function stepLine(step: Step): string {
  const argv = toArgv(step);
  return argv.length === 0 ? `# (no command) ${step.reason}` : argv.map(shellQuote).join(' ');
}

/**
 * A plan as a bash script: each command under a `# reason` comment. Runs
 * nothing; a plan with nothing to do prints only its header.
 *
 * @example
 * renderPlanScript(plan, { header: 'nslab plan lab.yaml' })
 */
export function renderPlanScript(plan: Plan, opts: { header?: string; strict?: boolean } = {}): string {
  const lines = ['#!/usr/bin/env bash'];
  if (opts.header) lines.push(`# ${opts.header}`);
  if (opts.strict) lines.push('set -euo pipefail');
  for (const c of plan.conflicts) lines.push(`# CONFLICT ${formatIssue(c)}`);
  if (plan.steps.length === 0 && plan.conflicts.length === 0) lines.push(`# lab ${plan.lab}: nothing to do, the host matches the design`);
  for (const step of plan.steps) {
    lines.push(`# ${step.reason}`);
    if (toArgv(step).length > 0) lines.push(stepLine(step));
  }
  return `${lines.join('\n')}\n`;
}
