/**
 * IPv6 on the real kernel: addresses, routes (specific and default),
 * forwarding, ip6tables forward rules and masquerade (and an IPv4 masquerade
 * from 0.0.0.0/0, which iptables-save prints without -s); deploy, then plan is
 * empty and status says Deployed; traffic flows. And every template, made
 * dual-stack (an IPv6 twin for each IPv4 address, route and rule), deploys
 * and then plans nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCidr, type Topology } from '@nslab/topology';
import { deployLab, destroyLab, planLab } from '../../src/lab.js';
import { destroyQuietly, isRoot, labFile, labFromYaml, nslab, removeLabs, repoRoot, sh, templateCopy } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

const ROUTED = `name: v6-routed
nodes:
  v6t-a: { kind: netns, routes: [{ to: "fd00:2::/64", via: "fd00:1::1" }] }
  v6t-r:
    kind: netns
    sysctls: { net.ipv6.conf.all.forwarding: 1 }
    firewall:
      forwardPolicy: drop
      forward:
        - { source: "fd00:1::/64", action: accept }
        - { destination: "fd00:1::/64", action: accept }
    nat:
      - { type: masquerade, source: "::/0", outInterface: eth1 }
      - { type: masquerade, source: 0.0.0.0/0, outInterface: eth1 }   # seed 03's form: iptables-save prints no -s
  v6t-b: { kind: netns, routes: [{ to: default, via: "fd00:2::1" }] }
links:
  - endpoints: [{ node: v6t-a, name: eth0, addresses: ["fd00:1::2/64"] }, { node: v6t-r, name: eth0, addresses: ["fd00:1::1/64"] }]
  - endpoints: [{ node: v6t-b, name: eth0, addresses: ["fd00:2::2/64"] }, { node: v6t-r, name: eth1, addresses: ["fd00:2::1/64"] }]
`;

describe.skipIf(!isRoot)('IPv6 through a router namespace', () => {
  const t = labFromYaml(ROUTED);
  let guard: HostGuard | undefined;
  afterAll(async () => {
    await destroyQuietly(t.name);
    await guard?.release();
  });

  it('deploys, reads Deployed (plan empty, status exit 0), forwards and masquerades; destroy leaves nothing', async () => {
    await removeLabs([t.name]);
    guard = await guardHost([t]);
    expect((await deployLab(t)).result.ok).toBe(true);
    expect((await planLab(t)).steps.map((s) => s.reason)).toEqual([]);
    const status = await nslab('status', labFile(ROUTED));
    expect(status.code, status.stdout).toBe(0);
    // Duplicate address detection is off for lab addresses (nodad), so the first ping can go.
    let ping = await sh(['ip', 'netns', 'exec', 'v6t-a', 'ping', '-6', '-c1', '-W2', 'fd00:2::2']);
    for (let i = 0; i < 3 && ping.code !== 0; i++)
      ping = await sh(['ip', 'netns', 'exec', 'v6t-a', 'ping', '-6', '-c1', '-W2', 'fd00:2::2']);
    expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    expect(ping.stdout).toMatch(/ttl=63/);
    const saved = (await sh(['ip', 'netns', 'exec', 'v6t-r', 'ip6tables-save'])).stdout;
    expect(saved).toContain('-A POSTROUTING -o eth1 -m comment --comment "nslab:v6-routed" -j MASQUERADE');
    expect(saved).toMatch(/:FORWARD DROP/);
    expect((await sh(['ip', 'netns', 'exec', 'v6t-r', 'iptables-save', '-t', 'nat'])).stdout).toContain(
      '-A POSTROUTING -o eth1 -m comment --comment "nslab:v6-routed" -j MASQUERADE',
    );
    expect((await destroyLab(t.name)).result.ok).toBe(true);
    await guard.expectRestored();
  });
});

/** An IPv6 twin of an IPv4 address inside fd4e::/96 (10.1.2.3/24 → fd4e::a01:203/120). */
function twin(v4: string): string {
  const c = parseCidr(v4)!;
  const n = c.ip.split('.').map(Number);
  const hex = (a: number, b: number) => ((a << 8) | b).toString(16);
  return `fd4e::${hex(n[0]!, n[1]!)}:${hex(n[2]!, n[3]!)}${v4.includes('/') ? `/${96 + c.prefix}` : ''}`;
}
const isV4 = (s: string | undefined) => !!s && /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(s);
const twinHostPort = (hp: string) => `[${twin(hp.slice(0, hp.lastIndexOf(':')))}]:${hp.slice(hp.lastIndexOf(':') + 1)}`;

/** The lab, dual-stack: each IPv4 address, route, NAT and forward rule gets an IPv6 twin; forwarding on for both. */
function dualStack(t: Topology): Topology {
  const d = structuredClone(t);
  delete d.checks;
  for (const l of d.links)
    for (const e of l.endpoints) if (e.addresses) e.addresses = [...e.addresses, ...e.addresses.filter(isV4).map(twin)];
  for (const node of Object.values(d.nodes)) {
    if (node.kind === 'bridge') {
      if (node.addresses) node.addresses = [...node.addresses, ...node.addresses.filter(isV4).map(twin)];
      continue;
    }
    node.routes = node.routes?.flatMap((r) => [
      r,
      ...(isV4(r.via) || isV4(r.to) || r.to === 'default'
        ? [{ ...r, ...(isV4(r.to) ? { to: twin(r.to) } : {}), ...(r.via ? { via: isV4(r.via) ? twin(r.via) : r.via } : {}) }]
        : []),
    ]);
    if (node.sysctls?.['net.ipv4.ip_forward']) node.sysctls['net.ipv6.conf.all.forwarding'] = 1;
    node.nat = node.nat?.flatMap((n) => [
      n,
      n.type === 'masquerade'
        ? { ...n, source: twin(n.source) }
        : { ...n, to: twinHostPort(n.to), ...(n.destination ? { destination: twin(n.destination) } : {}) },
    ]);
    if (node.firewall?.forward) {
      node.firewall.forward = node.firewall.forward.flatMap((f) =>
        f.source || f.destination
          ? [f, { ...f, ...(f.source ? { source: twin(f.source) } : {}), ...(f.destination ? { destination: twin(f.destination) } : {}) }]
          : [f],
      );
    }
    node.vxlans = node.vxlans?.map((v) => ({
      ...v,
      ...(v.addresses ? { addresses: [...v.addresses, ...v.addresses.filter(isV4).map(twin)] } : {}),
    }));
  }
  return d;
}

const files = fs
  .readdirSync(path.join(repoRoot, 'labs'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe.skipIf(!isRoot)('every template, dual-stack: deploy, then plan is empty', () => {
  const deployed: string[] = [];
  const guards: HostGuard[] = [];
  afterAll(async () => {
    for (const lab of deployed) await destroyQuietly(lab);
    for (const g of guards) await g.release();
  });

  it.each(files)('%s', async (file) => {
    const t = dualStack(templateCopy(file, `ds-${file.slice(0, 2)}`, `d${file.slice(0, 2)}-`).topology);
    const valid = labFromYaml(JSON.stringify(t)); // the twin is a valid lab
    await removeLabs([valid.name]);
    const guard = await guardHost([valid]);
    guards.push(guard);
    deployed.push(valid.name);
    const out = await deployLab(valid);
    expect(out.result.ok, JSON.stringify(out.result.failure)).toBe(true);
    expect(
      (await planLab(valid)).steps.map((s) => s.reason),
      'deploy, then plan: nothing to do',
    ).toEqual([]);
    expect((await destroyLab(valid.name)).result.ok).toBe(true);
    await guard.expectRestored();
  });
});
