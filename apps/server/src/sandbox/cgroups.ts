/**
 * A sandbox's resource limits: one cgroup per sandbox, `nslab/<name>`, with
 * the pids and memory controllers (cgroup v2 where the host runs it, the v1
 * hierarchies otherwise, as on this machine). Every process that runs in a
 * sandbox is started by `cgexec` (cgroup-tools) in that cgroup, so the kernel
 * counts it, and its children, before it can fork: a fork bomb or a memory
 * hog stops at the sandbox's limit, never at the host's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { audit } from '../audit.js';
import { checkSandboxName } from '../paths.js';

export interface Limits {
  /** Processes and threads the sandbox may hold at once. */
  pids: number;
  /** Memory (RSS and page cache) the sandbox may use, in bytes. */
  memoryBytes: number;
  /** Size of the sandbox's own /tmp (tmpfs), in bytes. */
  tmpBytes: number;
}

export const DEFAULT_LIMITS: Limits = { pids: 256, memoryBytes: 256 * 2 ** 20, tmpBytes: 64 * 2 ** 20 };

/** Bounds on limits a caller may ask for. */
export const LIMIT_BOUNDS = { pids: [16, 4096], memoryBytes: [32 * 2 ** 20, 8 * 2 ** 30], tmpBytes: [2 ** 20, 2 ** 30] } as const;

const ROOT = process.env.NSLAB_CGROUP_ROOT ?? '/sys/fs/cgroup';
const PARENT = 'nslab';

const isV2 = () => fs.existsSync(path.join(ROOT, 'cgroup.controllers'));

/** The cgroup directories of a sandbox: one (v2) or one per controller (v1, pids first). */
function dirs(name: string): string[] {
  const rel = path.join(PARENT, checkSandboxName(name));
  return isV2() ? [path.join(ROOT, rel)] : ['pids', 'memory'].map((c) => path.join(ROOT, c, rel));
}

/** cgexec's `-g` argument for the sandbox. */
export function cgexecGroup(name: string): string {
  return `pids,memory:${PARENT}/${checkSandboxName(name)}`;
}

function write(file: string, value: string, sandbox: string): void {
  fs.writeFileSync(file, value);
  audit({ argv: ['write', file, value], code: 0, ms: 0, lab: `sandbox:${sandbox}` });
}

/** Makes the sandbox's cgroup with its limits (v2: the controllers enabled down to it). */
export function createCgroup(name: string, limits: Limits): void {
  if (isV2()) {
    const parent = path.join(ROOT, PARENT);
    fs.mkdirSync(parent, { recursive: true });
    for (const dir of [ROOT, parent]) write(path.join(dir, 'cgroup.subtree_control'), '+pids +memory', name);
    const [dir] = dirs(name);
    fs.mkdirSync(dir!, { recursive: true });
    write(path.join(dir!, 'pids.max'), String(limits.pids), name);
    write(path.join(dir!, 'memory.max'), String(limits.memoryBytes), name);
    if (fs.existsSync(path.join(dir!, 'memory.swap.max'))) write(path.join(dir!, 'memory.swap.max'), '0', name); // no swap beyond the limit
    return;
  }
  const [pids, memory] = dirs(name);
  fs.mkdirSync(pids!, { recursive: true });
  fs.mkdirSync(memory!, { recursive: true });
  write(path.join(pids!, 'pids.max'), String(limits.pids), name);
  write(path.join(memory!, 'memory.limit_in_bytes'), String(limits.memoryBytes), name);
  // Memory and swap together, where the kernel accounts swap: the limit holds on a host with swap too.
  const memsw = path.join(memory!, 'memory.memsw.limit_in_bytes');
  if (fs.existsSync(memsw)) write(memsw, String(limits.memoryBytes), name);
}

export function cgroupExists(name: string): boolean {
  return dirs(name).some((d) => fs.existsSync(d));
}

/** Process ids in the sandbox now. */
export function processesOf(name: string): number[] {
  try {
    return fs
      .readFileSync(path.join(dirs(name)[0]!, 'cgroup.procs'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Processes and memory in use now. */
export function usageOf(name: string): { pids: number; memoryBytes: number } {
  const [first, second] = dirs(name);
  const num = (file: string) => {
    try {
      return Number(fs.readFileSync(file, 'utf8').trim()) || 0;
    } catch {
      return 0;
    }
  };
  return isV2()
    ? { pids: num(path.join(first!, 'pids.current')), memoryBytes: num(path.join(first!, 'memory.current')) }
    : { pids: num(path.join(first!, 'pids.current')), memoryBytes: num(path.join(second!, 'memory.usage_in_bytes')) };
}

/**
 * Kills every process of the sandbox. New forks are refused first (pids.max
 * 0), so a fork bomb cannot outrun the killing; waits until the kernel has
 * counted every one of them out.
 */
export async function killAll(name: string, timeoutMs = 20_000): Promise<void> {
  const [pidsDir] = dirs(name);
  if (!fs.existsSync(pidsDir!)) return;
  write(path.join(pidsDir!, 'pids.max'), '0', name);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const left = processesOf(name);
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone already */
      }
    }
    if (left.length === 0 && usageOf(name).pids === 0) return;
    if (Date.now() > until) throw new Error(`sandbox ${name}: ${left.length} process(es) would not die: ${left.slice(0, 10).join(' ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Removes the sandbox's cgroup (after killAll), and nslab's parent cgroup once empty. */
export async function removeCgroup(name: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (const dir of dirs(name)) {
    for (;;) {
      try {
        fs.rmdirSync(dir);
        audit({ argv: ['rmdir', dir], code: 0, ms: 0, lab: `sandbox:${name}` });
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        // EBUSY: a killed process not yet reaped still counts.
        if (Date.now() > until) throw new Error(`sandbox ${name}: cannot remove cgroup ${dir}: ${(e as Error).message}`, { cause: e });
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    try {
      fs.rmdirSync(path.dirname(dir)); // nslab/ when no sandbox is left
    } catch {
      /* other sandboxes remain */
    }
  }
}
