/**
 * The worker protocol of NetnsMaker, with a stand-in for the addon (no root,
 * nothing made): results in order, the first refusal stops it, and a worker
 * that dies or hangs is waited for no longer than its timeout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NetnsMaker } from './netnsMaker.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-maker-'));
const addon = path.join(dir, 'addon.cjs');
// Names tell the stand-in what to do: "taken" is refused as an existing file, "die" ends the thread, "hang" never returns.
fs.writeFileSync(
  addon,
  `module.exports = { addNetns(runDir, file) {
    const name = file.slice(file.lastIndexOf('/') + 1);
    if (runDir !== '/run/netns' || !file.startsWith('/run/netns/')) throw new Error('bad path ' + file);
    if (name === 'taken') { const e = new Error('Cannot create namespace file: File exists'); e.errno = 17; throw e; }
    if (name === 'die') process.exit(1);
    if (name === 'hang') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000);
  } };`,
);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const names = (made: { name: string; error?: unknown }[]) => made.map((m) => (m.error ? `${m.name}!` : m.name));

describe('NetnsMaker', () => {
  it('makes them in order, and a caller waits only for the ones it needs', () => {
    const list = Array.from({ length: 50 }, (_, i) => `ns-${i}`);
    const m = new NetnsMaker(list, { addon });
    const first = m.await(['ns-3', null, 'not-mine']);
    expect(m.result('ns-3')).toMatchObject({ name: 'ns-3' });
    expect(first.length).toBeGreaterThanOrEqual(4);
    expect(names(first)).toEqual(list.slice(0, first.length));
    const rest = m.finish(false);
    expect(names([...first, ...rest])).toEqual(list);
    expect(m.makes('ns-49')).toBe(true);
    expect(m.makes('other')).toBe(false);
  });

  it('stops at the first refusal, with its errno and words; the ones after are never tried', () => {
    const m = new NetnsMaker(['a', 'b', 'taken', 'c', 'd'], { addon });
    const got = m.await(['d']); // never made: the wait ends when the worker stops
    const all = [...got, ...m.finish(false)];
    expect(names(all)).toEqual(['a', 'b', 'taken!']);
    expect(all[2]!.error).toEqual({ errno: 17, message: 'Cannot create namespace file: File exists' });
    expect(m.result('c')).toBeUndefined();
  });

  it('waits no longer than its timeout for a worker that dies or hangs, and never throws', () => {
    for (const bad of ['die', 'hang']) {
      const m = new NetnsMaker(['a', bad, 'b'], { addon, timeoutMs: 300 });
      const t0 = performance.now();
      const got = m.await(['b']);
      expect(names([...got, ...m.finish(true)])).toEqual(['a']);
      expect(m.result('b')).toBeUndefined();
      expect(performance.now() - t0).toBeLessThan(3000);
    }
  });

  it('refuses a name that is not a namespace name before anything is made', () => {
    expect(() => new NetnsMaker(['ok', '../escape'], { addon })).toThrow(/not a namespace name/);
  });
});
