/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { parseTopology, type Topology } from '@nslab/topology';
import type { LabStatus } from '../api';
import { nodeFacts } from './nodeFacts';
import { sideFacing, toFlow } from './toFlow';

const texts = import.meta.glob<string>('../../../../labs/*.yaml', { query: '?raw', import: 'default', eager: true });
const template = (file: string): Topology => parseTopology(texts[`../../../../labs/${file}`]!).topology!;

function status(state: LabStatus['state'], present: string[]): LabStatus {
  return { state, label: state, nodes: {}, links: {}, present, differences: [], conflicts: [], checkedAt: '' };
}

describe('toFlow', () => {
  it('gives each interface its own row and handle, and every cable ends at its two rows', () => {
    const { nodes, edges } = toFlow(template('02-bridge-nat.yaml'), [], null, false);
    const bridge = nodes.find((n) => n.id === 'cnio0')!;
    expect(bridge.data.interfaces.map((i) => i.name)).toEqual(['veth-red-br', 'veth-blue-br', 'veth-orange-br']);
    expect(bridge.data.lines).toEqual(['192.168.110.1/24']);
    const red = edges.find((e) => e.source === 'red')!;
    expect([red.sourceHandle, red.targetHandle]).toEqual(['if:veth-red', 'if:veth-red-br']);
  });

  it('draws the VXLAN overlay between the two vxlan rows, apart from the underlay', () => {
    const { edges } = toFlow(template('08-vxlan-overlay.yaml'), [], null, false);
    const overlay = edges.find((e) => e.className === 'overlay')!;
    expect([overlay.source, overlay.sourceHandle, overlay.target, overlay.targetHandle]).toEqual([
      'host0',
      'if:vxlan0',
      'host1',
      'if:vxlan0',
    ]);
    expect(overlay.label).toBeUndefined();
    const host0 = toFlow(template('08-vxlan-overlay.yaml'), [], null, false).nodes.find((n) => n.id === 'host0')!;
    expect(host0.data.interfaces.find((i) => i.name === 'vxlan0')!.note).toBe('VXLAN 1');
    const underlay = edges.find((e) => e.id === 'link-0')!;
    expect([underlay.sourceHandle, underlay.targetHandle]).toEqual(['if:eth0', 'if:eth0']);
  });

  it('shows forwarding, NAT and firewall badges and the default route', () => {
    const t = template('06-two-nodes.yaml');
    const { nodes } = toFlow(t, [], null, false);
    const node1 = nodes.find((n) => n.id === 'node1')!;
    expect(node1.data.badges.map((b) => b.text)).toEqual(['FWD', 'FW']);
    expect(node1.data.icon).toBe('router');
    expect(node1.data.container).toBe(true);
    expect(nodes.find((n) => n.id === 'pod1')!.data.lines).toEqual(['default via 10.1.1.1']);
    expect(nodeFacts(template('07-port-publishing.yaml').nodes.host!).badges.find((b) => b.key === 'nat')!.title).toContain(
      'DNAT tcp 192.168.60.1:5000 → 192.168.60.10:5000',
    );
    expect(nodeFacts(t.nodes.node1!).badges.find((b) => b.key === 'fw')!.title).toContain('FORWARD policy drop');
  });

  it('marks a node missing only when the lab is deployed and its namespace is not on the host', () => {
    const t = template('01-veth-pair.yaml');
    const missing = (s: LabStatus | null, busy = false) =>
      toFlow(t, [], s, busy)
        .nodes.filter((n) => n.data.missing)
        .map((n) => n.id);
    expect(missing(status('drift', ['red']))).toEqual(['blue']);
    expect(missing(status('deployed', ['red', 'blue']))).toEqual([]);
    expect(missing(status('not-deployed', []))).toEqual([]);
    expect(missing(status('drift', ['red']), true)).toEqual([]); // a deploy under way
    expect(missing(null)).toEqual([]);
  });

  it('sums up a node with many interfaces in one line; its cables use its plain handles', () => {
    const nodes: Topology['nodes'] = { br0: { kind: 'bridge' } };
    const links: Topology['links'] = [];
    for (let i = 0; i < 20; i++) {
      nodes[`ns${i}`] = { kind: 'netns' };
      links.push({
        endpoints: [
          { node: `ns${i}`, name: 'eth0' },
          { node: 'br0', name: `p${i}` },
        ],
      });
    }
    const flow = toFlow({ name: 'many', nodes, links }, [], null, false);
    const br = flow.nodes.find((n) => n.id === 'br0')!;
    expect(br.data.interfaces).toEqual([]);
    expect(br.data.lines).toEqual(['20 interfaces']);
    expect(flow.edges.every((e) => e.targetHandle === 't')).toBe(true);
  });
});

describe('sideFacing', () => {
  it.each([
    ['a peer to the right', { x: 0, y: 0 }, { x: 300, y: 20 }, 'right'],
    ['a peer to the left', { x: 300, y: 0 }, { x: 0, y: 40 }, 'left'],
    ['a peer below and to the left: the side it leans to', { x: 300, y: 0 }, { x: 200, y: 300 }, 'left'],
    ['a peer above, me leaning left: the same side', { x: 200, y: 300 }, { x: 300, y: 0 }, 'left'],
    ['straight below, the right side free', { x: 0, y: 0 }, { x: 10, y: 300 }, 'right'],
  ] as const)('%s', (_, me, peer, side) => {
    expect(sideFacing(me, peer)).toBe(side);
  });
  it('straight above or below: the side free of other cables', () => {
    expect(sideFacing({ x: 0, y: 0 }, { x: -10, y: 300 }, 'left')).toBe('left');
  });
});
