/**
 * npm run bench: what watching a deployed lab costs. A 300-namespace lab on
 * one bridge is deployed; then, for a while, the traffic counters are read
 * every second (what an open page asks) and the drift check runs every five
 * seconds (the server's default watch). CPU time of this process and of
 * every program it ran, over wall time, is the share of one core it took.
 * Needs root; removes everything it made.
 */
import fs from 'node:fs';
import { parseTopologyData, planDeploy, type Topology } from '@nslab/topology';
import { deployLab, destroyLab, findLabs, labDesiredState } from '../lab.js';
import { linkCounters } from '../live/tools.js';
import { whyNotDirect } from '../netlink/kernel.js';
import { observeHost } from '../observe.js';
import { hostPlace } from '../place.js';
import { hostRunner } from '../runner.js';
import { quiet } from './quiet.js';

const N = Number(process.env.NSLAB_BENCH_LIVE_N ?? 300);
const SECONDS = Number(process.env.NSLAB_BENCH_LIVE_SECONDS ?? 20);
const BRIDGE = 'lvbench0';

function labOf(n: number): Topology {
  const nodes: Record<string, unknown> = { [BRIDGE]: { kind: 'bridge', addresses: ['10.243.255.1/16'] } };
  const links = [];
  for (let i = 0; i < n; i++) {
    nodes[`lvb-${i}`] = { kind: 'netns' };
    links.push({
      endpoints: [
        { node: `lvb-${i}`, name: 'eth0', addresses: [`10.243.${Math.floor(i / 250)}.${(i % 250) + 2}/16`] },
        { node: BRIDGE, name: `lvbv-${i}` },
      ],
    });
  }
  const r = parseTopologyData({ name: `bench-live`, nodes, links });
  if (!r.ok) throw new Error(JSON.stringify(r.issues.slice(0, 3)));
  return r.topology!;
}

/** CPU seconds of this process and of its finished children (utime, stime, cutime, cstime of /proc/self/stat). */
function cpuSeconds(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 3, so utime (14) is index 11 here.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / 100; // USER_HZ
}

async function drift(t: Topology): Promise<number> {
  const place = hostPlace();
  const desired = await labDesiredState(t);
  const observed = await observeHost({ runner: place.runner, lab: t.name, holds: place.holds, desired });
  return planDeploy(observed, desired).steps.length;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('npm run bench needs root: it creates namespaces on the real kernel');
    process.exit(1);
  }
  const t = labOf(N);
  try {
    process.stderr.write(`bench: watching a ${N}-namespace lab for ${SECONDS} s …\n`);
    const out = await deployLab(t);
    if (!out.result.ok) throw new Error(`deploy failed: ${JSON.stringify(out.result.failure)}`);
    await quiet(`lvbv-0`); // the kernel's own work after a deploy (IPv6 autoconfiguration of 600 links) is not the watch's
    const t0 = performance.now();
    const c0 = cpuSeconds();
    let counters = 0;
    let checks = 0;
    let countersMs = 0;
    let checksMs = 0;
    for (let s = 0; s < SECONDS; s++) {
      const tick = performance.now();
      const c = await linkCounters(hostRunner, t);
      countersMs += performance.now() - tick;
      if (Object.values(c.links).filter((ends) => ends.every((e) => e !== null)).length !== N) throw new Error('counters missing');
      counters++;
      if (s % 5 === 0) {
        const d = performance.now();
        const differences = await drift(t);
        checksMs += performance.now() - d;
        if (differences !== 0) throw new Error(`drift check found ${differences} differences`);
        checks++;
      }
      const next = t0 + (s + 1) * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds() - c0;
    const share = (100 * cpu) / wall;
    console.log(`\nwatching a ${N}-namespace lab for ${wall.toFixed(1)} s (netlink: ${whyNotDirect() ?? 'yes'}):`);
    console.log(`  counters every second: ${counters} reads, ${(countersMs / counters).toFixed(1)} ms each`);
    console.log(`  drift check every 5 s: ${checks} checks, ${(checksMs / checks).toFixed(1)} ms each`);
    console.log(`  CPU, this process and the programs it ran: ${cpu.toFixed(2)} s = ${share.toFixed(1)} % of one core`);
    console.log(`  ${share < 5 ? '✔' : '✘'} goal: < 5 % of one core`);
  } finally {
    await destroyLab(t.name).catch(() => undefined);
    if ((await findLabs()).includes(t.name)) await destroyLab(t.name);
  }
}

await main();
