/**
 * Each runnable part of each seed document, imported as written, deployed on
 * the real kernel, and shown to do what the seed says; then destroyed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importScript, isError, type Topology } from '@nslab/topology';
import { destroyQuietly, isRoot, ping, removeLabs, repoRoot } from './helpers.js';
import { deployCheckRestore, type HostGuard } from './hostGuard.js';

const seedsDir = path.resolve(repoRoot, '../shared/seeds');
const seed = (f: string) => fs.readFileSync(path.join(seedsDir, f), 'utf8');

function section(md: string, title: string): string {
  const start = md.indexOf(title);
  const rest = md.slice(start + title.length);
  const next = rest.search(/\n## |\n[^\n]+\n---+\n/);
  return next < 0 ? rest : rest.slice(0, next);
}

/** Each case's namespaces get its own prefix (`<lab>-`), so a copy of the seed on this host is never touched; `ns(node)` names one. */
const CASES: Array<{ name: string; lab: string; text: () => string; expect: (ns: (node: string) => string) => Promise<void> }> = [
  {
    name: 'seed 01: ns1 cannot reach ns2',
    lab: 'imp-seed01',
    text: () => seed('01-l3-only-veth-forwarding.md'),
    expect: async (ns) => expect((await ping(ns('ns1'), '172.30.30.12', 1)).ok).toBe(false),
  },
  {
    name: 'seed 02: ns1 reaches ns2 with TTL 63',
    lab: 'imp-seed02',
    text: () => seed('02-proxy-arp-pseudo-bridge.md'),
    expect: async (ns) => expect((await ping(ns('ns1'), '172.30.30.12')).ttl).toBe(63),
  },
  {
    name: 'seed 03, one pod: the pod reaches its own address on the node bridge setup',
    lab: 'imp-seed03a',
    text: () => section(seed('03-kubernetes-pod-networking.md'), '## One pod'),
    expect: async (ns) => expect((await ping(ns('ns_pod'), '10.1.1.1')).ok).toBe(true),
  },
  {
    name: 'seed 03, two pods on one node: pod1 reaches pod2 over br1',
    lab: 'imp-seed03b',
    text: () => section(seed('03-kubernetes-pod-networking.md'), '## 2 pods, one node'),
    expect: async (ns) => expect((await ping(ns('ns_pod1'), '10.0.0.2')).ttl).toBe(64),
  },
  {
    name: 'seed 04: red, blue and orange reach each other and the gateway on cnio0',
    lab: 'imp-seed04',
    text: () => seed('04-network-namespaces-bridge-nat.md'),
    expect: async (ns) => {
      for (const ip of ['192.168.100.1', '192.168.100.3', '192.168.100.4']) expect((await ping(ns('red'), ip)).ok, ip).toBe(true);
    },
  },
  {
    name: 'seed 05, single host: netns0 reaches netns1 and its gateway on cbr0',
    lab: 'imp-seed05',
    text: () => section(seed('05-container-networking-nat-dnat-vxlan.md'), 'Single-Host Net\n---'),
    expect: async (ns) => {
      expect((await ping(ns('netns0'), '192.168.0.11')).ttl).toBe(64);
      expect((await ping(ns('netns0'), '192.168.0.1')).ok).toBe(true);
    },
  },
];

describe.skipIf(!isRoot || !fs.existsSync(seedsDir))('seed documents, imported and deployed', () => {
  const guards: HostGuard[] = [];
  afterAll(async () => {
    for (const c of CASES) await destroyQuietly(c.lab);
    for (const g of guards) await g.release();
  });

  it.each(CASES)('$name', async (c) => {
    const r = importScript(c.text(), c.lab);
    expect(r.issues.filter(isError)).toEqual([]);
    const t: Topology = { ...r.topology, prefix: `${c.lab}-` };
    await removeLabs([c.lab]);
    await deployCheckRestore(t, guards, () => c.expect((node) => `${c.lab}-${node}`));
  });
});
