/**
 * Reads lab text for the server without holding its event loop: small texts
 * (nearly every lab) are parsed at once, larger ones in a worker thread with a
 * time limit, and results are kept by text, so polling a big lab parses it once.
 * Size, nesting and node and link counts are bounded by the topology package's
 * limits, which the environment can lower or raise: for lab text and
 * containerlab files alike. Containerlab files are
 * always read in the worker: a short file can ask for much (a kind's `exec`
 * lines run on each of its nodes), and the worker's time and memory bound it.
 */
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS, parseTopology, type ClabImport, type ClabImportOptions, type ParseLimits, type ParseResult } from '@nslab/topology';

/** Texts up to this size are parsed inline: a few milliseconds at most. */
const INLINE_BYTES = 64 * 1024;
/** A worker that takes longer than this on one text is ended and the text refused. */
const WORKER_TIMEOUT_MS = 15_000;
const CACHE_ENTRIES = 32;

/** What the worker does (workers/parseLab.mjs): parse a lab, or import a containerlab file. */
type Job = { job: 'parse'; text: string; limits: ParseLimits } | { job: 'clab'; text: string; opts: ClabImportOptions };
/** A job's answer, or its refusal: `why` follows what was read ("the lab", "the containerlab file"). */
interface Waiting {
  resolve(result: unknown): void;
  refuse(code: string, why: string): void;
  timer: NodeJS.Timeout;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The worker lives in apps/server/workers, two levels up from both src/http and dist/http. */
const WORKER_FILE = path.resolve(here, '../../workers/parseLab.mjs');

const num = (name: string, dflt: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : dflt;
};

/** The parse limits in force: the package's, or NSLAB_MAX_LAB_BYTES, NSLAB_MAX_NODES and NSLAB_MAX_LINKS. */
export function serverLimits(): ParseLimits {
  return {
    ...LIMITS,
    maxBytes: num('NSLAB_MAX_LAB_BYTES', LIMITS.maxBytes),
    maxNodes: num('NSLAB_MAX_NODES', LIMITS.maxNodes),
    maxLinks: num('NSLAB_MAX_LINKS', LIMITS.maxLinks),
  };
}

export class LabParser {
  readonly limits = serverLimits();
  private readonly cache = new Map<string, ParseResult>();
  private worker: Worker | undefined;
  private seq = 0;
  private readonly waiting = new Map<number, Waiting>();
  /** One text at a time in the worker: the rest queue behind it. */
  private queue: Promise<unknown> = Promise.resolve();

  /** `keep: false` reads a text without keeping it (old revisions): the texts being edited and polled stay cached. */
  async parse(text: string, { keep = true }: { keep?: boolean } = {}): Promise<ParseResult> {
    const hit = this.cache.get(text);
    if (hit) return hit;
    const result =
      text.length <= INLINE_BYTES
        ? parseTopology(text, { limits: this.limits })
        : await this.inWorker<ParseResult>({ job: 'parse', text, limits: this.limits }, refused);
    if (!keep) return result;
    if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(text, result);
    return result;
  }

  /**
   * A containerlab file as a lab (`importClab`), read in the worker under this
   * server's limits (as every lab it reads); what it cannot read in time or
   * memory is an error of the import.
   */
  importClab(text: string, opts: Omit<ClabImportOptions, 'limits'>): Promise<ClabImport> {
    return this.inWorker<ClabImport>({ job: 'clab', text, opts: { ...opts, limits: this.limits } }, (_code, message) => ({
      errors: [{ path: '', line: 0, message }],
      warnings: [],
      issues: [],
      yaml: '',
    }));
  }

  private inWorker<T>(job: Job, refuse: (code: string, message: string) => T): Promise<T> {
    const run = this.queue.then(() => this.post(job, refuse));
    this.queue = run.catch(() => {});
    return run;
  }

  private post<T>(job: Job, refuse: (code: string, message: string) => T): Promise<T> {
    const worker = this.start();
    const id = ++this.seq;
    const what = job.job === 'parse' ? 'the lab' : 'the containerlab file';
    return new Promise<T>((resolve) => {
      const refuseWith = (code: string, why: string) => resolve(refuse(code, `${what} ${why}`));
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        this.stop();
        refuseWith('limits.time', `took longer than ${WORKER_TIMEOUT_MS / 1000} s to read; it is too large or too deeply nested`);
      }, WORKER_TIMEOUT_MS);
      this.waiting.set(id, { resolve: (r) => resolve(r as T), refuse: refuseWith, timer });
      worker.postMessage({ id, ...job });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_FILE, { resourceLimits: { maxOldGenerationSizeMb: 512, stackSizeMb: 8 } });
    w.unref();
    w.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const p = this.waiting.get(id);
      if (!p) return;
      this.waiting.delete(id);
      clearTimeout(p.timer);
      if (result !== undefined) p.resolve(result);
      else p.refuse('input.syntax', error === undefined ? 'could not be read' : `could not be read: ${error}`);
    });
    const fail = (why: string) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      for (const [id, p] of this.waiting) {
        clearTimeout(p.timer);
        p.refuse('limits.memory', why);
        this.waiting.delete(id);
      }
    };
    w.on('error', (e) => fail(`could not be read: ${e.message}`));
    w.on('exit', () => fail('could not be read: it needed more memory than nslab allows'));
    this.worker = w;
    return w;
  }

  private stop(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  close(): void {
    this.stop();
  }
}

function refused(code: string, message: string): ParseResult {
  return { ok: false, issues: [{ severity: 'error', code, path: [], message }] };
}
