import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { desiredState, type DesiredState } from './desiredState.js';
import { isError } from './issues.js';
import { labFromState } from './labFromState.js';
import { parseTopology, parseTopologyData } from './parseTopology.js';
import { planDeploy } from './planDeploy.js';
import { stepLine } from './renderScript.js';
import type { Topology } from './schema.js';
import { emptyScope, type LabState, type LinkState, type RuleState, type ScopeState } from './state.js';
import { deployedAs, fullLab } from './testFixtures.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const labsDir = path.resolve(here, '../../../labs');
const labFiles = fs
  .readdirSync(labsDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function parse(text: string): Topology {
  const r = parseTopology(text);
  if (!r.topology || !r.ok) throw new Error(JSON.stringify(r.issues));
  return r.topology;
}

/** Labs the templates do not cover: IPv6 (policies and family-less rules for both families), macvlans, a prefix, every NAT form. */
const EXTRA: Record<string, string> = {
  'ipv6 and dual-stack rules': `
name: six
nodes:
  host:
    kind: host
    nat:
      - { type: masquerade, source: "fd00:1::/64", outInterface: eth9 }
      - { type: dnat, proto: udp, port: 53, to: "[fd00:1::2]:53", destination: "fd00:1::1" }
  r:
    kind: netns
    sysctls: { net.ipv6.conf.all.forwarding: 1 }
    routes: [{ to: "fd00:2::/64", via: "fd00:3::2" }, { to: "::/0", dev: up0 }]
    firewall:
      forwardPolicy: drop
      forward:
        - { in: up0, out: down0, action: accept }
        - { source: "fd00:2::/64", action: drop }
        - { destination: 10.1.0.0/16, out: down0, action: accept }
  a: { kind: netns, routes: [{ to: default, via: "fd00:1::1" }] }
links:
  - endpoints:
      - { node: a, name: eth0, addresses: ["fd00:1::2/64"] }
      - { node: host, name: v-a, addresses: ["fd00:1::1/64"] }
  - endpoints:
      - { node: r, name: up0, addresses: ["fd00:3::1/64", 10.3.0.1/24] }
      - { node: host, name: v-r, addresses: ["fd00:3::2/64"] }
  - endpoints:
      - { node: r, name: down0, mtu: 9000, mac: "02:00:00:00:00:0a" }
      - { node: a, name: eth1, addresses: [10.4.0.2/24] }
`,
  'macvlans, a prefix, vxlans on host bridges': `
name: mv
prefix: s01-
nodes:
  host:
    kind: host
    vxlans: [{ name: vx1, vni: 42, group: 239.1.1.1, dev: eth0, dstport: 8472, bridge: br0 }]
  br0: { kind: bridge, addresses: [10.5.0.1/24], stp: true }
  p1:
    kind: netns
    macvlans:
      - { name: mv0, parent: br0, addresses: [10.5.0.11/24] }
      - { name: mv1, parent: eth0, mode: private, mac: "02:aa:00:00:00:01", mtu: 1400 }
  p2:
    kind: netns
    routes: [{ to: default, via: 10.5.0.1, metric: 100 }]
    vxlans: [{ name: vx2, vni: 7, local: 10.6.0.2, dstport: 4789 }]
links:
  - endpoints:
      - { node: p2, name: eth0, addresses: [10.5.0.12/24] }
      - { node: br0, name: p2-port }
`,
};

const cases: Array<[string, Topology]> = [
  ...labFiles.map((f): [string, Topology] => [f, parse(fs.readFileSync(path.join(labsDir, f), 'utf8'))]),
  ['fullLab', fullLab()],
  ...Object.entries(EXTRA).map(([name, text]): [string, Topology] => [name, parse(text)]),
];

/** A state as planDeploy sees it: routes as a set, rules in order per chain, no origins (paths differ by design). */
function normal(d: LabState): unknown {
  const scopes: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(d.scopes)) {
    const chains = new Map<string, RuleState[]>();
    for (const r of s.rules)
      chains.set(`${r.family} ${r.table} ${r.chain}`, [...(chains.get(`${r.family} ${r.table} ${r.chain}`) ?? []), r]);
    scopes[key] = {
      ...s,
      routes: s.routes.map((r) => JSON.stringify(r)).sort(),
      rules: [...chains.keys()].sort().map((k) => chains.get(k)),
    };
  }
  return { lab: d.lab, scopes };
}

const lines = (o: DesiredState, d: DesiredState) => planDeploy(deployedAs(o), d).steps.map(stepLine);

describe('labFromState: the inverse of desiredState', () => {
  it.each(cases)('[D1] %s: deploys to the same desired state', (_name, t) => {
    const d = desiredState(t);
    const { topology, warnings } = labFromState(d);
    expect(warnings).toEqual([]);
    const parsed = parseTopologyData(topology);
    expect(parsed.issues.filter(isError)).toEqual([]);
    const again = desiredState(parsed.topology!);
    expect(normal(again)).toEqual(normal(d));
    // And the planner agrees: each is the other's deployed state.
    expect(lines(d, again)).toEqual([]);
    expect(lines(again, d)).toEqual([]);
  });

  it.each(cases)('[D2] %s: a lab read back is read back the same (a fixed point)', (_name, t) => {
    const once = labFromState(desiredState(t)).topology;
    expect(labFromState(desiredState(once)).topology).toEqual(once);
  });

  it.each(cases)('[D2] %s: the order the state lists things in does not matter', (_name, t) => {
    const d = desiredState(t);
    expect(labFromState(reversed(d)).topology).toEqual(labFromState(d).topology);
  });

  it('[D4] keeps the name and prefix, and takes a name and prefix given', () => {
    const t = cases.find(([n]) => n === '07-port-publishing.yaml')![1];
    expect(labFromState(desiredState(t)).topology).toMatchObject({ name: 'port-publishing', prefix: 'pp-' });
    const other = labFromState(desiredState(t), { name: 'copy', prefix: 'pp-netns' }).topology;
    expect(other.name).toBe('copy');
    // 'pp-netns0' after the prefix 'pp-netns' is '0', no node name: written as n0, with a warning.
    expect(Object.keys(other.nodes)).toEqual(['host', 'n0', 'n1', 'cbr0']);
  });

  it('[D2] writes namespaces first, then bridges; ends on namespaces before ends on the host or a bridge', () => {
    const t = cases.find(([n]) => n === '04-proxy-arp.yaml')![1];
    const out = labFromState(desiredState(t)).topology;
    expect(out.links.map((l) => l.endpoints.map((e) => out.nodes[e.node]!.kind))).toEqual(out.links.map(() => ['netns', 'host']));
  });
});

/** The same state with every record's keys in reverse order. */
function reversed(d: LabState): LabState {
  const rev = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).reverse());
  return {
    lab: d.lab,
    scopes: rev(
      Object.fromEntries(
        Object.entries(d.scopes).map(([k, s]) => [
          k,
          { ...s, links: rev(s.links), sysctls: rev(s.sysctls), policies: rev(s.policies), routes: [...s.routes].reverse() },
        ]),
      ),
    ),
  };
}

// A hand-made state, as the observer reads a host.
const veth = (name: string, peer: { netns: string | null; name: string } | undefined, extra: Partial<LinkState> = {}): LinkState => ({
  name,
  kind: 'veth',
  addresses: [],
  up: true,
  ...(peer ? { peer } : {}),
  ...extra,
});
function state(scopes: Record<string, Partial<ScopeState> & { netns: string | null }>): LabState {
  return { lab: 'found', scopes: Object.fromEntries(Object.entries(scopes).map(([k, s]) => [k, { ...emptyScope(s.netns), ...s }])) };
}
const rule = (family: 4 | 6, table: 'nat' | 'filter', chain: string, args: string): RuleState => ({
  family,
  table,
  chain,
  args: args.split(' '),
});
const messages = (r: ReturnType<typeof labFromState>) => r.warnings.map((w) => `${w.at}: ${w.message}`);

describe('labFromState: a state read from a host', () => {
  const pair = () =>
    state({
      'ns:red': {
        netns: 'red',
        links: {
          eth0: veth('eth0', { netns: 'blue', name: 'eth0' }, { mac: '6a:11:22:33:44:55', mtu: 1500, addresses: ['10.237.0.1/30'] }),
        },
      },
      'ns:blue': { netns: 'blue', links: { eth0: veth('eth0', { netns: 'red', name: 'eth0' }, { mac: '6a:11:22:33:44:66', mtu: 9000 }) } },
    });

  it('[D5] fromHost: leaves out the MAC addresses and the MTU of 1500 the kernel chose; keeps an MTU someone set', () => {
    const t = labFromState(pair(), { fromHost: true }).topology;
    expect(t.links).toEqual([
      {
        endpoints: [
          { node: 'blue', name: 'eth0', mtu: 9000 },
          { node: 'red', name: 'eth0', addresses: ['10.237.0.1/30'] },
        ],
      },
    ]);
    expect(labFromState(pair()).topology.links[0]!.endpoints[1]).toMatchObject({ mac: '6a:11:22:33:44:55', mtu: 1500 });
  });

  it('[D4] makes netns nodes of namespaces that hold nothing, and no host node when the host holds nothing of the lab', () => {
    const t = labFromState(state({ 'ns:empty': { netns: 'empty' }, host: { netns: null } })).topology;
    expect(t.nodes).toEqual({ empty: { kind: 'netns' } });
  });

  it('[D3] a veth whose other end was not found is left out, with a warning', () => {
    const r = labFromState(state({ host: { netns: null, links: { vethab12: veth('vethab12', undefined) } } }));
    expect(r.topology.links).toEqual([]);
    expect(messages(r)).toEqual([expect.stringMatching(/^host veth vethab12: its other end was not found/)]);
  });

  it('[D3] a veth whose other end is in a namespace not in the lab is left out, with a warning', () => {
    const r = labFromState(state({ 'ns:red': { netns: 'red', links: { eth0: veth('eth0', { netns: 'elsewhere', name: 'eth0' }) } } }));
    expect(r.topology.links).toEqual([]);
    expect(messages(r)).toEqual(['red veth eth0: its other end, eth0 in elsewhere, is not part of this lab; left out']);
  });

  it('[D3] a veth with both ends in one namespace cannot be a link (a link joins two nodes)', () => {
    const r = labFromState(
      state({
        'ns:red': { netns: 'red', links: { a: veth('a', { netns: 'red', name: 'b' }), b: veth('b', { netns: 'red', name: 'a' }) } },
      }),
    );
    expect(r.topology.links).toEqual([]);
    expect(messages(r)).toEqual([expect.stringContaining('both ends, a and b, are on node red')]);
  });

  it('[D4] a bridge name two namespaces use is kept by the first; the second bridge is renamed, its ports follow it', () => {
    const br = (netns: string): Partial<ScopeState> & { netns: string } => ({
      netns,
      links: {
        br0: { name: 'br0', kind: 'bridge', addresses: [], up: true },
        port: veth('port', { netns: `${netns}-pod`, name: 'eth0' }, { master: 'br0' }),
      },
    });
    const pod = (netns: string) => ({ netns: `${netns}-pod`, links: { eth0: veth('eth0', { netns, name: 'port' }) } });
    const r = labFromState(state({ 'ns:n1': br('n1'), 'ns:n2': br('n2'), 'ns:n1-pod': pod('n1'), 'ns:n2-pod': pod('n2') }));
    expect(r.topology.nodes['br0']).toEqual({ kind: 'bridge', netns: 'n1' });
    expect(r.topology.nodes['br0-2']).toEqual({ kind: 'bridge', netns: 'n2' });
    expect(r.topology.links.map((l) => l.endpoints.map((e) => `${e.node}:${e.name}`).join(' '))).toEqual([
      'n1-pod:eth0 br0:port',
      'n2-pod:eth0 br0-2:port',
    ]);
    expect(messages(r)).toEqual([
      'n2 bridge br0: written as bridge node br0-2 ("br0" is taken or is no node name): deploying this lab names the bridge br0-2',
    ]);
    expect(parseTopologyData(r.topology).issues.filter(isError)).toEqual([]);
  });

  it('[D4] a namespace whose name is no node name becomes one, with a warning; so does one named like the host node', () => {
    const r = labFromState(
      state({
        host: { netns: null, sysctls: { 'net.ipv4.ip_forward': '1' } },
        'ns:my.ns': { netns: 'my.ns' },
        'ns:host': { netns: 'host' },
        'ns:9lives': { netns: '9lives' },
      }),
    );
    expect(Object.keys(r.topology.nodes)).toEqual(['host-2', 'host', 'my-ns', 'n9lives']);
    expect(r.topology.nodes['host-2']).toEqual({ kind: 'host', sysctls: { 'net.ipv4.ip_forward': 1 } });
    expect(messages(r)).toEqual([
      '9lives: written as node n9lives ("9lives" is no node name, or is taken): deploying this lab creates the namespace n9lives',
      'my.ns: written as node my-ns ("my.ns" is no node name, or is taken): deploying this lab creates the namespace my-ns',
    ]);
  });

  it('[D3] a bridge port on a bridge that is not in the lab is left unplugged, with a warning', () => {
    const r = labFromState(
      state({
        host: { netns: null, links: { v1: veth('v1', { netns: 'red', name: 'eth0' }, { master: 'docker0' }) } },
        'ns:red': { netns: 'red', links: { eth0: veth('eth0', { netns: null, name: 'v1' }) } },
      }),
    );
    expect(r.topology.links).toEqual([
      {
        endpoints: [
          { node: 'red', name: 'eth0' },
          { node: 'host', name: 'v1' },
        ],
      },
    ]);
    expect(messages(r)).toEqual(['host veth v1: v1 is plugged into docker0, which is not a bridge of this lab; it is left unplugged']);
  });

  it('[D3] a vxlan on a bridge that is not in the lab, and a macvlan whose parent was not found, are warnings', () => {
    const r = labFromState(
      state({
        'ns:a': {
          netns: 'a',
          links: {
            vx0: { name: 'vx0', kind: 'vxlan', addresses: [], up: true, master: 'nope', vxlan: { vni: 5, dstport: 4789 } },
            mv0: { name: 'mv0', kind: 'macvlan', addresses: [], up: true, macvlan: { parent: '?', mode: 'bridge' } },
          },
        },
      }),
    );
    expect(r.topology.nodes['a']).toEqual({ kind: 'netns', vxlans: [{ name: 'vx0', vni: 5, dstport: 4789 }] });
    expect(messages(r)).toEqual([
      'a vxlan vx0: it is plugged into nope, which is not a bridge of this lab; it is left unplugged',
      'a macvlan mv0: its parent interface was not found in the host namespace; left out',
    ]);
  });

  it('[D1] routes: default for IPv4 and for IPv6 with a gateway; ::/0 for an IPv6 default without one; sorted', () => {
    const r = labFromState(
      state({
        'ns:a': {
          netns: 'a',
          routes: [
            { family: 6, to: '::/0', dev: 'eth0' },
            { family: 4, to: '10.9.0.0/16', via: '10.1.0.1', metric: 5 },
            { family: 4, to: '0.0.0.0/0', via: '10.1.0.1' },
          ],
        },
        'ns:b': { netns: 'b', routes: [{ family: 6, to: '::/0', via: 'fd00::1' }] },
      }),
    );
    expect(r.topology.nodes['a']).toEqual({
      kind: 'netns',
      routes: [
        { to: 'default', via: '10.1.0.1' },
        { to: '10.9.0.0/16', via: '10.1.0.1', metric: 5 },
        { to: '::/0', dev: 'eth0' },
      ],
    });
    expect(r.topology.nodes['b']).toEqual({ kind: 'netns', routes: [{ to: 'default', via: 'fd00::1' }] });
  });

  it('[D3] sysctls: whole numbers, sorted; other values and keys nslab does not write are warnings', () => {
    const r = labFromState(
      state({
        'ns:a': {
          netns: 'a',
          sysctls: {
            'net.ipv4.ip_forward': '1',
            'net.core.somaxconn': '4096',
            'net.ipv4.tcp_rmem': '4096 131072 6291456',
            'kernel.panic': '1',
          },
        },
      }),
    );
    expect(r.topology.nodes['a']).toEqual({ kind: 'netns', sysctls: { 'net.core.somaxconn': 4096, 'net.ipv4.ip_forward': 1 } });
    expect(Object.keys((r.topology.nodes['a'] as { sysctls: object }).sysctls)).toEqual(['net.core.somaxconn', 'net.ipv4.ip_forward']);
    expect(messages(r)).toEqual([
      'a: sysctl kernel.panic is left out: nslab only sets network sysctls (net.*)',
      'a: sysctl net.ipv4.tcp_rmem = 4096 131072 6291456 is left out: the format holds whole numbers only',
    ]);
  });
});

describe('labFromState: iptables rules back to nat and firewall', () => {
  const withRules = (rules: RuleState[], extra: Partial<ScopeState> = {}) =>
    labFromState(state({ 'ns:a': { netns: 'a', rules, ...extra } }));

  it('[D1] rules any lab made (any comment) or none made (no comment) map alike', () => {
    const r = withRules([
      rule(4, 'nat', 'POSTROUTING', '-s 10.1.0.0/24 ! -o br0 -m comment --comment nslab:other -j MASQUERADE'),
      rule(4, 'nat', 'POSTROUTING', '-o eth0 -j MASQUERADE'),
    ]);
    expect(r.warnings).toEqual([]);
    expect(r.topology.nodes['a']).toEqual({
      kind: 'netns',
      nat: [
        { type: 'masquerade', source: '10.1.0.0/24', notOutInterface: 'br0' },
        { type: 'masquerade', source: '0.0.0.0/0', outInterface: 'eth0' },
      ],
    });
  });

  it('[D3] a DNAT in PREROUTING and its OUTPUT twin are one entry; without its twin, the entry comes with a warning', () => {
    const pre = rule(4, 'nat', 'PREROUTING', '-d 10.0.0.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.1.0.2:8080');
    const out = rule(4, 'nat', 'OUTPUT', '-d 10.0.0.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.1.0.2:8080');
    const dnat = { type: 'dnat', proto: 'tcp', port: 80, to: '10.1.0.2:8080', destination: '10.0.0.1' };
    expect(withRules([pre, out]).topology.nodes['a']).toEqual({ kind: 'netns', nat: [dnat] });
    const alone = withRules([out]);
    expect(alone.topology.nodes['a']).toEqual({ kind: 'netns', nat: [dnat] });
    expect(messages(alone)).toEqual([
      'a: iptables -t nat -A OUTPUT -d 10.0.0.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.1.0.2:8080 has no twin iptables -t nat -A PREROUTING -d 10.0.0.1/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.1.0.2:8080; the lab writes both',
    ]);
  });

  it('[D3] a FORWARD rule without addresses is one entry for both families where the namespace has IPv6', () => {
    const v6 = { links: { eth0: veth('eth0', undefined, { addresses: ['fd00::1/64'] }) } };
    const both = withRules([rule(4, 'filter', 'FORWARD', '-i a -o b -j ACCEPT'), rule(6, 'filter', 'FORWARD', '-i a -o b -j ACCEPT')], v6);
    expect((both.topology.nodes['a'] as { firewall: unknown }).firewall).toEqual({ forward: [{ in: 'a', out: 'b', action: 'accept' }] });
    expect(both.warnings.filter((w) => w.at === 'a')).toEqual([]);
    const v4only = withRules([rule(4, 'filter', 'FORWARD', '-i a -o b -j ACCEPT')], v6);
    expect(messages(v4only).filter((m) => m.startsWith('a:'))).toEqual([
      expect.stringContaining('has no twin ip6tables -t filter -A FORWARD -i a -o b'),
    ]);
  });

  it.each([
    ['a match the format has no field for', rule(4, 'filter', 'FORWARD', '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT')],
    ['a target it does not write', rule(4, 'filter', 'FORWARD', '-j LOG')],
    ['a negated interface where it has none', rule(4, 'filter', 'FORWARD', '! -i br0 -j DROP')],
    ['a DNAT without a port', rule(4, 'nat', 'PREROUTING', '-p tcp -m tcp --dport 80 -j DNAT --to-destination 10.1.0.2')],
    ['a chain it does not write', rule(4, 'filter', 'INPUT', '-p tcp -j ACCEPT')],
    ['a user chain', rule(4, 'filter', 'DOCKER-USER', '-j RETURN')],
    ['an IPv6 rule without addresses in a namespace without IPv6', rule(6, 'filter', 'FORWARD', '-i a -j ACCEPT')],
  ])('[D3] %s is a warning, not a guess', (_what, r) => {
    const out = withRules([r]);
    expect(out.topology.nodes['a']).toEqual({ kind: 'netns' });
    expect(messages(out)).toEqual([expect.stringMatching(/^a: cannot write this rule in the lab format; left out: ip(6)?tables -t /)]);
  });

  it('[D3] policies: DROP for IPv4 is forwardPolicy drop; an IPv6 policy without IPv6 addresses, or two that differ, are warnings', () => {
    expect(withRules([], { policies: { 'v4:filter/FORWARD': 'DROP' } }).topology.nodes['a']).toEqual({
      kind: 'netns',
      firewall: { forwardPolicy: 'drop' },
    });
    const v6only = withRules([], { policies: { 'v4:filter/FORWARD': 'ACCEPT', 'v6:filter/FORWARD': 'DROP' } });
    expect(v6only.topology.nodes['a']).toEqual({ kind: 'netns', firewall: { forwardPolicy: 'accept' } });
    expect(messages(v6only)).toEqual([
      "a: the IPv6 FORWARD policy (DROP) is left out: with no IPv6 address in this namespace, the lab sets only IPv4's",
    ]);
    const differ = withRules([], {
      policies: { 'v4:filter/FORWARD': 'DROP', 'v6:filter/FORWARD': 'ACCEPT' },
      links: { e: veth('e', undefined, { addresses: ['fd00::1/64'] }) },
    });
    expect(messages(differ)).toContain('a: the FORWARD policy differs between IPv4 (DROP) and IPv6 (ACCEPT); the lab sets DROP for both');
    expect(messages(withRules([], { policies: { 'v4:nat/PREROUTING': 'DROP' } }))).toEqual([
      'a: the policy v4:nat/PREROUTING cannot be written in the lab format; left out',
    ]);
  });
});
