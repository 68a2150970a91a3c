/**
 * npm run bench (tracer part): a chain of 10 routers between two namespaces
 * (a 10-hop path), deployed for real; times the model walk (no traffic) and
 * the live probe (one ping traced by netfilter in all 12 namespaces), each
 * the median of several runs, and checks both say "delivered". Needs root.
 * Goals (issue 13): model walk under 300 ms; live probe verdict under 2 s.
 */
import type { Topology } from '@nslab/topology';
import { parseTopology } from '@nslab/topology';
import { deployLab, destroyLab } from '../lab.js';
import { hostRunner } from '../runner.js';
import { tracePacket } from '../packetTrace/index.js';

const ROUTERS = 10;
const LAB = 'bench-trace';

/** s ── r1 ── r2 ── … ── r10 ── d, each link its own /24 in 10.246.0.0/16, static routes both ways. */
function chain(): Topology {
  const net = (i: number) => `10.246.${i}`;
  const nodes: string[] = [`  s: { kind: netns, routes: [{ to: default, via: ${net(0)}.2 }] }`];
  const links: string[] = [];
  for (let i = 1; i <= ROUTERS; i++) {
    const routes = [
      ...(i > 1 ? [`{ to: ${net(0)}.0/24, via: ${net(i - 1)}.1 }`] : []),
      ...(i < ROUTERS ? [`{ to: ${net(ROUTERS)}.0/24, via: ${net(i)}.2 }`] : []),
    ];
    nodes.push(`  r${i}: { kind: netns, sysctls: { net.ipv4.ip_forward: 1 }, routes: [${routes.join(', ')}] }`);
  }
  nodes.push(`  d: { kind: netns, routes: [{ to: default, via: ${net(ROUTERS)}.1 }] }`);
  const ends = ['s', ...Array.from({ length: ROUTERS }, (_, i) => `r${i + 1}`), 'd'];
  for (let i = 0; i <= ROUTERS; i++)
    links.push(
      `  - endpoints: [{ node: ${ends[i]}, name: right, addresses: [${net(i)}.1/24] }, { node: ${ends[i + 1]}, name: left, addresses: [${net(i)}.2/24] }]`,
    );
  // Routers also need the way back from the far side: r_i reaches s's subnet via the previous router.
  const text = `name: ${LAB}\nprefix: btr-\nnodes:\n${nodes.join('\n')}\nlinks:\n${links.join('\n')}\n`;
  const r = parseTopology(text);
  if (!r.ok || !r.topology) throw new Error(JSON.stringify(r.issues));
  return r.topology;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('trace bench needs root');
    process.exit(1);
  }
  const t = chain();
  try {
    const out = await deployLab(t);
    if (!out.result.ok) throw new Error(`deploy failed: ${JSON.stringify(out.result.failure)}`);
    const model: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const r = await tracePacket(hostRunner, t, { from: 's', to: 'd' });
      model.push(performance.now() - t0);
      if (r.verdict !== 'delivered') throw new Error(`model walk: ${r.sentence}`);
      if (i === 0)
        console.log(
          `trace: ${r.sentence} (${r.hops.filter((h) => !h.reply).length} hops there, ${r.hops.filter((h) => h.reply).length} back)`,
        );
    }
    const live: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await tracePacket(hostRunner, t, { from: 's', to: 'd', live: true });
      live.push(r.elapsedMs.live!);
      if (r.live?.verdict !== 'delivered') throw new Error(`live probe: ${r.live?.sentence}`);
    }
    console.log(`trace: model walk of a ${ROUTERS}-router path (there and back): median ${median(model).toFixed(0)} ms (goal < 300 ms)`);
    console.log(`trace: live probe verdict, ${ROUTERS + 2} namespaces watched: median ${median(live).toFixed(0)} ms (goal < 2000 ms)`);
  } finally {
    await destroyLab(LAB).catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
  }
}

await main();
