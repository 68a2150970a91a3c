/**
 * import-clab and export-clab as users run them (bin/nslab, a process each):
 * YAML on stdout, notes on stderr as FILE:LINE: PATH: MESSAGE. They read no
 * host state but its interface names, so they need no root. Lab names cli15-*.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { where } from './clab.js';
import { USAGE } from './usage.js';
import { PAIR } from '../../test/cliLabs.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Where the commands run here write their audit trail: never the machine's log (root's), nor a warning that it cannot be written (anyone else's). */
const audit = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-clab-audit-')), 'audit.jsonl');
afterAll(() => fs.rmSync(path.dirname(audit), { recursive: true, force: true }));

/** Runs bin/nslab with `args`, `input` on its standard input. */
function nslab(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(repoRoot, 'bin/nslab'), ...args], {
      stdio: 'pipe',
      env: { ...process.env, NSLAB_AUDIT_LOG: process.env.NSLAB_AUDIT_LOG ?? audit },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(input);
  });
}

const TWO = [
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
].join('\n');

describe('import-clab and export-clab', () => {
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
    const r = await nslab(['import-clab', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${file}:7: topology.links[0].endpoints[1]: no node "r9" in topology.nodes\n`);
    const syntax = await nslab(['import-clab', write('syntax.clab.yml', 'name: x\ntopology: [\n')]);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(new RegExp(`^${dir}/syntax\\.clab\\.yml:\\d+: \\S`));
  });

  it('a note about the whole file (no path, no line) is FILE: MESSAGE, a colon after FILE as always', async () => {
    const file = write('empty.clab.yml', '');
    const r = await nslab(['import-clab', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${file}: expected a mapping with "name" and "topology"\n`);
    expect(where('f.yml', { path: '', line: 0 })).toBe('f.yml:');
    expect(where('f.yml', { path: '', line: 3 })).toBe('f.yml:3:');
    expect(where('f.yml', { path: 'mgmt', line: 0 })).toBe('f.yml: mgmt:');
  });

  it('what nslab cannot do is a warning naming its line and YAML path; the lab is on stdout and valid', async () => {
    const file = write('pair.clab.yml', `name: cli15-pair\n${TWO}`);
    const r = await nslab(['import-clab', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^${file.replace(/\./g, '\\.')}:6: topology\\.nodes\\.r1\\.image: warning: `, 'm'));
    expect(r.stdout).toMatch(/^name: cli15-pair$/m);
    expect(r.stdout).toContain('10.253.3.2/24');
    const lab = write('pair.yaml', r.stdout);
    expect((await nslab(['validate', lab])).code).toBe(0);
    expect((await nslab(['import-clab', file, '--name', 'cli15-renamed'])).stdout).toMatch(/^name: cli15-renamed$/m);

    // And back: a containerlab file with linux nodes whose exec lines build it; the image as asked.
    const back = await nslab(['export-clab', lab, '--image', 'example/tools:1']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/^topology:$/m);
    expect(back.stdout).toContain('ip addr add 10.253.3.1/24 dev eth1');
    expect(back.stdout).toContain('example/tools:1');
  });

  it('a file without name: makes a lab named after the file, as import-script names one; standard input, "imported"', async () => {
    const file = write('Cli15 Two Hosts.clab.yml', TWO);
    const r = await nslab(['import-clab', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^name: cli15-two-hosts$/m);
    const script = write('Cli15 Two Hosts.sh', 'ip netns add r1\n');
    expect((await nslab(['import-script', script])).stdout).toMatch(/^name: cli15-two-hosts$/m);
    expect((await nslab(['import-clab', '-'], TWO)).stdout).toMatch(/^name: imported$/m);
    expect((await nslab(['import-clab', file, '--name', 'cli15-given'])).stdout).toMatch(/^name: cli15-given$/m);
  });

  it('import-clab reads standard input for "-", and names it "-" in its notes', async () => {
    const text = 'name: cli15-stdin\nmgmt: { network: custom }\ntopology:\n  nodes:\n    r1: { kind: linux }\n';
    const r = await nslab(['import-clab', '-'], text);
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
    const r = await nslab(['export-clab', lab]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: macvlans of the host node: .*left out$/m);
    const clab = parse(r.stdout) as { name: string; topology: { nodes: Record<string, { kind: string; exec?: string[] }> } };
    expect(clab.name).toBe('cli15-checked');
    // No management network: containerlab refuses a linux node's eth0 endpoint otherwise, and Docker's eth0 would clash with the lab's routes.
    expect(clab.topology.nodes.c15b).toMatchObject({
      kind: 'linux',
      'network-mode': 'none',
      exec: expect.arrayContaining(['ip addr add 10.253.1.2/24 dev eth0']),
    });
    const missing = await nslab(['export-clab', path.join(dir, 'none.yaml')]);
    expect([missing.code, missing.stdout, missing.stderr]).toEqual([1, '', `${path.join(dir, 'none.yaml')}: no such file\n`]);
  });
});

describe('a wrong option', () => {
  it.each([
    [['import-clab', 'x.yml', '--nmae', 'a'], 'nslab import-clab FILE [--name N]'],
    [['export-clab', 'x.yaml', '--img', 'a'], 'nslab export-clab FILE [--image IMG]'],
    [['import-script', 'x.sh', '--bogus'], 'nslab import-script SCRIPT [--name N]'],
    [['discover', '--bogus'], 'nslab discover [--all] [--name N] [--script]'],
    [['discover', 'extra'], 'nslab discover [--all] [--name N] [--script]'],
    [['discover', '--name'], 'nslab discover [--all] [--name N] [--script]'],
    [['token', '--bogus'], 'nslab token [--data-dir D]'],
    [['serve', '--prot', '7001'], 'nslab serve [--port P] [--host H] [--data-dir D] [--no-token] [--remote-token]'],
    [['sandbox', 'create', 'cli15-sb', '--bogus'], 'nslab sandbox create S [--pids N] [--memory MIB]'],
  ])('%j: exit 1 (invalid input), with the command’s usage line, the one nslab --help gives', async (args, usage) => {
    const r = await nslab(args);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toMatch(/^Unknown option|^Option '--.+' argument missing|^Unexpected argument/);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(`usage: ${usage}`);
    const line = `  ${usage.replace(/^nslab /, '')}`;
    expect(USAGE.split('\n').filter((l) => l === line || l.startsWith(`${line} `))).toHaveLength(1);
  });

  it('trace: exit 2, "cannot trace" (its 1 means dropped)', async () => {
    const r = await nslab(['trace', 'lab', 'a', 'b', '--prot', 'tcp']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^usage: nslab trace /);
  });
});
