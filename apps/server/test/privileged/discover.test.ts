/** Build a seed scenario by hand with raw ip commands, discover it, and compare. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverHost } from '../../src/discover.js';
import { hostRunner } from '../../src/runner.js';
import { isRoot, sh } from './helpers.js';

const NS = ['dsc-red', 'dsc-blue', 'dsc-orange'];
const RAW = [
  // Seed 04, second part, with names and addresses of this test's own.
  ...NS.map((n) => `netns add ${n}`),
  'link add dsc-br0 type bridge',
  ...NS.map((n) => `link add ${n}-v type veth peer name ${n}-br`),
  ...NS.map((n) => `link set ${n}-v netns ${n}`),
  ...NS.map((n) => `link set ${n}-br master dsc-br0`),
  ...NS.map((n) => `link set ${n}-br up`),
  'addr add 10.236.0.1/24 dev dsc-br0',
  'link set dsc-br0 up',
  // And a direct veth between two of the namespaces.
  'link add dsc-x1 netns dsc-red type veth peer name dsc-x2 netns dsc-blue',
];

describe.skipIf(!isRoot)('discover', () => {
  beforeAll(async () => {
    await cleanup();
    expect((await sh(['ip', '-batch', '-'], { input: `${RAW.join('\n')}\n` })).code).toBe(0);
    for (const [i, n] of NS.entries()) {
      await sh(['ip', '-n', n, 'addr', 'add', `10.236.0.${i + 2}/24`, 'dev', `${n}-v`]);
      await sh(['ip', '-n', n, 'link', 'set', `${n}-v`, 'up']);
      await sh(['ip', '-n', n, 'route', 'add', 'default', 'via', '10.236.0.1']);
    }
    await sh(['ip', '-n', 'dsc-red', 'addr', 'add', '10.237.0.1/30', 'dev', 'dsc-x1']);
    await sh(['ip', '-n', 'dsc-blue', 'addr', 'add', '10.237.0.2/30', 'dev', 'dsc-x2']);
  });
  afterAll(cleanup);

  it('finds namespaces nslab did not make only with --all', async () => {
    const plain = await discoverHost(hostRunner);
    expect(Object.keys(plain.topology.nodes)).not.toContain('dsc-red');
  });

  it('rebuilds the hand-made lab: namespaces, the bridge, veth peers across namespaces, addresses, routes', async () => {
    const r = await discoverHost(hostRunner, { all: true, name: 'found' });
    const t = r.topology;
    for (const n of NS) expect(t.nodes[n]).toMatchObject({ kind: 'netns', routes: [{ to: 'default', via: '10.236.0.1' }] });
    expect(t.nodes['dsc-br0']).toEqual({ kind: 'bridge', addresses: ['10.236.0.1/24'] });
    const ends = t.links.map((l) => l.endpoints.map((e) => `${e.node}:${e.name}:${e.addresses ?? ''}`).sort().join(' '));
    expect(ends).toEqual(expect.arrayContaining([
      'dsc-br0:dsc-red-br: dsc-red:dsc-red-v:10.236.0.2/24',
      'dsc-blue:dsc-blue-v:10.236.0.3/24 dsc-br0:dsc-blue-br:',
      'dsc-br0:dsc-orange-br: dsc-orange:dsc-orange-v:10.236.0.4/24',
      'dsc-blue:dsc-x2:10.237.0.2/30 dsc-red:dsc-x1:10.237.0.1/30',
    ]));
    expect(r.issues.filter((i) => i.severity !== 'warning' && String(i.path[1]).startsWith('dsc'))).toEqual([]);
  });
});

async function cleanup(): Promise<void> {
  await sh(['ip', '-force', '-batch', '-'], { input: `${['link del dsc-br0', ...NS.map((n) => `link del ${n}-br`), ...NS.map((n) => `netns del ${n}`)].join('\n')}\n` });
}
