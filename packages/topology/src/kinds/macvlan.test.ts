import { describe, expect, it } from 'vitest';
import { desiredState } from '../desiredState.js';
import { importScript } from '../importScript.js';
import { parseTopology } from '../parseTopology.js';
import { planDeploy, planDestroy } from '../planDeploy.js';
import { emptyObserved } from '../state.js';
import { commandOf, inverseOf, phaseOf, toArgv } from '../step.js';
import { stepTargets } from '../stepTargets.js';
import { deployedAs } from '../testFixtures.js';
import { renameNode } from '../edit.js';

const LAB = `
name: mv
nodes:
  host: { kind: host }
  br-mv: { kind: bridge, addresses: [10.9.0.1/24] }
  a:
    kind: netns
    macvlans: [{ name: mv0, parent: br-mv, addresses: [10.9.0.11/24] }]
  b:
    kind: netns
    macvlans: [{ name: mv0, parent: br-mv, mode: private, mac: "02:00:00:00:00:0b", addresses: [10.9.0.12/24] }]
`;

const parsed = (text: string) => parseTopology(text);

describe('[M1] macvlan, one kind module', () => {
  it('[M1] parses and validates a lab of macvlans on a host bridge', () => {
    const r = parsed(LAB);
    expect(r.issues.filter((i) => i.severity !== 'warning')).toEqual([]);
    expect(r.topology!.nodes.a).toMatchObject({ macvlans: [{ name: 'mv0', parent: 'br-mv' }] });
  });

  it('[M1] an unknown mode is an error at its path', () => {
    const r = parsed(LAB.replace('mode: private', 'mode: sideways'));
    expect(r.issues.some((i) => i.path.join('.') === 'nodes.b.macvlans.0.mode')).toBe(true);
  });

  it('[M2] a parent the lab does not make is a warning (it must exist on the host), a bad name an error', () => {
    const warn = parsed(LAB.replace('parent: br-mv, addresses: [10.9.0.11/24]', 'parent: eth0, addresses: [10.9.0.11/24]'));
    expect(warn.issues).toContainEqual(
      expect.objectContaining({ code: 'ref.host-interface', path: ['nodes', 'a', 'macvlans', 0, 'parent'], severity: 'warning' }),
    );
    const bad = parsed(LAB.replace('parent: br-mv, addresses: [10.9.0.11/24]', 'parent: "-x", addresses: [10.9.0.11/24]'));
    expect(bad.issues).toContainEqual(expect.objectContaining({ code: 'name.interface', path: ['nodes', 'a', 'macvlans', 0, 'parent'] }));
  });

  it('[M2] a new macvlan with no parent yet asks for one, once; a multicast MAC is refused', () => {
    const r = parsed(LAB.replace('parent: br-mv, addresses: [10.9.0.11/24]', 'parent: "", addresses: [10.9.0.11/24]'));
    const at = r.issues.filter((i) => i.path.join('.') === 'nodes.a.macvlans.0.parent');
    expect(at.map((i) => i.message)).toEqual(['choose its parent: a bridge of the lab on the host, or an interface of the host']);
    const mac = parsed(LAB.replace('02:00:00:00:00:0b', '03:00:00:00:00:0b'));
    expect(mac.issues).toContainEqual(expect.objectContaining({ code: 'link.mac', path: ['nodes', 'b', 'macvlans', 0, 'mac'] }));
  });

  it('[M2] two macvlans on one parent are one L2 segment: a duplicate address is reported', () => {
    const r = parsed(LAB.replace('10.9.0.12/24', '10.9.0.11/24'));
    expect(r.issues).toContainEqual(
      expect.objectContaining({
        code: 'addr.duplicate',
        message: expect.stringMatching(/10\.9\.0\.11 is already used by mv0 in (a|b) .* on the same L2 segment/),
      }),
    );
  });

  it('[M3] plans: made on the host on its parent and moved into its namespace, after the bridge', () => {
    const plan = planDeploy(emptyObserved('mv'), desiredState(parsed(LAB).topology!));
    const argv = plan.steps.map((s) => toArgv(s).join(' '));
    const bridge = argv.indexOf('ip link add name br-mv type bridge');
    const a = argv.indexOf('ip link add link br-mv name mv0 netns a type macvlan mode bridge');
    const b = argv.indexOf('ip link add link br-mv name mv0 address 02:00:00:00:00:0b netns b type macvlan mode private');
    expect(bridge).toBeGreaterThanOrEqual(0);
    expect(a).toBeGreaterThan(bridge);
    expect(b).toBeGreaterThan(argv.indexOf('ip netns add b'));
    expect(argv).toContain('ip -n a addr add 10.9.0.11/24 dev mv0');
    expect(argv).toContain('ip -n a link set dev mv0 up');
    const step = plan.steps.find((s) => s.kind === 'macvlan.add')!;
    expect(phaseOf(step)).toBe(2);
    expect(inverseOf(step)).toMatchObject({ kind: 'link.del', netns: 'a', name: 'mv0' });
    expect(stepTargets(step, desiredState(parsed(LAB).topology!))).toEqual({ node: 'a' });
    expect(commandOf(step)).toMatchObject({ tool: 'ip' });
  });

  it('[M3] planning against its own deployed state changes nothing; destroy removes the namespaces', () => {
    const d = desiredState(parsed(LAB).topology!);
    expect(planDeploy(deployedAs(d), d).steps).toEqual([]);
    const destroy = planDestroy(deployedAs(d)).steps.map((s) => toArgv(s).join(' '));
    expect(destroy).toContain('ip netns del a');
    expect(destroy).toContain('ip link del dev br-mv');
  });

  it('[M3] a new mode or parent recreates the macvlan; a new address is changed in place', () => {
    const before = desiredState(parsed(LAB).topology!);
    const mode = planDeploy(deployedAs(before), desiredState(parsed(LAB.replace('mode: private', 'mode: vepa')).topology!));
    expect(mode.steps.map((s) => s.reason)).toContainEqual(expect.stringMatching(/remove macvlan mv0 from b: its parent or mode changed/));
    expect(mode.steps.some((s) => s.kind === 'macvlan.add' && s.macvlan.mode === 'vepa')).toBe(true);
    const addr = planDeploy(deployedAs(before), desiredState(parsed(LAB.replace('10.9.0.12/24', '10.9.0.13/24')).topology!));
    expect(addr.steps.map((s) => s.kind)).toEqual(['addr.del', 'addr.add']);
  });

  it('[M4] renaming the parent bridge node renames the reference', () => {
    const t = renameNode(parsed(LAB).topology!, 'br-mv', 'br-x');
    expect(t.nodes.a).toMatchObject({ macvlans: [{ parent: 'br-x' }] });
  });

  it('[M5] imports `ip link add … type macvlan` and its move into a namespace', () => {
    const r = importScript(
      [
        'ip netns add ns1',
        'ip link add mv1 link eth0 type macvlan mode bridge',
        'ip link set mv1 netns ns1',
        'ip -n ns1 addr add 10.9.1.2/24 dev mv1',
      ].join('\n'),
      'imv',
    );
    expect(r.topology?.nodes.ns1).toMatchObject({
      kind: 'netns',
      macvlans: [{ name: 'mv1', parent: 'eth0', addresses: ['10.9.1.2/24'] }],
    });
    // mode bridge is the default, so it is not written; another mode is.
    expect(r.topology?.nodes.ns1).not.toHaveProperty('macvlans.0.mode');
    const priv = importScript(
      ['ip netns add ns2', 'ip link add br0 type bridge', 'ip link add link br0 name mv2 netns ns2 type macvlan mode private'].join('\n'),
      'imv',
    );
    expect(priv.topology?.nodes.ns2).toMatchObject({ macvlans: [{ name: 'mv2', parent: 'br0', mode: 'private' }] });
    const odd = importScript(['ip netns add ns3', 'ip link add link eth0 name mv3 netns ns3 type macvlan mode sideways'].join('\n'), 'imv');
    expect(odd.warnings.map((w) => w.message).join('\n')).toMatch(/macvlan mode "sideways": nslab knows bridge, private, vepa, passthru/);
    const inside = importScript(['ip netns add ns1', 'ip -n ns1 link add mv1 link eth0 type macvlan'].join('\n'), 'imv');
    expect(inside.warnings.map((w) => w.message).join('\n')).toMatch(/nslab makes macvlans on interfaces of the host/);
  });
});

describe('[M3b] a macvlan and the link it is on', () => {
  const ON_VETH = `
name: mvv
nodes:
  host:
    kind: host
    macvlans: [{ name: mvh, parent: vh, addresses: [10.9.2.9/24] }]
  ns1: { kind: netns }
  zz:
    kind: netns
    macvlans: [{ name: mvz, parent: vh, addresses: [10.9.2.8/24] }]
links:
  - endpoints: [{ node: ns1, name: vz, addresses: [10.9.2.1/24] }, { node: host, name: vh }]
`;
  it('is made after its parent, wherever the parent is made', () => {
    const argv = planDeploy(emptyObserved('mvv'), desiredState(parsed(ON_VETH).topology!)).steps.map((s) => toArgv(s).join(' '));
    const veth = argv.indexOf('ip link add vz netns ns1 type veth peer name vh');
    expect(veth).toBeGreaterThanOrEqual(0);
    expect(argv.indexOf('ip link add link vh name mvh type macvlan mode bridge')).toBeGreaterThan(veth);
    expect(argv.indexOf('ip link add link vh name mvz netns zz type macvlan mode bridge')).toBeGreaterThan(veth);
    // A macvlan made on the host carries the lab's mark.
    expect(argv).toContain('ip link set dev mvh alias nslab:mvv');
  });

  it('dies with its parent: destroy deletes the parent only; a recreated parent brings its macvlans back', () => {
    const d = desiredState(parsed(ON_VETH).topology!);
    const destroy = planDestroy(deployedAs(d)).steps.map((s) => toArgv(s).join(' '));
    // vh goes with ns1 (its other end), and the macvlans on vh with it: no step of their own.
    expect(destroy).toContain('ip netns del ns1');
    expect(destroy.filter((a) => a.includes('link del') || /mv[hz]/.test(a))).toEqual([]);
    const moved = desiredState(parsed(ON_VETH.replace('{ node: ns1, name: vz', '{ node: zz, name: vz')).topology!);
    const redo = planDeploy(deployedAs(d), moved).steps.map((s) => toArgv(s).join(' '));
    expect(redo.filter((a) => a.includes('link del'))).toEqual(['ip link del dev vh']);
    expect(redo).toContain('ip link add link vh name mvh type macvlan mode bridge');
    expect(redo).toContain('ip link add link vh name mvz netns zz type macvlan mode bridge');
  });

  it('[M3c] refuses a parent bridge inside a namespace, and passthru on a host interface the lab does not make', () => {
    const inNs = parsed(`
name: mvn
nodes:
  r: { kind: netns }
  br1: { kind: bridge, netns: r }
  a: { kind: netns, macvlans: [{ name: m0, parent: br1 }] }
`);
    expect(inNs.issues).toContainEqual(expect.objectContaining({ code: 'ref.interface', path: ['nodes', 'a', 'macvlans', 0, 'parent'] }));
    const pass = parsed(LAB.replace('parent: br-mv, addresses: [10.9.0.11/24]', 'parent: eth0, mode: passthru'));
    expect(pass.issues).toContainEqual(
      expect.objectContaining({ code: 'ref.host-interface', path: ['nodes', 'a', 'macvlans', 0, 'mode'] }),
    );
    expect(parsed(LAB.replace('mode: private', 'mode: passthru')).issues.filter((i) => i.severity !== 'warning')).toEqual([]);
  });

  it('a rename of a namespace that shares a parent name leaves the parent alone', () => {
    const t = parsed(ON_VETH.replace(/\bvh\b/g, 'ns1').replace('name: ns1 }', 'name: vh }')).topology!;
    expect(renameNode(t, 'ns1', 'ns9').nodes.host).toMatchObject({ macvlans: [{ parent: 'ns1' }] });
  });
});
