import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTopology } from '../parseTopology.js';
import type { Topology } from '../schema.js';
import { exportClab, importClab } from './index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** A lab with its keys sorted and its links (and their ends) in one order: what "the same lab" compares. */
function canonical(t: Topology): unknown {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  const byText = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
  const c = sorted(t) as Topology;
  return { ...c, links: c.links.map((l) => ({ ...l, endpoints: [...l.endpoints].sort(byText) })).sort(byText) };
}

function imported(text: string, opts = {}) {
  const r = importClab(text, opts);
  expect(r.errors).toEqual([]);
  expect(r.issues.filter((i) => i.severity !== 'warning')).toEqual([]);
  return { ...r, t: r.topology! };
}

const paths = (notes: Array<{ path: string }>) => notes.map((n) => n.path);

describe('export then import gives back the same lab', () => {
  const dir = path.join(repo, 'labs');
  const files = [
    ...fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')),
    ...fs
      .readdirSync(path.join(dir, 'exercises'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `exercises/${f}`),
  ];

  it.each(files)('%s', (file) => {
    const t = parseTopology(fs.readFileSync(path.join(dir, file), 'utf8')).topology!;
    const out = exportClab(t);
    expect(out.warnings).toEqual([]);
    const back = importClab(out.yaml);
    expect(back.errors).toEqual([]);
    // The only warning: the image, which nslab does not run.
    expect(paths(back.warnings)).toEqual(['topology.kinds.linux.image']);
    expect(canonical(back.topology!)).toEqual(canonical(t));
  });

  it('carries positions, labels, impairments, downed links, STP, MTU and MAC', () => {
    const t = parseTopology(`
name: extras
nodes:
  a: { kind: netns, position: { x: 10, y: 20 }, label: "client" }
  b: { kind: netns }
  br0: { kind: bridge, stp: true, addresses: [10.9.0.1/24] }
links:
  - endpoints:
      - { node: a, name: eth1, addresses: [10.9.0.2/24], mtu: 1400, mac: "02:00:00:00:00:0a" }
      - { node: br0, name: p-a }
    impair: { delay: 50ms, jitter: 5ms, loss: 2% }
    label: uplink
  - endpoints:
      - { node: b, name: eth1, addresses: [10.9.0.3/24], impair: { rate: 10mbit } }
      - { node: br0, name: p-b }
    up: false
`).topology!;
    const back = importClab(exportClab(t).yaml);
    expect(back.errors).toEqual([]);
    expect(canonical(back.topology!)).toEqual(canonical(t));
  });

  it('says what it cannot carry', () => {
    const t = parseTopology(`
name: hostmv
nodes:
  host: { kind: host, macvlans: [{ name: mv0, parent: eth0 }] }
`).topology!;
    expect(exportClab(t).warnings).toEqual([expect.stringMatching(/^macvlans of the host node: .*left out/)]);
  });

  it('writes a small default image, or the one asked for', () => {
    const t = parseTopology('name: x\nnodes:\n  a: { kind: netns }\n').topology!;
    expect(exportClab(t).yaml).toContain('image: ghcr.io/srl-labs/network-multitool');
    expect(exportClab(t, { image: 'alpine:3.20' }).yaml).toContain('image: alpine:3.20');
  });
});

describe('real-world-shaped containerlab files', () => {
  it('a router between two links: exec lines become addresses, routes and sysctls', () => {
    const { t, warnings } = imported(`
name: router
topology:
  kinds:
    linux:
      image: ghcr.io/hellt/network-multitool
  nodes:
    client1:
      kind: linux
      exec:
        - ip addr add 192.168.1.2/24 dev eth1
        - ip route add 192.168.2.0/24 via 192.168.1.1
    router:
      kind: linux
      exec:
        - sysctl -w net.ipv4.ip_forward=1
        - ip addr add 192.168.1.1/24 dev eth1
        - ip addr add 192.168.2.1/24 dev eth2
    client2:
      kind: linux
      exec:
        - ip address add 192.168.2.2/24 dev eth1
        - ip route replace default via 192.168.2.1
  links:
    - endpoints: ["client1:eth1", "router:eth1"]
    - endpoints: ["router:eth2", "client2:eth1"]
`);
    expect(paths(warnings)).toEqual(['topology.kinds.linux.image']);
    expect(t.name).toBe('router');
    expect(Object.keys(t.nodes)).toEqual(['client1', 'router', 'client2']);
    expect(t.nodes.router).toEqual({ kind: 'netns', sysctls: { 'net.ipv4.ip_forward': 1 } });
    expect(t.nodes.client1).toEqual({ kind: 'netns', routes: [{ to: '192.168.2.0/24', via: '192.168.1.1' }] });
    expect(t.nodes.client2).toEqual({ kind: 'netns', routes: [{ to: 'default', via: '192.168.2.1' }] });
    expect(t.links).toEqual([
      {
        endpoints: [
          { node: 'client1', name: 'eth1', addresses: ['192.168.1.2/24'] },
          { node: 'router', name: 'eth1', addresses: ['192.168.1.1/24'] },
        ],
      },
      {
        endpoints: [
          { node: 'router', name: 'eth2', addresses: ['192.168.2.1/24'] },
          { node: 'client2', name: 'eth1', addresses: ['192.168.2.2/24'] },
        ],
      },
    ]);
  });

  it('clients on a bridge, with kind defaults, a group and topology defaults merged as containerlab does', () => {
    const { t, warnings } = imported(`
name: br-clients
mgmt:
  network: custom
  ipv4-subnet: 172.100.100.0/24
topology:
  defaults:
    exec:
      - sysctl -w net.ipv6.conf.all.disable_ipv6=1
  kinds:
    linux:
      image: alpine:3
      binds:
        - ./cfg:/cfg
  groups:
    clients:
      exec:
        - ip route add default via 10.20.0.1
  nodes:
    br-clab:
      kind: bridge
    gw:
      kind: linux
      exec: ["ip addr add 10.20.0.1/24 dev eth1"]
    c1:
      kind: linux
      group: clients
      exec: ["ip addr add 10.20.0.11/24 dev eth1"]
    c2:
      kind: linux
      group: clients
      exec: ["ip addr add 10.20.0.12/24 dev eth1"]
  links:
    - endpoints: ["gw:eth1", "br-clab:gw-port"]
    - endpoints: ["c1:eth1", "br-clab:c1-port"]
    - endpoints: ["c2:eth1", "br-clab:c2-port"]
`);
    expect(t.nodes['br-clab']).toEqual({ kind: 'bridge' });
    expect(t.nodes.c1).toEqual({
      kind: 'netns',
      routes: [{ to: 'default', via: '10.20.0.1' }],
      sysctls: { 'net.ipv6.conf.all.disable_ipv6': 1 },
    });
    expect(t.nodes.gw).toEqual({ kind: 'netns', sysctls: { 'net.ipv6.conf.all.disable_ipv6': 1 } });
    expect(t.links[1]!.endpoints).toEqual([
      { node: 'c1', name: 'eth1', addresses: ['10.20.0.11/24'] },
      { node: 'br-clab', name: 'c1-port' },
    ]);
    // One warning per place, not per node.
    expect(paths(warnings).sort()).toEqual(['mgmt', 'topology.kinds.linux.binds', 'topology.kinds.linux.image']);
    expect(warnings.find((w) => w.path === 'mgmt')!.line).toBe(3);
    expect(warnings.find((w) => w.path === 'topology.kinds.linux.binds')!.line).toBe(13);
  });

  it('host endpoints, in the brief and the extended format, are host interfaces; a host-network node sets the host', () => {
    const { t } = imported(`
name: hostlinks
topology:
  nodes:
    srv:
      kind: linux
      exec: ["ip addr add 10.30.0.2/30 dev eth1", "ip addr add 10.31.0.2/30 dev eth2", "ip route add default via 10.30.0.1"]
    hostcfg:
      kind: linux
      network-mode: host
      exec: ["ip addr add 10.30.0.1/30 dev veth-srv", "ip addr add 10.31.0.1/30 dev veth-srv2"]
  links:
    - endpoints: ["srv:eth1", "host:veth-srv"]
    - type: host
      endpoint: { node: srv, interface: eth2 }
      host-interface: veth-srv2
`);
    expect(t.nodes.hostcfg).toEqual({ kind: 'host' });
    expect(t.nodes.host).toBeUndefined();
    expect(t.links.map((l) => l.endpoints.map((e) => `${e.node}:${e.name}:${e.addresses?.join(',')}`))).toEqual([
      ['srv:eth1:10.30.0.2/30', 'hostcfg:veth-srv:10.30.0.1/30'],
      ['srv:eth2:10.31.0.2/30', 'hostcfg:veth-srv2:10.31.0.1/30'],
    ]);
  });

  it('extended veth links carry MACs, MTU and endpoint addresses', () => {
    const { t } = imported(`
name: ext
topology:
  nodes:
    a: { kind: linux }
    b: { kind: linux }
  links:
    - type: veth
      mtu: 9000
      endpoints:
        - { node: a, interface: e1, mac: "02:00:00:00:01:01", ipv4: 10.40.0.1/24, ipv6: "fd00:40::1/64" }
        - { node: b, interface: e1, ipv4: 10.40.0.2/24 }
`);
    expect(t.links[0]!.endpoints).toEqual([
      { node: 'a', name: 'e1', addresses: ['10.40.0.1/24', 'fd00:40::1/64'], mac: '02:00:00:00:01:01', mtu: 9000 },
      { node: 'b', name: 'e1', addresses: ['10.40.0.2/24'], mtu: 9000 },
    ]);
  });

  it('macvlan links become the node\u2019s macvlans on the host interface', () => {
    const { t } = imported(`
name: mv
topology:
  nodes:
    a: { kind: linux, exec: ["ip addr add 10.41.0.5/24 dev eth1"] }
    b: { kind: linux }
  links:
    - endpoints: ["a:eth1", "macvlan:enp0s3"]
    - type: macvlan
      endpoint: { node: b, interface: eth1 }
      host-interface: enp0s3
      mode: private
`);
    expect(t.nodes.a).toEqual({ kind: 'netns', macvlans: [{ name: 'eth1', parent: 'enp0s3', addresses: ['10.41.0.5/24'] }] });
    expect(t.nodes.b).toEqual({ kind: 'netns', macvlans: [{ name: 'eth1', parent: 'enp0s3', mode: 'private' }] });
  });

  it('sh -c lines are split into their commands; pings become checks; iptables rules are read', () => {
    const { t, warnings } = imported(`
name: shc
topology:
  nodes:
    gw:
      kind: linux
      exec:
        - sh -c "ip addr add 10.42.0.1/24 dev eth1 && sysctl -w net.ipv4.ip_forward=1; iptables -t nat -A POSTROUTING -s 10.42.0.0/24 -o eth2 -j MASQUERADE"
    pc:
      kind: linux
      exec:
        - ip addr add 10.42.0.2/24 dev eth1
        - ping -c 1 10.42.0.1
        - apk add tcpdump
  links:
    - endpoints: ["gw:eth1", "pc:eth1"]
    - endpoints: ["gw:eth2", "host:gw-up"]
`);
    expect(t.nodes.gw).toEqual({
      kind: 'netns',
      sysctls: { 'net.ipv4.ip_forward': 1 },
      nat: [{ type: 'masquerade', source: '10.42.0.0/24', outInterface: 'eth2' }],
    });
    expect(t.checks).toEqual([{ from: 'pc', ping: '10.42.0.1', expect: 'reachable' }]);
    expect(warnings).toEqual([{ path: 'topology.nodes.pc.exec[2]', line: 14, message: expect.stringMatching(/apk/) }]);
  });

  it('a network OS kind is an empty namespace, with a warning at its kind; its startup config is a warning too', () => {
    const { t, warnings } = imported(`
name: srl
topology:
  nodes:
    leaf1: { kind: nokia_srlinux, image: ghcr.io/nokia/srlinux, startup-config: leaf1.cfg }
    h1: { kind: linux }
  links:
    - endpoints: ["leaf1:e1-1", "h1:eth1"]
`);
    expect(t.nodes.leaf1).toEqual({ kind: 'netns' });
    expect(paths(warnings)).toEqual(['topology.nodes.leaf1.kind', 'topology.nodes.leaf1.image', 'topology.nodes.leaf1.startup-config']);
    expect(warnings[0]!.message).toMatch(/nokia_srlinux .*empty Linux namespace/);
    expect(warnings.every((w) => w.line === 5)).toBe(true);
  });

  it('links it cannot make are warnings at their path; the rest of the lab is built', () => {
    const { t, warnings } = imported(`
name: skips
topology:
  nodes:
    a: { kind: linux, ports: ["8080:80"], mgmt-ipv4: 172.20.20.5 }
    b: { kind: linux }
  links:
    - endpoints: ["a:eth1", "b:eth1"]
    - endpoints: ["a:eth9", "mgmt-net:a-eth9"]
    - type: vxlan
      endpoint: { node: a, interface: vx1 }
      remote: 10.0.0.9
      vni: 100
    - type: dummy
      endpoint: { node: b, interface: dummy0 }
`);
    expect(t.links).toHaveLength(1);
    expect(paths(warnings)).toEqual([
      'topology.nodes.a.ports',
      'topology.nodes.a.mgmt-ipv4',
      'topology.links[1]',
      'topology.links[2].remote',
      'topology.links[2].vni',
      'topology.links[2]',
      'topology.links[3]',
    ]);
    expect(warnings[0]!.message).toMatch(/dnat/);
  });

  it('a name containerlab allows and nslab does not is made a lab name, with a warning; --name wins', () => {
    const text = 'name: My_Lab 2024\ntopology:\n  nodes:\n    a: { kind: linux }\n';
    const r = imported(text);
    expect(r.t.name).toBe('my-lab-2024');
    expect(r.warnings).toEqual([{ path: 'name', line: 1, message: expect.stringMatching(/named my-lab-2024/) }]);
    expect(imported(text, { name: 'mine' }).t.name).toBe('mine');
    expect(importClab(text, { name: '../Evil' }).errors).toEqual([{ path: '', line: 0, message: expect.stringMatching(/not a lab name/) }]);
  });

  it('a leading comment that is not an nslab export is ignored; a broken nslab block is a warning', () => {
    expect(imported('# my lab\nname: c\ntopology:\n  nodes:\n    a: { kind: linux }\n').warnings).toEqual([]);
    const broken = imported(
      '# nslab (read back by nslab import-clab; containerlab ignores comments):\n#   checks: [\nname: c\ntopology:\n  nodes:\n    a: { kind: linux }\n',
    );
    expect(broken.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/not YAML/)]);
  });
});

describe('what is not a containerlab topology is an error naming where, and builds nothing', () => {
  const err = (text: string) => {
    const r = importClab(text);
    expect(r.topology).toBeUndefined();
    expect(r.yaml).toBe('');
    return r.errors.map((e) => `${e.line} ${e.path}: ${e.message}`);
  };

  it.each([
    ['not YAML', 'name: x\ntopology: [\n', /^\d+ : /],
    ['not a mapping', '- a\n- b\n', /^0 : expected a mapping/],
    ['no topology', 'name: x\n', /^0 topology: missing/],
    ['no nodes', 'name: x\ntopology:\n  links: []\n', /^2 topology.nodes: missing/],
    ['links not a list', 'name: x\ntopology:\n  nodes: { a: { kind: linux } }\n  links: { a: 1 }\n', /^4 topology.links: expected a list/],
    ['a node without a kind', 'name: x\ntopology:\n  nodes:\n    a: { image: alpine }\n', /^4 topology.nodes.a: no kind/],
    ['a node that is not a mapping', 'name: x\ntopology:\n  nodes:\n    a: [1]\n', /^4 topology.nodes.a: expected a mapping/],
    [
      'a node name nslab cannot use',
      'name: x\ntopology:\n  nodes:\n    "../evil": { kind: linux }\n',
      /^4 topology.nodes.\.\.\/evil: "\.\.\/evil" cannot name/,
    ],
    ['a linux node named host', 'name: x\ntopology:\n  nodes:\n    host: { kind: linux }\n', /names a link type/],
    [
      'an endpoint on a node that is not there',
      'name: x\ntopology:\n  nodes:\n    a: { kind: linux }\n  links:\n    - endpoints: ["a:eth1", "b:eth1"]\n',
      /^6 topology.links\[0\].endpoints\[1\]: no node "b"/,
    ],
    [
      'an endpoint without an interface',
      'name: x\ntopology:\n  nodes:\n    a: { kind: linux }\n    b: { kind: linux }\n  links:\n    - endpoints: ["a", "b:eth1"]\n',
      /^7 topology.links\[0\].endpoints\[0\]: "a": expected "node:interface"/,
    ],
    [
      'three endpoints',
      'name: x\ntopology:\n  nodes: { a: { kind: linux } }\n  links:\n    - endpoints: ["a:1", "a:2", "a:3"]\n',
      /expected two endpoints/,
    ],
  ])('%s', (_what, text, pattern) => {
    const errors = err(text);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(pattern);
  });

  it('refuses an alias bomb, a file over the size limit and one nested too deep', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      );
    expect(err(`${bomb.join('\n')}\ntopology: { nodes: { a: { kind: linux } } }\n`)[0]).toMatch(/aliases/);
    expect(err(`name: x\n# ${'x'.repeat(1024 * 1024)}\n`)[0]).toMatch(/bytes/);
    expect(err(`name: ${'['.repeat(100)}${']'.repeat(100)}\n`)[0]).toMatch(/nested/);
  });

  it('a megabyte of spaces in an sh -c line, and two thousand nodes with unknown fields, give a bounded reply', () => {
    const spaces = importClab(
      `name: x\ntopology:\n  nodes:\n    a:\n      kind: linux\n      exec: ["sh -c '${' '.repeat(1_000_000)}x'"]\n`,
    );
    expect(spaces.errors).toEqual([]);
    expect(spaces.warnings.map((w) => w.path)).toEqual(['topology.nodes.a.exec[0]']);
    const many = Array.from({ length: 2000 }, (_, i) => `    n${i}: { kind: linux, image: a, binds: [b], env: { c: d } }`).join('\n');
    const r = importClab(`name: x\ntopology:\n  nodes:\n${many}\n`);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toHaveLength(201);
    expect(r.warnings.at(-1)!.message).toBe('and 5800 more warnings');
    expect(Object.keys(r.topology!.nodes)).toHaveLength(2000);
  });

  it('exec lines a kind gives every node are counted for each node: past the bound, an error at the list that does it', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `      - ip route add 10.${i >> 8}.${i & 255}.0/24 via 10.0.0.1`).join('\n');
    const nodes = Array.from({ length: 1000 }, (_, i) => `    n${i}: {}`).join('\n');
    const r = importClab(
      `name: x\ntopology:\n  defaults:\n    kind: linux\n  kinds:\n    linux:\n      exec:\n${lines}\n  nodes:\n${nodes}\n`,
    );
    expect(r.topology).toBeUndefined();
    expect(r.errors).toEqual([
      { path: 'topology.kinds.linux.exec', line: 7, message: expect.stringMatching(/more than 20000 exec lines/) },
    ]);
  });

  it('exec lines are read, never run: shell syntax in them is only a warning', () => {
    const r = imported(`
name: hostile
topology:
  nodes:
    a:
      kind: linux
      exec:
        - "$(rm -rf /) ; \`reboot\` | nc evil 1 > /etc/passwd"
        - "ip addr add 10.43.0.1/24 dev eth1; rm -rf /"
  links:
    - endpoints: ["a:eth1", "host:a-up"]
`);
    expect(r.warnings.length).toBeGreaterThan(0);
    expect(r.warnings.every((w) => w.path.startsWith('topology.nodes.a.exec['))).toBe(true);
    expect(r.yaml).not.toMatch(/rm -rf|reboot|passwd/);
  });
});
