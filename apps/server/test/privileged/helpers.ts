/**
 * Helpers for tests on the real kernel. They need root; without it every
 * privileged suite is skipped with a message saying so.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseTopology, type Topology } from '@nslab/topology';
import { deployLab, destroyLab, findLabs } from '../../src/lab.js';
import { hostRunner } from '../../src/runner.js';

const pexec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../../..');
export const fixtures = path.resolve(here, '../fixtures');

export const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('privileged tests skipped: they create namespaces on the real kernel and need root');

export async function sh(argv: string[], opts: { input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return hostRunner.run(argv, opts);
}

export function loadLab(file: string, edit?: (t: Topology) => void): Topology {
  const r = parseTopology(fs.readFileSync(path.join(repoRoot, 'labs', file), 'utf8'));
  if (!r.ok || !r.topology) throw new Error(`${file}: ${JSON.stringify(r.issues)}`);
  edit?.(r.topology);
  return r.topology;
}

export function labFromYaml(text: string): Topology {
  const r = parseTopology(text);
  if (!r.ok || !r.topology) throw new Error(JSON.stringify(r.issues));
  return r.topology;
}

/** Deploys and checks it went well; the caller destroys in afterAll. */
export async function deployOk(t: Topology) {
  const out = await deployLab(t);
  if (!out.result.ok) throw new Error(`deploy of ${t.name} failed: ${JSON.stringify(out.result.failure)}`);
  return out;
}

/** Destroys a lab; used in afterAll, so it never throws. */
export async function destroyQuietly(lab: string): Promise<void> {
  try {
    await destroyLab(lab);
  } catch (e) {
    console.error(`cleanup of ${lab} failed: ${(e as Error).message}`);
  }
}

export interface PingResult {
  ok: boolean;
  ttl?: number;
  output: string;
}

/** Pings once per try; proxy ARP may delay the first answer by up to 0.8 s. */
export async function ping(netns: string, address: string, tries = 4): Promise<PingResult> {
  let last: PingResult = { ok: false, output: '' };
  for (let i = 0; i < tries; i++) {
    const r = await sh(['ip', 'netns', 'exec', netns, 'ping', '-c1', '-W1', address]);
    const ttl = /ttl=(\d+)/.exec(r.stdout)?.[1];
    last = { ok: r.code === 0, ...(ttl ? { ttl: Number(ttl) } : {}), output: r.stdout + r.stderr };
    if (last.ok) return last;
  }
  return last;
}

export async function neighborState(netns: string, address: string): Promise<string | undefined> {
  const r = await sh(['ip', '-n', netns, '-json', 'neigh', 'show', 'to', address]);
  const entries = JSON.parse(r.stdout || '[]') as Array<{ state?: string[] }>;
  return entries[0]?.state?.[0];
}

/** Starts a TCP server inside a namespace; resolves once it listens. */
export async function tcpServer(netns: string, host: string, port: number): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, path.join(fixtures, 'tcp-server.mjs'), host, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`tcp server exited with ${c}`)));
  });
  return child;
}

export async function tcpProbe(netns: string | null, host: string, port: number): Promise<{ ok: boolean; output: string }> {
  const argv = [process.execPath, path.join(fixtures, 'tcp-probe.mjs'), host, String(port)];
  const r = await sh(netns ? ['ip', 'netns', 'exec', netns, ...argv] : argv);
  return { ok: r.code === 0, output: r.stdout + r.stderr };
}

/** Runs bin/nslab with argv; never through a shell. */
export async function nslab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await pexec(process.execPath, [path.join(repoRoot, 'bin/nslab'), ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/**
 * What a lab could leave behind: namespaces, links (with alias and master),
 * iptables rules and policies, the sysctls nslab may change. Two equal
 * snapshots mean the host is as it was.
 */
export async function hostSnapshot(extraSysctls: string[] = []): Promise<string> {
  const ns = (await sh(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]).filter(Boolean).sort();
  const links = (JSON.parse((await sh(['ip', '-json', 'link', 'show'])).stdout) as Array<{ ifname: string; ifalias?: string; master?: string; flags: string[] }>)
    .map((l) => `${l.ifname} alias=${l.ifalias ?? ''} master=${l.master ?? ''} up=${l.flags.includes('UP')}`)
    .sort();
  const rules = [];
  for (const save of ['iptables-save', 'ip6tables-save']) {
    rules.push(...(await sh([save])).stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]/, '')));
  }
  const sysctls = (await sh(['sysctl', 'net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding', ...extraSysctls])).stdout.trim().split('\n');
  return JSON.stringify({ ns, links, rules, sysctls }, null, 1);
}

/** Labs the suites create; anything left of them is removed before and after. */
export async function removeLabs(labs: string[]): Promise<void> {
  const present = await findLabs();
  for (const lab of labs) if (present.includes(lab)) await destroyQuietly(lab);
}

/**
 * The host is as it was: compared until it matches or 3 s pass, since the
 * kernel finishes tearing namespaces down after `ip netns del` returns.
 */
export async function expectHostAsBefore(before: string, extraSysctls: string[] = []): Promise<void> {
  const { expect } = await import('vitest');
  let now = await hostSnapshot(extraSysctls);
  for (let i = 0; i < 30 && now !== before; i++) {
    await new Promise((r) => setTimeout(r, 100));
    now = await hostSnapshot(extraSysctls);
  }
  expect(now).toBe(before);
}
