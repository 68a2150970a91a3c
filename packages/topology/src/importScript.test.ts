import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { desiredState } from './desiredState.js';
import { importScript } from './importScript.js';
import { isError } from './issues.js';
import { parseTopology } from './parseTopology.js';
import { planDeploy } from './planDeploy.js';
import { renderPlanScript, stepLine } from './renderScript.js';
import { emptyObserved } from './state.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const seedsDir = path.resolve(here, '../../../../shared/seeds');
const labsDir = path.resolve(here, '../../../labs');
const seed = (f: string) => fs.readFileSync(path.join(seedsDir, f), 'utf8');

/** A seed's sections: `## Title` or a title underlined with ---. */
export function sections(md: string): Record<string, string> {
  const out: Record<string, string> = {};
  let title = '(top)';
  const lines = md.split('\n');
  lines.forEach((l, i) => {
    const h = /^##\s+(.*)$/.exec(l);
    if (h) title = h[1]!.trim();
    else if (/^---+\s*$/.test(lines[i + 1] ?? '') && l.trim() && !l.startsWith('```')) title = l.trim();
    out[title] = `${out[title] ?? ''}${l}\n`;
  });
  return out;
}

const hasSeeds = fs.existsSync(seedsDir);

describe.skipIf(!hasSeeds)('importing the seed documents', () => {
  it('seed 01 becomes two namespaces on point-to-point veths to the host, with no warnings', () => {
    const r = importScript(seed('01-l3-only-veth-forwarding.md'), 'seed01');
    expect(r.warnings).toEqual([]);
    expect(Object.keys(r.topology.nodes).sort()).toEqual(['host', 'ns1', 'ns2']);
    expect(r.topology.links.map((l) => l.endpoints.map((e) => `${e.node}:${e.name}:${e.addresses}`))).toEqual([
      ['host:veth-ns1:172.30.30.1/24', 'ns1:veth-ns1-pod:172.30.30.11/24'],
      ['host:veth-ns2:172.30.30.1/24', 'ns2:veth-ns2-pod:172.30.30.12/24'],
    ]);
    expect(r.issues.filter(isError)).toEqual([]);
  });

  it("seed 02 adds the host routes and proxy_arp; a transcript's output is listed as skipped, not dropped", () => {
    const r = importScript(seed('02-proxy-arp-pseudo-bridge.md'), 'seed02');
    expect(r.topology.nodes.host).toMatchObject({
      routes: [
        { to: '172.30.30.11/32', dev: 'veth-ns1' },
        { to: '172.30.30.12/32', dev: 'veth-ns2' },
      ],
      sysctls: { 'net.ipv4.conf.veth-ns1.proxy_arp': 1, 'net.ipv4.conf.veth-ns2.proxy_arp': 1, 'net.ipv4.ip_forward': 1 },
    });
    expect(r.skipped.some((s) => s.message === 'output shown in a transcript')).toBe(true);
    expect(r.warnings.map((w) => w.line)).toEqual([161]); // nsenter -n -t PID: cannot be mapped
  });

  it('seed 03 "2 pods, one node": a host bridge with two pods, NAT and FORWARD rules', () => {
    const r = importScript(
      sections(seed('03-kubernetes-pod-networking.md'))['2 pods, one node: connecting container in pod1 to the container in pod2']!,
      'seed03b',
    );
    expect(r.topology.nodes.br1).toEqual({ kind: 'bridge' });
    expect(r.topology.nodes.host).toMatchObject({
      nat: [{ type: 'masquerade', source: '0.0.0.0/0', outInterface: 'wlo1' }],
      firewall: {
        forward: [
          { in: 'brveth_pod1', out: 'brveth_pod2', action: 'accept' },
          { in: 'brveth_pod2', out: 'brveth_pod1', action: 'accept' },
        ],
      },
    });
    expect(r.issues.filter(isError)).toEqual([]);
  });

  it('seed 03 "2 nodes": placeholders like <Node 2 IP> are warnings with their line', () => {
    const r = importScript(sections(seed('03-kubernetes-pod-networking.md'))['2 nodes, 2 pods, 2 containers']!, 'seed03c');
    expect(r.warnings.some((w) => /"<Node" is not an address|fill it in/.test(w.message))).toBe(true);
    for (const w of r.warnings) expect(w.line).toBeGreaterThan(0);
  });

  it('seed 04, whole: the clean-up removes the first pair; three namespaces on cnio0 with a gateway and NAT remain', () => {
    const r = importScript(seed('04-network-namespaces-bridge-nat.md'), 'seed04');
    expect(r.warnings).toEqual([]);
    expect(r.topology.nodes.cnio0).toEqual({ kind: 'bridge', addresses: ['192.168.100.1/24'] });
    expect(Object.keys(r.topology.nodes).sort()).toEqual(['blue', 'cnio0', 'host', 'orange', 'red']);
    expect((r.topology.nodes.red as { routes: unknown }).routes).toEqual([{ to: 'default', via: '192.168.100.1' }]);
    expect(r.issues.filter(isError)).toEqual([]);
  });

  it("seed 05 single host: nsenter blocks, bash -c echo > /proc/sys, and the seed's own DNAT typos reported", () => {
    const r = importScript(sections(seed('05-container-networking-nat-dnat-vxlan.md'))['Single-Host Net']!, 'seed05');
    expect((r.topology.nodes.netns0 as { routes: unknown }).routes).toEqual([{ to: 'default', via: '192.168.0.1' }]);
    expect(r.topology.nodes.host).toMatchObject({
      sysctls: { 'net.ipv4.ip_forward': 1, 'net.bridge.bridge-nf-call-iptables': 1 },
      nat: [{ type: 'masquerade', source: '192.168.0.0/16', notOutInterface: 'cbr0' }],
    });
    // The seed breaks its DNAT command over lines without a backslash, and writes OUPUT.
    expect(r.warnings.map((w) => w.text)).toContain('-j DNAT --to-destination 192.168.0.10:5000');
    expect(r.warnings.some((w) => w.text.includes('OUPUT'))).toBe(true);
    expect(r.issues.filter(isError)).toEqual([]);
  });

  it.each(fs.existsSync(seedsDir) ? fs.readdirSync(seedsDir) : [])(
    '%s: every section imports without throwing, each warning with a line',
    (f) => {
      for (const text of Object.values(sections(seed(f)))) {
        const r = importScript(text, 'x');
        for (const n of [...r.warnings, ...r.skipped]) expect(n.line).toBeGreaterThan(0);
      }
    },
  );
});

describe('importing commands', () => {
  it('understands route add default gw, ip -n, nsenter blocks, vxlan on a bridge, and a FORWARD policy', () => {
    const r = importScript(
      `
ip netns add h0
ip netns add p0
ip -n h0 link add name cbr0 type bridge
ip link add eth0 netns h0 type veth peer name ceth0 netns p0
nsenter --net=/var/run/netns/h0
ip link add vxlan0 type vxlan id 7 remote 10.9.0.2 dstport 4789
ip link set vxlan0 master cbr0
ip link set eth0 master cbr0
iptables -P FORWARD DROP
exit
ip netns exec p0 ip addr add 10.8.0.5/24 dev ceth0
ip netns exec p0 route add default gw 10.8.0.1
frobnicate --all
`,
      'cmds',
    );
    expect(r.topology.nodes.cbr0).toEqual({ kind: 'bridge', netns: 'h0' });
    expect(r.topology.nodes.h0).toMatchObject({
      vxlans: [{ name: 'vxlan0', vni: 7, remote: '10.9.0.2', dstport: 4789, bridge: 'cbr0' }],
      firewall: { forwardPolicy: 'drop' },
    });
    expect(r.topology.nodes.p0).toMatchObject({ routes: [{ to: 'default', via: '10.8.0.1' }] });
    expect(r.topology.links[0]!.endpoints).toEqual([
      { node: 'cbr0', name: 'eth0' },
      { node: 'p0', name: 'ceth0', addresses: ['10.8.0.5/24'] },
    ]);
    expect(r.warnings).toEqual([{ line: 14, text: 'frobnicate --all', message: 'not a command nslab understands (frobnicate)' }]);
  });
});

describe('export then import gives back the same lab', () => {
  it.each(fs.readdirSync(labsDir).filter((f) => f.endsWith('.yaml')))('%s', (file) => {
    const t = parseTopology(fs.readFileSync(path.join(labsDir, file), 'utf8')).topology!;
    const script = renderPlanScript(planDeploy(emptyObserved(t.name), desiredState(t)), { strict: true });
    const back = importScript(script, t.name);
    expect(back.warnings).toEqual([]);
    const commands = (x: typeof t) => planDeploy(emptyObserved(x.name), desiredState(x)).steps.map(stepLine).sort();
    expect(commands(back.topology)).toEqual(commands(t));
  });
});

describe('veth peers as iproute2 writes them', () => {
  it('reads "peer name NAME" and "peer NAME"; warns without a peer', () => {
    for (const line of ['ip link add a0 type veth peer name b0 netns nsb', 'ip link add a0 type veth peer b0 netns nsb']) {
      const r = importScript(`ip netns add nsa\nip netns add nsb\nip -n nsa ${line.slice(3)}`, 'vp');
      expect(r.topology.links).toEqual([
        {
          endpoints: [
            { node: 'nsa', name: 'a0' },
            { node: 'nsb', name: 'b0' },
          ],
        },
      ]);
    }
    expect(importScript('ip link add a0 type veth', 'vp').warnings.map((w) => w.message)).toContain(
      'veth without "peer name": cannot tell its other end',
    );
  });
});
