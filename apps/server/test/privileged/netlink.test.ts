/**
 * nslab's own netlink path on the real kernel: what it reads is what `ip
 * -json` reads (through the same model parsers), what it changes `ip` sees,
 * errors read as iproute2's, and hostile names reach nothing.
 * Names nlk-*, addresses 10.237.0.0/16 and fd00:237::/64.
 */
import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpLink } from '@nslab/topology';
import type { Step } from '@nslab/topology';
import { Applier, runDirectBatch } from '../../src/netlink/apply.js';
import { MAKE_AHEAD_FROM, makersStarted } from '../../src/netlink/netnsMaker.js';
import { direct, type Kernel } from '../../src/netlink/kernel.js';
import { toLinkState, toRouteStates, type IpRoute } from '../../src/observe/parse.js';
import { netnsFile } from '../../src/paths.js';
import { isRoot, sh } from './helpers.js';

const A = 'nlk-a';
const B = 'nlk-b';

async function ipOk(...argv: string[]): Promise<string> {
  const r = await sh(['ip', ...argv]);
  if (r.code !== 0) throw new Error(`ip ${argv.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The model's view of a namespace's links and routes, from either reading. */
function model(links: IpLink[], r4: IpRoute[], r6: IpRoute[]) {
  const kit = { peerOf: () => undefined, hostLinkName: () => undefined };
  return {
    links: links
      .filter((l) => l.ifname !== 'lo')
      .map((l) => toLinkState(l, kit))
      .sort((a, b) => (a!.name < b!.name ? -1 : 1)),
    routes: [...toRouteStates(r4, 4), ...toRouteStates(r6, 6)].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
    owner: links.find((l) => l.ifname === 'lo')?.ifalias,
    // What the observer reads besides the model: the peer's index and namespace id, the lower device.
    refs: links
      .map((l) => ({ name: l.ifname, link: l.link, link_index: l.link_index, link_netnsid: l.link_netnsid, master: l.master }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

async function viaIp(ns: string) {
  const json = async (...argv: string[]) => JSON.parse(await ipOk('-n', ns, '-json', ...argv)) as unknown[];
  return model(
    (await json('-details', 'addr', 'show')) as IpLink[],
    (await json('route', 'show')) as IpRoute[],
    (await json('route', 'show', 'table', 'all', 'root', '::/0')) as IpRoute[],
  );
}

function viaNetlink(k: Kernel, ns: string) {
  const c = k.open(ns);
  try {
    return model(c.links(), c.routes(4), c.routes(6));
  } finally {
    c.close();
  }
}

/** The namespaces the worker test makes (more than makesAhead's threshold). */
const MANY = Array.from({ length: MAKE_AHEAD_FROM + 6 }, (_, i) => `nlk-m-${i}`);

async function cleanup(): Promise<void> {
  for (const ns of [A, B]) await sh(['ip', 'netns', 'del', ns]);
  await sh(['ip', '-force', '-batch', '-'], { input: MANY.map((n) => `netns del ${n}\n`).join('') });
}

describe.skipIf(!isRoot)('netlink from nslab’s own process', () => {
  let k: Kernel;
  beforeAll(async () => {
    await cleanup();
    const maybe = direct();
    if (!maybe) throw new Error('the @nslab/kernel addon did not load: npm install builds it');
    k = maybe;
  });
  afterAll(cleanup);

  it('reads a namespace the way ip -json does: interfaces, kinds, addresses, MTU, MAC, alias, bridge, routes', async () => {
    await ipOk('netns', 'add', A);
    await ipOk('netns', 'add', B);
    const batch = [
      'link set lo up',
      'link set dev lo alias nslab:nlk',
      `link add eth0 type veth peer name eth0 netns ${B}`,
      'link add name br0 type bridge stp_state 1',
      'link add v1 type veth peer name v2',
      'link set v2 master br0',
      'link set eth0 mtu 1400 address 02:00:00:37:00:01 up',
      'link set br0 up',
      'link set v1 up',
      'link set v2 up',
      'link add vx0 type vxlan id 42 remote 10.237.9.9 local 10.237.0.1 dstport 4789 dev eth0',
      'link add mv0 link v1 type macvlan mode private',
      'addr add 10.237.0.1/24 dev eth0',
      'addr add fd00:237::1/64 dev eth0 nodad',
      'addr add 10.237.1.1/24 dev br0',
      'route add 10.237.50.0/24 via 10.237.0.2',
      'route add 10.237.60.0/24 dev eth0 metric 7',
      'route add default via 10.237.0.254',
      'route add fd00:237:1::/64 via fd00:237::2',
    ];
    await sh(['ip', '-n', A, '-batch', '-'], { input: `${batch.join('\n')}\n` }).then((r) => expect(r.stderr).toBe(''));
    const ours = viaNetlink(k, A);
    expect(ours).toEqual(await viaIp(A));
    expect(ours.links.map((l) => l!.name)).toEqual(['br0', 'eth0', 'mv0', 'v1', 'v2', 'vx0']);
    expect(ours.links.find((l) => l!.name === 'vx0')).toMatchObject({
      vxlan: { vni: 42, remote: '10.237.9.9', local: '10.237.0.1', dev: 'eth0' },
    });
    expect(ours.links.find((l) => l!.name === 'br0')).toMatchObject({ stp: true, addresses: ['10.237.1.1/24'] });
    expect(ours.owner).toBe('nslab:nlk');
    expect(ours.routes).toContainEqual({ family: 4, to: '10.237.60.0/24', dev: 'eth0', metric: 7 });
  });

  it('gives the host’s namespace ids as ip netns list does', async () => {
    const listed = JSON.parse(await ipOk('-json', 'netns', 'list')) as Array<{ name: string; id?: number }>;
    const host = k.open(null);
    try {
      for (const ns of [A, B]) {
        const fd = k.openNs(ns);
        try {
          expect(host.nsid(fd)).toBe(listed.find((n) => n.name === ns)?.id);
        } finally {
          fs.closeSync(fd);
        }
      }
    } finally {
      host.close();
    }
  });

  it('changes what ip then sees: addresses, routes, link settings, sysctls inside the namespace only', async () => {
    const applier = new Applier(k);
    const base = { netns: B, reason: 'test' } as const;
    const steps = [
      { ...base, kind: 'link.set' as const, name: 'eth0', set: { mtu: 1400, mac: '02:00:00:37:00:02', alias: 'nlk end', up: true } },
      { ...base, kind: 'addr.add' as const, dev: 'eth0', address: '10.237.0.2/24' },
      { ...base, kind: 'addr.add' as const, dev: 'eth0', address: 'fd00:237::2/64' },
      { ...base, kind: 'route.add' as const, route: { family: 4 as const, to: '10.237.70.0/24', via: '10.237.0.1', metric: 5 } },
      { ...base, kind: 'sysctl.set' as const, key: 'net.ipv4.ip_forward', value: '1' },
      { ...base, kind: 'bridge.add' as const, name: 'br9', stp: false },
      { ...base, kind: 'link.set' as const, name: 'br9', set: { up: true } },
      { ...base, kind: 'veth.add' as const, netns: B, a: { netns: B, name: 'p1' }, b: { netns: B, name: 'p2', mtu: 1300 } },
      { ...base, kind: 'link.set' as const, name: 'p1', set: { master: 'br9', up: true } },
    ];
    const hostForward = fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
    try {
      const out = runDirectBatch(applier, { tool: 'netlink', netns: B, items: steps.map((step, index) => ({ index, step })) }, false);
      expect(out.failed).toBeUndefined();
      expect(out.applied).toHaveLength(steps.length);
    } finally {
      applier.close();
    }
    const seen = await viaIp(B);
    expect(seen).toEqual(viaNetlink(k, B));
    expect(seen.links.find((l) => l!.name === 'eth0')).toMatchObject({
      mtu: 1400,
      mac: '02:00:00:37:00:02',
      up: true,
      addresses: ['10.237.0.2/24', 'fd00:237::2/64'],
    });
    expect(seen.links.find((l) => l!.name === 'p1')).toMatchObject({ master: 'br9', up: true });
    expect(seen.links.find((l) => l!.name === 'p2')).toMatchObject({ mtu: 1300 });
    expect(seen.routes).toContainEqual({ family: 4, to: '10.237.70.0/24', via: '10.237.0.1', dev: 'eth0', metric: 5 });
    expect((await sh(['ip', 'netns', 'exec', B, 'sysctl', '-n', 'net.ipv4.ip_forward'])).stdout.trim()).toBe('1');
    expect(fs.readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8')).toBe(hostForward);
    expect((await sh(['ip', 'netns', 'exec', A, 'ping', '-c', '1', '-W', '2', '10.237.0.2'])).code).toBe(0);
  });

  it('stops at the first refusal with iproute2’s words, and in force mode goes on past each', () => {
    const applier = new Applier(k);
    const base = { netns: B, reason: 'test' } as const;
    const items = [
      { ...base, kind: 'addr.add' as const, dev: 'eth0', address: '10.237.0.2/24' },
      { ...base, kind: 'addr.add' as const, dev: 'nlk-none', address: '10.237.3.1/24' },
      { ...base, kind: 'addr.add' as const, dev: 'eth0', address: '10.237.4.1/24' },
    ].map((step, index) => ({ index, step }));
    try {
      const stop = runDirectBatch(applier, { tool: 'netlink', netns: B, items }, false);
      expect(stop.applied).toEqual([]);
      expect(stop.failed).toMatchObject({ argv: ['ip', '-n', B, 'addr', 'add', '10.237.0.2/24', 'dev', 'eth0'] });
      expect(stop.failed!.message).toMatch(/Address already assigned|File exists/);
      const force = runDirectBatch(applier, { tool: 'netlink', netns: B, items }, true);
      expect(force.applied.map((i) => i.index)).toEqual([2]);
      expect(force.errors).toHaveLength(2);
      expect(force.errors[1]).toContain('Cannot find device "nlk-none"');
    } finally {
      applier.close();
    }
    expect(() => k.open('nlk-missing')).toThrow(/Cannot open network namespace "nlk-missing"/);
  });

  it('reads counters by index and names as ip -s does, and finds the families that hold nf_tables rules', async () => {
    expect((await sh(['ip', 'netns', 'exec', A, 'ping', '-c', '2', '-i', '0.2', '-W', '2', '10.237.0.2'])).code).toBe(0);
    const c = k.open(A);
    let ours: Map<string, { rx: { packets: number }; tx: { packets: number } }>;
    try {
      const names = c.names();
      ours = new Map([...c.statsByIndex()].map(([i, s]) => [names.get(i)!, s]));
    } finally {
      c.close();
    }
    // Read after ours: the kernel's counters only grow.
    const ip = JSON.parse(await ipOk('-n', A, '-s', '-json', 'link', 'show')) as Array<{
      ifname: string;
      stats64: typeof ours extends Map<string, infer S> ? S : never;
    }>;
    expect([...ours.keys()].sort()).toEqual(ip.map((l) => l.ifname).sort());
    for (const l of ip) {
      expect(ours.get(l.ifname)!.tx.packets).toBeLessThanOrEqual(l.stats64.tx.packets);
      expect(ours.get(l.ifname)!.rx.packets).toBeLessThanOrEqual(l.stats64.rx.packets);
    }
    expect(ours.get('eth0')!.tx.packets).toBeGreaterThanOrEqual(2);

    if (!(await sh(['iptables', '-V'])).stdout.includes('nf_tables')) return; // legacy iptables: nf_tables holds nothing to find
    const look = () => {
      const b = k.open(B);
      try {
        return { tables: [...b.nftFamilies()].sort(), rules: [...b.nftRuleFamilies()].sort() };
      } finally {
        b.close();
      }
    };
    expect(look()).toEqual({ tables: [], rules: [] });
    await sh(['ip', 'netns', 'exec', B, 'iptables', '-P', 'FORWARD', 'DROP']);
    expect(look()).toEqual({ tables: [4], rules: [] }); // a policy alone: a table, no rule
    await sh(['ip', 'netns', 'exec', B, 'iptables', '-A', 'INPUT', '-s', '10.237.0.9', '-j', 'DROP']);
    await sh(['ip', 'netns', 'exec', B, 'ip6tables', '-A', 'INPUT', '-s', 'fd00:237::9', '-j', 'DROP']);
    expect(look()).toEqual({ tables: [4, 6], rules: [4, 6] });
  });

  it('makes a batch’s many namespaces on a worker while it goes on, each before the steps that use it', () => {
    const applier = new Applier(k);
    const netnsAdd = (name: string): Step => ({ kind: 'netns.add', netns: null, name, reason: 'test' });
    const veth = (name: string): Step =>
      ({ kind: 'veth.add', netns: null, a: { netns: name, name: 'eth0' }, b: { netns: null, name: `${name}v` }, reason: 'test' }) as Step;
    const steps = [...MANY.map(netnsAdd), ...MANY.map(veth)];
    const started = makersStarted;
    try {
      const out = runDirectBatch(applier, { tool: 'netlink', netns: null, items: steps.map((step, index) => ({ index, step })) }, false);
      expect(makersStarted).toBe(started + (os.availableParallelism() > 1 ? 1 : 0)); // on one core they are made in line
      expect(out.failed).toBeUndefined();
      expect(out.applied).toHaveLength(steps.length);
      // Each namespace is recorded as made before the veth into it (undoing goes the other way).
      const order = out.applied.map((i) => i.index);
      MANY.forEach((_, i) => expect(order.indexOf(i)).toBeLessThan(order.indexOf(MANY.length + i)));
      const listed = new Set(k.listNetns());
      expect(MANY.every((n) => listed.has(n))).toBe(true);
      const peer = k.open(MANY.at(-1)!);
      try {
        expect(peer.links(false).map((l) => l.ifname)).toContain('eth0');
      } finally {
        peer.close();
      }
    } finally {
      applier.close();
      runDirectBatch(
        applier,
        {
          tool: 'netlink',
          netns: null,
          items: MANY.map((name, index) => ({ index, step: { kind: 'netns.del', netns: null, name, reason: 'test' } as Step })),
        },
        true,
      );
    }
  });

  it('stops making namespaces at the first the kernel refuses, names it, and records exactly those it made', () => {
    const applier = new Applier(k);
    const at = 30;
    // One name already taken (A) in the middle of the batch: `ip -batch` would stop there, and so does the worker.
    const names = MANY.map((n, i) => (i === at ? A : n));
    const steps = [
      ...names.map((name): Step => ({ kind: 'netns.add', netns: null, name, reason: 'test' })),
      ...names.map((name): Step => ({ kind: 'link.set', netns: name, name: 'lo', set: { up: true }, reason: 'test' })),
    ];
    try {
      const out = runDirectBatch(applier, { tool: 'netlink', netns: null, items: steps.map((step, index) => ({ index, step })) }, false);
      expect(out.failed).toMatchObject({ argv: ['ip', 'netns', 'add', A] });
      expect(out.failed!.message).toMatch(/File exists/);
      const made = out.applied.filter((i) => i.step.kind === 'netns.add').map((i) => (i.step as { name: string }).name);
      expect(made).toEqual(MANY.slice(0, at));
      const listed = new Set(k.listNetns());
      expect(MANY.filter((n) => listed.has(n))).toEqual(MANY.slice(0, at));
      // Steps after the failure that needed a namespace never made did not run.
      for (const i of out.applied) if (i.step.kind === 'link.set') expect(made).toContain(i.step.netns);
    } finally {
      applier.close();
      for (const n of MANY.slice(0, at)) k.delNetns(n);
    }
  });

  it('makes and removes namespaces as ip netns does, and refuses names that leave /run/netns', async () => {
    const name = 'nlk-c';
    k.addNetns(name);
    try {
      expect((await ipOk('netns', 'list')).split('\n').some((l) => l.split(' ')[0] === name)).toBe(true);
      expect(() => k.addNetns(name)).toThrow(/File exists/);
      expect((await sh(['ip', 'netns', 'exec', name, 'ip', 'link', 'show', 'lo'])).code).toBe(0);
    } finally {
      k.delNetns(name);
    }
    expect((await ipOk('netns', 'list')).includes(name)).toBe(false);
    for (const bad of ['../nlk-x', 'a/b', '.', '..', '', 'x\0y', 'x'.repeat(256)]) {
      expect(() => netnsFile(bad)).toThrow(/not a namespace name/);
      expect(() => k.addNetns(bad)).toThrow(/not a namespace name/);
      expect(() => k.open(bad)).toThrow();
    }
    expect(fs.existsSync('/run/nlk-x')).toBe(false);
  });
});
