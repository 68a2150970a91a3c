/**
 * Makes a batch's namespaces on a worker thread while the batch goes on. A
 * namespace costs the kernel 0.5–1 ms to make (its per-namespace state and
 * the file in /run/netns), mostly outside the lock that link changes take, so
 * with a second core the veths into the first namespaces are made while the
 * later ones are still being made: for 1000 namespaces and their veths,
 * 1.6–1.8 s one after the other, 0.8–1.2 s overlapped (`npm run bench`).
 *
 * The worker makes them in the batch's order and stops at the first failure,
 * as `ip -batch` does. Paths are derived and checked here, on the caller's
 * thread (paths.netnsFile); the worker only calls the addon. The caller waits
 * (Atomics.wait: it is synchronous, as the rest of a netlink batch) only for
 * a namespace a step is about to use, and at most `timeoutMs` for each result:
 * a worker that dies or hangs is counted as stopped, and what it did not
 * report is a failure of the batch, never an exception.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { NETNS_DIR, netnsFile } from '../paths.js';

/** Fewer namespaces than this are made in line: a worker costs ~30 ms to start. */
export const MAKE_AHEAD_FROM = 64;

/** What became of one namespace. */
export interface Made {
  name: string;
  ms: number;
  /** Set when the kernel refused it. */
  error?: { errno: number; message: string };
}

// [0]: results posted (the caller waits on it), [1]: stop asked, [2]: the worker is done.
const POSTED = 0;
const STOP = 1;
const DONE = 2;

// Each namespace's result is posted before it is counted; done is set after the last post.
const WORKER = `
const { workerData: w } = require('node:worker_threads');
const s = new Int32Array(w.shared);
const post = (i, ms, error) => { w.port.postMessage({ i, ms, error }); Atomics.add(s, 0, 1); Atomics.notify(s, 0); };
try {
  const k = require(w.addon);
  for (let i = 0; i < w.paths.length && Atomics.load(s, 1) === 0; i++) {
    const t0 = performance.now();
    let error;
    try { k.addNetns(w.runDir, w.paths[i]); } catch (e) { error = { errno: Math.abs(e.errno ?? 1), message: e.message }; }
    post(i, performance.now() - t0, error);
    if (error) break;
  }
} catch (e) {
  post(0, 0, { errno: 1, message: 'making namespaces: ' + e.message });
} finally {
  Atomics.store(s, 2, 1);
  Atomics.add(s, 0, 1);
  Atomics.notify(s, 0);
}
`;

/** True when a batch making `count` namespaces should make them on a worker. */
export function makesAhead(count: number): boolean {
  return count >= MAKE_AHEAD_FROM && os.availableParallelism() > 1;
}

/** Workers started so far (tests check that a batch really used one). */
export let makersStarted = 0;

export interface MakerOptions {
  /** The addon the worker loads (tests give a stand-in): @nslab/kernel by default. */
  addon?: string;
  /** How long to wait for the worker's next result before counting it stopped. */
  timeoutMs?: number;
}

export class NetnsMaker {
  private readonly shared = new Int32Array(new SharedArrayBuffer(12));
  private readonly port: MessagePort;
  private readonly names: ReadonlySet<string>;
  private readonly order: readonly string[];
  private readonly results = new Map<string, Made>();
  private readonly unread: Made[] = [];
  private readonly timeoutMs: number;
  /** Set when the worker stopped answering: nothing more is waited for. */
  private stalled = false;

  /** Starts making `names` (each checked by netnsFile, which throws for a bad one before anything is made). */
  constructor(names: readonly string[], opts: MakerOptions = {}) {
    const paths = names.map(netnsFile);
    this.order = names;
    this.names = new Set(names);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const addon = opts.addon ?? createRequire(import.meta.url).resolve('@nslab/kernel');
    new Worker(WORKER, {
      eval: true,
      workerData: { addon, runDir: NETNS_DIR, paths, shared: this.shared.buffer, port: port2 },
      transferList: [port2],
    })
      .on('error', () => {}) // the worker reports its own failures as results; one that dies is seen as silent
      .unref();
    makersStarted++;
  }

  /** True when `name` is one this maker makes. */
  makes(name: string): boolean {
    return this.names.has(name);
  }

  /** What became of `name`: undefined while unknown, or for good once the worker stopped before it. */
  result(name: string): Made | undefined {
    return this.results.get(name);
  }

  /**
   * Waits until each of `names` the maker makes is made, or the worker has
   * stopped before it (or stopped answering). Returns the results that came
   * in meanwhile, in order. Never throws.
   */
  await(names: Iterable<string | null>): Made[] {
    for (const name of names) {
      if (name === null || !this.names.has(name)) continue;
      while (!this.results.has(name) && !this.done() && this.wait());
    }
    return this.take();
  }

  /** Stops the worker after the namespace it is making (with `stop`), waits for it, and returns the results not yet taken. */
  finish(stop: boolean): Made[] {
    if (stop) Atomics.store(this.shared, STOP, 1);
    while (!this.done() && this.wait());
    const out = this.take();
    this.port.close();
    return out;
  }

  /** True once the worker has stopped (or stalled) and every result it posted is read. */
  private done(): boolean {
    if (this.stalled) return true;
    if (Atomics.load(this.shared, DONE) !== 1) return false;
    this.drain();
    return true;
  }

  /** Waits for the worker's next result; false (and stopped) when none comes in time. */
  private wait(): boolean {
    const seen = Atomics.load(this.shared, POSTED);
    if (this.drain() > 0) return true;
    // A result posted after the drain moved the count, and the wait returns at once.
    if (Atomics.wait(this.shared, POSTED, seen, this.timeoutMs) !== 'timed-out') return true;
    this.drain();
    Atomics.store(this.shared, STOP, 1);
    this.stalled = true;
    return false;
  }

  private drain(): number {
    let n = 0;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      n++;
      const r = m.message as { i: number; ms: number; error?: Made['error'] };
      const made: Made = { name: this.order[r.i]!, ms: r.ms, ...(r.error ? { error: r.error } : {}) };
      this.results.set(made.name, made);
      this.unread.push(made);
    }
    return n;
  }

  private take(): Made[] {
    this.drain();
    return this.unread.splice(0);
  }
}
