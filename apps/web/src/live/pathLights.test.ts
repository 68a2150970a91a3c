import { describe, expect, it } from 'vitest';
import type { Topology } from '@nslab/topology';
import { pathLights } from './pathLights';

/** ns1 — br0 — router — ns2: ns1 reaches ns2 through the router, across the bridge. */
const t: Topology = {
  name: 'p',
  nodes: { ns1: { kind: 'netns' }, br0: { kind: 'bridge' }, router: { kind: 'netns' }, ns2: { kind: 'netns' } },
  links: [
    {
      endpoints: [
        { node: 'ns1', name: 'eth0' },
        { node: 'br0', name: 'p1' },
      ],
    },
    {
      endpoints: [
        { node: 'router', name: 'eth0' },
        { node: 'br0', name: 'p2' },
      ],
    },
    {
      endpoints: [
        { node: 'ns2', name: 'eth0' },
        { node: 'router', name: 'eth1' },
      ],
    },
  ],
};

describe('pathLights', () => {
  it('numbers each namespace on the way, lights the links and the bridge crossed, and ends green when reached', () => {
    const l = pathLights(t, [
      { node: 'ns1', dev: 'eth0', via: '10.0.0.1' },
      { node: 'router', dev: 'eth1' },
      { node: 'ns2', note: 'delivers to 10.0.1.2 on the same segment' },
    ]);
    expect(Object.fromEntries([...l.nodes].map(([n, m]) => [n, [m.state, m.hops]]))).toEqual({
      ns1: ['lit', [1]],
      br0: ['lit', []],
      router: ['lit', [2]],
      ns2: ['deliver', [3]],
    });
    expect(Object.fromEntries(l.links)).toEqual({
      0: { current: false, reverse: false },
      1: { current: false, reverse: true },
      2: { current: false, reverse: true },
    });
  });

  it('ends red where there is no route, and lights nothing outside the lab', () => {
    const l = pathLights(t, [
      { node: 'ns1', dev: 'eth0', via: '10.0.0.1' },
      { node: 'router', note: 'RTNETLINK answers: Network is unreachable' },
    ]);
    expect(l.nodes.get('router')?.state).toBe('drop');
    const out = pathLights(t, [
      { node: 'ns1', dev: 'eth0', via: '192.0.2.1' },
      { node: '?', note: 'gateway 192.0.2.1 is outside the lab' },
    ]);
    // The packet does cross the bridge on its way out; the gateway beyond it is no node to light.
    expect([...out.nodes.keys()]).toEqual(['ns1', 'br0']);
  });

  it('ignores interfaces and nodes the lab no longer has', () => {
    const l = pathLights(t, [
      { node: 'gone', dev: 'eth9' },
      { node: 'ns1', dev: 'nosuch' },
    ]);
    expect([...l.nodes.keys()]).toEqual(['ns1']);
    expect(l.links.size).toBe(0);
  });
});
