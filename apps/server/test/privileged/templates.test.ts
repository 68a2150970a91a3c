/**
 * Every template deploys, all its checks pass on the real kernel, a plan right
 * after deploy is empty, and destroy leaves nothing. Each runs as the test's
 * own copy (its own lab name and namespace prefix).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deployLab, destroyLab, planLab } from '../../src/lab.js';
import { runChecks } from '../../src/live/runChecks.js';
import { hostRunner } from '../../src/runner.js';
import { destroyQuietly, isRoot, labFile, nslab, removeLabs, repoRoot, templateCopy } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

const files = fs
  .readdirSync(path.join(repoRoot, 'labs'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe.skipIf(!isRoot)('templates: deploy, check, destroy', () => {
  const deployed: string[] = [];
  const guards: HostGuard[] = [];
  afterAll(async () => {
    for (const lab of deployed) await destroyQuietly(lab);
    for (const g of guards) await g.release();
  });

  it.each(files)('%s: every check passes after deploy, and a plan right after is empty', async (file) => {
    const { topology: t } = templateCopy(file, `tpl-${file.slice(0, 2)}`, `t${file.slice(0, 2)}-`);
    expect(t.checks?.length).toBeGreaterThan(0);
    expect(t.description?.length).toBeGreaterThan(40);
    await removeLabs([t.name]);
    const guard = await guardHost([t]);
    guards.push(guard);
    deployed.push(t.name);
    expect((await deployLab(t)).result.ok).toBe(true);
    expect(
      (await planLab(t)).steps.map((s) => s.reason),
      'deploy, then plan: nothing to do',
    ).toEqual([]);
    const results = await runChecks(hostRunner, t);
    for (const r of results) expect(r.ok, `${file} checks[${r.index}]: ${r.observed} — ${r.explanation}`).toBe(true);
    for (const r of results) expect(r.explanation.length).toBeGreaterThan(20);
    expect((await destroyLab(t.name)).result.ok).toBe(true);
    await guard.expectRestored();
  });

  it('nslab check explains why seed 01 fails by design', async () => {
    const { text } = templateCopy('03-l3-only.yaml', 'tpl-l3-cli', 'tlc-');
    const file = labFile(text);
    await removeLabs(['tpl-l3-cli']);
    deployed.push('tpl-l3-cli');
    expect((await nslab('deploy', file)).code).toBe(0);
    const r = await nslab('check', file);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/PASS {2}ns1 cannot ping 172\.30\.30\.12/);
    expect(r.stdout).toMatch(/separate L2 segments.*enable proxy_arp on veth-ns1/);
    expect(r.stdout).toMatch(/PASS {2}ns1's neighbour entry for 172\.30\.30\.12 is FAILED/);
    expect((await nslab('destroy', 'tpl-l3-cli')).code).toBe(0);
  });

  it('nslab check exits non-zero when a check fails, and says why', async () => {
    const { text } = templateCopy('01-veth-pair.yaml', 'tpl-vp-cli', 'tvc-');
    const file = labFile(text.replace('- { from: red, ping: 192.168.100.3 }', '- { from: red, ping: 192.168.100.9 }'));
    await removeLabs(['tpl-vp-cli']);
    deployed.push('tpl-vp-cli');
    expect((await nslab('deploy', file)).code).toBe(0);
    const r = await nslab('check', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}red can ping 192\.168\.100\.9: unreachable/);
    expect((await nslab('destroy', 'tpl-vp-cli')).code).toBe(0);
  });
});
