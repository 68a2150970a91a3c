/**
 * The one way nslab runs a program: an argv array, never a shell string.
 * Every command that changes or reads the host goes through a Runner, so
 * tests can record commands and the audit log sees everything. This is the
 * only file that starts processes (child_process, node-pty): noShell.test.ts
 * fails on a spawn anywhere else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants as osConstants } from 'node:os';
import type * as NodePty from 'node-pty';
import { audit } from './audit.js';
import { netnsFile } from './paths.js';

export type { ChildProcess };
export type Pty = NodePty.IPty;

/** node-pty is a native module: loaded on the first terminal, not by every CLI command. */
const loadPty = (): typeof NodePty => createRequire(import.meta.url)('node-pty') as typeof NodePty;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the program's standard input. */
  input?: string;
  /** The program's whole environment (default: the server's, with LC_ALL=C). */
  env?: Readonly<Record<string, string>>;
  /** Stops it after this long (default COMMAND_TIMEOUT_MS). */
  timeoutMs?: number;
}

export interface Runner {
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /**
   * The host argv that runs `argv` where this runner runs (identity on the
   * host; the sandbox's entry prefix in a sandbox): what long-lived programs
   * (streams, terminals, `nslab exec`) are started with. Absent: the host.
   */
  hostArgv?(argv: readonly string[]): string[];
  /** The sandbox this runner runs in; absent: the host itself. */
  readonly sandbox?: string;
  /** The whole environment of programs it starts (a sandbox's: nothing of the server's); absent: the server's. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The host argv (and environment, if not the server's) that runs `argv` where `runner` runs. */
export function placed(runner: Runner, argv: readonly string[]): { argv: string[]; env?: Readonly<Record<string, string>> } {
  return { argv: runner.hostArgv ? runner.hostArgv(argv) : [...argv], ...(runner.env ? { env: runner.env } : {}) };
}

export class RunError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: RunResult,
  ) {
    super(`${argv.join(' ')} exited with ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

/** Output a command may print before it is stopped (a sandboxed `ip` is the sandbox's to replace). */
export const MAX_OUTPUT_BYTES = 64 * 2 ** 20;
/** How long a command may run before it is stopped, with all it started. */
export const COMMAND_TIMEOUT_MS = Number(process.env.NSLAB_COMMAND_TIMEOUT_MS ?? 300_000);

export const hostRunner: Runner = {
  run(argv, opts = {}) {
    const t0 = performance.now();
    return new Promise<RunResult>((resolve) => {
      // detached: a session of its own, so no command (a sandbox's above all) has this process's terminal to type into.
      const child = spawn(argv[0]!, argv.slice(1), {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        env: opts.env ?? { ...process.env, LC_ALL: 'C' },
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let bytes = 0;
      let stopped = '';
      const stop = (why: string) => {
        if (stopped) return;
        stopped = why;
        try {
          process.kill(-child.pid!, 'SIGKILL'); // the whole session it started
        } catch {
          /* ended meanwhile */
        }
      };
      const keep = (into: Buffer[]) => (b: Buffer) => {
        bytes += b.length;
        if (bytes > MAX_OUTPUT_BYTES) return stop(`printed more than ${MAX_OUTPUT_BYTES / 2 ** 20} MiB`);
        into.push(b);
      };
      const timer = setTimeout(() => stop(`ran longer than ${COMMAND_TIMEOUT_MS / 1000} s`), opts.timeoutMs ?? COMMAND_TIMEOUT_MS);
      child.stdout.on('data', keep(out));
      child.stderr.on('data', keep(err));
      child.on('error', (e) => {
        clearTimeout(timer);
        resolve({ code: 127, stdout: '', stderr: `${argv[0]}: ${e.message}` });
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const stderr = Buffer.concat(err).toString();
        resolve({
          code: stopped ? 124 : (code ?? (signal ? 128 : 1)),
          stdout: Buffer.concat(out).toString(),
          stderr: stopped ? `${stderr}\nnslab stopped it: it ${stopped}` : stderr,
        });
      });
      child.stdin.on('error', () => {}); // the program may exit before reading its input
      child.stdin.end(opts.input ?? '');
    }).then((r) => {
      audit({ argv, ...(opts.input ? { input: opts.input } : {}), code: r.code, ms: performance.now() - t0 });
      return r;
    });
  },
};

export interface SpawnOptions {
  /** Which of stdout and stderr the caller reads (stdin is never connected). */
  stdio?: 'pipe' | 'stdout' | 'ignore';
  /** The program's whole environment (default: the server's, with LC_ALL=C). */
  env?: Readonly<Record<string, string>>;
  /** An open file the program gets as its descriptor 3 (a capture it writes to /dev/fd/3). */
  fd3?: number;
}

/**
 * Starts a long-lived program (a stream, a listener) from an argv, in its own
 * session so it and all it starts can be killed together, and writes it to the
 * audit log when it starts and when it ends.
 */
export function spawnAudited(argv: readonly string[], lab: string, opts: SpawnOptions = {}): ChildProcess {
  const t0 = performance.now();
  audit({ argv, code: null, ms: 0, lab });
  const out = opts.stdio ?? 'pipe';
  const stdio: Array<'ignore' | 'pipe' | number> =
    out === 'pipe' ? ['ignore', 'pipe', 'pipe'] : out === 'stdout' ? ['ignore', 'pipe', 'ignore'] : ['ignore', 'ignore', 'ignore'];
  if (opts.fd3 !== undefined) stdio.push(opts.fd3);
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio, env: opts.env ?? { ...process.env, LC_ALL: 'C' } });
  child.on('close', (code, signal) => audit({ argv, code: code ?? (signal ? 128 : 1), ms: performance.now() - t0, lab }));
  return child;
}

export interface PtyOptions {
  cols: number;
  rows: number;
  /** The whole environment of the program (nothing of the server's is passed on). */
  env: Record<string, string>;
}

/**
 * Starts a program on a pseudo-terminal (a shell) from an argv, in its own
 * session (node-pty's setsid), and writes it to the audit log when it starts
 * and when it ends.
 */
export function spawnPty(argv: readonly string[], lab: string, opts: PtyOptions): Pty {
  const t0 = performance.now();
  audit({ argv, code: null, ms: 0, lab });
  const proc = loadPty().spawn(argv[0]!, argv.slice(1), {
    name: opts.env.TERM ?? 'xterm-256color',
    cols: opts.cols,
    rows: opts.rows,
    cwd: '/',
    env: opts.env,
  });
  // Killed by a signal (its socket closed): the shell's convention, 128 + the signal.
  proc.onExit(({ exitCode, signal }) => audit({ argv, code: signal ? 128 + signal : exitCode, ms: performance.now() - t0, lab }));
  return proc;
}

/**
 * Runs a program with this process's standard input, output and error
 * (`nslab exec`), and resolves to its exit code (128 + the signal's number
 * when a signal ended it, as shells report it). `relay`: the program gets
 * pipes that this process copies to and from its own, in a session of its
 * own — never this process's terminal (a sandboxed program could push
 * keystrokes into it, TIOCSTI, for the root shell that ran nslab).
 */
export function runInherited(argv: readonly string[], lab: string, env?: Readonly<Record<string, string>>, relay = false): Promise<number> {
  const t0 = performance.now();
  audit({ argv, code: null, ms: 0, lab });
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: relay ? ['pipe', 'pipe', 'pipe'] : 'inherit',
      detached: relay,
      ...(env ? { env } : {}),
    });
    if (relay) {
      process.stdin.pipe(child.stdin!).on('error', () => {});
      child.stdout!.pipe(process.stdout);
      child.stderr!.pipe(process.stderr);
    }
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => {
      if (relay) process.stdin.unpipe(child.stdin!).pause();
      const rc = code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 1);
      audit({ argv, code: rc, ms: performance.now() - t0, lab });
      resolve(rc);
    });
  });
}

/** Runs and throws RunError on a non-zero exit. */
export async function runOk(runner: Runner, argv: readonly string[], opts?: RunOptions): Promise<string> {
  const r = await runner.run(argv, opts);
  if (r.code !== 0) throw new RunError(argv, r);
  return r.stdout;
}

/**
 * argv prefix that runs a program inside a namespace (null: the host) without
 * `ip netns exec`'s mount work. The path comes from netnsFile: a name that
 * would leave /run/netns throws before anything runs.
 */
export function inNetns(netns: string | null, argv: readonly string[]): string[] {
  return netns === null ? [...argv] : ['nsenter', `--net=${netnsFile(netns)}`, '--', ...argv];
}

/** Runs `fn` over items with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
