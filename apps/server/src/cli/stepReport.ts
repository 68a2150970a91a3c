/**
 * How deploy and destroy show their work. Standard output carries the summary
 * line only, so a script reads one line. On a terminal, standard error shows
 * one progress line, rewritten in place and cleared at the end; `--verbose`
 * lists every command as it runs instead (the phases on stderr, the commands
 * on stdout). A failed step and what its rollback undid are printed in every
 * mode: they are the error message.
 */
import { stepLine } from '@nslab/topology';
import type { StepEvent } from '../executePlan.js';

export interface ReportStreams {
  stdout(s: string): void;
  stderr(s: string): void;
  /** Standard error is a terminal: progress may be drawn there. */
  tty: boolean;
  /** The terminal's width: a longer progress line would wrap and could not be rewritten. */
  columns?: number;
  now?: () => number;
}

export interface StepReporter {
  /** A phase of the operation ("observing the host", "applying 804 steps"). */
  phase(what: string): void;
  /** The plan is made: this many steps to apply. */
  planned(total: number): void;
  event(e: StepEvent): void;
  /** Clears the progress line; call before printing the summary or an error. */
  done(): void;
}

/** Redraws of the progress line: at most one per this many milliseconds. */
const REDRAW_MS = 50;

const line = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);

/** `label`: what the progress line says ("deploying lab web"); `header`: printed first under --verbose (deploy's "deploying lab web …"). */
export function stepReporter(opts: { verbose: boolean; label: string; header?: string; streams?: ReportStreams }): StepReporter {
  const io = opts.streams ?? processStreams();
  const now = io.now ?? (() => performance.now());
  if (opts.verbose && opts.header) io.stderr(line(opts.header));
  const progress = !opts.verbose && io.tty;
  let shown = false;
  let stopped = false;
  let lastDraw = -Infinity;
  let total: number | undefined;
  let applied = 0;

  const draw = (text: string, force: boolean) => {
    if (!progress || stopped || (!force && now() - lastDraw < REDRAW_MS)) return;
    const width = Math.max(20, (io.columns ?? 80) - 1);
    io.stderr(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    shown = true;
    lastDraw = now();
  };
  const clear = () => {
    if (shown) io.stderr('\r\x1b[K');
    shown = false;
  };
  draw(`${opts.label} …`, true);

  return {
    phase(what) {
      if (opts.verbose) io.stderr(line(`  ${what}`));
      else if (total === undefined) draw(`${opts.label}: ${what}`, true);
    },
    planned(n) {
      total = n;
      if (n > 0) draw(`${opts.label}: applying 0/${n} steps`, true);
    },
    event(e) {
      if (e.status === 'ok') {
        applied++;
        if (opts.verbose) io.stdout(line(`  ${stepLine(e.step)}`));
        else draw(`${opts.label}: applying ${applied}/${total ?? '?'} steps`, applied === total);
        return;
      }
      clear();
      stopped = true; // a failure and its rollback are listed in full, never redrawn over
      if (e.status === 'failed') io.stderr(line(`  FAILED ${stepLine(e.step)}\n    ${e.error ?? ''}`));
      else io.stderr(line(`  undone: ${stepLine(e.step)}`));
    },
    done() {
      clear();
      stopped = true;
    },
  };
}

function processStreams(): ReportStreams {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    tty: process.stderr.isTTY === true,
    ...(process.stderr.columns ? { columns: process.stderr.columns } : {}),
  };
}
