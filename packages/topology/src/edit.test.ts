import { describe, expect, it } from 'vitest';
import { addNode, connect, connectionProblem, duplicateNodes, removeElements, renameNode } from './edit.js';
import { parseTopologyData } from './parseTopology.js';
import type { Topology } from './schema.js';

const empty = (): Topology => ({ name: 'draw', nodes: {}, links: [] });
const valid = (t: Topology) => parseTopologyData(t).issues.filter((i) => i.severity !== 'warning');

describe('editing a topology as a designer does', () => {
  it('adds nodes with fresh names, and at most one host', () => {
    let t = empty();
    t = addNode(t, 'netns', { x: 1, y: 2 }).topology;
    t = addNode(t, 'netns', { x: 1, y: 2 }).topology;
    t = addNode(t, 'bridge', { x: 1, y: 2 }).topology;
    t = addNode(t, 'host', { x: 1, y: 2 }).topology;
    expect(Object.keys(t.nodes)).toEqual(['ns1', 'ns2', 'br0', 'host']);
    expect(() => addNode(t, 'host', { x: 0, y: 0 })).toThrow(/at most one host/);
  });

  it('connecting two namespaces gives eth0 ends and a fresh /24', () => {
    let t = addNode(addNode(empty(), 'netns', { x: 0, y: 0 }).topology, 'netns', { x: 0, y: 0 }).topology;
    t = connect(t, 'ns1', 'ns2').topology;
    expect(t.links[0]!.endpoints).toEqual([
      { node: 'ns1', name: 'eth0', addresses: ['10.0.0.1/24'] },
      { node: 'ns2', name: 'eth0', addresses: ['10.0.0.2/24'] },
    ]);
    t = addNode(t, 'netns', { x: 0, y: 0 }).topology;
    t = connect(t, 'ns1', 'ns3').topology;
    expect(t.links[1]!.endpoints[0]).toEqual({ node: 'ns1', name: 'eth1', addresses: ['10.0.1.1/24'] });
    expect(valid(t)).toEqual([]);
  });

  it('connecting namespaces to a bridge takes addresses from the bridge subnet', () => {
    let t: Topology = {
      name: 'd',
      nodes: { br0: { kind: 'bridge', addresses: ['192.168.7.1/24'] }, ns1: { kind: 'netns' }, ns2: { kind: 'netns' } },
      links: [],
    };
    t = connect(t, 'ns1', 'br0').topology;
    t = connect(t, 'br0', 'ns2').topology;
    expect(t.links.map((l) => l.endpoints.map((e) => `${e.node}:${e.name}:${e.addresses ?? ''}`))).toEqual([
      ['ns1:eth0:192.168.7.2/24', 'br0:veth-ns1:'],
      ['br0:veth-ns2:', 'ns2:eth0:192.168.7.3/24'],
    ]);
    expect(valid(t)).toEqual([]);
  });

  it('keeps generated interface names within 15 characters and unique', () => {
    let t: Topology = { name: 'd', nodes: { br0: { kind: 'bridge' } }, links: [] };
    for (const n of ['a-very-long-namespace-name-1', 'a-very-long-namespace-name-2']) {
      t = { ...t, nodes: { ...t.nodes, [n]: { kind: 'netns' } } };
      t = connect(t, n, 'br0').topology;
    }
    const names = t.links.map((l) => l.endpoints[1].name);
    expect(names.every((n) => n.length <= 15)).toBe(true);
    expect(new Set(names).size).toBe(2);
    expect(valid(t)).toEqual([]);
  });

  it('refuses a link from a node to itself', () => {
    const t = addNode(empty(), 'netns', { x: 0, y: 0 }).topology;
    expect(connectionProblem(t, 'ns1', 'ns1')).toMatch(/two different nodes/);
    expect(() => connect(t, 'ns1', 'ns1')).toThrow();
  });

  it('removing a node removes its links and the bridges inside it', () => {
    const t: Topology = {
      name: 'd',
      nodes: { n1: { kind: 'netns' }, b: { kind: 'bridge', netns: 'n1' }, p: { kind: 'netns' } },
      links: [
        {
          endpoints: [
            { node: 'p', name: 'e0' },
            { node: 'b', name: 'v0' },
          ],
        },
      ],
    };
    const out = removeElements(t, ['n1'], []);
    expect(Object.keys(out.nodes)).toEqual(['p']);
    expect(out.links).toEqual([]);
  });

  it('renaming a node follows every reference', () => {
    const t: Topology = {
      name: 'd',
      nodes: {
        n1: { kind: 'netns', vxlans: [{ name: 'vx', vni: 1, dstport: 4789, bridge: 'b' }] },
        b: { kind: 'bridge', netns: 'n1' },
        p: { kind: 'netns' },
      },
      links: [
        {
          endpoints: [
            { node: 'p', name: 'e0' },
            { node: 'b', name: 'v0' },
          ],
        },
      ],
      checks: [{ from: 'n1', ping: '10.0.0.1', expect: 'reachable' }],
    };
    const out = renameNode(renameNode(t, 'n1', 'node1'), 'b', 'br-a');
    expect(out.nodes['br-a']).toMatchObject({ netns: 'node1' });
    expect((out.nodes.node1 as { vxlans: Array<{ bridge: string }> }).vxlans[0]!.bridge).toBe('br-a');
    expect(out.links[0]!.endpoints[1].node).toBe('br-a');
    expect(out.checks![0]).toMatchObject({ from: 'node1' });
  });

  it('paste copies nodes and the links among them, without addresses', () => {
    let t = addNode(addNode(empty(), 'netns', { x: 0, y: 0 }).topology, 'netns', { x: 0, y: 0 }).topology;
    t = connect(t, 'ns1', 'ns2').topology;
    const { topology, names } = duplicateNodes(t, ['ns1', 'ns2'], { x: 40, y: 40 });
    expect(names).toEqual(['ns3', 'ns4']);
    expect(topology.links[1]!.endpoints.map((e) => e.node)).toEqual(['ns3', 'ns4']);
    expect(topology.links[1]!.endpoints[0].addresses).toBeUndefined();
    expect(valid(topology)).toEqual([]);
  });
});

describe('address suggestions on a bridge without an address', () => {
  it('gives the first port a fresh /24 (.1 left for a gateway) and the next ones the same subnet', () => {
    let t: Topology = { name: 'd', nodes: { br0: { kind: 'bridge' }, ns1: { kind: 'netns' }, ns2: { kind: 'netns' } }, links: [] };
    t = connect(t, 'ns1', 'br0').topology;
    t = connect(t, 'ns2', 'br0').topology;
    expect(t.links.map((l) => l.endpoints[0].addresses)).toEqual([['10.0.0.2/24'], ['10.0.0.3/24']]);
  });
});
