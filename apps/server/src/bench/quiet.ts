/** Benchmarks start each measurement on a quiet machine. */
import fs from 'node:fs';

/** Busy and idle CPU time so far, from /proc/stat. */
function cpuTimes(): { busy: number; idle: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3]! + (f[4] ?? 0);
  return { busy: f.reduce((a, b) => a + b, 0) - idle, idle };
}

/**
 * Waits until the machine is quiet (90 % idle over a quarter second, at most
 * 30 s): after a deploy the kernel is still busy with what 2N new links do by
 * themselves (IPv6 duplicate address detection, MLD reports and router
 * solicitations, flooded by the bridge to every port), and after a teardown
 * with freeing namespaces. Each measurement starts from a quiet machine.
 */
let waited = 0;

/** Milliseconds spent in quiet() so far. */
export function quietMs(): number {
  return waited;
}

/**
 * With `silent`, a link on the host (a bridge port) must also have sent
 * nothing for a second: a new lab's links go on talking for ~9 s (router
 * solicitations at 0–1, 4–5 and 8–9 s), in bursts a quarter second of idle
 * CPU can fall between.
 */
export async function quiet(silent?: string): Promise<void> {
  const t0 = performance.now();
  const sent = () => {
    try {
      return fs.readFileSync(`/sys/class/net/${silent}/statistics/tx_packets`, 'utf8');
    } catch {
      return undefined; // no such link
    }
  };
  let lastSent = silent ? sent() : undefined;
  let lastChange = performance.now();
  while (performance.now() - t0 < 30_000) {
    const a = cpuTimes();
    await new Promise((r) => setTimeout(r, 250));
    const b = cpuTimes();
    const idle = (b.idle - a.idle) / Math.max(1, b.idle - a.idle + b.busy - a.busy);
    const now = silent ? sent() : undefined;
    if (now !== lastSent) [lastSent, lastChange] = [now, performance.now()];
    if (idle >= 0.9 && (now === undefined || performance.now() - lastChange >= 1000)) break;
  }
  waited += performance.now() - t0;
}
