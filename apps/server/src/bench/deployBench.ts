/**
 * npm run bench: deploy, no-op redeploy and destroy of N namespaces on one
 * bridge (N = 10, 100, 1000), each beside a raw baseline that builds the same
 * shape the way a script would — one `ip -batch` on the host, then one
 * `ip -n NS -batch` per namespace — measured in the same run. Needs root;
 * removes everything it made, even when interrupted by an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseTopologyData, type Topology } from '@nslab/topology';
import { deployLab, destroyLab, findLabs } from '../lab.js';
import { hostRunner, runOk } from '../runner.js';

const SIZES = (process.env.NSLAB_BENCH_SIZES ?? '10,100,1000').split(',').map(Number);
const BRIDGE = 'nsbench0';

const ns = (i: number) => `nsb-${i}`;
const hostEnd = (i: number) => `nsbv-${i}`;
const addr = (i: number) => `10.240.${Math.floor(i / 250)}.${(i % 250) + 2}/16`;

function labOf(n: number): Topology {
  const nodes: Record<string, unknown> = { [BRIDGE]: { kind: 'bridge', addresses: ['10.240.255.1/16'] } };
  const links = [];
  for (let i = 0; i < n; i++) {
    nodes[ns(i)] = { kind: 'netns' };
    links.push({
      endpoints: [
        { node: ns(i), name: 'eth0', addresses: [addr(i)] },
        { node: BRIDGE, name: hostEnd(i) },
      ],
    });
  }
  const r = parseTopologyData({ name: `bench-${n}`, nodes, links });
  if (!r.ok) throw new Error(JSON.stringify(r.issues.slice(0, 3)));
  return r.topology!;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

async function rawDeploy(n: number): Promise<void> {
  const host = [`link add name ${BRIDGE} type bridge`, `addr add 10.240.255.1/16 dev ${BRIDGE}`, `link set ${BRIDGE} up`];
  for (let i = 0; i < n; i++) host.push(`netns add ${ns(i)}`);
  for (let i = 0; i < n; i++) {
    host.push(
      `link add eth0 netns ${ns(i)} type veth peer name ${hostEnd(i)}`,
      `link set ${hostEnd(i)} master ${BRIDGE}`,
      `link set ${hostEnd(i)} up`,
    );
  }
  await runOk(hostRunner, ['ip', '-batch', '-'], { input: `${host.join('\n')}\n` });
  for (let i = 0; i < n; i++) {
    await runOk(hostRunner, ['ip', '-n', ns(i), '-batch', '-'], {
      input: `link set lo up\naddr add ${addr(i)} dev eth0\nlink set eth0 up\n`,
    });
  }
}

/** The raw teardown: delete every namespace and the bridge, then wait for the kernel to finish. */
async function rawDestroy(n: number): Promise<void> {
  const lines = [`link del ${BRIDGE}`];
  for (let i = 0; i < n; i++) lines.push(`netns del ${ns(i)}`);
  await runOk(hostRunner, ['ip', '-force', '-batch', '-'], { input: `${lines.join('\n')}\n` });
  await settle();
}

async function settle(): Promise<void> {
  // `ip netns del` returns before the kernel has torn everything down.
  for (let i = 0; i < 100; i++) {
    const out = await runOk(hostRunner, ['ip', '-o', 'link', 'show']);
    if (!out.includes('nsbv-') && !out.includes(BRIDGE)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Row {
  n: number;
  rawDeployMs: number;
  deployMs: number;
  noopMs: number;
  rawDestroyMs: number;
  destroyMs: number;
  steps: number;
}

async function benchOne(n: number): Promise<Row> {
  const t = labOf(n);
  try {
    const [rawDeployMs] = await time(() => rawDeploy(n));
    const [rawDestroyMs] = await time(() => rawDestroy(n));
    const [deployMs, out] = await time(() => deployLab(t));
    if (!out.result.ok) throw new Error(`deploy failed: ${JSON.stringify(out.result.failure)}`);
    const [noopMs, again] = await time(() => deployLab(t));
    if (again.plan.steps.length !== 0) throw new Error(`redeploy planned ${again.plan.steps.length} steps`);
    const [destroyMs] = await time(() => destroyLab(t.name));
    await settle();
    return { n, rawDeployMs, deployMs, noopMs, rawDestroyMs, destroyMs, steps: out.plan.steps.length };
  } finally {
    await hostRunner.run(['ip', '-force', '-batch', '-'], {
      input: [`link del ${BRIDGE}`, ...Array.from({ length: n }, (_, i) => `netns del ${ns(i)}`)].join('\n') + '\n',
    });
    if ((await findLabs()).includes(t.name)) await destroyLab(t.name);
  }
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('npm run bench needs root: it creates namespaces on the real kernel');
    process.exit(1);
  }
  const rows: Row[] = [];
  for (const n of SIZES) {
    process.stderr.write(`bench: ${n} namespaces …\n`);
    rows.push(await benchOne(n));
  }
  console.log('\nN namespaces on one bridge: nslab vs raw ip -batch + one ip -n per namespace (same run)\n');
  console.log('    N | raw deploy | nslab deploy | ratio | no-op redeploy | raw destroy | nslab destroy | ratio');
  console.log('------+------------+--------------+-------+----------------+-------------+---------------+------');
  for (const r of rows) {
    console.log(
      `${String(r.n).padStart(5)} | ${fmt(r.rawDeployMs).padStart(10)} | ${fmt(r.deployMs).padStart(12)} | ${(r.deployMs / r.rawDeployMs).toFixed(2).padStart(5)} | ${fmt(r.noopMs).padStart(14)} | ${fmt(r.rawDestroyMs).padStart(11)} | ${fmt(r.destroyMs).padStart(13)} | ${(r.destroyMs / r.rawDestroyMs).toFixed(2).padStart(5)}`,
    );
  }
  const dir = path.resolve('bench/results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'deploy.json'), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
  console.log('\ngoals: 100 ≤ 2× raw, 1000 ≤ 5 s, no-op redeploy of 100 ≤ 0.3 s');
}

await main();
