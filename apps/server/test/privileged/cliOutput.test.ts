/**
 * What the command line prints, as users run it (bin/nslab, a process each):
 * deploy and destroy print one summary line on stdout, progress only on a
 * terminal, every command with --verbose; a redeploy of the same file prints
 * what the first deploy did (its warnings) without parsing it again. (import-clab
 * and export-clab need no root: src/cli/clab.test.ts.)
 * Lab names cli15-*, addresses in 10.253.0.0/16.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnPty } from '../../src/runner.js';
import { isRoot, labFile, nslab, removeLabs, repoRoot, sh } from './helpers.js';
import { PAIR } from '../cliLabs.js';

const LABS = ['cli15-out', 'cli15-warn', 'cli15-tty', 'cli15-cache'];

/** A valid lab with one warning: an address on a bridge port. */
const WARNED = `name: cli15-warn
nodes:
  c15br: { kind: bridge, addresses: [10.253.2.1/24] }
  c15c: { kind: netns }
links:
  - endpoints: [{ node: c15c, name: eth0, addresses: [10.253.2.2/24] }, { node: c15br, name: c15c-h, addresses: [10.253.2.3/24] }]
`;
const WARNING =
  'links[0].endpoints[1].addresses: warning: this end is a port of bridge "c15br"; an address on a bridge port is not reachable — put it on the bridge instead';

/** PAIR again, as lab cli15-cache (namespaces c15ca, c15cb; 10.253.4.0/24). */
const CACHED = PAIR.replace('cli15-out', 'cli15-cache')
  .replace(/c15([ab])/g, 'c15c$1')
  .replace(/10\.253\.1\./g, '10.253.4.');

const namespaces = async () =>
  (await sh(['ip', 'netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith('c15'))
    .sort();

describe.skipIf(!isRoot)('deploy and destroy output', () => {
  beforeAll(() => removeLabs(LABS));
  afterAll(() => removeLabs(LABS));

  it('deploy, not on a terminal: one summary line on stdout, nothing on stderr', async () => {
    const r = await nslab('deploy', labFile(PAIR, 'cli15-out'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^deployed lab cli15-out: \d+ changes in [\d.]+ ms\n$/);
    expect(r.stderr).toBe('');
    expect(await namespaces()).toEqual(['c15a', 'c15b']);
  });

  it('a redeploy of the same file changes nothing and says so; an edited file is read again', async () => {
    const file = labFile(PAIR, 'cli15-out');
    const again = await nslab('deploy', file);
    expect([again.code, again.stderr]).toEqual([0, '']);
    expect(again.stdout).toMatch(/^lab cli15-out is up to date: no changes \([\d.]+ ms\)\n$/);
    fs.writeFileSync(file, PAIR.replace('10.253.1.2/24]', '10.253.1.2/24, 10.253.1.3/24]'));
    const edited = await nslab('deploy', file);
    expect(edited.stdout).toMatch(/^deployed lab cli15-out: 1 changes in/);
    expect((await sh(['ip', '-n', 'c15b', '-o', 'addr', 'show', 'dev', 'eth0'])).stdout).toContain('10.253.1.3/24');
  });

  it('destroy: one summary line; --verbose: every command it ran, then the summary', async () => {
    const gone = await nslab('destroy', 'cli15-out');
    expect([gone.code, gone.stderr]).toEqual([0, '']);
    expect(gone.stdout).toMatch(/^destroyed lab cli15-out: \d+ changes in [\d.]+ ms\n$/);

    const made = await nslab('deploy', '--verbose', labFile(PAIR, 'cli15-out'));
    expect(made.code, made.stderr).toBe(0);
    const lines = made.stdout.trimEnd().split('\n');
    expect(lines).toContain('  ip netns add c15a');
    expect(lines).toContain('  ip -n c15b addr add 10.253.1.2/24 dev eth0');
    expect(lines.at(-1)).toMatch(/^deployed lab cli15-out: \d+ changes in/);
    expect(lines.length).toBeGreaterThan(8);
    expect(made.stderr).toContain('deploying lab cli15-out …\n');
    expect(made.stderr).toMatch(/^ {2}applying \d+ steps$/m);

    const verbose = await nslab('destroy', '-v', 'cli15-out');
    expect(verbose.stdout).toContain('  ip netns del c15a\n');
    expect(verbose.stdout.trimEnd().split('\n').at(-1)).toMatch(/^destroyed lab cli15-out: \d+ changes in/);
    expect((await nslab('destroy', 'cli15-out')).stdout).toBe('lab cli15-out: nothing on this host\n');
  });

  it('the file’s warnings are printed by every deploy of it, the no-op redeploy too', async () => {
    const file = labFile(WARNED, 'cli15-warn');
    for (const summary of [/^deployed lab cli15-warn: \d+ changes/, /^lab cli15-warn is up to date: no changes/]) {
      const r = await nslab('deploy', file);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe(`${WARNING}\n`);
      expect(r.stdout).toMatch(summary);
    }
    expect((await nslab('destroy', 'cli15-warn')).code).toBe(0);
  });

  it('a no-op redeploy takes the design it remembered: with NSLAB_TRACE=1, only the first deploy parses the file', async () => {
    // A text of this run's own: a source remembered by an earlier run that did not end well is not this one.
    const file = labFile(`${CACHED}# ${process.pid}-${Date.now()}\n`, 'cli15-cache');
    const trace = { NSLAB_TRACE: '1' };
    const first = await nslab('deploy', file, trace);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^\[trace\] parse the lab file: /m);
    const again = await nslab('deploy', file, trace);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^lab cli15-cache is up to date: no changes/);
    expect(again.stderr).toMatch(/^\[trace\] capabilities: /m); // traced, so the absence below means something
    expect(again.stderr).not.toMatch(/parse the lab file/);
    expect((await nslab('destroy', 'cli15-cache')).code).toBe(0);
  });

  it('a lab file that cannot be remembered costs a warning, never the deploy: exit 0', async () => {
    // A run directory whose sources/ is a file: remembering the lab file fails; everything else there works.
    const run = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-run-'));
    fs.writeFileSync(path.join(run, 'sources'), 'not a directory');
    const env = { NSLAB_RUN_DIR: run };
    try {
      const file = labFile(CACHED, 'cli15-cache');
      const r = await nslab('deploy', file, env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^deployed lab cli15-cache: \d+ changes/);
      expect(r.stderr).toMatch(/^warning: could not remember the lab file for the next deploy \(it will be read again\): /);
      expect(await namespaces()).toEqual(expect.arrayContaining(['c15ca', 'c15cb']));
      expect((await nslab('destroy', 'cli15-cache', env)).code).toBe(0);
    } finally {
      fs.rmSync(run, { recursive: true, force: true });
    }
  });

  it('on a terminal: one progress line rewritten in place and cleared, then the summary; no command list', async () => {
    const file = labFile(PAIR.replace('cli15-out', 'cli15-tty'), 'cli15-tty');
    const run = (...args: string[]) =>
      new Promise<{ code: number; output: string }>((resolve) => {
        const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
        const p = spawnPty([process.execPath, path.join(repoRoot, 'bin/nslab'), ...args], 'cli15-tty', {
          cols: 120,
          rows: 30,
          env: { ...env, TERM: 'xterm' },
        });
        let output = '';
        p.onData((d) => (output += d));
        p.onExit(({ exitCode }) => resolve({ code: exitCode, output }));
      });
    const made = await run('deploy', file);
    expect(made.code, made.output).toBe(0);
    expect(made.output).toMatch(/\r\x1b\[Kdeploying lab cli15-tty: applying \d+\/\d+ steps/);
    expect(made.output).toMatch(/\r\x1b\[K\r?\n?deployed lab cli15-tty: \d+ changes in [\d.]+ ms\r\n$/);
    expect(made.output).not.toContain('ip netns add');
    const gone = await run('destroy', 'cli15-tty');
    expect(gone.code, gone.output).toBe(0);
    expect(gone.output).toMatch(/destroyed lab cli15-tty: \d+ changes in [\d.]+ ms\r\n$/);
    expect(gone.output).not.toContain('ip netns del');
  });
});
