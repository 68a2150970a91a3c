/**
 * Where a lab lives: on the host itself, or inside a sandbox. A place is how
 * commands reach it (its Runner) and where its records are kept (intent,
 * deployed designs, host-setting holds). Everything that deploys, observes
 * or enters a lab takes a place, so the same code serves both.
 */
import path from 'node:path';
import { HoldStore } from './holds.js';
import { runDir, sandboxDir } from './paths.js';
import { hostRunner, type Runner } from './runner.js';
import { sandboxRunner } from './sandbox/sandbox.js';

export interface Place {
  runner: Runner;
  /** Directory of the place's records. */
  dir: string;
  /** Holds on the place's "host" settings (the real host's, or the sandbox's root namespace's). */
  holds: HoldStore;
}

export function hostPlace(runner: Runner = hostRunner, holds = new HoldStore()): Place {
  return { runner, dir: runDir(), holds };
}

/** The place of sandbox `name` (which must exist: ensureSandbox). */
export function sandboxPlace(name: string): Place {
  const dir = sandboxDir(name, 'state');
  return { runner: sandboxRunner(name), dir, holds: new HoldStore(path.join(dir, 'host-holds.json')) };
}
