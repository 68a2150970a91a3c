/**
 * Sandboxes: a lab world the kernel keeps apart from the host and from every
 * other sandbox. A sandbox is
 *
 * - a user namespace mapped to its own unprivileged id range (65536 ids from
 *   1879048192 + 65536 × slot): its root is root only over what it owns;
 * - a network namespace owned by it, the sandbox's "host" (a lab's host node
 *   lives here: its bridges, host ends of veths, NAT and FORWARD rules);
 * - a mount namespace owned by it whose /run/netns is the sandbox's own
 *   tmpfs (so `ip netns` lists and makes only the sandbox's namespaces), with
 *   its own /tmp and with nslab's run and data directories hidden. Those
 *   mounts are made by the host's root in an intermediate mount namespace
 *   before the user namespace copies it, so the kernel locks them: the
 *   sandbox's root cannot unmount them to look underneath;
 * - a cgroup (pids, memory) every process of the sandbox starts in.
 *
 * The three namespaces are kept by bind mounts under `<run dir>/sandboxes/<name>/`
 * (no process holds them), and every command nslab runs for a sandboxed lab
 * is entered with `cgexec … nsenter --user --mount --net … --`: the lab
 * machinery (plan, executor, observer, terminals, tools, checks) runs
 * unchanged inside, as the sandbox's root. Nothing of a sandbox appears in
 * the host's /run/netns, links or iptables.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dataDir, runDir, sandboxDir, sandboxesDir, checkSandboxName } from '../paths.js';
import { hostRunner, runOk, spawnAudited, type RunOptions, type Runner } from '../runner.js';
import { NslabError } from '../errors.js';
import {
  cgexecGroup,
  cgroupExists,
  createCgroup,
  DEFAULT_LIMITS,
  killAll,
  LIMIT_BOUNDS,
  removeCgroup,
  usageOf,
  type Limits,
} from './cgroups.js';

export { DEFAULT_LIMITS, type Limits } from './cgroups.js';

/** The namespaces a sandbox keeps, bind-mounted under its directory. */
const NAMESPACES = ['user', 'mnt', 'net', 'ipc'] as const;

/** First id of slot 0's range: far above any distribution's users and subordinate ranges. */
export const ID_BASE = 0x7000_0000;
export const IDS_PER_SANDBOX = 65536;
export const MAX_SANDBOXES = 4096;

export interface SandboxInfo {
  name: string;
  slot: number;
  /** The host uid (and gid) the sandbox's root is. */
  hostId: number;
  created: string;
  limits: Limits;
}

/** The environment every sandboxed process gets: nothing of the server's (its token, its paths). */
export const SANDBOX_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/tmp',
  LANG: 'C.UTF-8',
  LC_ALL: 'C',
};

const info = (name: string) => sandboxDir(name, 'sandbox.json');

/** The sandbox, if it exists (made completely). */
export function readSandbox(name: string): SandboxInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(info(name), 'utf8')) as SandboxInfo;
  } catch {
    return undefined;
  }
}

export function listSandboxes(): SandboxInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync(sandboxesDir());
  } catch {
    return [];
  }
  return names
    .filter((n) => {
      try {
        return checkSandboxName(n) === n;
      } catch {
        return false;
      }
    })
    .map(readSandbox)
    .filter((s): s is SandboxInfo => s !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The host argv that runs `argv` as the sandbox's root, in its namespaces and cgroup. */
export function sandboxArgv(name: string, argv: readonly string[]): string[] {
  return [
    'cgexec',
    '-g',
    cgexecGroup(name),
    '--',
    'nsenter',
    `--user=${sandboxDir(name, 'user')}`,
    `--mount=${sandboxDir(name, 'mnt')}`,
    `--net=${sandboxDir(name, 'net')}`,
    `--ipc=${sandboxDir(name, 'ipc')}`,
    '--',
    ...argv,
  ];
}

/** A Runner whose commands run inside the sandbox (which must exist). */
export function sandboxRunner(name: string, base: Runner = hostRunner): Runner {
  checkSandboxName(name);
  return {
    sandbox: name,
    env: SANDBOX_ENV,
    hostArgv: (argv) => sandboxArgv(name, argv),
    // The sandbox's root controls every program in it: nothing it runs for nslab may take more than two minutes.
    run: (argv, opts: RunOptions = {}) => base.run(sandboxArgv(name, argv), { timeoutMs: 120_000, ...opts, env: SANDBOX_ENV }),
  };
}

/** Checks limits a caller asked for against LIMIT_BOUNDS. */
export function checkLimits(l: Partial<Limits>): Limits {
  const limits = { ...DEFAULT_LIMITS, ...l };
  for (const [k, [min, max]] of Object.entries(LIMIT_BOUNDS) as Array<[keyof Limits, readonly [number, number]]>) {
    const v = limits[k];
    if (!Number.isInteger(v) || v < min || v > max)
      throw new NslabError('invalid', `sandbox ${k}: ${v} is not a whole number in ${min}–${max}`);
  }
  return limits;
}

/**
 * The sandbox `name`, made now if it does not exist. Two callers making the
 * same sandbox at once get the same one; a half-made one (its maker died) is
 * refused with the command that removes it.
 */
export interface SandboxOptions {
  /** More directories to hide from it (a server's --data-dir). */
  hide?: string[];
}

export async function ensureSandbox(name: string, wanted: Partial<Limits> = {}, opts: SandboxOptions = {}): Promise<SandboxInfo> {
  const limits = checkLimits(wanted);
  const existing = readSandbox(name);
  if (existing) return existing;
  requireTools();
  const slot = await withLock(async () => {
    await prepareRoot();
    try {
      fs.mkdirSync(sandboxDir(name), { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw e;
    }
    return claimSlot(name);
  });
  if (slot === undefined) return waitForSandbox(name);
  try {
    return await build(name, slot, limits, opts);
  } catch (e) {
    await removeSandbox(name).catch(() => {});
    throw new Error(`cannot make sandbox ${name}: ${(e as Error).message}`, { cause: e });
  }
}

async function waitForSandbox(name: string): Promise<SandboxInfo> {
  const until = Date.now() + 30_000;
  for (;;) {
    const s = readSandbox(name);
    if (s) return s;
    if (!fs.existsSync(sandboxDir(name))) return ensureSandbox(name);
    if (Date.now() > until)
      throw new NslabError('conflict', `sandbox ${name} is half-made (its maker stopped); remove it: nslab sandbox rm ${name}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What sandboxes need from the host, said plainly when it is missing. */
function requireTools(): void {
  const onPath = (cmd: string) => SANDBOX_ENV.PATH!.split(':').some((d) => fs.existsSync(path.join(d, cmd)));
  if (!onPath('cgexec'))
    throw new NslabError('forbidden', 'sandboxes need cgexec to start processes in their cgroup: apt-get install cgroup-tools');
  let max = 0;
  try {
    max = Number(fs.readFileSync('/proc/sys/user/max_user_namespaces', 'utf8'));
  } catch {
    /* no user namespaces at all */
  }
  if (!(max > 0))
    throw new NslabError('forbidden', 'sandboxes need user namespaces, and this kernel has none (user.max_user_namespaces is 0)');
}

/**
 * `<run dir>/sandboxes`, 0700, made a private mount point of its own: a mount
 * namespace's handle may only be bind-mounted where it cannot propagate.
 * Called under the lock.
 */
async function prepareRoot(): Promise<void> {
  const dir = sandboxesDir();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  fs.mkdirSync('/run/netns', { recursive: true }); // the mount point of each sandbox's own /run/netns
  if (isMountPoint(dir)) return;
  await runOk(hostRunner, ['mount', '--bind', '--', dir, dir]);
  await runOk(hostRunner, ['mount', '--make-private', '--', dir]);
}

async function build(name: string, slot: number, limits: Limits, opts: SandboxOptions): Promise<SandboxInfo> {
  const hostId = ID_BASE + slot * IDS_PER_SANDBOX;
  createCgroup(name, limits);

  // 1. An intermediate mount namespace, the host root's own: the sandbox's mounts are made here.
  const mnt0 = sandboxDir(name, 'mnt0');
  fs.writeFileSync(mnt0, '');
  await runOk(hostRunner, ['unshare', `--mount=${mnt0}`, '--propagation', 'private', '--', 'true']);
  const inMnt0 = (argv: string[]) => ['nsenter', `--mount=${mnt0}`, '--', ...argv];
  const tmpfs = (what: string, opts: string, target: string) =>
    runOk(hostRunner, inMnt0(['mount', '-t', 'tmpfs', '-o', opts, '--', `nslab-${what}`, target]));
  const owned = `uid=${hostId},gid=${hostId}`;
  await tmpfs('netns', `mode=0755,${owned},size=1m`, '/run/netns');
  // nslab's own directories first (one may lie under /tmp, which is covered next).
  for (const hidden of new Set([runDir(), dataDir(), ...(opts.hide ?? [])]))
    if (fs.existsSync(hidden)) await tmpfs('hidden', 'mode=0700,size=16k', hidden);
  // Its own pseudo-terminals (at most 64): opening /dev/ptmx cannot use up the host's.
  await runOk(
    hostRunner,
    inMnt0([
      'mount',
      '-t',
      'devpts',
      '-o',
      `newinstance,ptmxmode=0666,mode=0620,gid=${hostId + 5},max=64`,
      '--',
      'nslab-devpts',
      '/dev/pts',
    ]),
  );
  await runOk(hostRunner, inMnt0(['mount', '--bind', '--', '/dev/pts/ptmx', '/dev/ptmx']));
  // Every place the host lets anyone write gets a small tmpfs of the sandbox's own: nothing it writes outlives it or reaches the host's disk.
  for (const shared of ['/tmp', '/var/tmp', '/dev/shm', '/run/lock'])
    if (fs.existsSync(shared)) await tmpfs('tmp', `mode=1777,${owned},size=${limits.tmpBytes}`, shared);

  // 2. The user, mount and network namespaces, made together by a process that waits to be kept.
  const keeper = spawnAudited(
    inMnt0(['unshare', '--user', '--mount', '--net', '--ipc', '--propagation', 'private', '--', 'sleep', 'infinity']),
    `sandbox:${name}`,
    { stdio: 'ignore' },
  );
  try {
    const pid = keeper.pid!;
    await waitFor(() => readComm(pid) === 'sleep' && nsOf(pid, 'user') !== nsOf(process.pid, 'user'), 'the sandbox namespaces');
    const map = `0 ${hostId} ${IDS_PER_SANDBOX}\n`;
    fs.writeFileSync(`/proc/${pid}/uid_map`, map);
    fs.writeFileSync(`/proc/${pid}/gid_map`, map);
    for (const ns of NAMESPACES) {
      const file = sandboxDir(name, ns);
      fs.writeFileSync(file, '');
      await runOk(hostRunner, ['mount', '--bind', '--', `/proc/${pid}/ns/${ns}`, file]);
    }
  } finally {
    keeper.kill('SIGKILL');
    await runOk(hostRunner, ['umount', '--', mnt0]).catch(() => {});
    fs.rmSync(mnt0, { force: true });
  }

  // Its captures: files the server writes for it, on a tmpfs of their own so no capture can grow past it.
  const captures = sandboxDir(name, 'captures');
  fs.mkdirSync(captures, { mode: 0o700 });
  await runOk(hostRunner, ['mount', '-t', 'tmpfs', '-o', `mode=0700,size=${limits.tmpBytes}`, '--', 'nslab-captures', captures]);
  await runOk(sandboxRunner(name), ['ip', 'link', 'set', 'dev', 'lo', 'up']);
  const made: SandboxInfo = { name, slot, hostId, created: new Date().toISOString(), limits };
  fs.writeFileSync(`${info(name)}.tmp`, JSON.stringify(made));
  fs.renameSync(`${info(name)}.tmp`, info(name)); // last: a sandbox with sandbox.json is complete
  return made;
}

/** The lowest id-range slot no other sandbox holds (called under the lock). */
function claimSlot(name: string): number {
  const taken = new Set<number>();
  for (const other of fs.readdirSync(sandboxesDir())) {
    try {
      taken.add(Number(fs.readFileSync(path.join(sandboxesDir(), other, 'slot'), 'utf8')));
    } catch {
      /* not a sandbox, or being removed */
    }
  }
  let slot = 0;
  while (taken.has(slot)) slot++;
  checkSandboxName(name);
  if (slot >= MAX_SANDBOXES) throw new NslabError('limit', `at most ${MAX_SANDBOXES} sandboxes`);
  fs.writeFileSync(path.join(sandboxDir(name), 'slot'), String(slot));
  return slot;
}

/**
 * Removes a sandbox and everything in it: its processes (killed), its labs
 * (their namespaces die with the sandbox's mount namespace), its namespace
 * handles, its cgroup and its directory. Touches no other sandbox. Returns
 * false when there was no such sandbox.
 */
export async function removeSandbox(name: string): Promise<boolean> {
  const dir = sandboxDir(name);
  if (!fs.existsSync(dir) && !cgroupExists(name)) return false;
  await killAll(name);
  for (const part of [...NAMESPACES, 'mnt0', 'captures'] as const) {
    const file = sandboxDir(name, part);
    if (isMountPoint(file)) await runOk(hostRunner, ['umount', '--', file]);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  await removeCgroup(name);
  await withLock(async () => {
    // The last sandbox gone: the private mount point goes too.
    if (fs.existsSync(sandboxesDir()) && fs.readdirSync(sandboxesDir()).length === 0 && isMountPoint(sandboxesDir())) {
      await runOk(hostRunner, ['umount', '--', sandboxesDir()]);
      fs.rmdirSync(sandboxesDir());
    }
  });
  return true;
}

export function sandboxUsage(name: string): { pids: number; memoryBytes: number } {
  return usageOf(name);
}

/** Whether `file` is a mount point in this mount namespace (from /proc/self/mountinfo). */
function isMountPoint(file: string): boolean {
  const unescape = (s: string) => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] !== undefined && unescape(line.split(' ')[4]!) === file);
}

function readComm(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function nsOf(pid: number, ns: string): string {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/${ns}`);
  } catch {
    return '';
  }
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Serialises the few steps that read or change what all sandboxes share (the
 * mount point, the id slots) across processes: a directory made atomically.
 * A lock older than a minute is a dead process's and is broken.
 */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = path.join(runDir(), 'sandboxes.lock');
  fs.mkdirSync(runDir(), { recursive: true });
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 60_000) fs.rmdirSync(lock);
      } catch {
        /* released meanwhile */
      }
      if (Date.now() > until) throw new Error(`${lock} is held by another nslab; remove it if no nslab is running`, { cause: e });
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmdirSync(lock);
  }
}
