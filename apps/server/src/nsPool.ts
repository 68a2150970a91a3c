/**
 * Runs one `ip -batch` per namespace for many namespaces through a few
 * `xargs` processes. Node spends ~1.4 ms of main-thread time per spawn
 * whatever the parallelism, which dominates at a thousand namespaces; xargs
 * forks from a small process instead. Still argv only: xargs execs nsenter,
 * which execs ip — no shell anywhere.
 *
 * Each namespace's input is a file named after it; ip names that file in its
 * errors ("Command failed DIR/NS:LINE"), which is how failures are attributed.
 * Outputs arrive in input order within a chunk, so an error we cannot pin on
 * one namespace makes every output of the chunk suspect: nsenter's message
 * for a namespace caught half-made or half-deleted by someone else ("reassociate
 * to namespace 'ns/net' failed", the /run/netns entry is still a plain file)
 * names no namespace, and counting lines would hand each later namespace its
 * neighbour's output. Reads (a caller that says how many lines each job
 * prints) then run that chunk again one namespace at a time; writes report
 * the error on every job it could belong to, so the executor rolls back
 * rather than believe a step ran.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { auditAll } from './audit.js';
import { NETNS_DIR, netnsFile, parallelism, runDir } from './paths.js';
import { inNetns, mapLimit, type RunResult, type Runner } from './runner.js';

export interface NsJob {
  netns: string;
  input: string;
}

/** Below this many namespaces, one process each is simpler and as fast. */
const POOL_THRESHOLD = 16;

/**
 * Runs `ip <ipArgs> -batch FILE` inside each job's namespace. Results keep ip's
 * own error format ("Command failed -:LINE") so callers parse one format.
 */
export async function ipBatchEach(
  runner: Runner,
  jobs: NsJob[],
  ipArgs: string[],
  opts: { linesPerJob?: number } = {},
): Promise<Map<string, RunResult>> {
  const results = new Map<string, RunResult>();
  const single = async (job: NsJob) =>
    results.set(job.netns, await runner.run(inNetns(job.netns, ['ip', ...ipArgs, '-batch', '-']), { input: job.input }));
  // A sandbox cannot read the pool's batch files (the run directory is hidden in it): one process each there.
  if (jobs.length < POOL_THRESHOLD || runner.sandbox !== undefined) {
    await mapLimit(jobs, parallelism(), single);
    return results;
  }
  for (const job of jobs) netnsFile(job.netns); // a name that would leave /run/netns (or the batch directory) throws here
  const dir = fs.mkdtempSync(path.join(batchRoot(), 'nslab-batch-'));
  try {
    const shared = jobs.every((j) => j.input === jobs[0]!.input);
    if (shared) fs.writeFileSync(path.join(dir, '@all'), jobs[0]!.input);
    else for (const job of jobs) fs.writeFileSync(path.join(dir, job.netns), job.input);
    const chunks = split(jobs, Math.max(2, Math.min(8, os.availableParallelism() * 2)));
    await Promise.all(
      chunks.map(async (chunk) => {
        const argv = [
          'xargs',
          '-0',
          '-I{}',
          'nsenter',
          `--net=${NETNS_DIR}/{}`,
          '--',
          'ip',
          ...ipArgs,
          '-batch',
          shared ? `${dir}/@all` : `${dir}/{}`,
        ];
        const r = await runner.run(argv, { input: chunk.map((j) => j.netns).join('\0') });
        const names = new Set(chunk.map((j) => j.netns));
        const { errs, unattributed } = attributeErrors(r.stderr, dir, names);
        let lines = r.stdout.split('\n').filter((l) => l !== '');
        if (opts.linesPerJob !== undefined && (unattributed.length > 0 || lines.length !== opts.linesPerJob * (chunk.length - errs.size))) {
          await mapLimit(chunk, parallelism(), single); // an output we cannot attribute for sure: one namespace at a time
          return;
        }
        // The audit log shows what ran in each namespace, not only the xargs that ran it.
        auditAll(
          chunk.map((job) => ({
            argv: inNetns(job.netns, ['ip', ...ipArgs, '-batch', '-']),
            input: job.input,
            code: errs.has(job.netns) || unattributed.length > 0 ? 1 : 0,
            ms: 0,
          })),
        );
        for (const job of chunk) {
          const err = errs.get(job.netns);
          let stdout = '';
          if (opts.linesPerJob !== undefined && !err) {
            stdout = `${lines.slice(0, opts.linesPerJob).join('\n')}\n`;
            lines = lines.slice(opts.linesPerJob);
          }
          const failure = err ?? (unattributed.length > 0 ? `${unattributed.join('\n')}\nCommand failed -:1\n` : undefined);
          results.set(job.netns, failure ? { code: 1, stdout: '', stderr: failure } : { code: 0, stdout, stderr: '' });
        }
      }),
    );
    return results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Splits xargs' stderr by namespace, rewriting "Command failed DIR/NS:N" to ip's
 * stdin form "-:N". Lines that name no namespace of the chunk (nsenter's EINVAL
 * message, an error in the shared input file) come back as `unattributed`.
 */
export function attributeErrors(
  stderr: string,
  dir: string,
  names: ReadonlySet<string>,
): { errs: Map<string, string>; unattributed: string[] } {
  const errs = new Map<string, string>();
  const unattributed: string[] = [];
  let pending: string[] = [];
  const add = (ns: string, text: string) => errs.set(ns, `${errs.get(ns) ?? ''}${text}\n`);
  for (const line of stderr.split('\n')) {
    if (line === '') continue;
    const failed = /^Command failed (.*):(\d+)$/.exec(line);
    const nsenter = /^nsenter: cannot open \/run\/netns\/([^:]+):/.exec(line);
    const ns = failed ? (path.dirname(failed[1]!) === dir ? path.basename(failed[1]!) : undefined) : nsenter?.[1];
    if (ns !== undefined && names.has(ns)) {
      add(ns, failed ? `${pending.join('\n')}${pending.length ? '\n' : ''}Command failed -:${failed![2]}` : `${line}\nCommand failed -:1`);
      pending = [];
    } else if (failed || line.startsWith('nsenter:')) {
      unattributed.push(...pending, line);
      pending = [];
    } else if (!line.startsWith('xargs:')) pending.push(line);
  }
  // Lines after the last failure are warnings of batches that succeeded (ip names every failure).
  return { errs, unattributed };
}

const TMPFS_MAGIC = 0x01021994;

/**
 * Where the batch files go: a tmpfs, where a small file costs ~0.01 ms, never
 * a disk (0.1–0.9 ms each, measured: a hundred namespaces' files took a deploy
 * 12–27 ms on a VM whose /run is ext4). The run directory when it is one, as
 * /run is on a normal host; else /dev/shm. The directory made in it is 0700.
 */
function batchRoot(): string {
  fs.mkdirSync(runDir(), { recursive: true });
  const tmpfs = (dir: string) => {
    try {
      return fs.statfsSync(dir).type === TMPFS_MAGIC;
    } catch {
      return false;
    }
  };
  return [runDir(), '/dev/shm'].find(tmpfs) ?? runDir();
}

function split<T>(items: T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
