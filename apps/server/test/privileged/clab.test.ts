/**
 * containerlab files shaped like the ones people write — a router between two
 * links, clients on a bridge behind a gateway, a node wired to the host — are
 * imported, deployed on the real kernel and pinged across; and a template
 * exported to containerlab and imported back deploys and works as the template.
 * Addresses 10.250.0.0/16; labs clab15-*, their namespaces prefixed with the lab.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { exportClab, importClab, isError, type Topology } from '@nslab/topology';
import { deployLab, destroyLab } from '../../src/lab.js';
import { destroyQuietly, isRoot, labFromYaml, ping, removeLabs, sh } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

const ROUTER = `
name: clab15-router
topology:
  kinds:
    linux:
      image: ghcr.io/srl-labs/network-multitool
  nodes:
    client1:
      kind: linux
      exec:
        - ip addr add 10.250.1.2/24 dev eth1
        - ip route add 10.250.2.0/24 via 10.250.1.1
    router:
      kind: linux
      exec:
        - sysctl -w net.ipv4.ip_forward=1
        - ip addr add 10.250.1.1/24 dev eth1
        - ip addr add 10.250.2.1/24 dev eth2
    client2:
      kind: linux
      exec:
        - ip address add 10.250.2.2/24 dev eth1
        - ip route add default via 10.250.2.1
  links:
    - endpoints: ["client1:eth1", "router:eth1"]
    - endpoints: ["router:eth2", "client2:eth1"]
`;

const BRIDGE = `
name: clab15-bridge
mgmt:
  network: clab
topology:
  kinds:
    linux:
      image: alpine:3
      binds: [./shared:/shared]
  groups:
    clients:
      exec: ["ip route add default via 10.250.3.1"]
  nodes:
    cl15br:
      kind: bridge
    gw:
      kind: linux
      exec: ["ip addr add 10.250.3.1/24 dev eth1"]
    c1:
      kind: linux
      group: clients
      exec: ["ip addr add 10.250.3.11/24 dev eth1"]
    c2:
      kind: linux
      group: clients
      exec: ["ip addr add 10.250.3.12/24 dev eth1"]
  links:
    - endpoints: ["gw:eth1", "cl15br:cl15-gw"]
    - endpoints: ["c1:eth1", "cl15br:cl15-c1"]
    - endpoints: ["c2:eth1", "cl15br:cl15-c2"]
`;

const HOST = `
name: clab15-host
topology:
  nodes:
    srv:
      kind: linux
      exec:
        - ip addr add 10.250.4.2/30 dev eth1
        - ip route add default via 10.250.4.1
    hostcfg:
      kind: linux
      network-mode: host
      exec: ["ip addr add 10.250.4.1/30 dev cl15-srv"]
  links:
    - endpoints: ["srv:eth1", "host:cl15-srv"]
`;

/** Template 02 (bridge and NAT) with this suite's names and addresses. */
const BRIDGE_NAT = `
name: clab15-rt
prefix: clab15-rt-
nodes:
  host:
    kind: host
    sysctls: { net.ipv4.ip_forward: 1 }
    nat:
      - { type: masquerade, source: 10.250.5.0/24, notOutInterface: cl15rt0 }
  cl15rt0: { kind: bridge, addresses: [10.250.5.1/24] }
  red: { kind: netns, routes: [{ to: default, via: 10.250.5.1 }] }
  blue: { kind: netns, routes: [{ to: default, via: 10.250.5.1 }] }
links:
  - endpoints:
      - { node: red, name: veth-red, addresses: [10.250.5.2/24] }
      - { node: cl15rt0, name: cl15rt-red }
  - endpoints:
      - { node: blue, name: veth-blue, addresses: [10.250.5.3/24] }
      - { node: cl15rt0, name: cl15rt-blue }
`;

interface Case {
  name: string;
  lab: string;
  text: () => string;
  /** Warnings expected, by YAML path. */
  warnings: string[];
  expect: (ns: (node: string) => string) => Promise<void>;
}

const CASES: Case[] = [
  {
    name: 'a router between two links: client1 reaches client2 through it (TTL 63)',
    lab: 'clab15-router',
    text: () => ROUTER,
    warnings: ['topology.kinds.linux.image'],
    expect: async (ns) => expect((await ping(ns('client1'), '10.250.2.2')).ttl).toBe(63),
  },
  {
    name: 'clients on a host bridge with a gateway, defaults from a group: c1 reaches c2 and the gateway',
    lab: 'clab15-bridge',
    text: () => BRIDGE,
    warnings: ['mgmt', 'topology.kinds.linux.image', 'topology.kinds.linux.binds'],
    expect: async (ns) => {
      expect((await ping(ns('c1'), '10.250.3.12')).ttl).toBe(64);
      expect((await ping(ns('c2'), '10.250.3.1')).ok).toBe(true);
      const route = await sh(['ip', '-n', ns('c1'), 'route', 'show', 'default']);
      expect(route.stdout).toContain('via 10.250.3.1');
    },
  },
  {
    name: 'a node wired to the host (host:IF), the host side set by a network-mode: host node: each reaches the other',
    lab: 'clab15-host',
    text: () => HOST,
    warnings: [],
    expect: async (ns) => {
      expect((await ping(ns('srv'), '10.250.4.1')).ok).toBe(true);
      const back = await sh(['ping', '-c1', '-W1', '-I', 'cl15-srv', '10.250.4.2']);
      expect(back.code, back.stdout + back.stderr).toBe(0);
    },
  },
  {
    name: 'a template exported to containerlab and imported back: the bridge-and-NAT lab works as the template does',
    lab: 'clab15-rt',
    text: () => exportClab(labFromYaml(BRIDGE_NAT)).yaml,
    warnings: ['topology.kinds.linux.image'],
    expect: async (ns) => {
      expect((await ping(ns('red'), '10.250.5.3')).ttl).toBe(64);
      expect((await ping(ns('red'), '10.250.5.1')).ok).toBe(true);
      const nat = await sh(['iptables-save', '-t', 'nat']);
      expect(nat.stdout).toMatch(/-A POSTROUTING -s 10\.250\.5\.0\/24 ! -o cl15rt0 .*-j MASQUERADE/);
    },
  },
];

describe.skipIf(!isRoot)('containerlab files, imported and deployed', () => {
  const guards: HostGuard[] = [];
  afterAll(async () => {
    for (const c of CASES) await destroyQuietly(c.lab);
    for (const g of guards) await g.release();
  });

  it.each(CASES)('$name', async (c) => {
    const r = importClab(c.text());
    expect(r.errors).toEqual([]);
    expect(r.issues.filter(isError)).toEqual([]);
    expect(r.warnings.map((w) => w.path).sort()).toEqual([...c.warnings].sort());
    // The round trip keeps the template's prefix; the others get the lab's, so they never meet a copy on this host.
    const t: Topology = { ...r.topology!, prefix: r.topology!.prefix ?? `${c.lab}-` };
    expect(t.name).toBe(c.lab);
    await removeLabs([c.lab]);
    const guard = await guardHost([t]);
    guards.push(guard);
    const out = await deployLab(t);
    expect(out.result.ok, JSON.stringify(out.result.failure)).toBe(true);
    try {
      await c.expect((node) => `${t.prefix}${node}`);
    } finally {
      await destroyLab(c.lab);
    }
    await guard.expectRestored();
  });
});
