/**
 * npm run bench, first: the command line as users run it — whole processes,
 * start to exit — beside a baseline measured in the same run, each the median
 * of several runs, interleaved so both sides see the same machine:
 *   - `node -e 0` vs `nslab --help`;
 *   - a raw bash script (one `ip -batch` on the host, then one `ip -n NS
 *     -batch` per namespace) vs `nslab deploy FILE`, for 100 namespaces on one
 *     bridge; then `nslab deploy FILE` again (a no-op) vs the same raw script;
 *   - a raw teardown script vs `nslab destroy NAME`, both until the kernel has
 *     removed the links (`ip netns del` returns before it has).
 * Needs root. Uses only its own names: lab bench-cli, namespaces nsc-0..99,
 * bridge nscbench0, host ends nscv-N, addresses in 10.241.0.0/16; removes
 * everything it made, even after an error or a signal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostRunner, type RunResult } from '../runner.js';

const N = 100;
const LAB = 'bench-cli';
const BRIDGE = 'nscbench0';
const HELP_RUNS = 15;
const DEPLOY_RUNS = 7;
const GOALS = { help: 4, deploy: 1.2, noop: 1.0 };

const ns = (i: number) => `nsc-${i}`;
const hostEnd = (i: number) => `nscv-${i}`;
const addr = (i: number) => `10.241.${Math.floor(i / 250)}.${(i % 250) + 2}/16`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const nslabBin = path.join(root, 'bin/nslab');
const nslab = (...args: string[]) => [process.execPath, nslabBin, ...args];

/** Whether bin/nslab runs the bundle (as its own check decides: the stamp matches both projects' build info). */
function bundled(): boolean {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(root, 'apps/server/dist/cli.bundle.json'), 'utf8')) as Record<string, number>;
    return Object.entries(stamp).every(([file, mtime]) => fs.statSync(path.join(root, file)).mtimeMs === mtime);
  } catch {
    return false;
  }
}

function labYaml(): string {
  const lines = [`name: ${LAB}`, 'nodes:', `  ${BRIDGE}: { kind: bridge, addresses: [10.241.255.1/16] }`];
  for (let i = 0; i < N; i++) lines.push(`  ${ns(i)}: { kind: netns }`);
  lines.push('links:');
  for (let i = 0; i < N; i++)
    lines.push(`  - endpoints: [{ node: ${ns(i)}, name: eth0, addresses: [${addr(i)}] }, { node: ${BRIDGE}, name: ${hostEnd(i)} }]`);
  return `${lines.join('\n')}\n`;
}

/** The same shape as a script would build it: the host's part in one batch, then one `ip -n` per namespace. */
function rawDeployScript(): string {
  const host = [`link add name ${BRIDGE} type bridge`, `addr add 10.241.255.1/16 dev ${BRIDGE}`, `link set ${BRIDGE} up`];
  for (let i = 0; i < N; i++) host.push(`netns add ${ns(i)}`);
  for (let i = 0; i < N; i++)
    host.push(
      `link add eth0 netns ${ns(i)} type veth peer name ${hostEnd(i)}`,
      `link set ${hostEnd(i)} master ${BRIDGE}`,
      `link set ${hostEnd(i)} up`,
    );
  let s = `#!/bin/bash\nset -e\nip -batch - <<'EOF'\n${host.join('\n')}\nEOF\n`;
  for (let i = 0; i < N; i++) s += `ip -n ${ns(i)} -batch - <<'EOF'\nlink set lo up\naddr add ${addr(i)} dev eth0\nlink set eth0 up\nEOF\n`;
  return s;
}

const teardownBatch = () => [`link del ${BRIDGE}`, ...Array.from({ length: N }, (_, i) => `netns del ${ns(i)}`)].join('\n') + '\n';
const rawDestroyScript = () => `#!/bin/bash\nip -force -batch - <<'EOF'\n${teardownBatch()}EOF\n`;

/** Waits until the kernel has removed the bridge and every host end: `ip netns del` returns before it has. */
async function settle(): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const r = await hostRunner.run(['ip', '-o', 'link', 'show']);
    if (!r.stdout.includes('nscv-') && !r.stdout.includes(BRIDGE)) return;
    await new Promise((res) => setTimeout(res, 5));
  }
  throw new Error('the kernel did not remove the lab within 5 s');
}

/**
 * The signal that stopped the bench. The process being measured runs in a
 * session of its own, so the signal does not reach it: it ends, no other
 * starts, and the clean-up runs after it (never beside a deploy).
 */
let stoppedBy: NodeJS.Signals | undefined;

/** Wall time of one whole process, start to exit (and of the kernel's settling, when asked). */
async function timed(argv: string[], opts: { settle?: boolean; expect?: RegExp } = {}): Promise<number> {
  if (stoppedBy) throw new Error(`stopped by ${stoppedBy}`);
  const t0 = performance.now();
  const r: RunResult = await hostRunner.run(argv);
  if (opts.settle) await settle();
  const ms = performance.now() - t0;
  if (r.code !== 0 || (opts.expect && !opts.expect.test(r.stdout)))
    throw new Error(`${argv.join(' ')}: exit ${r.code}\n${r.stdout.slice(0, 500)}\n${r.stderr.slice(0, 2000)}`);
  return ms;
}

/** Removes everything the bench may have made: the lab through nslab (its records too), then any unmarked leftover of the raw scripts. */
async function cleanUp(): Promise<void> {
  await hostRunner.run(nslab('destroy', LAB));
  await hostRunner.run(['ip', '-force', '-batch', '-'], { input: teardownBatch() });
  await settle().catch((e: Error) => process.stderr.write(`bench: ${e.message}\n`));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

interface Row {
  what: string;
  baseline: string;
  baselineMs: number;
  nslabMs: number;
  ratio: number;
  goal?: number;
  pass?: boolean;
  runs: { baseline: number[]; nslab: number[] };
}

function row(what: string, baseline: string, base: number[], mine: number[], goal?: number): Row {
  const baselineMs = median(base);
  const nslabMs = median(mine);
  const ratio = nslabMs / baselineMs;
  return {
    what,
    baseline,
    baselineMs,
    nslabMs,
    ratio,
    ...(goal !== undefined ? { goal, pass: ratio <= goal } : {}),
    runs: { baseline: base, nslab: mine },
  };
}

async function bench(dir: string): Promise<Row[]> {
  const file = path.join(dir, 'lab.yaml');
  const raw = path.join(dir, 'raw-deploy.sh');
  const rawDel = path.join(dir, 'raw-destroy.sh');
  fs.writeFileSync(file, labYaml());
  fs.writeFileSync(raw, rawDeployScript());
  fs.writeFileSync(rawDel, rawDestroyScript());

  process.stderr.write(`bench: node -e 0 vs nslab --help, ${HELP_RUNS} runs each …\n`);
  await timed([process.execPath, '-e', '0']);
  await timed(nslab('--help'));
  const node: number[] = [];
  const help: number[] = [];
  for (let i = 0; i < HELP_RUNS; i++) {
    node.push(await timed([process.execPath, '-e', '0']));
    help.push(await timed(nslab('--help'), { expect: /^usage: nslab/ }));
  }

  const t = { raw: [] as number[], rawDel: [] as number[], deploy: [] as number[], noop: [] as number[], destroy: [] as number[] };
  for (let i = 0; i < DEPLOY_RUNS; i++) {
    process.stderr.write(`bench: ${N} namespaces, run ${i + 1} of ${DEPLOY_RUNS} …\n`);
    t.raw.push(await timed(['bash', raw]));
    t.rawDel.push(await timed(['bash', rawDel], { settle: true }));
    t.deploy.push(await timed(nslab('deploy', file), { expect: new RegExp(`^deployed lab ${LAB}: \\d+ changes`) }));
    t.noop.push(await timed(nslab('deploy', file), { expect: new RegExp(`^lab ${LAB} is up to date: no changes`) }));
    t.destroy.push(await timed(nslab('destroy', LAB), { settle: true, expect: new RegExp(`^destroyed lab ${LAB}:`) }));
  }
  return [
    row('nslab --help', 'node -e 0', node, help, GOALS.help),
    row(`deploy ${N} namespaces`, 'raw script', t.raw, t.deploy, GOALS.deploy),
    row('no-op redeploy', 'raw script', t.raw, t.noop, GOALS.noop),
    row(`destroy ${N} namespaces`, 'raw teardown', t.rawDel, t.destroy),
  ];
}

function print(rows: Row[], bundle: boolean): void {
  console.log(`\nthe CLI as users run it: whole processes, median of ${HELP_RUNS} (--help) or ${DEPLOY_RUNS} runs, same run`);
  console.log(
    bundle
      ? 'bin/nslab ran the bundle (npm run build)\n'
      : "bin/nslab ran tsc's modules: the bundle is missing or older than the last tsc -b (npm run build makes it)\n",
  );
  console.log(`${'what'.padEnd(22)} | ${'baseline'.padEnd(22)} | ${'nslab'.padStart(8)} | ratio | goal   | result`);
  console.log(`${'-'.repeat(22)}-+-${'-'.repeat(22)}-+-${'-'.repeat(8)}-+-------+--------+-------`);
  for (const r of rows)
    console.log(
      `${r.what.padEnd(22)} | ${`${r.baseline} ${fmt(r.baselineMs)}`.padEnd(22)} | ${fmt(r.nslabMs).padStart(8)} | ${r.ratio.toFixed(2).padStart(5)} | ${(r.goal !== undefined ? `≤ ${r.goal.toFixed(1)}` : '-').padEnd(6)} | ${r.pass === undefined ? '-' : r.pass ? 'PASS' : 'FAIL'}`,
    );
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('npm run bench needs root: it creates namespaces on the real kernel');
    process.exit(1);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-clibench-'));
  const onSignal = (sig: NodeJS.Signals) => {
    if (!stoppedBy) process.stderr.write(`bench: ${sig}: cleaning up once the running command ends …\n`);
    stoppedBy ??= sig;
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  let rows: Row[] | undefined;
  try {
    await cleanUp(); // a run killed earlier may have left its lab
    rows = await bench(dir);
  } catch (e) {
    if (!stoppedBy) throw e;
  } finally {
    await cleanUp();
    fs.rmSync(dir, { recursive: true, force: true });
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
  if (!rows) {
    process.stderr.write(`bench: stopped by ${stoppedBy}; everything it made is removed\n`);
    process.exitCode = 130;
    return;
  }
  const bundle = bundled();
  print(rows, bundle);
  const out = path.resolve('bench/results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(
    path.join(out, 'cli.json'),
    JSON.stringify({ at: new Date().toISOString(), node: process.version, bundle, rows }, null, 2),
  );
  const failed = rows.filter((r) => r.pass === false);
  console.log(
    failed.length === 0
      ? '\nall goals met'
      : `\ngoals not met: ${failed.map((r) => `${r.what} (${r.ratio.toFixed(2)}× > ${r.goal}×)`).join(', ')}`,
  );
}

await main();
