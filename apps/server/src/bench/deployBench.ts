/**
 * npm run bench: deploy, no-op redeploy, status and destroy of N namespaces
 * on one bridge (N = 10, 100, 1000), beside two baselines measured in the
 * same run: the kernel's floor — one `ip -batch` that creates the namespaces
 * and their veth pairs on the bridge, and one that tears them down — and a
 * script that also configures each namespace (one `ip -n NS -batch` each).
 * Floor and deploy are each measured twice, in the order floor, deploy,
 * deploy, floor (see benchOne). nslab's destroy is judged against the same raw teardown of the script's lab,
 * the lab nslab destroys: a namespace whose links are up and addressed costs
 * the kernel more to free than the floor's bare ones (both are shown).
 * Needs root; removes everything it made, even when interrupted by an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTopologyData, type Topology } from '@nslab/topology';
import { deployLab, destroyLab, findLabs, planLab } from '../lab.js';
import { whyNotDirect } from '../netlink/kernel.js';
import { quiet, quietMs } from './quiet.js';
import { hostRunner, runOk } from '../runner.js';

const SIZES = (process.env.NSLAB_BENCH_SIZES ?? '10,100,1000').split(',').map(Number);
const BRIDGE = 'nsbench0';
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../bin/nslab');

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

/** The kernel's floor: one `ip -batch` creating the bridge, the namespaces and their veth pairs on the bridge. */
async function floorDeploy(n: number): Promise<void> {
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
}

/** A script: the floor, then one `ip -n NS -batch` per namespace for its loopback, address and link. */
async function rawDeploy(n: number): Promise<void> {
  await floorDeploy(n);
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
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Row {
  n: number;
  floorMs: number;
  rawDeployMs: number;
  deployMs: number;
  noopMs: number;
  statusMs: number;
  statusCliMs: number;
  /** The floor's lab torn down. */
  floorDestroyMs: number;
  /** The script's lab (the one nslab deploys) torn down by one raw batch. */
  rawDestroyMs: number;
  destroyMs: number;
  steps: number;
}

async function benchOne(n: number): Promise<Row> {
  const t = labOf(n);
  const silent = hostEnd(0); // a port of the lab's bridge: quiet once it has sent nothing for a second
  try {
    // Floor and deploy in the order floor, deploy, deploy, floor, each pair averaged. Every namespace made and
    // removed makes the next ones dearer for a few minutes where /run/netns is not a tmpfs (ext4 skips recently
    // freed inodes; here 1000 files cost 0.3 ms each more after each 1000 namespaces): the order cancels that drift.
    await quiet();
    const [rawDeployMs] = await time(() => rawDeploy(n));
    await quiet();
    const [rawDestroyMs] = await time(() => rawDestroy(n));
    await quiet();
    const [floor1] = await time(() => floorDeploy(n));
    await quiet();
    const [floorDestroyMs] = await time(() => rawDestroy(n));
    await quiet();
    const [deploy1, out] = await time(() => deployLab(t));
    if (!out.result.ok) throw new Error(`deploy failed: ${JSON.stringify(out.result.failure)}`);
    await quiet(silent);
    const [noopMs, again] = await time(() => deployLab(t));
    if (again.plan.steps.length !== 0) throw new Error(`redeploy planned ${again.plan.steps.length} steps`);
    await quiet(silent);
    const [statusMs, plan] = await time(() => planLab(t));
    if (plan.steps.length !== 0) throw new Error(`status found ${plan.steps.length} differences`);
    await quiet(silent);
    // The whole command, as a person types it: node's start, reading the deployed design, observing, comparing.
    const [statusCliMs, status] = await time(() => hostRunner.run([process.execPath, CLI, 'status', t.name]));
    if (status.code !== 0) throw new Error(`nslab status: ${status.stdout}${status.stderr}`);
    await quiet(silent);
    const [destroyMs] = await time(async () => {
      await destroyLab(t.name);
      await settle();
    });
    await quiet();
    const [deploy2, out2] = await time(() => deployLab(t));
    if (!out2.result.ok) throw new Error(`deploy failed: ${JSON.stringify(out2.result.failure)}`);
    await quiet(silent);
    await destroyLab(t.name);
    await settle();
    await quiet();
    const [floor2] = await time(() => floorDeploy(n));
    await rawDestroy(n);
    const floorMs = (floor1 + floor2) / 2;
    const deployMs = (deploy1 + deploy2) / 2;
    return {
      n,
      floorMs,
      rawDeployMs,
      deployMs,
      noopMs,
      statusMs,
      statusCliMs,
      floorDestroyMs,
      rawDestroyMs,
      destroyMs,
      steps: out.plan.steps.length,
    };
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
  console.log('\nN namespaces on one bridge, each with an address (same run). floor: one ip -batch creating the namespaces and');
  console.log('veth pairs on the bridge; script: the floor plus one ip -n NS -batch per namespace. down: one ip -batch deleting');
  console.log("the bridge and the namespaces, until the kernel has removed their links; nslab's destroy is set beside the script's.\n");
  console.log(
    '    N |   floor | script | nslab deploy | ×floor | no-op redeploy | status (in process / CLI) | floor down | script down | nslab destroy | ×script down',
  );
  console.log(
    '------+---------+--------+--------------+--------+----------------+---------------------------+------------+-------------+---------------+--------------',
  );
  for (const r of rows) {
    console.log(
      [
        String(r.n).padStart(5),
        fmt(r.floorMs).padStart(7),
        fmt(r.rawDeployMs).padStart(6),
        fmt(r.deployMs).padStart(12),
        (r.deployMs / r.floorMs).toFixed(2).padStart(6),
        fmt(r.noopMs).padStart(14),
        `${fmt(r.statusMs)} / ${fmt(r.statusCliMs)}`.padStart(25),
        fmt(r.floorDestroyMs).padStart(10),
        fmt(r.rawDestroyMs).padStart(11),
        fmt(r.destroyMs).padStart(13),
        (r.destroyMs / r.rawDestroyMs).toFixed(2).padStart(12),
      ].join(' | '),
    );
  }
  console.log(
    `\n(each measurement started on a quiet machine: ${(quietMs() / 1000).toFixed(1)} s were spent waiting for the kernel to settle)`,
  );
  const big = rows.find((r) => r.n === 1000);
  if (big) {
    const goal = (what: string, ok: boolean, text: string) => console.log(`  ${ok ? '✔' : '✘'} ${what}: ${text}`);
    console.log(`\ngoals at 1000 namespaces (nslab talks netlink: ${whyNotDirect() ?? 'yes'}):`);
    goal('deploy ≤ 1.5× the floor', big.deployMs <= 1.5 * big.floorMs, `${(big.deployMs / big.floorMs).toFixed(2)}×`);
    goal('no-op redeploy ≤ 0.5 s', big.noopMs <= 500, fmt(big.noopMs));
    goal('status ≤ 0.5 s (the CLI, whole process)', big.statusCliMs <= 500, fmt(big.statusCliMs));
    goal(
      'destroy ≤ 1.5× a raw batch teardown of the same lab',
      big.destroyMs <= 1.5 * big.rawDestroyMs,
      `${(big.destroyMs / big.rawDestroyMs).toFixed(2)}×`,
    );
  }
  const dir = path.resolve('bench/results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'deploy.json'), JSON.stringify({ at: new Date().toISOString(), rows }, null, 2));
}

await main();
