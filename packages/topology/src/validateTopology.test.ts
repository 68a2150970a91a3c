import { describe, expect, it } from 'vitest';
import { formatIssue, formatPath, isError } from './issues.js';
import { parseTopology, parseTopologyData } from './parseTopology.js';
import type { Topology } from './schema.js';
import { fullLab } from './testFixtures.js';

type Mutate = (t: any) => void;

/** [rule id] plain-English name, mutation of the full lab, expected error path. */
const INVALID: Array<[string, Mutate, string]> = [
  ['[S1] unknown top-level key', (t) => (t.nodez = {}), 'nodez'],
  ['[S1] unknown key on a node, with a suggestion', (t) => (t.nodes.a.rutes = []), 'nodes.a.rutes'],
  ['[S1] unknown key on an endpoint', (t) => (t.links[0].endpoints[0].adresses = []), 'links[0].endpoints[0].adresses'],
  ['[S2] unknown node kind', (t) => (t.nodes.a.kind = 'router'), 'nodes.a.kind'],
  ['[S2] node without kind', (t) => delete t.nodes.a.kind, 'nodes.a.kind'],
  ['[S3] missing name', (t) => delete t.name, 'name'],
  ['[S3] nodes is a list', (t) => (t.nodes = []), 'nodes'],
  ['[S3] addresses is a string', (t) => (t.links[0].endpoints[0].addresses = '10.9.1.5/24'), 'links[0].endpoints[0].addresses'],
  ['[S4] a link with one endpoint', (t) => t.links[0].endpoints.pop(), 'links[0].endpoints'],
  ['[S4] a link with three endpoints', (t) => t.links[0].endpoints.push({ node: 'b', name: 'x' }), 'links[0].endpoints'],
  ['[S5] mtu below 68', (t) => (t.links[1].endpoints[0].mtu = 10), 'links[1].endpoints[0].mtu'],
  ['[S5] vni out of range', (t) => (t.nodes.c.vxlans[0].vni = 16777216), 'nodes.c.vxlans[0].vni'],
  ['[S5] dnat port 0', (t) => (t.nodes.host.nat[1].port = 0), 'nodes.host.nat[1].port'],
  [
    '[S5] sysctl value is not an integer',
    (t) => (t.nodes.host.sysctls['net.ipv4.ip_forward'] = 'yes'),
    'nodes.host.sysctls["net.ipv4.ip_forward"]',
  ],
  ['[S6] unknown nat type', (t) => (t.nodes.host.nat[0].type = 'snat'), 'nodes.host.nat[0].type'],
  ['[S6] unknown firewall action', (t) => (t.nodes.host.firewall.forward[0].action = 'reject'), 'nodes.host.firewall.forward[0].action'],
  ['[S7] a check of no known form', (t) => (t.checks[0] = { from: 'a', traceroute: '1.2.3.4' }), 'checks[0]'],
  ['[V1] lab name with upper case', (t) => (t.name = 'Full'), 'name'],
  ['[V1] lab name too long', (t) => (t.name = 'a'.repeat(25)), 'name'],
  ['[V1] lab name with shell metacharacters', (t) => (t.name = 'x;rm -rf /'), 'name'],
  ['[V2] prefix with a slash', (t) => (t.prefix = 'a/b'), 'prefix'],
  [
    '[V3] node name with $(…)',
    (t) => {
      t.nodes['$(reboot)'] = { kind: 'netns' };
    },
    'nodes["$(reboot)"]',
  ],
  [
    '[V3] node name starting with a digit',
    (t) => {
      t.nodes['1pod'] = { kind: 'netns' };
    },
    'nodes["1pod"]',
  ],
  [
    '[V3] bridge name longer than 15',
    (t) => {
      t.nodes['bridge-too-long-1'] = { kind: 'bridge' };
    },
    'nodes.bridge-too-long-1',
  ],
  [
    '[V4] two host nodes',
    (t) => {
      t.nodes.host2 = { kind: 'host' };
    },
    'nodes.host2',
  ],
  ['[V5] bridge in a missing namespace', (t) => (t.nodes.brc.netns = 'nowhere'), 'nodes.brc.netns'],
  ['[V5] bridge inside a bridge', (t) => (t.nodes.brc.netns = 'br0'), 'nodes.brc.netns'],
  ['[V6] endpoint on a missing node', (t) => (t.links[0].endpoints[0].node = 'ghost'), 'links[0].endpoints[0].node'],
  ['[V7] link from a node to itself', (t) => (t.links[2].endpoints[1].node = 'c'), 'links[2].endpoints'],
  ['[V8] interface name of 18 characters', (t) => (t.links[0].endpoints[0].name = 'veth-too-long-name'), 'links[0].endpoints[0].name'],
  ['[V8] interface name with a space', (t) => (t.links[0].endpoints[0].name = 'eth 0'), 'links[0].endpoints[0].name'],
  ['[V8] interface name with a semicolon', (t) => (t.links[0].endpoints[0].name = 'e;reboot'), 'links[0].endpoints[0].name'],
  ['[V8] vxlan name too long', (t) => (t.nodes.c.vxlans[0].name = 'vxlan-far-too-long'), 'nodes.c.vxlans[0].name'],
  ['[V9] two interfaces with one name in a namespace', (t) => (t.links[1].endpoints[1].name = 'veth-a'), 'links[1].endpoints[1].name'],
  ['[V9] an interface named like a bridge in its namespace', (t) => (t.links[0].endpoints[1].name = 'br0'), 'links[0].endpoints[1].name'],
  ['[V9] an interface named lo', (t) => (t.links[0].endpoints[0].name = 'lo'), 'links[0].endpoints[0].name'],
  ['[V10] malformed MAC', (t) => (t.links[1].endpoints[0].mac = '02:00:00:00:00'), 'links[1].endpoints[0].mac'],
  ['[V10] multicast MAC', (t) => (t.links[1].endpoints[0].mac = '01:00:5e:00:00:01'), 'links[1].endpoints[0].mac'],
  [
    '[V11] address that does not parse',
    (t) => (t.links[0].endpoints[0].addresses = ['10.9.1.300/24']),
    'links[0].endpoints[0].addresses[0]',
  ],
  ['[V11] address without prefix length', (t) => (t.links[0].endpoints[0].addresses = ['10.9.1.5']), 'links[0].endpoints[0].addresses[0]'],
  ['[V11] prefix length 33', (t) => (t.links[0].endpoints[0].addresses = ['10.9.1.5/33']), 'links[0].endpoints[0].addresses[0]'],
  ['[V11] network address as an interface address', (t) => (t.nodes.br0.addresses = ['10.9.2.0/24']), 'nodes.br0.addresses[0]'],
  ['[V11] broadcast address as an interface address', (t) => (t.nodes.br0.addresses = ['10.9.2.255/24']), 'nodes.br0.addresses[0]'],
  ['[V11] bad IPv6 address', (t) => (t.links[0].endpoints[0].addresses = ['fd00::zz/64']), 'links[0].endpoints[0].addresses[0]'],
  [
    '[V12] duplicate address across a veth pair',
    (t) => (t.links[0].endpoints[1].addresses = ['10.9.1.5/24']),
    'links[0].endpoints[1].addresses[0]',
  ],
  ['[V12] duplicate address on a bridge segment', (t) => (t.nodes.br0.addresses = ['10.9.2.2/24']), 'links[1].endpoints[0].addresses[0]'],
  ['[V13] route to a CIDR with host bits', (t) => (t.nodes.a.routes = [{ to: '10.9.9.1/24', via: '10.9.1.1' }]), 'nodes.a.routes[0].to'],
  [
    '[V13] route destination that does not parse',
    (t) => (t.nodes.a.routes = [{ to: 'everywhere', via: '10.9.1.1' }]),
    'nodes.a.routes[0].to',
  ],
  ['[V13] route without via or dev', (t) => (t.nodes.a.routes = [{ to: '10.8.0.0/16' }]), 'nodes.a.routes[0]'],
  ['[V13] gateway not on a connected subnet', (t) => (t.nodes.a.routes = [{ to: 'default', via: '10.9.2.1' }]), 'nodes.a.routes[0].via'],
  ['[V13] gateway only through a link set down', (t) => (t.links[0].up = false), 'nodes.a.routes[0].via'],
  ['[V13] gateway only through an end set down', (t) => (t.links[0].endpoints[0].up = false), 'nodes.a.routes[0].via'],
  ['[V13] a route on a device set down', (t) => (t.links[0].endpoints[1].up = false), 'nodes.host.routes[0].dev'],
  [
    '[V13] route dev that is not in the namespace',
    (t) => (t.nodes.a.routes = [{ to: '10.8.0.0/16', dev: 'veth-a' }]),
    'nodes.a.routes[0].dev',
  ],
  [
    '[V13] IPv6 gateway for an IPv4 destination',
    (t) => (t.nodes.a.routes = [{ to: '10.8.0.0/16', via: 'fd00::1' }]),
    'nodes.a.routes[0].via',
  ],
  ['[V13] the same destination twice', (t) => t.nodes.a.routes.push({ to: 'default', via: '10.9.1.1' }), 'nodes.a.routes[1].to'],
  ['[V14] sysctl outside net.*', (t) => (t.nodes.host.sysctls['kernel.panic'] = 1), 'nodes.host.sysctls["kernel.panic"]'],
  [
    '[V14] sysctl for an interface not in the namespace',
    (t) => (t.nodes.c.sysctls['net.ipv4.conf.eth9.proxy_arp'] = 1),
    'nodes.c.sysctls["net.ipv4.conf.eth9.proxy_arp"]',
  ],
  ['[V14] sysctl key with a path escape', (t) => (t.nodes.c.sysctls['net/../../kernel'] = 1), 'nodes.c.sysctls["net/../../kernel"]'],
  ['[V15] masquerade source that does not parse', (t) => (t.nodes.host.nat[0].source = '10.9.2.0/99'), 'nodes.host.nat[0].source'],
  ['[V15] masquerade with both out and not-out', (t) => (t.nodes.host.nat[0].outInterface = 'eth0'), 'nodes.host.nat[0]'],
  [
    '[V15] masquerade on an interface missing from a namespace',
    (t) => {
      t.nodes.c.nat = [{ type: 'masquerade', source: '10.0.0.0/8', outInterface: 'wan0' }];
    },
    'nodes.c.nat[0].outInterface',
  ],
  ['[V15] dnat target without a port', (t) => (t.nodes.host.nat[1].to = '10.9.2.2'), 'nodes.host.nat[1].to'],
  ['[V15] dnat destination of another family', (t) => (t.nodes.host.nat[1].destination = 'fd00::1'), 'nodes.host.nat[1].destination'],
  [
    '[V16] a host NAT interface that is not an interface name',
    (t) => (t.nodes.host.nat[0].notOutInterface = ' '),
    'nodes.host.nat[0].notOutInterface',
  ],
  ['[V16] a host forward rule on "-o x"', (t) => (t.nodes.host.firewall.forward[0].in = '-o x'), 'nodes.host.firewall.forward[0].in'],
  [
    '[V16] forward rule on an interface missing from a namespace',
    (t) => {
      t.nodes.c.firewall = { forward: [{ in: 'nope', action: 'drop' }] };
    },
    'nodes.c.firewall.forward[0].in',
  ],
  [
    '[V16] forward rule source that does not parse',
    (t) => (t.nodes.host.firewall.forward[0].source = '300.1.1.1/8'),
    'nodes.host.firewall.forward[0].source',
  ],
  ['[V17] vxlan with remote and group', (t) => (t.nodes.c.vxlans[0].group = '239.1.1.1'), 'nodes.c.vxlans[0]'],
  [
    '[V17] vxlan group that is not multicast',
    (t) => {
      delete t.nodes.c.vxlans[0].remote;
      t.nodes.c.vxlans[0].group = '10.1.1.1';
    },
    'nodes.c.vxlans[0].group',
  ],
  ['[V17] vxlan on a missing underlay', (t) => (t.nodes.c.vxlans[0].dev = 'eth7'), 'nodes.c.vxlans[0].dev'],
  ['[V17] vxlan on a bridge of another namespace', (t) => (t.nodes.c.vxlans[0].bridge = 'br0'), 'nodes.c.vxlans[0].bridge'],
  ['[V17] vxlan on a missing bridge', (t) => (t.nodes.c.vxlans[0].bridge = 'nope'), 'nodes.c.vxlans[0].bridge'],
  ['[V17] vxlan remote that does not parse', (t) => (t.nodes.c.vxlans[0].remote = '10.9.3'), 'nodes.c.vxlans[0].remote'],
  ['[V18] check from a missing node', (t) => (t.checks[0].from = 'ghost'), 'checks[0].from'],
  ['[V18] check from a bridge', (t) => (t.checks[0].from = 'br0'), 'checks[0].from'],
  ['[V18] ping check of a non-address', (t) => (t.checks[0].ping = 'ns2'), 'checks[0].ping'],
  ['[V18] ping check of a size above 65507 bytes', (t) => (t.checks[0].size = 65508), 'checks[0].size'],
  ['[V18] ping check of a negative size', (t) => (t.checks[0].size = -1), 'checks[0].size'],
];

describe('validation: every invalid topology is reported at its path', () => {
  it('the full lab itself is valid', () => {
    const r = parseTopologyData(fullLab());
    expect(r.issues.filter(isError).map(formatIssue)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it.each(INVALID)('%s', (_name, mutate, path) => {
    const t = structuredClone(fullLab()) as Topology;
    mutate(t);
    const r = parseTopologyData(t);
    expect(r.ok).toBe(false);
    const errors = r.issues.filter(isError);
    expect(errors.map((i) => formatPath(i.path))).toContain(path);
    for (const e of errors) expect(e.message.length).toBeGreaterThan(8);
  });

  it('has at least 40 cases', () => expect(INVALID.length).toBeGreaterThanOrEqual(40));
});

describe('validation reports every error, not the first', () => {
  it('three independent mistakes give three errors', () => {
    const t = structuredClone(fullLab()) as any;
    t.links[0].endpoints[0].name = 'veth-too-long-name';
    t.nodes.br0.addresses = ['10.9.2.0/24'];
    t.nodes.a.routes = [{ to: '10.8.0.0/16' }];
    const paths = parseTopologyData(t)
      .issues.filter(isError)
      .map((i) => formatPath(i.path));
    expect(paths).toEqual(expect.arrayContaining(['links[0].endpoints[0].name', 'nodes.br0.addresses[0]', 'nodes.a.routes[0]']));
  });

  it('names the length in the message, as DESIGN.md shows', () => {
    const t = structuredClone(fullLab()) as any;
    t.links[2].endpoints[0].name = 'veth-too-long-name';
    t.nodes.c.vxlans[0].dev = 'veth-too-long-name';
    const msgs = parseTopologyData(t).issues.map(formatIssue);
    expect(msgs).toContain('links[2].endpoints[0].name: "veth-too-long-name" is 18 characters; Linux allows 15');
  });
});

describe('parsing text', () => {
  it('reads YAML and JSON alike', () => {
    const yaml = parseTopology(
      'name: t1\nnodes:\n  a: { kind: netns }\n  b: { kind: netns }\nlinks:\n  - endpoints: [{ node: a, name: e0 }, { node: b, name: e0 }]\n',
    );
    const json = parseTopology(
      JSON.stringify({
        name: 't1',
        nodes: { a: { kind: 'netns' }, b: { kind: 'netns' } },
        links: [
          {
            endpoints: [
              { node: 'a', name: 'e0' },
              { node: 'b', name: 'e0' },
            ],
          },
        ],
      }),
    );
    expect(yaml.ok).toBe(true);
    expect(json.topology).toEqual(yaml.topology);
  });

  it.each([
    ['an empty file', '', 'input.empty'],
    ['a YAML syntax error, with its line', 'name: x\nnodes: {a: [}\n', 'input.syntax'],
    ['a duplicate key', 'name: x\nname: y\nnodes: {}\n', 'input.syntax'],
    ['a list at the top', '- a\n- b\n', 'input.type'],
    ['a scalar at the top', '42', 'input.type'],
    [
      'an alias bomb',
      `a: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`).join('\n')}\n`,
      'limits.aliases',
    ],
    ['a file over 1 MiB', `name: x\n# ${'x'.repeat(1024 * 1024)}\n`, 'limits.size'],
    ['deep nesting', `${'['.repeat(20000)}${']'.repeat(20000)}`, 'limits.depth'],
  ])('refuses %s with a clear error', (_name, text, code) => {
    const r = parseTopology(text);
    expect(r.ok).toBe(false);
    expect(r.issues[0]!.code.startsWith(code)).toBe(true);
    expect(r.issues[0]!.message).toBeTruthy();
  });

  it('reports the line of a syntax error', () => {
    const r = parseTopology('name: x\nnodes:\n  a: { kind: netns\n');
    expect(r.issues[0]!.message).toMatch(/line \d+/);
  });

  it('suggests the key that was meant', () => {
    const t = structuredClone(fullLab()) as any;
    t.links[0].endpoints[0].adresses = [];
    expect(parseTopologyData(t).issues.map(formatIssue)).toContain(
      'links[0].endpoints[0].adresses: unknown key "adresses"; did you mean "addresses"?',
    );
  });

  it('warns, without failing, about host interfaces outside the lab', () => {
    const t = structuredClone(fullLab()) as any;
    t.nodes.host.nat[0] = { type: 'masquerade', source: '10.9.2.0/24', outInterface: 'wlo1' };
    const r = parseTopologyData(t);
    expect(r.ok).toBe(true);
    expect(r.issues.map(formatIssue)).toContain(
      'nodes.host.nat[0].outInterface: warning: "wlo1" is not an interface of this lab; it must already exist on the host',
    );
  });

  it('accepts Kubernetes-style namespace names', () => {
    const name = 'cni-5a457186-93e6-ad40-54b3-2310eafdf4f8';
    const r = parseTopologyData({ name: 'k8s', nodes: { [name]: { kind: 'netns' } }, links: [] });
    expect(r.ok).toBe(true);
  });

  it('accepts the same address on two separate segments (seed 01)', () => {
    const r = parseTopologyData({
      name: 'p2p',
      nodes: { host: { kind: 'host' }, a: { kind: 'netns' }, b: { kind: 'netns' } },
      links: [
        {
          endpoints: [
            { node: 'a', name: 'e0', addresses: ['172.30.30.11/24'] },
            { node: 'host', name: 'va', addresses: ['172.30.30.1/24'] },
          ],
        },
        {
          endpoints: [
            { node: 'b', name: 'e0', addresses: ['172.30.30.12/24'] },
            { node: 'host', name: 'vb', addresses: ['172.30.30.1/24'] },
          ],
        },
      ],
    });
    expect(r.issues).toEqual([]);
  });
});
