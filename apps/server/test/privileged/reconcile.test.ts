/**
 * Deploy is reconcile, on the real kernel: edits touch only what changed,
 * failures roll back and name the step, conflicts refuse before anything
 * runs, and the CLI's exit codes follow shared/DESIGN.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { toArgv, type Topology } from '@nslab/topology';
import { deployLab, destroyLab, planLab } from '../../src/lab.js';
import { deployOk, destroyQuietly, isRoot, labFile, labFromYaml, nslab, ping, removeLabs, sh, templateCopy } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

const LAB = `
name: rc-edit
nodes:
  host: { kind: host }
  rcbr0: { kind: bridge, addresses: [10.211.0.1/24] }
  rc-a: { kind: netns, routes: [{ to: default, via: 10.211.0.1 }] }
  rc-b: { kind: netns }
links:
  - endpoints: [{ node: rc-a, name: eth0, addresses: [10.211.0.2/24] }, { node: rcbr0, name: rc-a-br }]
  - endpoints: [{ node: rc-b, name: eth0, addresses: [10.211.0.3/24] }, { node: rcbr0, name: rc-b-br }]
`;

describe.skipIf(!isRoot)('reconcile on the real kernel', () => {
  const base = labFromYaml(LAB);
  let guard: HostGuard | undefined;
  beforeAll(async () => {
    await removeLabs([base.name]);
    guard = await guardHost([base]);
    await deployOk(base);
  });
  afterAll(async () => {
    await destroyQuietly(base.name);
    await guard?.release();
  });

  it('editing one link address changes only that address', async () => {
    const edited = structuredClone(base);
    edited.links[1]!.endpoints[0].addresses = ['10.211.0.33/24'];
    const { plan, result } = await deployLab(edited);
    expect(result.ok).toBe(true);
    expect(plan.steps.map((s) => toArgv(s).join(' '))).toEqual([
      'ip -n rc-b addr del 10.211.0.3/24 dev eth0',
      'ip -n rc-b addr add 10.211.0.33/24 dev eth0',
    ]);
    expect((await ping('rc-a', '10.211.0.33')).ok).toBe(true);
    expect((await ping('rc-a', '10.211.0.3', 1)).ok).toBe(false);
  });

  it('renaming a link end recreates only that veth, and traffic flows again', async () => {
    const edited = structuredClone(base);
    edited.links[1]!.endpoints[1].name = 'rc-b-br2';
    const { plan, result } = await deployLab(edited);
    expect(result.ok).toBe(true);
    const touched = new Set(
      plan.steps.flatMap((s) => (s.kind === 'veth.add' ? [s.a.name, s.b.name] : 'name' in s ? [s.name] : 'dev' in s ? [s.dev] : [s.kind])),
    );
    expect([...touched].sort()).toEqual(['eth0', 'rc-b-br', 'rc-b-br2']);
    expect((await ping('rc-a', '10.211.0.3')).ok).toBe(true);
    expect((await planLab(edited)).steps).toEqual([]);
  });

  it("a link changed behind nslab's back is drift, and deploy repairs only it", async () => {
    const t = structuredClone(base);
    t.links[1]!.endpoints[1].name = 'rc-b-br2';
    await sh(['ip', '-n', 'rc-a', 'link', 'set', 'eth0', 'down']);
    const drift = await planLab(t);
    // The kernel drops routes through a link that goes down: both come back.
    expect(drift.steps.map((s) => toArgv(s).join(' '))).toEqual([
      'ip -n rc-a link set dev eth0 up',
      'ip -n rc-a route add default via 10.211.0.1',
    ]);
    expect((await nslab('status', writeTmp(t))).code).toBe(3);
    await deployOk(t);
    expect((await nslab('status', writeTmp(t))).code).toBe(0);
  });

  it('destroy, from the lab name alone, leaves the host as it was', async () => {
    const r = await nslab('destroy', base.name);
    expect(r.code, r.stderr).toBe(0);
    await guard!.expectRestored();
  });
});

describe.skipIf(!isRoot)('a failing step rolls back and says why', () => {
  const t = labFromYaml(`
name: rc-fail
nodes:
  host:
    kind: host
    routes: [{ to: 10.212.9.0/24, via: 10.212.0.2 }]
    sysctls: { net.ipv4.ip_forward: 1 }
  rf-a: { kind: netns }
links:
  - endpoints: [{ node: rf-a, name: eth0, addresses: [10.212.0.2/24] }, { node: host, name: rf-host, addresses: [10.212.0.1/24] }]
`);
  let guard: HostGuard | undefined;
  beforeAll(async () => {
    await removeLabs([t.name]);
    // A foreign interface (not nslab's) already routes 10.212.9.0/24: the lab's route will collide.
    await sh(['ip', 'link', 'add', 'rcf-foreign', 'type', 'veth', 'peer', 'name', 'rcf-foreign2']);
    await sh(['ip', 'link', 'set', 'rcf-foreign', 'up']);
    await sh(['ip', 'route', 'add', '10.212.9.0/24', 'dev', 'rcf-foreign']);
    guard = await guardHost([t]);
  });
  afterAll(async () => {
    await destroyQuietly(t.name);
    await sh(['ip', 'link', 'del', 'rcf-foreign']);
    await guard?.release();
  });

  it("exits 2, names the step and the kernel's message, and leaves the host as it was", async () => {
    const file = writeTmp(t);
    const r = await nslab('deploy', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ip route add 10.212.9.0/24 via 10.212.0.2');
    expect(r.stderr).toMatch(/File exists/);
    expect(r.stderr).toContain('rolled back');
    await guard!.expectRestored();
    expect((await sh(['ip', '-json', 'route', 'show', '10.212.9.0/24'])).stdout).toContain('"dev":"rcf-foreign"'); // the foreign route survived
  });
});

describe.skipIf(!isRoot)('ownership: what nslab did not make is never touched', () => {
  const t = labFromYaml(`
name: rc-own
nodes:
  ro-a: { kind: netns }
  ro-b: { kind: netns }
links:
  - endpoints: [{ node: ro-a, name: eth0, addresses: [10.213.0.1/24] }, { node: ro-b, name: eth0, addresses: [10.213.0.2/24] }]
`);
  beforeAll(async () => {
    await removeLabs([t.name, 'rc-other']);
    await sh(['ip', 'netns', 'add', 'ro-b']); // someone else's namespace
  });
  afterAll(async () => {
    await destroyQuietly(t.name);
    await destroyQuietly('rc-other');
    await sh(['ip', 'netns', 'del', 'ro-b']);
  });

  it("deploy refuses a name that exists and is not the lab's, exit 1, nothing changed", async () => {
    const guard = await guardHost([t]);
    try {
      const r = await nslab('deploy', writeTmp(t));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('nodes.ro-b: namespace "ro-b" exists and was not created by nslab');
      await guard.expectRestored();
    } finally {
      await guard.release();
    }
  });

  it('destroy and clean leave a foreign namespace alone', async () => {
    expect((await nslab('destroy', t.name)).code).toBe(0);
    const names = (await sh(['ip', 'netns', 'list'])).stdout;
    expect(names).toContain('ro-b');
  });

  it("another lab's namespace is a conflict too, named as such", async () => {
    const other = labFromYaml('name: rc-other\nnodes:\n  ro-a: { kind: netns }\n');
    await deployOk(other);
    const plan = await planLab(t);
    expect(plan.conflicts.map((c) => c.message)).toContain(
      'namespace "ro-a" belongs to lab "rc-other"; nslab will not touch it (rename the node, or set a prefix)',
    );
    await destroyLab(other.name);
  });
});

describe.skipIf(!isRoot)('CLI contract', () => {
  it('validate: exit 0 for a valid file', async () => {
    expect((await nslab('validate', 'labs/04-proxy-arp.yaml')).code).toBe(0);
  });

  it('validate: exit 1 with one "path: message" line per error', async () => {
    const bad = labFromYaml(LAB) as Topology & Record<string, unknown>;
    const text = stringify(bad).replace('name: rc-a-br', 'name: veth-too-long-name').replace('10.211.0.3/24', '10.211.0.3/99');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-')), 'bad.yaml');
    fs.writeFileSync(file, text);
    const r = await nslab('validate', file);
    expect(r.code).toBe(1);
    const lines = (r.stdout + r.stderr).trim().split('\n');
    expect(lines).toEqual([
      'links[0].endpoints[1].name: "veth-too-long-name" is 18 characters; Linux allows 15',
      'links[1].endpoints[0].addresses[0]: "10.211.0.3/99" is not an address with a prefix length (like 10.0.0.1/24 or fd00::1/64)',
    ]);
  });

  it('deploy of an invalid file exits 1 and runs nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'name: rc-bad\nnodes:\n  x: { kind: router }\n');
    const r = await nslab('deploy', file, { NSLAB_AUDIT_LOG: path.join(dir, 'audit.jsonl') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nodes.x.kind: unknown kind "router"; expected one of netns, host, bridge');
    expect(fs.existsSync(path.join(dir, 'audit.jsonl')), 'a command ran').toBe(false);
  });

  it('plan right after deploy prints no commands', async () => {
    const file = labFile(templateCopy('01-veth-pair.yaml', 'rc-vp', 'rcv-').text);
    await removeLabs(['rc-vp']);
    try {
      expect((await nslab('deploy', file)).code).toBe(0);
      const r = await nslab('plan', file);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('#'))).toEqual([]);
      expect((await nslab('status', 'rc-vp')).code).toBe(0);
    } finally {
      await nslab('destroy', 'rc-vp');
    }
    expect((await nslab('status', 'rc-vp')).code).toBe(3);
  });
});

function writeTmp(t: Topology): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-')), `${t.name}.yaml`);
  fs.writeFileSync(file, stringify(t));
  return file;
}
