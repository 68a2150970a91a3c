import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeFeatures } from '../../src/capabilities.js';
import { hostRunner } from '../../src/runner.js';
import { isRoot, nslab, sh } from './helpers.js';

const DIRECT: Record<string, string[]> = {
  veth: ['link', 'add', 'c0', 'type', 'veth', 'peer', 'name', 'c1'],
  bridge: ['link', 'add', 'cbr', 'type', 'bridge'],
  vxlan: ['link', 'add', 'cvx', 'type', 'vxlan', 'id', '9', 'dstport', '4789'],
  dummy: ['link', 'add', 'cdm', 'type', 'dummy'],
  ipip: ['link', 'add', 'cip', 'type', 'ipip'],
  gre: ['link', 'add', 'cgr', 'type', 'gre'],
  wireguard: ['link', 'add', 'cwg', 'type', 'wireguard'],
};

describe.skipIf(!isRoot)('capability probe', () => {
  const ns = 'nslab-captest';
  beforeAll(() => sh(['ip', 'netns', 'add', ns]));
  afterAll(() => sh(['ip', 'netns', 'del', ns]));

  it('agrees, kind by kind, with creating that link kind directly', async () => {
    const features = await probeFeatures(hostRunner, { fresh: true });
    for (const [kind, argv] of Object.entries(DIRECT)) {
      const direct = (await sh(['ip', '-n', ns, ...argv])).code === 0;
      expect(features[kind], kind).toBe(direct);
    }
    expect(features.veth && features.bridge).toBe(true);
  });

  it('leaves no probe namespace behind', async () => {
    await probeFeatures(hostRunner, { fresh: true });
    expect((await sh(['ip', 'netns', 'list'])).stdout).not.toContain('nslab-probe');
  });

  it('nslab capabilities lists every feature as yes or no', async () => {
    const r = await nslab('capabilities');
    expect(r.code).toBe(0);
    for (const f of ['veth', 'bridge', 'vxlan', 'dummy', 'vlan', 'ipip', 'gre', 'wireguard', 'netem', 'iptables']) {
      expect(r.stdout).toMatch(new RegExp(`^(yes|no ) +${f}$`, 'm'));
    }
  });
});
