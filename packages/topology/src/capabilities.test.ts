import { describe, expect, it } from 'vitest';
import { checkCapabilities, requiredCapabilities, type Capability } from './capabilities.js';
import { formatIssue } from './issues.js';
import { fullLab } from './testFixtures.js';

describe('capabilities', () => {
  it('lists what a lab needs, with where it is first needed', () => {
    const need = requiredCapabilities(fullLab());
    expect([...need.keys()].sort()).toEqual(['bridge', 'iptables', 'iptables-nat', 'veth', 'vxlan']);
    expect(need.get('vxlan')).toEqual(['nodes', 'c', 'vxlans', 0]);
  });

  it('names each missing capability at its path, before anything runs', () => {
    const has = new Set<Capability>(['veth', 'bridge', 'iptables', 'iptables-nat']);
    expect(checkCapabilities(fullLab(), has).map(formatIssue)).toEqual([
      'nodes.c.vxlans[0]: this lab needs VXLAN tunnels (kernel module vxlan), which this host lacks',
    ]);
  });

  it('a lab of plain veths needs only veth', () => {
    const t = {
      name: 'p',
      nodes: { a: { kind: 'netns' as const }, b: { kind: 'netns' as const } },
      links: [
        {
          endpoints: [
            { node: 'a', name: 'e' },
            { node: 'b', name: 'e' },
          ] as never,
        },
      ],
    };
    expect(checkCapabilities(t, new Set(['veth']))).toEqual([]);
  });
});
