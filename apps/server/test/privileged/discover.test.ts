/**
 * Build a seed scenario by hand with raw ip commands, discover it, and
 * compare; deploy a lab on a host of the test's own, discover it, and find
 * the same lab (the plan of what was found changes nothing, its script
 * rebuilds it on another host).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Topology } from '@nslab/topology';
import { discoverHost } from '../../src/discover.js';
import { hostRunner } from '../../src/runner.js';
import { isolatedHost, isRoot, sh, type IsolatedHost } from './helpers.js';

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
    const ends = t.links.map((l) =>
      l.endpoints
        .map((e) => `${e.node}:${e.name}:${e.addresses ?? ''}`)
        .sort()
        .join(' '),
    );
    expect(ends).toEqual(
      expect.arrayContaining([
        'dsc-br0:dsc-red-br: dsc-red:dsc-red-v:10.236.0.2/24',
        'dsc-blue:dsc-blue-v:10.236.0.3/24 dsc-br0:dsc-blue-br:',
        'dsc-br0:dsc-orange-br: dsc-orange:dsc-orange-v:10.236.0.4/24',
        'dsc-blue:dsc-x2:10.237.0.2/30 dsc-red:dsc-x1:10.237.0.1/30',
      ]),
    );
    expect(r.issues.filter((i) => i.severity !== 'warning' && String(i.path[1]).startsWith('dsc'))).toEqual([]);
  });
});

async function cleanup(): Promise<void> {
  await sh(['ip', '-force', '-batch', '-'], {
    input: `${['link del dsc-br0', ...NS.map((n) => `link del ${n}-br`), ...NS.map((n) => `netns del ${n}`)].join('\n')}\n`,
  });
}

const LAB = `
name: dsc-round
nodes:
  host:
    kind: host
    sysctls: { net.ipv4.ip_forward: 1 }
    nat:
      - { type: masquerade, source: 10.237.1.0/24, notOutInterface: dscbr0 }
      - { type: dnat, proto: tcp, port: 8080, to: "10.237.1.2:80", destination: 10.237.1.1 }
  dscbr0: { kind: bridge, addresses: [10.237.1.1/24] }
  dsc-a: { kind: netns, routes: [{ to: default, via: 10.237.1.1 }] }
  dsc-r:
    kind: netns
    sysctls: { net.ipv4.ip_forward: 1 }
    firewall: { forwardPolicy: drop, forward: [{ in: eth0, out: eth1, action: accept }] }
    vxlans: [{ name: vx0, vni: 237, remote: 10.237.2.2, dstport: 4789, dev: eth1 }]
  dsc-b: { kind: netns, routes: [{ to: 10.237.1.0/24, via: 10.237.2.1 }] }
links:
  - endpoints: [{ node: dsc-a, name: eth0, addresses: [10.237.1.2/24] }, { node: dscbr0, name: dsc-a-br }]
  - endpoints: [{ node: dsc-r, name: eth0, addresses: [10.237.1.3/24] }, { node: dscbr0, name: dsc-r-br }]
  - endpoints: [{ node: dsc-r, name: eth1, addresses: [10.237.2.1/24], mtu: 1400 }, { node: dsc-b, name: eth0, addresses: [10.237.2.2/24] }]
`;

describe.skipIf(!isRoot)('discover a deployed lab', () => {
  // Discover reads every lab on the host it runs on: here, hosts of the test's own.
  const hosts: IsolatedHost[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-discover-'));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  afterAll(async () => {
    for (const h of hosts) await h.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the lab it deployed: the plan of what it found changes nothing, and its script rebuilds it elsewhere', async () => {
    const host = await isolatedHost();
    hosts.push(host);
    const deployed = await host.nslab('deploy', write('lab.yaml', LAB));
    expect(deployed.code, deployed.stderr).toBe(0);

    const found = await host.nslab('discover');
    expect(found.code, found.stderr).toBe(0);
    expect(found.stderr).toBe('');
    const t = parse(found.stdout) as Topology;
    expect(t.name).toBe('dsc-round');
    expect(t.nodes).toEqual({
      host: {
        kind: 'host',
        sysctls: { 'net.ipv4.ip_forward': 1 },
        nat: [
          { type: 'dnat', proto: 'tcp', port: 8080, to: '10.237.1.2:80', destination: '10.237.1.1' },
          { type: 'masquerade', source: '10.237.1.0/24', notOutInterface: 'dscbr0' },
        ],
      },
      'dsc-a': { kind: 'netns', routes: [{ to: 'default', via: '10.237.1.1', dev: 'eth0' }] },
      'dsc-b': { kind: 'netns', routes: [{ to: '10.237.1.0/24', via: '10.237.2.1', dev: 'eth0' }] },
      'dsc-r': {
        kind: 'netns',
        sysctls: { 'net.ipv4.ip_forward': 1 },
        firewall: { forwardPolicy: 'drop', forward: [{ in: 'eth0', out: 'eth1', action: 'accept' }] },
        vxlans: [{ name: 'vx0', vni: 237, remote: '10.237.2.2', dstport: 4789, dev: 'eth1' }],
      },
      dscbr0: { kind: 'bridge', addresses: ['10.237.1.1/24'] },
    });
    expect(t.links).toEqual([
      {
        endpoints: [
          { node: 'dsc-a', name: 'eth0', addresses: ['10.237.1.2/24'] },
          { node: 'dscbr0', name: 'dsc-a-br' },
        ],
      },
      {
        endpoints: [
          { node: 'dsc-b', name: 'eth0', addresses: ['10.237.2.2/24'] },
          { node: 'dsc-r', name: 'eth1', addresses: ['10.237.2.1/24'], mtu: 1400 },
        ],
      },
      {
        endpoints: [
          { node: 'dsc-r', name: 'eth0', addresses: ['10.237.1.3/24'] },
          { node: 'dscbr0', name: 'dsc-r-br' },
        ],
      },
    ]);

    const plan = await host.nslab('plan', write('found.yaml', found.stdout));
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('nothing to do, the host matches the design');

    const script = await host.nslab('discover', '--script');
    expect(script.code, script.stderr).toBe(0);
    expect((await host.nslab('discover', '--script')).stdout).toBe(script.stdout);
    expect(script.stdout).toContain('ip netns add dsc-a');

    const other = await isolatedHost();
    hosts.push(other);
    const built = await other.run(['bash', write('found.sh', script.stdout)]);
    expect(built.code, built.stderr).toBe(0);
    // The script set the host's ip_forward as any script would, without nslab's hold: only --all calls it the lab's.
    expect((parse((await other.nslab('discover')).stdout) as Topology).nodes['host']).not.toHaveProperty('sysctls');
    expect((await other.nslab('discover', '--all')).stdout).toBe(found.stdout);
  });
});
