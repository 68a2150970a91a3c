/** The capability probe's cache: a missing feature is kept while nothing that could bring it has changed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseTopology, type Topology } from '@nslab/topology';
import type { Runner } from './runner.js';

/** How a fake kernel goes wrong: `netem` missing (a real absence), or a passing failure of the probe itself. */
interface Trouble {
  /** netem is there. */
  netem?: boolean;
  /** `ip netns add` fails (the probe's namespace is never made: nothing can be entered). */
  noNetns?: boolean;
  /** The namespace is removed once made, as a concurrent `nslab clean` would: entering it and deleting it fail. */
  netnsRemoved?: boolean;
  /** Another process holds the xtables lock. */
  xtablesLock?: boolean;
}

/** A runner that answers every probe as a kernel with everything but netem would (unless `trouble` says otherwise), counting the commands. */
function fakeKernel(netemOrTrouble: boolean | Trouble = false): Runner & { commands: string[][] } {
  const t: Trouble = typeof netemOrTrouble === 'boolean' ? { netem: netemOrTrouble } : netemOrTrouble;
  const commands: string[][] = [];
  const gone = { code: 1, stdout: '', stderr: 'nsenter: cannot open /run/netns/nslab-probe-1-2: No such file or directory' };
  return {
    commands,
    async run(argv) {
      commands.push([...argv]);
      if (argv[0] === 'ip' && argv[1] === 'netns') {
        if (argv[2] === 'add' && t.noNetns) return { code: 1, stdout: '', stderr: 'Cannot create namespace file: File exists' };
        if (argv[2] === 'del' && (t.noNetns || t.netnsRemoved))
          return { code: 1, stdout: '', stderr: 'Cannot remove namespace file: No such file' };
        return { code: 0, stdout: '', stderr: '' };
      }
      if (argv[0] === 'nsenter' && (t.noNetns || t.netnsRemoved)) return gone;
      if (argv.includes('iptables') && t.xtablesLock)
        return { code: 4, stdout: '', stderr: 'Another app is currently holding the xtables lock. Stopped waiting after 5s.' };
      const isNetem = argv.includes('netem');
      return {
        code: isNetem && !t.netem ? 2 : 0,
        stdout: '',
        stderr: isNetem && !t.netem ? 'Error: Specified qdisc kind is unknown.' : '',
      };
    },
  };
}

/** A lab that needs netem (a delay on its link). */
function delayedLab(): Topology {
  const r = parseTopology(
    'name: caps\nnodes: { a: { kind: netns }, b: { kind: netns } }\nlinks:\n  - endpoints: [{ node: a, name: ea }, { node: b, name: eb }]\n    impair: { delay: 10ms }\n',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.topology!;
}

/** capabilities.ts as a fresh process loads it (its in-memory answer forgotten). */
async function freshModule() {
  vi.resetModules();
  return import('./capabilities.js');
}

describe('capability probe cache', () => {
  let dir: string;
  const saved = process.env.NSLAB_RUN_DIR;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-caps-'));
    process.env.NSLAB_RUN_DIR = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.NSLAB_RUN_DIR;
    else process.env.NSLAB_RUN_DIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a kernel that lacks a feature is probed once, not by every command (~40 ms each)', async () => {
    const first = fakeKernel();
    expect((await (await freshModule()).probeFeatures(first)).netem).toBe(false);
    expect(first.commands.length).toBeGreaterThan(3);
    const again = fakeKernel();
    expect((await (await freshModule()).probeFeatures(again)).netem).toBe(false);
    expect(again.commands).toEqual([]);
  });

  it('probes again when what could bring a missing feature changed (modules, tools)', async () => {
    await (await freshModule()).probeFeatures(fakeKernel());
    const file = path.join(dir, 'features.json');
    const cached = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(cached.sources).toBe((await freshModule()).featureSources());
    fs.writeFileSync(file, JSON.stringify({ ...cached, sources: `${cached.sources};a module loaded since` }));
    const now = fakeKernel(true);
    expect((await (await freshModule()).probeFeatures(now)).netem).toBe(true);
    expect(now.commands.length).toBeGreaterThan(3);
  });

  it('a kernel with every feature keeps its answer for the boot, whatever changes', async () => {
    await (await freshModule()).probeFeatures(fakeKernel(true));
    const file = path.join(dir, 'features.json');
    fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), sources: 'something else' }));
    const again = fakeKernel(true);
    await (await freshModule()).probeFeatures(again);
    expect(again.commands).toEqual([]);
  });

  it('`fresh` (nslab capabilities) always probes', async () => {
    await (await freshModule()).probeFeatures(fakeKernel());
    const again = fakeKernel();
    await (await freshModule()).probeFeatures(again, { fresh: true });
    expect(again.commands.length).toBeGreaterThan(3);
  });

  it.each([
    ['its namespace could not be made', { noNetns: true }],
    ['its namespace was removed under it (a concurrent nslab clean)', { netnsRemoved: true }],
    ['another process held the xtables lock', { xtablesLock: true }],
  ] as Array<[string, Trouble]>)(
    'a probe whose own setup failed (%s) keeps nothing: the next command probes again',
    async (_why, trouble) => {
      const failing = fakeKernel(trouble);
      const first = await (await freshModule()).probeFeatures(failing);
      expect(Object.values(first).some((has) => !has)).toBe(true);
      expect(fs.existsSync(path.join(dir, 'features.json'))).toBe(false);
      const again = fakeKernel(true);
      const next = await (await freshModule()).probeFeatures(again);
      expect(again.commands.length).toBeGreaterThan(3);
      expect(Object.values(next).every(Boolean)).toBe(true);
    },
  );

  it('the same process asks again after a probe that failed itself (the server runs for days)', async () => {
    const caps = await freshModule();
    await caps.probeFeatures(fakeKernel({ netnsRemoved: true }));
    const again = fakeKernel(true);
    expect((await caps.probeFeatures(again)).netem).toBe(true);
    expect(again.commands.length).toBeGreaterThan(3);
  });

  it('a lab refused on a kept answer is probed afresh first: the feature that came since is found, and the lab is not refused', async () => {
    // A kept answer that says netem is missing, though nothing it watches changed since (as a passing failure once wrote).
    await (await freshModule()).probeFeatures(fakeKernel(false));
    const now = fakeKernel(true);
    const r = await (await freshModule()).missingCapabilities(now, delayedLab());
    expect(r.missing).toEqual([]);
    expect(r.has.has('netem')).toBe(true);
    expect(now.commands.length).toBeGreaterThan(3);
  });

  it('a lab is refused for a feature a fresh probe finds missing; a lab that needs nothing missing costs no probe', async () => {
    await (await freshModule()).probeFeatures(fakeKernel(false));
    const still = fakeKernel(false);
    const caps = await freshModule();
    const r = await caps.missingCapabilities(still, delayedLab());
    expect(r.missing.map((i) => i.code)).toEqual(['capability.missing']);
    expect(r.missing[0]!.message).toMatch(/which this host lacks/);
    expect(still.commands.filter((c) => c.slice(0, 3).join(' ') === 'ip netns add')).toHaveLength(1); // one probe afresh, no more
    const plain = fakeKernel(false);
    const lab = { ...delayedLab(), links: delayedLab().links.map(({ impair: _impair, ...l }) => l) } as Topology;
    expect((await caps.missingCapabilities(plain, lab)).missing).toEqual([]);
    expect(plain.commands).toEqual([]);
  });
});
