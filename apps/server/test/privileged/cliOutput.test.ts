/**
 * What the command line prints, as users run it (bin/nslab, a process each):
 * deploy and destroy print one summary line on stdout, progress only on a
 * terminal, every command with --verbose; a redeploy of the same file prints
 * what the first deploy did (its warnings); import-clab and export-clab put
 * YAML on stdout and notes, by file, line and YAML path, on stderr.
 * Lab names cli15-*, addresses in 10.253.0.0/16.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { spawnPty } from '../../src/runner.js';
import { isRoot, labFile, nslab, removeLabs, repoRoot, sh } from './helpers.js';

const LABS = ['cli15-out', 'cli15-warn', 'cli15-tty'];

const PAIR = `name: cli15-out
nodes:
  c15a: { kind: netns }
  c15b: { kind: netns }
links:
  - endpoints: [{ node: c15a, name: eth0, addresses: [10.253.1.1/24] }, { node: c15b, name: eth0, addresses: [10.253.1.2/24] }]
`;

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

describe.skipIf(!isRoot)('import-clab and export-clab', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-clab-'));
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a broken file: exit 1, each error as FILE:LINE: PATH: MESSAGE, nothing on stdout', async () => {
    const file = write(
      'broken.clab.yml',
      'name: cli15-broken\ntopology:\n  nodes:\n    r1:\n      kind: linux\n  links:\n    - endpoints: ["r1:eth1", "r9:eth1"]\n',
    );
    const r = await nslab('import-clab', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${file}:7: topology.links[0].endpoints[1]: no node "r9" in topology.nodes\n`);
    const syntax = await nslab('import-clab', write('syntax.clab.yml', 'name: x\ntopology: [\n'));
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(new RegExp(`^${dir}/syntax\\.clab\\.yml:\\d+: \\S`));
  });

  it('what nslab cannot do is a warning naming its line and YAML path; the lab is on stdout and valid', async () => {
    const file = write(
      'pair.clab.yml',
      [
        'name: cli15-pair',
        'topology:',
        '  nodes:',
        '    r1:',
        '      kind: linux',
        '      image: alpine:3',
        '      exec:',
        '        - ip addr add 10.253.3.1/24 dev eth1',
        '    r2:',
        '      kind: linux',
        '      exec:',
        '        - ip addr add 10.253.3.2/24 dev eth1',
        '  links:',
        '    - endpoints: ["r1:eth1", "r2:eth1"]',
        '',
      ].join('\n'),
    );
    const r = await nslab('import-clab', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^${file.replace(/\./g, '\\.')}:6: topology\\.nodes\\.r1\\.image: warning: `, 'm'));
    expect(r.stdout).toMatch(/^name: cli15-pair$/m);
    expect(r.stdout).toContain('10.253.3.2/24');
    const lab = write('pair.yaml', r.stdout);
    expect((await nslab('validate', lab)).code).toBe(0);
    expect((await nslab('import-clab', file, '--name', 'cli15-renamed')).stdout).toMatch(/^name: cli15-renamed$/m);

    // And back: a containerlab file with linux nodes whose exec lines build it; the image as asked.
    const back = await nslab('export-clab', lab, '--image', 'example/tools:1');
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/^topology:$/m);
    expect(back.stdout).toContain('ip addr add 10.253.3.1/24 dev eth1');
    expect(back.stdout).toContain('example/tools:1');
  });

  it('import-clab reads standard input for "-", and names it "-" in its notes', async () => {
    const text = 'name: cli15-stdin\nmgmt: { network: custom }\ntopology:\n  nodes:\n    r1: { kind: linux }\n';
    const r = await sh([process.execPath, path.join(repoRoot, 'bin/nslab'), 'import-clab', '-'], { input: text });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^-:2: mgmt: warning: /m);
    expect(r.stdout).toMatch(/^name: cli15-stdin$/m);
  });

  it('export-clab: the containerlab YAML alone on stdout; anything it cannot carry, a "warning:" line on stderr', async () => {
    // A macvlan of the host node is the one thing a containerlab file cannot carry.
    const lab = write(
      'checked.yaml',
      `${PAIR.replace('cli15-out', 'cli15-checked').replace('nodes:\n', 'nodes:\n  host: { kind: host, macvlans: [{ name: c15mv, parent: lo }] }\n')}checks:\n  - { from: c15a, ping: 10.253.1.2, expect: reachable }\n`,
    );
    const r = await nslab('export-clab', lab);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: macvlans of the host node: .*left out\n$/);
    const clab = parse(r.stdout) as { name: string; topology: { nodes: Record<string, { kind: string; exec?: string[] }> } };
    expect(clab.name).toBe('cli15-checked');
    expect(clab.topology.nodes.c15b).toMatchObject({ kind: 'linux', exec: expect.arrayContaining(['ip addr add 10.253.1.2/24 dev eth0']) });
    const missing = await nslab('export-clab', path.join(dir, 'none.yaml'));
    expect([missing.code, missing.stdout, missing.stderr]).toEqual([1, '', `${path.join(dir, 'none.yaml')}: no such file\n`]);
  });
});
