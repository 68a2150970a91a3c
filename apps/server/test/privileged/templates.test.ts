/** Every template deploys, and all its checks pass on the real kernel; then destroy leaves nothing. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTopology } from '@nslab/topology';
import { deployLab, destroyLab } from '../../src/lab.js';
import { runChecks } from '../../src/runChecks.js';
import { hostRunner } from '../../src/runner.js';
import { destroyQuietly, hostSnapshot, isRoot, nslab, removeLabs, repoRoot, expectHostAsBefore } from './helpers.js';

const files = fs.readdirSync(path.join(repoRoot, 'labs')).filter((f) => f.endsWith('.yaml')).sort();

describe.skipIf(!isRoot)('templates: deploy, check, destroy', () => {
  const deployed: string[] = [];
  afterAll(async () => {
    for (const lab of deployed) await destroyQuietly(lab);
  });

  it.each(files)('%s: every check passes after deploy', async (file) => {
    const t = parseTopology(fs.readFileSync(path.join(repoRoot, 'labs', file), 'utf8')).topology!;
    expect(t.checks?.length).toBeGreaterThan(0);
    expect(t.description?.length).toBeGreaterThan(40);
    await removeLabs([t.name]);
    const before = await hostSnapshot();
    deployed.push(t.name);
    expect((await deployLab(t)).result.ok).toBe(true);
    const results = await runChecks(hostRunner, t);
    for (const r of results) expect(r.ok, `${file} checks[${r.index}]: ${r.observed} — ${r.explanation}`).toBe(true);
    for (const r of results) expect(r.explanation.length).toBeGreaterThan(20);
    expect((await destroyLab(t.name)).result.ok).toBe(true);
    await expectHostAsBefore(before);
  });

  it('nslab check explains why seed 01 fails by design', async () => {
    await removeLabs(['l3-only']);
    deployed.push('l3-only');
    expect((await nslab('deploy', 'labs/03-l3-only.yaml')).code).toBe(0);
    const r = await nslab('check', 'labs/03-l3-only.yaml');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PASS {2}ns1 cannot ping 172\.30\.30\.12/);
    expect(r.stdout).toMatch(/separate L2 segments.*enable proxy_arp on veth-ns1/);
    expect(r.stdout).toMatch(/PASS {2}ns1's neighbour entry for 172\.30\.30\.12 is FAILED/);
    await nslab('destroy', 'l3-only');
  });

  it('nslab check exits non-zero when a check fails, and says why', async () => {
    await removeLabs(['veth-pair']);
    deployed.push('veth-pair');
    const file = path.join(fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'nslab-')), 'lab.yaml');
    fs.writeFileSync(file, fs.readFileSync(path.join(repoRoot, 'labs/01-veth-pair.yaml'), 'utf8').replace('- { from: red, ping: 192.168.100.3 }', '- { from: red, ping: 192.168.100.9 }'));
    expect((await nslab('deploy', file)).code).toBe(0);
    const r = await nslab('check', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}red can ping 192\.168\.100\.9: unreachable/);
    await nslab('destroy', 'veth-pair');
  });
});
