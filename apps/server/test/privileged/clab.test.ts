/**
 * containerlab files shaped like the ones people write — a router between two
 * links, clients on a bridge behind a gateway, a node wired to the host — are
 * imported, deployed on the real kernel and pinged across; and a template
 * exported to containerlab and imported back deploys and works as the template.
 * Addresses 10.250.0.0/16; labs clab15-*, their namespaces prefixed with the lab.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { exportClab, importClab, isError, type Topology } from '@nslab/topology';
import { BRIDGE_CLIENTS, BRIDGE_NAT, HOST_LINKS, ROUTER } from '../../../../packages/topology/src/clab/clab.cases.js';
import { destroyQuietly, isRoot, labFromYaml, ping, removeLabs, sh } from './helpers.js';
import { deployCheckRestore, type HostGuard } from './hostGuard.js';

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
    text: () => BRIDGE_CLIENTS,
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
    text: () => HOST_LINKS,
    warnings: [],
    expect: async (ns) => {
      expect((await ping(ns('srv'), '10.250.4.1')).ok).toBe(true);
      expect((await ping(ns('srv'), '10.250.4.5')).ok).toBe(true);
      const back = await sh(['ping', '-c1', '-W1', '-I', 'cl15-srv', '10.250.4.2']);
      expect(back.code, back.stdout + back.stderr).toBe(0);
      // containerlab's link MTU, which the file left to its default.
      expect((await sh(['ip', '-n', ns('srv'), 'link', 'show', 'eth1'])).stdout).toContain('mtu 9500');
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
    await deployCheckRestore(t, guards, () => c.expect((node) => `${t.prefix}${node}`));
  });
});
