import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { desiredState } from '../desiredState.js';
import { importDocument, importScript, labNameOf, replaceHostInterface, type ImportScenario } from '../importScript.js';
import { isError } from '../issues.js';
import { parseTopology } from '../parseTopology.js';
import { planDeploy } from '../planDeploy.js';
import { renderPlanScript } from '../renderScript.js';
import { emptyObserved } from '../state.js';
import type { NamespaceNode, Topology } from '../schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const seedsDir = path.resolve(here, '../../../../../shared/seeds');
const labsDir = path.resolve(here, '../../../../labs');
const seed = (prefix: string) =>
  fs.readFileSync(
    path.join(
      seedsDir,
      fs.readdirSync(seedsDir).find((f) => f.startsWith(prefix))!,
    ),
    'utf8',
  );
const hasSeeds = fs.existsSync(seedsDir);
const templates = fs
  .readdirSync(labsDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => {
    const topology = parseTopology(fs.readFileSync(path.join(labsDir, f), 'utf8')).topology!;
    return { id: f.replace(/\.yaml$/, ''), name: topology.name, topology };
  });
const host = { interfaces: ['lo', 'eth0', 'docker0'], defaultRoute: 'eth0' };
const ns = (t: Topology, n: string) => t.nodes[n] as NamespaceNode;
const read = (text: string) => importDocument(text, { templates, host }).scenarios;

describe('[I1] commands with and without prompts', () => {
  it('plain commands before one prompted ping are commands; the ping is a check', () => {
    const r = importScript(
      [
        'ip netns add ns1',
        'ip netns add ns2',
        'ip link add v1 netns ns1 type veth peer name v2 netns ns2',
        'ip -n ns1 addr add 10.0.0.1/24 dev v1',
        'ip -n ns2 addr add 10.0.0.2/24 dev v2',
        'root@host:~# ip netns exec ns1 ping -c1 10.0.0.2',
      ].join('\n'),
      'mix',
    );
    expect(Object.keys(r.topology.nodes).sort()).toEqual(['ns1', 'ns2']);
    expect(r.topology.links).toHaveLength(1);
    expect(r.topology.checks).toEqual([{ from: 'ns1', ping: '10.0.0.2', expect: 'reachable' }]);
    expect(r.warnings).toEqual([]);
  });

  it('unprompted commands after a prompt, in the same block, are commands too', () => {
    const r = importScript(
      ['$ sudo ip netns add a', 'sudo ip netns add b', 'ip link add x netns a type veth peer name y netns b'].join('\n'),
    );
    expect(r.topology.links[0]!.endpoints.map((e) => e.node)).toEqual(['a', 'b']);
  });

  it("a transcript's real output stays output: ip addr listings, routes as printed, ping replies", () => {
    const r = importScript(
      [
        'root@lab:~# ip netns add red',
        'root@lab:~# ip route show',
        'default via 10.57.89.1 dev ens4 proto dhcp src 10.57.89.146 metric 100',
        '172.30.30.0/24 dev veth-ns1 proto kernel scope link src 172.30.30.1',
        'root@lab:~# ip netns exec red ip addr',
        '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000',
        '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
        '    inet 172.30.30.11/24 scope global veth-ns1-pod',
        'red',
        'PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.',
      ].join('\n'),
    );
    expect(r.warnings).toEqual([]);
    expect(r.topology.nodes).toEqual({ red: { kind: 'netns' } });
    expect(r.skipped.filter((s) => s.message === 'output shown in a transcript').map((s) => s.line)).toEqual([3, 4, 6, 7, 8, 9, 10]);
  });

  it('a backslash continuation inside a transcript is one command', () => {
    const r = importScript(['# ip netns add a', 'iptables -t nat -A POSTROUTING \\', '  -s 10.0.0.0/24 -j MASQUERADE'].join('\n'));
    expect(ns(r.topology, 'host').nat).toEqual([{ type: 'masquerade', source: '10.0.0.0/24' }]);
  });
});

describe('[I3] diagrams are skipped quietly', () => {
  it('a fenced block of box drawing or [a]---[b] art: one skipped note, no warning', () => {
    const r = importScript(
      [
        '```',
        '┌────┐     ┌────┐',
        '│ ns1│─────│ ns2│',
        '└────┘     └────┘',
        '```',
        '```bash',
        '[ns1]---[br0]---[ns2]',
        '     |',
        '```',
        '```bash',
        'ip netns add ns1',
        '```',
      ].join('\n'),
    );
    expect(r.warnings).toEqual([]);
    expect(r.skipped.filter((s) => s.message === 'a diagram: left out').map((s) => s.line)).toEqual([2, 7]);
    expect(Object.keys(r.topology.nodes)).toEqual(['ns1']);
  });

  it('art pasted between plain commands is skipped; an unknown command is still a warning', () => {
    const r = importScript(['ip netns add a', '[a] <-> [b]', '  |', 'frobnicate', '-j DNAT --to 1.2.3.4'].join('\n'));
    expect(r.warnings.map((w) => w.text)).toEqual(['frobnicate', '-j DNAT --to 1.2.3.4']);
    expect(r.skipped.map((s) => s.message)).toEqual(['a diagram: left out']);
  });
});

describe('[I4] pings become checks', () => {
  const lab = [
    'ip netns add a',
    'ip netns add b',
    'ip link add x netns a type veth peer name y netns b',
    'ip -n a addr add 10.9.0.1/24 dev x',
    'ip -n b addr add 10.9.0.2/24 dev y',
  ];
  it('a transcript tells the outcome and TTL; the last one of a pair wins; a ping without output keeps what was known', () => {
    const r = importScript(
      [
        ...lab,
        '# ip netns exec a ping -c1 10.9.0.2',
        '1 packets transmitted, 0 received, 100% packet loss, time 0ms',
        '# ip netns exec a ping -c1 10.9.0.2',
        '64 bytes from 10.9.0.2: icmp_seq=1 ttl=64 time=0.04 ms',
        '# ip netns exec a ping 10.9.0.2',
        '# ip netns exec b ping -c 3 -W 1 10.9.0.1',
        'From 10.9.0.2 icmp_seq=1 Destination Host Unreachable',
      ].join('\n'),
    );
    expect(r.topology.checks).toEqual([
      { from: 'a', ping: '10.9.0.2', expect: 'reachable', ttl: 64 },
      { from: 'b', ping: '10.9.0.1', expect: 'unreachable' },
    ]);
  });

  it('pings to addresses outside the lab (8.8.8.8, a hostname) and from a bridge are left out; nsenter blocks ping from their namespace', () => {
    const r = importScript(
      [...lab, 'ip netns exec a ping -c1 8.8.8.8', 'ping example.com', 'nsenter --net=/run/netns/b', 'ping -c2 10.9.0.1', 'exit'].join(
        '\n',
      ),
    );
    expect(r.topology.checks).toEqual([{ from: 'b', ping: '10.9.0.1', expect: 'reachable' }]);
  });

  it('a ping on the host becomes a check only when the lab has a host node', () => {
    expect(importScript([...lab, 'ping -c1 10.9.0.1'].join('\n')).topology.checks).toBeUndefined();
    const withHost = importScript(
      ['ip netns add a', 'ip link add h type veth peer name x netns a', 'ip -n a addr add 10.9.0.1/24 dev x', 'ping 10.9.0.1'].join('\n'),
    );
    expect(withHost.topology.checks).toEqual([{ from: 'host', ping: '10.9.0.1', expect: 'reachable' }]);
    expect(withHost.issues.filter(isError)).toEqual([]);
  });
});

describe('[I5] a renamed bridge is renamed everywhere its namespace mentions it', () => {
  it('br0 in two namespaces: the second is br0-2 in links, routes, FORWARD, MASQUERADE, sysctls and its vxlan', () => {
    const twice = (n: string, sub: string) => [
      `ip netns add ${n}`,
      `ip netns add pod-${n}`,
      `ip -n ${n} link add br0 type bridge`,
      `ip -n ${n} addr add ${sub}.1/24 dev br0`,
      `ip link add eth0 netns ${n} type veth peer name eth0 netns pod-${n}`,
      `ip -n ${n} link set eth0 master br0`,
      `ip -n pod-${n} addr add ${sub}.2/24 dev eth0`,
      `ip -n ${n} link add vx0 type vxlan id 5 dstport 4789 dev br0`,
      `ip -n ${n} link set vx0 master br0`,
      `ip -n ${n} route add 10.99.0.0/24 dev br0`,
      `ip netns exec ${n} iptables -A FORWARD -i br0 -o br0 -j ACCEPT`,
      `ip netns exec ${n} iptables -t nat -A POSTROUTING -s ${sub}.0/24 ! -o br0 -j MASQUERADE`,
      `ip netns exec ${n} sysctl -w net.ipv4.conf.br0.forwarding=1`,
      `ip netns exec pod-${n} ping -c1 ${sub}.1`,
    ];
    const r = importScript([...twice('n1', '10.1.1'), ...twice('n2', '10.1.2')].join('\n'), 'renames');
    expect(r.topology.nodes['br0']).toEqual({ kind: 'bridge', netns: 'n1', addresses: ['10.1.1.1/24'] });
    expect(r.topology.nodes['br0-2']).toEqual({ kind: 'bridge', netns: 'n2', addresses: ['10.1.2.1/24'] });
    const n1 = ns(r.topology, 'n1');
    const n2 = ns(r.topology, 'n2');
    expect(n1.routes).toEqual([{ to: '10.99.0.0/24', dev: 'br0' }]);
    expect(n2.routes).toEqual([{ to: '10.99.0.0/24', dev: 'br0-2' }]);
    expect(n2.firewall?.forward).toEqual([{ in: 'br0-2', out: 'br0-2', action: 'accept' }]);
    expect(n2.nat).toEqual([{ type: 'masquerade', source: '10.1.2.0/24', notOutInterface: 'br0-2' }]);
    expect(n2.sysctls).toEqual({ 'net.ipv4.conf.br0-2.forwarding': 1 });
    expect(n2.vxlans).toEqual([{ name: 'vx0', vni: 5, dstport: 4789, dev: 'br0-2', bridge: 'br0-2' }]);
    expect(n1.vxlans).toEqual([{ name: 'vx0', vni: 5, dstport: 4789, dev: 'br0', bridge: 'br0' }]);
    expect(r.topology.links.map((l) => l.endpoints[0].node)).toEqual(['br0', 'br0-2']);
    expect(r.topology.checks).toEqual([
      { from: 'pod-n1', ping: '10.1.1.1', expect: 'reachable' },
      { from: 'pod-n2', ping: '10.1.2.1', expect: 'reachable' },
    ]);
    expect(r.issues.filter(isError)).toEqual([]);
  });
});

describe('[I8] a rule or route given twice is one', () => {
  it('four identical MASQUERADE rules and a repeated route', () => {
    const rule = 'iptables -t nat -A POSTROUTING -o wlo1 -j MASQUERADE';
    const r = importScript(
      [rule, rule, 'ip netns add a', rule, rule, 'ip route add 10.0.0.0/8 via 192.0.2.1', 'ip route add 10.0.0.0/8 via 192.0.2.1'].join(
        '\n',
      ),
    );
    expect(ns(r.topology, 'host').nat).toEqual([{ type: 'masquerade', source: '0.0.0.0/0', outInterface: 'wlo1' }]);
    expect(ns(r.topology, 'host').routes).toHaveLength(1);
    expect(r.skipped.filter((s) => s.message === 'the same as one above: left out').map((s) => s.line)).toEqual([2, 4, 5, 7]);
  });
});

describe('[I7] host interfaces that are not on this host', () => {
  const text = [
    'ip netns add a',
    'ip link add h0 type veth peer name x netns a',
    'iptables -t nat -A POSTROUTING -o wlo1 -j MASQUERADE',
    'iptables -A FORWARD -i h0 -o wlo1 -j ACCEPT',
    'iptables -A FORWARD -i docker0 -o h0 -j ACCEPT',
  ].join('\n');

  it("wlo1 is a warning on its first line, naming the default-route interface; the lab's own h0 and the host's docker0 are not", () => {
    const r = importScript(text, 'hi', { host });
    expect(r.warnings).toEqual([
      {
        line: 3,
        text: 'iptables -t nat -A POSTROUTING -o wlo1 -j MASQUERADE',
        message:
          "wlo1 is not an interface of this host, so what the lab does on it matches nothing here; this host's default route leaves by eth0: use eth0",
        replace: { from: 'wlo1', to: 'eth0' },
      },
    ]);
  });

  it('replaceHostInterface puts eth0 everywhere the host node said wlo1, and the warning goes', () => {
    const fixed = replaceHostInterface(importScript(text, 'hi', { host }), 'wlo1', 'eth0');
    expect(ns(fixed.topology, 'host').nat).toEqual([{ type: 'masquerade', source: '0.0.0.0/0', outInterface: 'eth0' }]);
    expect(ns(fixed.topology, 'host').firewall?.forward?.[0]).toEqual({ in: 'h0', out: 'eth0', action: 'accept' });
    expect(fixed.warnings).toEqual([]);
    expect(fixed.yaml).toContain('outInterface: eth0');
  });

  it('a host without a default route: the warning lists its interfaces and offers no replacement; without the host list, nothing is said', () => {
    const r = importScript(text, 'hi', { host: { interfaces: ['lo', 'enp1s0'] } });
    expect(r.warnings[0]!.message).toContain('this host has enp1s0');
    expect(r.warnings[0]!.replace).toBeUndefined();
    expect(importScript(text, 'hi').warnings).toEqual([]);
  });

  it("a vxlan's dev and a macvlan's parent are host interfaces too", () => {
    const r = importScript(
      ['ip link add vx0 type vxlan id 1 dstport 4789 dev ens160', 'ip link add mv0 link enp9s0 type macvlan mode bridge'].join('\n'),
      'x',
      { host },
    );
    expect(r.warnings.map((w) => w.replace?.from)).toEqual(['ens160', 'enp9s0']);
  });
});

describe('[I6] template matching', () => {
  it.each(templates.map((t) => [t.id, t] as const))('%s, exported as a script and imported back, is one scenario and itself', (_id, t) => {
    const script = renderPlanScript(planDeploy(emptyObserved(t.topology.name), desiredState(t.topology)), { strict: true });
    const list = importDocument(script, { templates }).scenarios; // its `# …` comments are no headings
    expect(list).toHaveLength(1);
    expect(list[0]!.template?.id).toBe(t.id);
    expect(list[0]!.template?.sameAddresses).toBe(true);
  });

  it('a lab of another shape matches nothing; a lab without links matches nothing', () => {
    expect(
      read('ip netns add a\nip netns add b\nip netns add c\nip link add x netns a type veth peer name y netns b')[0]!.template?.id,
    ).toBe('01-veth-pair');
    expect(read('ip netns add a')[0]!.template).toBeUndefined();
    expect(
      read('ip link add br0 type bridge\nip netns add a\nip link add x netns a type veth peer name y\nip link set y master br0')[0]!
        .template,
    ).toBeUndefined();
  });
});

describe('lab names from headings', () => {
  it.each([
    ['One pod: container to container connection', '', 'one-pod'],
    ['2 pods, one node: connecting container in pod1', '', 'pods-one-node'],
    ['2 nodes, 2 pods, 2 containers', 'On the 2nd Node', 'nodes-2-2nd-node'],
    ['Connect multi-namespaces', '', 'connect-multi'],
    ['!!!', '', 'imported'],
    ['__proto__', '', 'proto'],
  ])('%s (%s) → %s', (title, sub, name) => expect(labNameOf(title, sub)).toBe(name));
});

describe.skipIf(!hasSeeds)('[I2] whole seed documents, split into scenarios', () => {
  const summary = (s: ImportScenario) => ({
    name: s.name,
    title: s.title,
    template: s.template?.id,
    errors: s.issues.filter(isError).length,
  });

  it('seed 01: one scenario, the l3-only template, no warnings', () => {
    const [s, ...more] = read(seed('01'));
    expect(more).toEqual([]);
    expect(summary(s!)).toEqual({ name: 'linux-forwarding', title: 'linux-forwarding-veth', template: '03-l3-only', errors: 0 });
    expect(s!.warnings).toEqual([]);
  });

  it('seed 02: one scenario, the pseudo-bridge template; its last ping (ttl=63) is the check', () => {
    const [s, ...more] = read(seed('02'));
    expect(more).toEqual([]);
    expect(s!.template?.id).toBe('04-proxy-arp');
    expect(s!.topology.checks).toEqual([{ from: 'ns1', ping: '172.30.30.12', expect: 'reachable', ttl: 63 }]);
    expect(s!.warnings.map((w) => w.line)).toEqual([161]);
  });

  it('seed 03: four scenarios, diagrams quiet, one MASQUERADE each, the one-node template, wlo1 warned', () => {
    const list = read(seed('03'));
    expect(list.map(summary)).toEqual([
      { name: 'one-pod', title: 'One pod: container to container connection', template: undefined, errors: 0 },
      {
        name: 'pods-one-node',
        title: '2 pods, one node: connecting container in pod1 to the container in pod2',
        template: '05-one-node-pods',
        errors: 0,
      },
      { name: 'nodes-2-1st-node', title: '2 nodes, 2 pods, 2 containers — On the 1st Node', template: undefined, errors: 0 },
      { name: 'nodes-2-2nd-node', title: '2 nodes, 2 pods, 2 containers — On the 2nd Node', template: undefined, errors: 0 },
    ]);
    for (const s of list) {
      expect(ns(s.topology, 'host').nat).toHaveLength(1);
      expect(s.warnings.filter((w) => w.replace?.from === 'wlo1')).toHaveLength(1);
      expect(s.warnings.filter((w) => !w.replace).every((w) => /fill it in/.test(w.message))).toBe(true);
    }
    expect(list.flatMap((s) => s.skipped).filter((n) => n.message === 'a diagram: left out')).toHaveLength(3);
    expect(list[1]!.topology.checks).toEqual([{ from: 'ns_pod1', ping: '10.0.0.2', expect: 'reachable' }]);
    expect(list[3]!.skipped[0]).toMatchObject({ line: 189, message: 'makes namespace ns_pod again: a new scenario' });
    expect(list[3]!.topology.links).toHaveLength(1);
  });

  it('seed 04: two scenarios matching veth-pair and bridge-nat; the clean-up is left out, pings are checks', () => {
    const [a, b, ...more] = read(seed('04'));
    expect(more).toEqual([]);
    expect([a!.template?.id, b!.template?.id]).toEqual(['01-veth-pair', '02-bridge-nat']);
    // bridge-nat is numbered 192.168.110.0/24, the seed 192.168.100.0/24: drawn alike, not the same lab.
    expect(b!.template?.sameAddresses).toBe(false);
    expect(a!.topology.links).toHaveLength(1);
    expect(a!.skipped.find((s) => s.text === 'ip netns exec red ip link delete veth-red')?.message).toBe(
      "the scenario's clean-up: the lab is what was built before it",
    );
    expect(a!.topology.checks).toEqual([
      { from: 'red', ping: '192.168.100.3', expect: 'reachable', ttl: 64 },
      { from: 'blue', ping: '192.168.100.2', expect: 'reachable', ttl: 64 },
    ]);
    expect(b!.topology.checks?.map((c) => ('ping' in c ? c.ping : ''))).toEqual(['192.168.100.1', '192.168.100.3', '192.168.100.4']);
    for (const s of [a!, b!]) expect([s.warnings, s.issues.filter(isError)]).toEqual([[], []]);
  });

  it('seed 05: a scenario per section; single host is port publishing; the vxlan part made twice is split, its missing cbr0 an error', () => {
    const list = read(seed('05'));
    expect(list.map((s) => s.title)).toEqual([
      'Single-Host Net',
      'VXLAN Overlay Network — part 1',
      'VXLAN Overlay Network — part 2',
      'IP-in-IP Overlay Network',
    ]);
    expect(list[0]!.template?.id).toBe('07-port-publishing');
    expect(list[0]!.topology.checks).toEqual([{ from: 'netns0', ping: '192.168.0.11', expect: 'reachable' }]);
    expect(list[1]!.issues.filter(isError).map((i) => i.code)).toEqual(['ref.bridge']);
    expect(list[1]!.warnings.map((w) => w.replace?.from)).toEqual(['ens160']);
    expect(Object.keys(list[3]!.topology.nodes)).toEqual([]);
  });

  it.each(['01', '02', '03', '04', '05'])('seed %s: names are lab names, unique; every note has a line inside its scenario', (p) => {
    const list = read(seed(p));
    expect(new Set(list.map((s) => s.name)).size).toBe(list.length);
    for (const s of list) {
      expect(s.name).toMatch(/^[a-z][a-z0-9-]{0,19}$/);
      for (const n of [...s.warnings, ...s.skipped]) {
        expect(n.line).toBeGreaterThanOrEqual(s.lines[0]);
        expect(n.line).toBeLessThanOrEqual(s.lines[1]);
      }
    }
  });

  it('the name given is used when the document is one scenario', () => {
    expect(importDocument(seed('01'), { name: 'mine' }).scenarios.map((s) => s.name)).toEqual(['mine']);
    expect(importDocument('', { name: 'mine' }).scenarios.map((s) => s.name)).toEqual(['mine']);
  });
});

describe('bounded work on hostile documents', () => {
  it('5000 sections that each build: read as one lab, said so, quickly', () => {
    const doc = Array.from({ length: 5000 }, (_, i) => `## part ${i}\n\`\`\`\nip netns add n${i}\n\`\`\``).join('\n');
    const started = Date.now();
    const list = importDocument(doc, { templates }).scenarios;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(list).toHaveLength(1);
    expect(list[0]!.warnings[0]!.message).toBe('5000 scenarios: more than 40, so read as one lab');
    expect(Object.keys(list[0]!.topology.nodes)).toHaveLength(5000);
  });

  it('a namespace made 3000 times: not 3000 labs', () => {
    const list = importDocument('ip netns add a\n'.repeat(3000)).scenarios;
    expect(list).toHaveLength(1);
    expect(list[0]!.topology.nodes).toEqual({ a: { kind: 'netns' } });
  });

  it('headings named like prototype keys are titles, nothing more', () => {
    const list = importDocument('## __proto__\n```\nip netns add a\n```\n## constructor\n```\nip netns add b\n```\n').scenarios;
    expect(list.map((s) => [s.title, s.name])).toEqual([
      ['__proto__', 'proto'],
      ['constructor', 'constructor'],
    ]);
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });
});
