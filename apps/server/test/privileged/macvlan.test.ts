/**
 * macvlan on the real kernel, with no template: two namespaces with a macvlan
 * each on one lab bridge of the host, and a namespace on a veth port of that
 * bridge, ping each other; a redeploy changes nothing; a macvlan deleted by hand is drift
 * that deploy repairs; a new mode recreates it; destroy leaves nothing.
 * And macvlans on the host end of a veth (one in the host, one in a
 * namespace) reach the veth's other end, and go with it on destroy.
 * Labs `mvt-lab`, `mvt-veth`, namespaces `mvt-*`, host links `mvt*`, addresses 10.236.50.0/24 and 10.236.51.0/24.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { deployLab, destroyLab, planLab } from '../../src/lab.js';
import { destroyQuietly, isRoot, labFile, labFromYaml, nslab, ping, removeLabs, sh } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

const LAB = `name: mvt-lab
nodes:
  host: { kind: host }
  mvt-br: { kind: bridge }
  mvt-a:
    kind: netns
    macvlans: [{ name: mv0, parent: mvt-br, addresses: [10.236.50.1/24] }]
  mvt-b:
    kind: netns
    macvlans: [{ name: mv0, parent: mvt-br, mode: bridge, mac: "02:00:0a:ec:32:02", addresses: [10.236.50.2/24] }]
  mvt-c: { kind: netns }
links:
  - endpoints: [{ node: mvt-br, name: mvt-c0 }, { node: mvt-c, name: eth0, addresses: [10.236.50.3/24] }]
`;

describe.skipIf(!isRoot)('macvlan: one kind module, end to end', () => {
  const t = labFromYaml(LAB);
  let guard: HostGuard | undefined;
  afterAll(async () => {
    await destroyQuietly(t.name);
    await guard?.release();
  });

  it('deploys macvlans on a lab bridge; siblings and a bridge port ping; drift is found and repaired; destroy leaves nothing', async () => {
    await removeLabs([t.name]);
    guard = await guardHost([t]);
    expect((await deployLab(t)).result.ok).toBe(true);
    const link = JSON.parse((await sh(['ip', '-n', 'mvt-b', '-json', '-details', 'link', 'show', 'dev', 'mv0'])).stdout)[0];
    expect(link.linkinfo.info_kind).toBe('macvlan');
    expect(link.linkinfo.info_data.mode).toBe('bridge');
    expect(link.address).toBe('02:00:0a:ec:32:02');
    expect((await ping('mvt-a', '10.236.50.2')).ok).toBe(true);
    expect((await ping('mvt-b', '10.236.50.3')).ok).toBe(true);
    expect((await planLab(t)).steps.map((s) => s.reason)).toEqual([]);

    // Drift: the kernel loses mvt-b's macvlan; status says so (exit 3), deploy puts back only it.
    expect((await sh(['ip', '-n', 'mvt-b', 'link', 'del', 'mv0'])).code).toBe(0);
    const status = await nslab('status', labFile(LAB));
    expect(status.code, status.stdout).toBe(3);
    expect(status.stdout).toContain('ip link add link mvt-br name mv0 address 02:00:0a:ec:32:02 netns mvt-b type macvlan mode bridge');
    const repair = await deployLab(t);
    expect(repair.result.ok).toBe(true);
    expect(repair.plan.steps.map((s) => s.kind)).toEqual(['macvlan.add', 'addr.add', 'link.set']);
    expect((await ping('mvt-b', '10.236.50.1')).ok).toBe(true);

    // A new mode cannot be set in place: the macvlan is recreated, in mode private (siblings no longer reach each other).
    const priv = labFromYaml(LAB.replace('mode: bridge', 'mode: private'));
    const recreate = await deployLab(priv);
    expect(recreate.result.ok).toBe(true);
    expect(recreate.plan.steps.map((s) => s.kind)).toEqual(['link.del', 'macvlan.add', 'addr.add', 'link.set']);
    const mode = JSON.parse((await sh(['ip', '-n', 'mvt-b', '-json', '-details', 'link', 'show', 'dev', 'mv0'])).stdout)[0];
    expect(mode.linkinfo.info_data.mode).toBe('private');
    expect((await ping('mvt-a', '10.236.50.2', 1)).ok).toBe(false);
    expect((await ping('mvt-b', '10.236.50.3')).ok).toBe(true);
    expect((await planLab(priv)).steps).toEqual([]);

    expect((await destroyLab(t.name)).result.ok).toBe(true);
    expect((await sh(['ip', 'netns', 'list'])).stdout).not.toMatch(/mvt-/);
    await guard.expectRestored();
  });
});

const ON_VETH = `name: mvt-veth
nodes:
  host:
    kind: host
    macvlans: [{ name: mvth, parent: mvt-vh, addresses: [10.236.51.9/24] }]
  mvt-d: { kind: netns }
  mvt-e:
    kind: netns
    macvlans: [{ name: mv0, parent: mvt-vh, addresses: [10.236.51.2/24] }]
links:
  - endpoints: [{ node: mvt-d, name: eth0, addresses: [10.236.51.1/24] }, { node: host, name: mvt-vh }]
`;

describe.skipIf(!isRoot)('macvlan on the host end of a veth', () => {
  const t = labFromYaml(ON_VETH);
  let guard: HostGuard | undefined;
  afterAll(async () => {
    await destroyQuietly(t.name);
    await guard?.release();
  });

  it('made after the veth it stands on; reaches its other end from a namespace and from the host; marked; gone with it', async () => {
    await removeLabs([t.name]);
    guard = await guardHost([t]);
    expect((await deployLab(t)).result.ok).toBe(true);
    expect((await ping('mvt-e', '10.236.51.1')).ok).toBe(true);
    expect((await ping('mvt-d', '10.236.51.9')).ok).toBe(true);
    const host = JSON.parse((await sh(['ip', '-json', 'link', 'show', 'dev', 'mvth'])).stdout)[0];
    expect(host.ifalias).toBe('nslab:mvt-veth');
    expect((await planLab(t)).steps).toEqual([]);
    expect((await destroyLab(t.name)).result.ok).toBe(true);
    expect((await sh(['ip', 'link', 'show', 'dev', 'mvth'])).code).not.toBe(0);
    await guard.expectRestored();
  });
});
