/**
 * Runs one `ip -batch` per namespace for many namespaces through a few
 * `xargs` processes. Node spends ~1.4 ms of main-thread time per spawn
 * whatever the parallelism, which dominates at a thousand namespaces; xargs
 * forks from a small process instead. Still argv only: xargs execs nsenter,
 * which execs ip — no shell anywhere.
 *
 * Each namespace's input is a file named after it; ip names that file in its
 * errors ("Command failed DIR/NS:LINE"), which is how failures are attributed.
 * Outputs arrive in input order within a chunk; when a caller needs per-
 * namespace stdout it says how many lines each job prints, and a chunk whose
 * count does not add up is run again one namespace at a time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { audit } from './audit.js';
import { parallelism, runDir } from './paths.js';
import { inNetns, mapLimit, NETNS_DIR, type RunResult, type Runner } from './runner.js';

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
export async function ipBatchEach(runner: Runner, jobs: NsJob[], ipArgs: string[], opts: { linesPerJob?: number } = {}): Promise<Map<string, RunResult>> {
  const results = new Map<string, RunResult>();
  const single = async (job: NsJob) => results.set(job.netns, await runner.run(inNetns(job.netns, ['ip', ...ipArgs, '-batch', '-']), { input: job.input }));
  if (jobs.length < POOL_THRESHOLD) {
    await mapLimit(jobs, parallelism(), single);
    return results;
  }
  // The run directory is tmpfs on a normal host; /tmp may be a slow disk (0.9 ms per small file measured).
  fs.mkdirSync(runDir(), { recursive: true });
  const dir = fs.mkdtempSync(path.join(runDir(), 'batch-'));
  try {
    const shared = jobs.every((j) => j.input === jobs[0]!.input);
    if (shared) fs.writeFileSync(path.join(dir, '@all'), jobs[0]!.input);
    else for (const job of jobs) fs.writeFileSync(path.join(dir, job.netns), job.input);
    const chunks = split(jobs, Math.max(2, Math.min(8, os.availableParallelism() * 2)));
    await Promise.all(
      chunks.map(async (chunk) => {
        const argv = ['xargs', '-0', '-I{}', 'nsenter', `--net=${NETNS_DIR}/{}`, '--', 'ip', ...ipArgs, '-batch', shared ? `${dir}/@all` : `${dir}/{}`];
        const r = await runner.run(argv, { input: chunk.map((j) => j.netns).join('\0') });
        const errs = attributeErrors(r.stderr, dir);
        // The audit log shows what ran in each namespace, not only the xargs that ran it.
        for (const job of chunk) audit({ argv: ['nsenter', `--net=${NETNS_DIR}/${job.netns}`, '--', 'ip', ...ipArgs, '-batch', '-'], input: job.input, code: errs.has(job.netns) ? 1 : 0, ms: 0 });
        let lines = r.stdout.split('\n').filter((l) => l !== '');
        if (opts.linesPerJob !== undefined && lines.length !== opts.linesPerJob * (chunk.length - errs.size)) {
          await mapLimit(chunk, parallelism(), single); // a namespace vanished mid-way: fall back
          return;
        }
        for (const job of chunk) {
          const err = errs.get(job.netns);
          let stdout = '';
          if (opts.linesPerJob !== undefined && !err) {
            stdout = `${lines.slice(0, opts.linesPerJob).join('\n')}\n`;
            lines = lines.slice(opts.linesPerJob);
          }
          results.set(job.netns, err ? { code: 1, stdout: '', stderr: err } : { code: 0, stdout, stderr: '' });
        }
      }),
    );
    return results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Splits xargs' stderr by namespace, rewriting "Command failed DIR/NS:N" to ip's stdin form "-:N". */
function attributeErrors(stderr: string, dir: string): Map<string, string> {
  const out = new Map<string, string>();
  let pending: string[] = [];
  const add = (ns: string, text: string) => out.set(ns, `${out.get(ns) ?? ''}${text}\n`);
  for (const line of stderr.split('\n')) {
    if (line === '') continue;
    const failed = line.startsWith('Command failed ') && line.includes(`${dir}/`) ? /^Command failed (.*):(\d+)$/.exec(line) : null;
    const nsenter = /^nsenter: .*?\/run\/netns\/([^:]+):/.exec(line) ?? /^nsenter: .*?'([^']+)'/.exec(line);
    if (failed) {
      const ns = path.basename(failed[1]!);
      add(ns, `${pending.join('\n')}${pending.length ? '\n' : ''}Command failed -:${failed[2]}`);
      pending = [];
    } else if (nsenter) {
      add(path.basename(nsenter[1]!), `${line}\nCommand failed -:1`);
    } else if (!line.startsWith('xargs:')) pending.push(line);
  }
  return out;
}

function split<T>(items: T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
