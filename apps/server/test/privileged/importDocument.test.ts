/**
 * Seed 03 pasted whole: each scenario the importer finds, deployed on the real
 * kernel one at a time (they reuse names: ns_pod, br0) as a lab h14c-<name>
 * with namespace prefix h14c-, its host interface warnings fixed with the
 * replacement offered (the host's default-route interface for wlo1), its
 * checks (the seed's pings) run by nslab's own checker, then destroyed.
 * A scenario whose host interfaces or subnets are already on this host is
 * not deployed, and its test name says why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cidrContains,
  HOST_KEY,
  importDocument,
  interfacesOf,
  isError,
  parseCidr,
  replaceHostInterface,
  resolveTopology,
  type ImportScenario,
  type Topology,
} from '@nslab/topology';
import { readHostInterfaces } from '../../src/hostInterfaces.js';
import { deployLab, destroyLab, planLab } from '../../src/lab.js';
import { runChecks } from '../../src/live/runChecks.js';
import { hostRunner } from '../../src/runner.js';
import { destroyQuietly, isRoot, removeLabs, repoRoot, sh } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

const seedFile = path.resolve(repoRoot, '../shared/seeds/03-kubernetes-pod-networking.md');
const PREFIX = 'h14c-';

/** Why this lab cannot be deployed here without touching what is already on the host, or undefined. */
async function hostClash(t: Topology): Promise<string | undefined> {
  const links = JSON.parse((await sh(['ip', '-json', 'link', 'show'])).stdout) as Array<{ ifname: string }>;
  const scope = resolveTopology(t).scopes.get(HOST_KEY);
  const taken = (scope ? interfacesOf(scope) : []).map((i) => i.name).filter((n) => links.some((l) => l.ifname === n));
  if (taken.length) return `the host already has ${taken.join(', ')}`;
  const addrs = JSON.parse((await sh(['ip', '-json', 'addr', 'show'])).stdout) as Array<{ addr_info: Array<{ local: string }> }>;
  const hostIps = addrs.flatMap((a) => a.addr_info.map((i) => i.local));
  const labNets = [
    ...t.links.flatMap((l) => l.endpoints.flatMap((e) => e.addresses ?? [])),
    ...Object.values(t.nodes).flatMap((n) => (n.kind === 'bridge' ? (n.addresses ?? []) : [])),
  ];
  for (const text of labNets) {
    const net = parseCidr(text);
    const hit = net && hostIps.find((ip) => cidrContains(net, ip));
    if (hit) return `the host has ${hit}, inside the seed's ${text}`;
  }
  return undefined;
}

const scenarios: Array<{ s: ImportScenario; t: Topology; clash?: string }> = [];
if (isRoot && fs.existsSync(seedFile)) {
  const host = await readHostInterfaces(hostRunner);
  for (const s of importDocument(fs.readFileSync(seedFile, 'utf8'), { ...(host ? { host } : {}) }).scenarios) {
    const fixed = s.warnings.reduce((r, w) => (w.replace ? replaceHostInterface(r, w.replace.from, w.replace.to) : r), s);
    const t: Topology = { ...fixed.topology, name: `${PREFIX}${s.name}`, prefix: PREFIX };
    const clash = await hostClash(t);
    scenarios.push({ s: fixed, t, ...(clash ? { clash } : {}) });
  }
}

describe.skipIf(!isRoot || scenarios.length === 0)('seed 03 pasted whole: each scenario deployed, checked, destroyed', () => {
  const guards: HostGuard[] = [];
  afterAll(async () => {
    for (const { t } of scenarios) await destroyQuietly(t.name);
    for (const g of guards) await g.release();
  });

  it("offers the four scenarios, each valid, with wlo1 replaced by this host's interface", () => {
    expect(scenarios.map(({ s }) => s.name)).toEqual(['one-pod', 'pods-one-node', 'nodes-2-1st-node', 'nodes-2-2nd-node']);
    for (const { s } of scenarios) {
      expect(s.issues.filter(isError), s.name).toEqual([]);
      expect(JSON.stringify(s.topology)).not.toContain('wlo1');
    }
  });

  for (const c of scenarios) {
    const checks = c.t.checks?.length ? `its ${c.t.checks.length} check(s) from the seed's pings pass` : 'the seed pings nothing here';
    const name = `${c.t.name}: deploys as designed, ${checks}, destroy restores the host`;
    (c.clash ? it.skip : it)(c.clash ? `${c.t.name}: not deployed, ${c.clash}` : name, async () => {
      await removeLabs([c.t.name]);
      const guard = await guardHost([c.t]);
      guards.push(guard);
      try {
        const out = await deployLab(c.t);
        expect(out.result.ok, JSON.stringify(out.result.failure)).toBe(true);
        expect((await planLab(c.t)).steps, 'deployed as designed').toEqual([]);
        const results = await runChecks(hostRunner, c.t);
        expect(results.map((r) => [r.ok, r.explanation])).toEqual(results.map((r) => [true, r.explanation]));
      } finally {
        await destroyLab(c.t.name);
      }
      await guard.expectRestored();
    });
  }
});
