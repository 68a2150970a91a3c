import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { desiredState } from './desiredState.js';
import { parseTopology } from './parseTopology.js';
import { planDeploy, planDestroy } from './planDeploy.js';
import { renderPlanScript, stepLine } from './renderScript.js';
import type { Topology } from './schema.js';
import { emptyObserved } from './state.js';
import { inverseOf, toArgv } from './step.js';
import { deployedAs, fullLab } from './testFixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const labsDir = path.resolve(here, '../../../labs');
const labFiles = fs
  .readdirSync(labsDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function load(file: string): Topology {
  const r = parseTopology(fs.readFileSync(path.join(labsDir, file), 'utf8'));
  if (!r.topology || !r.ok) throw new Error(`${file}: ${JSON.stringify(r.issues)}`);
  return r.topology;
}

const lines = (t: Topology, observed = emptyObserved(t.name)) => planDeploy(observed, desiredState(t)).steps.map(stepLine);

describe('planner: golden plans for the seed labs', () => {
  it.each(labFiles)('%s plans the same commands as its golden file', async (file) => {
    const t = load(file);
    const script = renderPlanScript(planDeploy(emptyObserved(t.name), desiredState(t)));
    await expect(script).toMatchFileSnapshot(path.join(here, '__golden__', file.replace('.yaml', '.sh')));
  });

  it.each(labFiles)('%s: the same input gives the same plan', (file) => {
    expect(lines(load(file))).toEqual(lines(load(file)));
  });
});

describe('planner: deploy is reconcile', () => {
  it.each([...labFiles, 'full'])('%s: planning against its own deployed state changes nothing', (file) => {
    const t = file === 'full' ? fullLab() : load(file);
    const d = desiredState(t);
    expect(planDeploy(deployedAs(d), d).steps.map(stepLine)).toEqual([]);
  });

  it('changing one link address plans only that address', () => {
    const t = load('04-proxy-arp.yaml');
    const before = deployedAs(desiredState(t));
    const edited = structuredClone(t);
    edited.links[1]!.endpoints[0].addresses = ['172.30.30.13/24'];
    edited.nodes.host = {
      ...edited.nodes.host!,
      routes: [
        { to: '172.30.30.11/32', dev: 'veth-ns1' },
        { to: '172.30.30.13/32', dev: 'veth-ns2' },
      ],
    } as never;
    expect(lines(edited, before)).toEqual([
      'ip route del 172.30.30.12/32 dev veth-ns2',
      'ip -n ns2 addr del 172.30.30.12/24 dev veth-ns2-pod',
      'ip route add 172.30.30.13/32 dev veth-ns2',
      'ip -n ns2 addr add 172.30.30.13/24 dev veth-ns2-pod',
    ]);
  });

  it('renaming one end of a link recreates only that link', () => {
    const t = load('02-bridge-nat.yaml');
    const before = deployedAs(desiredState(t));
    const edited = structuredClone(t);
    edited.links[1]!.endpoints[1].name = 'veth-blue-b2';
    expect(lines(edited, before)).toEqual([
      'ip link del dev veth-blue-br',
      'ip link add veth-blue netns blue type veth peer name veth-blue-b2',
      'ip link set dev veth-blue-b2 alias nslab:bridge-nat',
      'ip link set dev veth-blue-b2 master cnio0',
      'ip link set dev veth-blue-b2 up',
      'ip -n blue addr add 192.168.110.3/24 dev veth-blue',
      'ip -n blue link set dev veth-blue up',
      'ip -n blue route add default via 192.168.110.1',
    ]);
  });

  it('removing a namespace deletes it, and names the host-side peer that goes with it', () => {
    const t = load('02-bridge-nat.yaml');
    const before = deployedAs(desiredState(t));
    const edited = structuredClone(t);
    delete edited.nodes.orange;
    edited.links.pop();
    const plan = planDeploy(before, desiredState(edited));
    expect(plan.steps.map(stepLine)).toEqual(['ip netns del orange']);
    expect(plan.steps[0]).toMatchObject({ takes: [{ netns: null, name: 'veth-orange-br' }] });
  });

  it('a link that went down is brought up again, nothing else', () => {
    const t = load('01-veth-pair.yaml');
    const before = deployedAs(desiredState(t));
    before.scopes['ns:red']!.links['veth-red']!.up = false;
    expect(lines(t, before)).toEqual(['ip -n red link set dev veth-red up']);
  });

  it('a changed firewall rule order re-adds the chain in order', () => {
    const t = load('06-two-nodes.yaml');
    const before = deployedAs(desiredState(t));
    const edited = structuredClone(t) as any;
    edited.nodes.node1.firewall.forward.reverse();
    const out = lines(edited, before);
    expect(out.filter((l) => l.includes(' -D FORWARD'))).toHaveLength(2);
    expect(out.filter((l) => l.includes(' -A FORWARD'))[0]).toContain('-i br-node1 -o eth0');
  });

  it('an added NAT rule is appended without touching the others', () => {
    const t = load('02-bridge-nat.yaml');
    const before = deployedAs(desiredState(t));
    const edited = structuredClone(t) as any;
    edited.nodes.host.nat.push({ type: 'dnat', proto: 'tcp', port: 8080, to: '192.168.110.2:80' });
    expect(lines(edited, before)).toEqual([
      'iptables -t nat -A OUTPUT -p tcp -m tcp --dport 8080 -m addrtype --dst-type LOCAL -m comment --comment nslab:bridge-nat -j DNAT --to-destination 192.168.110.2:80',
      'iptables -t nat -A PREROUTING -p tcp -m tcp --dport 8080 -m comment --comment nslab:bridge-nat -j DNAT --to-destination 192.168.110.2:80',
    ]);
  });
});

describe('planner: host settings are held and given back', () => {
  it('records the old value when it changes a host sysctl', () => {
    const t = load('02-bridge-nat.yaml');
    const observed = { ...emptyObserved(t.name), hostValues: { 'sysctl:net.ipv4.ip_forward': '0' } };
    const step = planDeploy(observed, desiredState(t)).steps.find((s) => s.kind === 'sysctl.set')!;
    expect(step).toMatchObject({ key: 'net.ipv4.ip_forward', value: '1', from: '0', hold: 'take' });
  });

  it('joins, without a command, a setting another lab already holds', () => {
    const t = load('02-bridge-nat.yaml');
    const observed = {
      ...emptyObserved(t.name),
      hostValues: { 'sysctl:net.ipv4.ip_forward': '1' },
      holds: { 'sysctl:net.ipv4.ip_forward': { original: '0', labs: ['other'] } },
    };
    const steps = planDeploy(observed, desiredState(t)).steps.filter((s) => s.kind === 'host.hold' || s.kind === 'sysctl.set');
    expect(steps).toMatchObject([{ kind: 'host.hold', hold: 'take', key: 'sysctl:net.ipv4.ip_forward' }]);
  });

  it('destroy restores a setting it alone held', () => {
    const d = desiredState(load('02-bridge-nat.yaml'));
    const plan = planDestroy(deployedAs(d));
    expect(plan.steps.map(stepLine)).toContain('sysctl -w -- net.ipv4.ip_forward=0');
  });

  it('destroy leaves a setting another lab still holds', () => {
    const d = desiredState(load('02-bridge-nat.yaml'));
    const o = deployedAs(d);
    o.holds['sysctl:net.ipv4.ip_forward']!.labs.push('other');
    const steps = planDestroy(o).steps;
    expect(steps.map(stepLine)).not.toContain('sysctl -w -- net.ipv4.ip_forward=0');
    expect(steps.find((s) => s.kind === 'host.hold')).toMatchObject({ hold: 'release' });
  });
});

describe('planner: ownership', () => {
  it("refuses a namespace that exists and is not the lab's, and plans nothing", () => {
    const t = load('01-veth-pair.yaml');
    const o = emptyObserved(t.name);
    o.foreign.netns.red = undefined;
    const plan = planDeploy(o, desiredState(t));
    expect(plan.steps).toEqual([]);
    expect(plan.conflicts.map((c) => c.message)).toEqual([
      'namespace "red" exists and was not created by nslab; nslab will not touch it (rename the node, or set a prefix)',
    ]);
  });

  it('refuses a host interface owned by another lab', () => {
    const t = load('04-proxy-arp.yaml');
    const o = emptyObserved(t.name);
    o.foreign.hostLinks['veth-ns1'] = 'l3-only';
    expect(planDeploy(o, desiredState(t)).conflicts[0]!.path).toEqual(['links', 0, 'endpoints', 1, 'name']);
  });

  it('destroy from nothing plans nothing', () => {
    expect(planDestroy(emptyObserved('gone')).steps).toEqual([]);
  });

  it('a prefix renames every namespace, and only namespaces', () => {
    const t = { ...load('01-veth-pair.yaml'), prefix: 's01-' };
    const out = lines(t);
    expect(out[0]).toBe('ip netns add s01-blue');
    expect(out).toContain('ip link add veth-red netns s01-red type veth peer name veth-blue netns s01-blue');
  });
});

describe('steps', () => {
  it('every step of every golden plan has an argv or is a record-only step, and a reason', () => {
    for (const file of labFiles) {
      for (const s of planDeploy(emptyObserved('x'), desiredState(load(file))).steps) {
        expect(s.reason.length).toBeGreaterThan(10);
        for (const a of toArgv(s)) expect(a).not.toMatch(/\s/);
      }
    }
  });

  it('creating steps have inverses that remove what they made', () => {
    const steps = planDeploy(emptyObserved('x'), desiredState(fullLab())).steps;
    const inv = (k: string) => inverseOf(steps.find((s) => s.kind === k)!)!;
    expect(inv('netns.add').kind).toBe('netns.del');
    expect(inv('veth.add').kind).toBe('link.del');
    expect(inv('addr.add').kind).toBe('addr.del');
    expect(inv('route.add').kind).toBe('route.del');
    expect(inv('rule.add').kind).toBe('rule.del');
  });

  it('an IPv6 lab uses nodad addresses and ip6tables', () => {
    const r = parseTopology(`
name: v6
nodes:
  a: { kind: netns, routes: [{ to: default, via: "fd00:1::1" }], nat: [{ type: masquerade, source: "fd00:1::/64" }] }
  b: { kind: netns }
links:
  - endpoints: [{ node: a, name: e0, addresses: ["fd00:1::2/64"] }, { node: b, name: e0, addresses: ["fd00:1::1/64"] }]
`);
    expect(r.issues).toEqual([]);
    const out = lines(r.topology!);
    expect(out).toContain('ip -n a addr add fd00:1::2/64 dev e0 nodad');
    expect(out).toContain('ip -n a route add ::/0 via fd00:1::1');
    expect(out.some((l) => l.startsWith('ip netns exec a ip6tables -t nat -A POSTROUTING -s fd00:1::/64'))).toBe(true);
  });
});
