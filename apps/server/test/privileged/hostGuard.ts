/**
 * A test's claim on the shared host. The host runs other tools (and other
 * nslab labs) at any time, so a test judges only what it owns: its labs'
 * namespaces and host links (by name and by mark), the host rules carrying
 * their marks, the host sysctls and chain policies they set, and their host
 * holds. To prove nslab touches nothing else, the guard plants foreign objects
 * of its own beside them — an unmarked namespace with a veth to the host, an
 * unmarked bridge, another "lab"'s marked namespace, link and rules — and checks
 * they come through untouched. `release()` removes the plants; call it in
 * afterAll, so a failing test leaves nothing behind either.
 */
import crypto from 'node:crypto';
import { desiredState, labMark, type Topology } from '@nslab/topology';
import { HoldStore } from '../../src/holds.js';
import { destroyLab, findLabs } from '../../src/lab.js';
import { deployOk, sh } from './helpers.js';

export interface HostGuard {
  /** A name of this guard's own, for more foreign objects a test plants. */
  readonly tag: string;
  /** Waits (up to 5 s: the kernel tears namespaces down after `ip netns del` returns) until what the labs own is as before and every plant is intact. */
  expectRestored(): Promise<void>;
  /** Removes the plants. Never throws. */
  release(): Promise<void>;
}

interface Claim {
  labs: Set<string>;
  netns: Set<string>;
  hostLinks: Set<string>;
  sysctls: Set<string>;
  policies: boolean;
}

function claimOf(labs: Topology[]): Claim {
  const c: Claim = { labs: new Set(), netns: new Set(), hostLinks: new Set(), sysctls: new Set(), policies: false };
  for (const t of labs) {
    c.labs.add(t.name);
    for (const s of Object.values(desiredState(t).scopes)) {
      if (s.netns !== null) c.netns.add(s.netns);
      else {
        Object.keys(s.links).forEach((l) => c.hostLinks.add(l));
        Object.keys(s.sysctls).forEach((k) => c.sysctls.add(k));
        if (Object.keys(s.policies).length > 0) c.policies = true;
      }
    }
  }
  return c;
}

interface IpLinkLite {
  ifname: string;
  ifalias?: string;
  master?: string;
  flags: string[];
}

async function hostLinks(): Promise<IpLinkLite[]> {
  return JSON.parse((await sh(['ip', '-json', 'link', 'show'])).stdout) as IpLinkLite[];
}

async function savedRules(): Promise<string[]> {
  const out: string[] = [];
  for (const save of ['iptables-save', 'ip6tables-save']) {
    let table = '';
    for (const line of (await sh([save])).stdout.split('\n')) {
      if (line.startsWith('*')) table = line;
      else if (line.startsWith('-A ') || line.startsWith(':')) out.push(`${save} ${table} ${line.replace(/\[\d+:\d+\]/, '')}`);
    }
  }
  return out;
}

/** What the claimed labs own on the host right now, as text two snapshots compare by. */
async function ownedSnapshot(c: Claim): Promise<string> {
  const marks = [...c.labs].map(labMark);
  const hasMark = (text: string | undefined) => !!text && marks.some((m) => text.includes(m));
  const netns = (await sh(['ip', 'netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => c.netns.has(n))
    .sort();
  const present = (await findLabs()).filter((l) => c.labs.has(l));
  const links = (await hostLinks())
    .filter((l) => c.hostLinks.has(l.ifname) || hasMark(l.ifalias))
    .map((l) => `${l.ifname} alias=${l.ifalias ?? ''} master=${l.master ?? ''} up=${l.flags.includes('UP')}`)
    .sort();
  const rules = (await savedRules()).filter((r) =>
    r.includes(' -A ') ? hasMark(r) : c.policies && / :FORWARD /.test(r) && r.includes('*filter'),
  );
  const sysctls = c.sysctls.size > 0 ? (await sh(['sysctl', ...c.sysctls])).stdout.trim().split('\n').sort() : [];
  const holds = Object.entries(new HoldStore().read())
    .filter(([, h]) => h.labs.some((l) => c.labs.has(l)))
    .map(([k, h]) => `${k} ${h.labs.join(',')}`);
  return JSON.stringify({ netns, present, links, rules, sysctls, holds }, null, 1);
}

/** Plants foreign objects named after `tag`; returns how to read them back. */
async function plant(tag: string, net: number): Promise<() => Promise<string>> {
  const other = labMark(tag); // another "lab" nslab must leave alone
  const src = `10.254.${net}.0/24`;
  const run = async (argv: string[]) => {
    const r = await sh(argv);
    if (r.code !== 0) throw new Error(`planting foreign objects: ${argv.join(' ')}: ${r.stderr}`);
  };
  await run(['ip', 'netns', 'add', tag]);
  await run(['ip', '-n', tag, 'link', 'set', 'lo', 'alias', other]);
  await run(['ip', 'link', 'add', `${tag}-h`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', tag]);
  await run(['ip', 'link', 'set', `${tag}-h`, 'alias', other]);
  await run(['ip', 'link', 'add', `${tag}-u`, 'type', 'bridge']);
  await run(['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', src, '-m', 'comment', '--comment', other, '-j', 'RETURN']);
  await run(['iptables', '-A', 'FORWARD', '-s', src, '-m', 'comment', '--comment', `foreign-${tag}`, '-j', 'ACCEPT']);
  return async () => {
    const ns = (await sh(['ip', 'netns', 'list'])).stdout.split('\n').filter((l) => l.split(' ')[0] === tag).length;
    const lo = (await sh(['ip', '-n', tag, '-json', 'link', 'show', 'dev', 'lo'])).stdout;
    const peer = (await sh(['ip', '-n', tag, '-br', 'link', 'show', 'dev', 'eth0'])).stdout.split(/\s+/)[0];
    const links = (await hostLinks())
      .filter((l) => l.ifname.startsWith(`${tag}-`))
      .map((l) => `${l.ifname} alias=${l.ifalias ?? ''}`)
      .sort();
    const rules = (await savedRules()).filter((r) => r.includes(tag));
    return JSON.stringify({ ns, lo: (JSON.parse(lo || '[{}]') as Array<{ ifalias?: string }>)[0]?.ifalias, peer, links, rules });
  };
}

async function removePlants(tag: string, net: number): Promise<void> {
  const src = `10.254.${net}.0/24`;
  await sh(['iptables', '-t', 'nat', '-D', 'POSTROUTING', '-s', src, '-m', 'comment', '--comment', labMark(tag), '-j', 'RETURN']);
  await sh(['iptables', '-D', 'FORWARD', '-s', src, '-m', 'comment', '--comment', `foreign-${tag}`, '-j', 'ACCEPT']);
  await sh(['ip', 'link', 'del', `${tag}-u`]);
  await sh(['ip', 'link', 'del', `${tag}-h`]);
  await sh(['ip', 'netns', 'del', tag]);
}

/**
 * Claims the host for these labs: snapshots what they own (normally nothing)
 * and plants foreign objects. Call before deploying.
 */
export async function guardHost(labs: Topology[]): Promise<HostGuard> {
  const claim = claimOf(labs);
  const tag = `fx${crypto.randomBytes(3).toString('hex')}`;
  const net = crypto.randomInt(0, 256);
  const before = await ownedSnapshot(claim);
  const readPlants = await plant(tag, net).catch(async (e: unknown) => {
    await removePlants(tag, net); // whatever part of it was made
    throw e;
  });
  const plantsBefore = await readPlants();
  return {
    tag,
    async expectRestored() {
      const { expect } = await import('vitest');
      let owned = await ownedSnapshot(claim);
      for (let i = 0; i < 50 && owned !== before; i++) {
        await new Promise((r) => setTimeout(r, 100));
        owned = await ownedSnapshot(claim);
      }
      expect(owned, "what the test's labs own is as before").toBe(before);
      expect(await readPlants(), 'foreign objects are untouched').toBe(plantsBefore);
    },
    async release() {
      await removePlants(tag, net);
    },
  };
}

/**
 * Deploys `t` under a guard (kept in `guards`, for the suite's afterAll to
 * release), runs `check`, destroys the lab even when the check fails, and
 * then waits for the host to be as it was.
 */
export async function deployCheckRestore(t: Topology, guards: HostGuard[], check: () => Promise<void>): Promise<void> {
  const guard = await guardHost([t]);
  guards.push(guard);
  await deployOk(t);
  try {
    await check();
  } finally {
    await destroyLab(t.name);
  }
  await guard.expectRestored();
}
