/** The capability probe's cache: a missing feature is kept while nothing that could bring it has changed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Runner } from './runner.js';

/** A runner that answers every probe as a kernel with everything but netem would, counting the commands. */
function fakeKernel(netem = false): Runner & { commands: string[][] } {
  const commands: string[][] = [];
  return {
    commands,
    async run(argv) {
      commands.push([...argv]);
      const isNetem = argv.includes('netem');
      return { code: isNetem && !netem ? 2 : 0, stdout: '', stderr: isNetem && !netem ? 'Error: Specified qdisc kind is unknown.' : '' };
    },
  };
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
});
