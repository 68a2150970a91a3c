import { describe, expect, it } from 'vitest';
import type { Topology } from '@nslab/topology';
import { gateways } from './gateways';

const t: Topology = {
  name: 'g',
  nodes: {
    ns1: { kind: 'netns' },
    ns2: { kind: 'netns' },
    router: { kind: 'netns', sysctls: { 'net.ipv4.ip_forward': 1 } },
    br0: { kind: 'bridge', addresses: ['10.0.1.254/24'] },
    far: { kind: 'netns' },
  },
  links: [
    {
      endpoints: [
        { node: 'ns1', name: 'eth0', addresses: ['10.0.0.2/24'] },
        { node: 'router', name: 'eth0', addresses: ['10.0.0.1/24'] },
      ],
    },
    {
      endpoints: [
        { node: 'ns2', name: 'eth0', addresses: ['10.0.1.2/24'] },
        { node: 'br0', name: 'p-ns2' },
      ],
    },
    {
      endpoints: [
        { node: 'far', name: 'eth0', addresses: ['10.0.1.3/24'] },
        { node: 'br0', name: 'p-far' },
      ],
    },
    {
      endpoints: [
        { node: 'router', name: 'eth1', addresses: ['10.0.1.1/24', '192.0.2.1/24'] },
        { node: 'br0', name: 'p-r' },
      ],
    },
  ],
};

describe('gateways', () => {
  it('suggests the peer of a veth', () => {
    expect(gateways(t, 'ns1', 'eth0')).toEqual([{ ip: '10.0.0.1', label: 'router eth0', dev: 'eth0' }]);
  });

  it('suggests the bridge and the router behind it first, then the other namespaces, in the same subnet only', () => {
    expect(gateways(t, 'ns2', 'eth0').map((g) => `${g.ip} ${g.label}`)).toEqual([
      '10.0.1.254 br0 (bridge)',
      '10.0.1.1 router eth1',
      '10.0.1.3 far eth0',
    ]);
  });

  it('looks at every interface when none is chosen, and knows each one’s dev', () => {
    expect(gateways(t, 'router').map((g) => [g.ip, g.dev])).toEqual([
      ['10.0.1.254', 'eth1'],
      ['10.0.0.2', 'eth0'],
      ['10.0.1.2', 'eth1'],
      ['10.0.1.3', 'eth1'],
    ]);
  });

  it('suggests nothing for a node without links, an unknown one or an interface it lacks', () => {
    expect(gateways(t, 'nobody')).toEqual([]);
    expect(gateways(t, 'ns1', 'eth9')).toEqual([]);
    expect(gateways(t, '__proto__')).toEqual([]);
  });
});
