/** The live tools' parameters: hostile values are refused, naming the parameter, before any argv exists. */
import { parseTopology, type Topology } from '@nslab/topology';
import { describe, expect, it } from 'vitest';
import { NslabError } from '../errors.js';
import { LIVE_LIMITS } from './limits.js';
import { routeOf, toolInfo, type StreamTool } from './tool.js';
import { ONCE_TOOLS, STREAM_TOOLS, TOOLS } from './toolList.js';
import { parseParams } from './toolParams.js';

const topology: Topology = parseTopology(`name: tools-lab
nodes:
  a: { kind: netns }
  b: { kind: netns }
links:
  - endpoints: [{ node: a, name: eth0, addresses: [10.238.0.1/24] }, { node: b, name: eth0, addresses: [10.238.0.2/24] }]
`).topology!;

const stream = (name: string): StreamTool => STREAM_TOOLS.get(name)!;
const values = (tool: StreamTool, q: Record<string, string>) => parseParams(tool.params, (k) => q[k], { topology, node: 'a' });
const refusal = (f: () => unknown): NslabError => {
  try {
    f();
  } catch (e) {
    if (e instanceof NslabError) return e;
    throw e;
  }
  throw new Error('accepted');
};

/** Targets a shell, getopt or a resolver would make something of. */
const HOSTILE_TARGETS = [
  '-f',
  '--help',
  '-w1',
  ';rm -rf /',
  '$(x)',
  '`id`',
  '10.238.0.2; rm -rf /',
  '10.238.0.2 -f',
  '10.238.0.2\n-f',
  '',
  ' ',
  'example.com',
  'localhost',
  'fe80::1%eth0',
  '010.238.0.2',
  '10.238.0.2/24',
  '../../etc/passwd',
];

describe('stream tools', () => {
  for (const name of ['ping', 'traceroute']) {
    describe(name, () => {
      it.each(HOSTILE_TARGETS)('refuses the target %j, naming the parameter', (target) => {
        const e = refusal(() => values(stream(name), { target }));
        expect(e.reason).toBe('invalid');
        expect(e.message).toMatch(/^target: /);
      });

      it('passes an IPv4 or IPv6 target as the last argument, after "--"', () => {
        for (const target of ['10.238.0.2', '2001:db8::2']) {
          const argv = stream(name).argv(values(stream(name), { target }), undefined);
          expect(argv.slice(-2)).toEqual(['--', target]);
          expect(argv.indexOf(target)).toBe(argv.length - 1);
        }
      });
    });
  }

  it('traceroute: numeric, one probe per hop, 1 s each, 16 hops at most', () => {
    expect(stream('traceroute').argv(values(stream('traceroute'), { target: '10.238.0.2' }), undefined)).toEqual([
      'traceroute',
      '-n',
      '-q',
      '1',
      '-w',
      '1',
      '-m',
      '16',
      '--',
      '10.238.0.2',
    ]);
  });

  it('ping: the count is a whole number from 1 to 100, 3 when not given', () => {
    expect(values(stream('ping'), { target: '10.238.0.2' }).count).toBe(3);
    expect(stream('ping').argv(values(stream('ping'), { target: '10.238.0.2', count: '7' }), undefined)).toEqual([
      'ping',
      '-c',
      '7',
      '-W',
      '1',
      '--',
      '10.238.0.2',
    ]);
    for (const count of ['0', '101', '-1', '1e3', '2.5', 'x', '3;id'])
      expect(refusal(() => values(stream('ping'), { target: '10.238.0.2', count })).message, count).toMatch(/^count: /);
  });

  it('tcpdump: only an interface of the node, and a filter after "--" that cannot start with "-"', () => {
    const tcpdump = stream('tcpdump');
    expect(refusal(() => values(tcpdump, { iface: 'eth9' })).message).toMatch(/^iface: "eth9" is not an interface of a/);
    expect(refusal(() => values(tcpdump, { iface: '-w' })).message).toMatch(/^iface: /);
    for (const filter of ['-w/tmp/x', ' -Zroot', '--', 'icmp; id', 'icmp `id`', '$(id)'])
      expect(refusal(() => values(tcpdump, { iface: 'eth0', filter })).message, filter).toMatch(/^filter: /);
    const argv = tcpdump.argv(values(tcpdump, { iface: 'eth0', filter: 'icmp -w /tmp/x' }), '/run/nslab/captures/x.pcap');
    expect(argv.slice(-2)).toEqual(['--', 'icmp -w /tmp/x']);
    expect(argv.slice(argv.indexOf('-w'), argv.indexOf('-w') + 2)).toEqual(['-w', '/run/nslab/captures/x.pcap']);
  });

  it('every stream tool has a time limit', () => {
    for (const tool of STREAM_TOOLS.values()) {
      const v = values(tool, { target: '10.238.0.2', iface: 'eth0' });
      expect(tool.maxMs(v, LIVE_LIMITS())).toBeGreaterThan(0);
    }
  });
});

describe('one-shot tools', () => {
  it('keep their URLs', () => {
    expect(ONCE_TOOLS.map((t) => `${t.method.toUpperCase()} ${routeOf(t)}`).sort()).toEqual([
      'GET /discover',
      'GET /labs/:name/counters',
      'GET /labs/:name/nodes/:node/path',
      'GET /labs/:name/nodes/:node/show/:what',
      'POST /labs/:name/check',
      'POST /labs/:name/nodes/:node/trace',
      'POST /labs/:name/pingall',
    ]);
  });

  it('trace: to is an address or a node of the lab, never anything else; proto and port are bounded', () => {
    const trace = ONCE_TOOLS.find((t) => t.name === 'trace')!;
    const parse = (q: Record<string, string>) => parseParams(trace.params, (k) => q[k], { topology, node: 'a' });
    expect(parse({ to: '10.238.0.2' })).toEqual({ to: '10.238.0.2', proto: 'icmp', port: 0, live: false });
    expect(parse({ to: 'b', proto: 'tcp', port: '80', live: '1' })).toEqual({ to: 'b', proto: 'tcp', port: 80, live: true });
    for (const to of ['-f', '--help', 'b;reboot', '$(id)', '../b', 'toString', '__proto__', 'nosuchnode', ''])
      expect(refusal(() => parse({ to })).message, to).toMatch(/^to: /);
    expect(refusal(() => parse({ to: 'b', proto: 'sctp' })).message).toMatch(/^proto: give one of: icmp, tcp, udp/);
    expect(refusal(() => parse({ to: 'b', port: '65536' })).message).toMatch(/^port: /);
    expect(refusal(() => parse({ to: 'b', port: '-1' })).message).toMatch(/^port: /);
  });

  it('show: only the four views, never an object key', () => {
    const show = ONCE_TOOLS.find((t) => t.name === 'show')!;
    for (const what of ['toString', '__proto__', 'constructor', 'addr;id', '']) {
      expect(refusal(() => parseParams(show.params, (k) => ({ what })[k], { topology, node: 'a' })).message, what).toMatch(
        /^what: give one of: addr, route, neigh, link/,
      );
    }
  });

  it('path: the destination is an IP address', () => {
    const path = ONCE_TOOLS.find((t) => t.name === 'path')!;
    expect(refusal(() => parseParams(path.params, () => '-f', { topology, node: 'a' })).message).toMatch(/^to: "-f" is not an IP address/);
  });
});

describe('the list', () => {
  it('names each tool once, and describes every parameter to the page', () => {
    const names = TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    const ping = toolInfo(stream('ping'));
    expect(ping).toMatchObject({ name: 'ping', label: 'Ping', mode: 'stream', on: 'node' });
    expect(ping.params).toEqual([
      { name: 'target', kind: 'ip', required: true },
      { name: 'count', kind: 'integer', required: false, default: 3, min: 1, max: 100 },
    ]);
    expect(toolInfo(stream('traceroute'))).toMatchObject({ name: 'traceroute', label: 'Traceroute', mode: 'stream', on: 'node' });
  });
});

describe('Ping all is bounded', () => {
  it('refuses a lab whose namespaces × addresses pass 10 000 pings, before it runs anything', async () => {
    const { pingAll } = await import('./tools.js');
    const n = 110;
    const nodes = Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { kind: 'netns' }]));
    const links = Array.from({ length: n - 1 }, (_, i) => ({
      endpoints: [
        { node: `p${i}`, name: `a${i}`, addresses: [`10.${Math.floor(i / 60)}.${i % 60}.1/30`] },
        { node: `p${i + 1}`, name: `b${i}`, addresses: [`10.${Math.floor(i / 60)}.${i % 60}.2/30`] },
      ],
    }));
    const t = { name: 'many', nodes, links } as unknown as Topology;
    const ran: string[][] = [];
    const runner = { run: async (argv: readonly string[]) => (ran.push([...argv]), { code: 0, stdout: '', stderr: '' }) };
    await expect(pingAll(runner, t)).rejects.toThrow(/at most 10000/);
    expect(ran).toEqual([]);
  });
});
