import { describe, expect, it } from 'vitest';
import type { Edge, Node } from '@xyflow/react';
import type { Topology, TraceHop, TraceResult } from '@nslab/topology';
import { hopFacts, lightUp, packetText, sourceLights, traceLights, verdictHop } from './traceLights';

// Seed 02's shape: ns1 — host — ns2, link 0 drawn ns1→host, link 1 drawn ns2→host.
const T: Topology = {
  name: 'pseudo-bridge',
  nodes: { host: { kind: 'host' }, ns1: { kind: 'netns' }, ns2: { kind: 'netns' } },
  links: [
    {
      endpoints: [
        { node: 'ns1', name: 'veth-ns1-pod' },
        { node: 'host', name: 'veth-ns1' },
      ],
    },
    {
      endpoints: [
        { node: 'ns2', name: 'veth-ns2-pod' },
        { node: 'host', name: 'veth-ns2' },
      ],
    },
  ],
};

const packet = (ttl: number) => ({ src: '172.30.30.11', dst: '172.30.30.12', ttl });
const hop = (kind: TraceHop['kind'], node: string, ttl: number, extra: Partial<TraceHop> = {}): TraceHop => ({
  kind,
  node,
  packet: packet(ttl),
  ...extra,
});

function result(hops: TraceHop[], verdict: TraceResult['verdict'], sentence: string): TraceResult {
  return { lab: 'pseudo-bridge', from: 'ns1', to: '172.30.30.12', proto: 'icmp', verdict, sentence, hops, elapsedMs: { model: 1 } };
}

const delivered = result(
  [
    hop('send', 'ns1', 64, { out: 'veth-ns1-pod', link: 0 }),
    hop('forward', 'host', 63, { in: 'veth-ns1', out: 'veth-ns2', link: 1 }),
    hop('deliver', 'ns2', 63),
  ],
  'delivered',
  'ns1 reaches 172.30.30.12 (ns2) through host, TTL 63',
);
// The walk names the link the route points at, even when the packet never gets onto it.
const dropped = result(
  [hop('send', 'ns1', 64, { out: 'veth-ns1-pod', link: 0 }), hop('drop', 'ns1', 64, { why: 'no ARP answer for 172.30.30.12' })],
  'dropped',
  'ns1 cannot reach 172.30.30.12: nobody answers ARP for it on veth-ns1-pod',
);

const summary = (l: ReturnType<typeof traceLights>) => ({
  nodes: Object.fromEntries(
    [...l.nodes].map(([n, m]) => [n, `${m.state}${m.current ? ' current' : ''} ${m.hops.join(',')}${m.sentence ? ' +sentence' : ''}`]),
  ),
  links: Object.fromEntries([...l.links].map(([i, m]) => [i, `${m.current ? 'current' : 'lit'}${m.reverse ? ' reverse' : ''}`])),
});

describe('traceLights', () => {
  it('the first step lights only the source, no link yet', () => {
    expect(summary(traceLights(T, delivered, 0))).toEqual({ nodes: { ns1: 'lit current 1' }, links: {} });
  });

  it('each step lights the next node and the link crossed to reach it, the newest link current', () => {
    expect(summary(traceLights(T, delivered, 1))).toEqual({ nodes: { ns1: 'lit 1', host: 'lit current 2' }, links: { 0: 'current' } });
  });

  it('a link crossed against its drawing direction is marked reverse (the animation runs the other way)', () => {
    expect(summary(traceLights(T, delivered, 2)).links).toEqual({ 0: 'lit', 1: 'current reverse' });
  });

  it('a delivered trace ends green at its destination, with the verdict sentence there', () => {
    const l = traceLights(T, delivered, 2);
    expect(l.nodes.get('ns2')).toEqual({ state: 'deliver', current: true, hops: [3], sentence: delivered.sentence });
  });

  it('a drop is red at the node where the packet dies, even when it is the source; a packet that never left lights no link', () => {
    expect(summary(traceLights(T, dropped, 1))).toEqual({ nodes: { ns1: 'drop current 1,2 +sentence' }, links: {} });
  });

  it('the end is not shown before the step reaches it', () => {
    expect(summary(traceLights(T, dropped, 0)).nodes).toEqual({ ns1: 'lit current 1' });
  });

  it("on the reply's way back the destination stays green with the verdict, and the links' last crossing sets their direction", () => {
    const reply = (h: TraceHop): TraceHop => ({ ...h, reply: true });
    const both = result(
      [
        ...delivered.hops,
        reply(hop('send', 'ns2', 64, { link: 1 })),
        reply(hop('forward', 'host', 63, { link: 0 })),
        reply(hop('deliver', 'ns1', 63)),
      ],
      'delivered',
      delivered.sentence,
    );
    expect(verdictHop(both)).toBe(both.hops[2]);
    expect(summary(traceLights(T, both, 3))).toEqual({
      nodes: { ns1: 'lit 1', host: 'lit 2', ns2: 'deliver current 3,4 +sentence' },
      links: { 0: 'lit', 1: 'lit reverse' },
    });
    expect(summary(traceLights(T, both, 5))).toEqual({
      nodes: { ns1: 'deliver current 1,6', host: 'lit 2,5', ns2: 'deliver 3,4 +sentence' },
      links: { 0: 'current reverse', 1: 'lit' },
    });
  });

  it('a step past the last hop shows the last hop', () => {
    expect(summary(traceLights(T, delivered, 99))).toEqual(summary(traceLights(T, delivered, 2)));
  });

  it('hops outside the lab and links the topology no longer has light nothing', () => {
    const r = result(
      [hop('send', 'ns1', 64, { link: 7 }), hop('forward', '?', 63), hop('drop', '?', 62, { why: 'gone' })],
      'dropped',
      'lost',
    );
    expect(summary(traceLights(T, r, 2))).toEqual({ nodes: { ns1: 'lit 1' }, links: {} });
  });

  it('a trace that cannot be traced lights nothing', () => {
    expect(summary(traceLights(T, result([], 'cannot-trace', 'ns9 is not deployed'), 0))).toEqual({ nodes: {}, links: {} });
  });
});

describe('lightUp', () => {
  const nodes: Node[] = ['ns1', 'host', 'ns2'].map((id) => ({ id, position: { x: 0, y: 0 }, data: { name: id } }));
  const edges: Edge[] = [0, 1, -1].map((index) => ({ id: `e${index}`, source: 'ns1', target: 'host', data: { index } }));

  it('gives lit nodes and links a class to paint, and the node its mark; the end is drawn on top', () => {
    const out = lightUp(nodes, edges, traceLights(T, delivered, 2));
    expect(out.nodes.map((n) => n.className)).toEqual(['trace-lit', 'trace-lit', 'trace-deliver trace-current']);
    expect(out.nodes[2]).toMatchObject({ zIndex: 1000, data: { name: 'ns2', trace: { state: 'deliver' } } });
    expect(out.edges.map((e) => e.className)).toEqual(['trace-link', 'trace-link trace-current trace-reverse', undefined]);
  });

  it('without a trace, changes nothing', () => {
    expect(lightUp(nodes, edges, null)).toEqual({ nodes, edges });
  });

  it('in pick mode, marks the source only', () => {
    expect(lightUp(nodes, edges, sourceLights('host')).nodes.map((n) => n.className)).toEqual([undefined, 'trace-source', undefined]);
  });
});

describe('hop facts', () => {
  it('lists what the hop has, TTL always', () => {
    const h = hop('forward', 'host', 63, {
      in: 'veth-ns1',
      out: 'veth-ns2',
      route: '172.30.30.12 dev veth-ns2 scope link',
      neighbour: { ip: '172.30.30.12', state: 'REACHABLE' },
      nat: 'SNAT 10.0.0.2 → 192.168.1.5',
      firewall: 'FORWARD policy ACCEPT',
    });
    expect(hopFacts(h)).toEqual([
      ['interfaces', 'in veth-ns1 → out veth-ns2'],
      ['route', '172.30.30.12 dev veth-ns2 scope link'],
      ['neighbour', '172.30.30.12 REACHABLE'],
      ['NAT', 'SNAT 10.0.0.2 → 192.168.1.5'],
      ['firewall', 'FORWARD policy ACCEPT'],
      ['TTL', '63'],
    ]);
    expect(hopFacts(hop('send', 'ns1', 64, { neighbour: { ip: '172.30.30.1', state: 'REACHABLE', answeredBy: 'host' } }))).toEqual([
      ['neighbour', '172.30.30.1 REACHABLE (answered by host)'],
      ['TTL', '64'],
    ]);
  });

  it('writes ports after the addresses when there are any', () => {
    expect(packetText({ src: '10.0.0.1', dst: '10.0.0.2', ttl: 64, sport: 40000, dport: 80 })).toBe('10.0.0.1:40000 → 10.0.0.2:80');
    expect(packetText(packet(64))).toBe('172.30.30.11 → 172.30.30.12');
  });
});
