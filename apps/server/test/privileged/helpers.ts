/**
 * Helpers for tests on the real kernel. They need root; without it every
 * privileged suite is skipped with a message saying so.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseDocument } from 'yaml';
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

/**
 * A template as a test's own lab: its own lab name and a namespace prefix, so
 * it never meets a copy of the template someone deployed on this host.
 */
export function templateCopy(file: string, name: string, prefix: string): { text: string; topology: Topology } {
  const doc = parseDocument(fs.readFileSync(path.join(repoRoot, 'labs', file), 'utf8'));
  doc.set('name', name);
  doc.set('prefix', prefix);
  const text = doc.toString({ lineWidth: 0 });
  return { text, topology: labFromYaml(text) };
}

/** Writes a lab's text to a file of its own, for the CLI. */
export function labFile(text: string, name = 'lab'): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-test-')), `${name}.yaml`);
  fs.writeFileSync(file, text);
  return file;
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
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, path.join(fixtures, 'tcp-server.mjs'), host, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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

/** Runs bin/nslab with argv (and, last, extra environment variables); never through a shell. */
export async function nslab(
  ...args: [...string[]] | [...string[], Record<string, string>]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = typeof args.at(-1) === 'object' ? (args.pop() as Record<string, string>) : {};
  try {
    const { stdout, stderr } = await pexec(process.execPath, [path.join(repoRoot, 'bin/nslab'), ...(args as string[])], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Labs the suites create; anything left of them is removed before and after. */
export async function removeLabs(labs: string[]): Promise<void> {
  const present = await findLabs();
  for (const lab of labs) if (present.includes(lab)) await destroyQuietly(lab);
}

/**
 * A host of the test's own: a private network namespace and mount namespace
 * (its own /run/netns and run directory), for commands whose contract is
 * "everything on the host" — `nslab clean` — so they never reach the real
 * host's labs. Everything in it dies with `close()`.
 */
export interface IsolatedHost {
  run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  nslab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

export async function isolatedHost(): Promise<IsolatedHost> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-isolated-'));
  const holder = spawn('unshare', ['--mount', '--net', '--propagation', 'private', '--', 'sleep', 'infinity'], { stdio: 'ignore' });
  const enter = (argv: string[]) => ['nsenter', `--target=${holder.pid}`, '--mount', '--net', '--', ...argv];
  // Wait until the holder is inside its namespaces, then give it a /run/netns of its own.
  const self = fs.readlinkSync('/proc/self/ns/net');
  for (let i = 0; i < 100; i++) {
    try {
      if (fs.readlinkSync(`/proc/${holder.pid}/ns/net`) !== self) break;
    } catch {
      /* not started yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const mounted = await sh(enter(['mount', '-t', 'tmpfs', 'nslab-test', '/run/netns']));
  if (mounted.code !== 0) throw new Error(`isolated host: ${mounted.stderr}`);
  return {
    run: (argv) => sh(enter(argv)),
    nslab: (...args) => sh(enter(['env', `NSLAB_RUN_DIR=${runDir}`, process.execPath, path.join(repoRoot, 'bin/nslab'), ...args])),
    async close() {
      holder.kill('SIGKILL');
      await new Promise((r) => (holder.exitCode !== null ? r(null) : holder.once('exit', r)));
      fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}
