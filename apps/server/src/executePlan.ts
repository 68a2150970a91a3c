/**
 * Runs a plan on the host. Thin by design: no model decisions. Steps run
 * phase by phase (see phaseOf); within a phase each namespace's steps run as
 * a few batched processes, namespaces in parallel. The first failure stops
 * the run, the steps applied so far are undone in reverse, and the error
 * names the step, its command and the kernel's message.
 */
import { holdKey as holdKeys, inverseOf, linksCreatedBy, phaseOf, toArgv, type Plan, type Step } from '@nslab/topology';
import type { HoldStore } from './holds.js';
import {
  batchesOf,
  runIpBatch,
  runIpBatches,
  runIptablesBatch,
  runSysctlBatch,
  type Batch,
  type BatchOutcome,
  type Item,
} from './executePlan/batches.js';
import { parallelism } from './paths.js';
import { Applier, runDirectBatch } from './netlink/apply.js';
import { directFor, pacer } from './netlink/kernel.js';
import { inNetns, mapLimit, type Runner } from './runner.js';
import { traced } from './trace.js';

export type StepStatus = 'ok' | 'failed' | 'undone';

export interface StepEvent {
  index: number;
  step: Step;
  argv: string[];
  status: StepStatus;
  /** Milliseconds since the run started. */
  elapsedMs: number;
  error?: string;
}

export interface ExecOptions {
  runner: Runner;
  /** Set by executePlan: netlink connections, when the runner is the host's and nslab talks to the kernel itself. */
  applier?: Applier;
  lab: string;
  holds: HoldStore;
  onEvent?: (e: StepEvent) => void;
}

export interface StepFailure {
  index: number;
  step: Step;
  argv: string[];
  code: number;
  message: string;
}

export interface ExecResult {
  ok: boolean;
  applied: number;
  elapsedMs: number;
  failure?: StepFailure;
  /** After a failure: whether undoing worked, and what could not be undone. */
  rollback?: { undone: number; errors: string[] };
}

export class PlanFailedError extends Error {
  constructor(readonly result: ExecResult) {
    const f = result.failure!;
    super(`step ${f.index + 1} failed: ${f.argv.join(' ')}\n  ${f.message}\n  (${f.step.reason})`);
  }
}

/**
 * Test hook for fault tests: NSLAB_CRASH_AFTER=N kills this process with
 * SIGKILL once N steps have been applied (steps then run one at a time).
 */
const CRASH_AFTER = process.env.NSLAB_CRASH_AFTER ? Number(process.env.NSLAB_CRASH_AFTER) : undefined;

export async function executePlan(plan: Plan, options: ExecOptions): Promise<ExecResult> {
  const kernel = directFor(options.runner);
  const applier = kernel ? new Applier(kernel) : undefined;
  try {
    return await execute(plan, { ...options, applier });
  } finally {
    applier?.close();
  }
}

async function execute(plan: Plan, opts: ExecOptions): Promise<ExecResult> {
  const start = performance.now();
  const direct = opts.applier !== undefined;
  const elapsed = () => Math.round((performance.now() - start) * 10) / 10;
  const applied: Item[] = [];
  const emit = (item: Item, status: StepStatus, error?: string) =>
    opts.onEvent?.({
      index: item.index,
      step: item.step,
      argv: toArgv(item.step),
      status,
      elapsedMs: elapsed(),
      ...(error ? { error } : {}),
    });

  const items = plan.steps.map((step, index) => ({ index, step }));
  for (const phase of [0, 1, 2, 3] as const) {
    const byScope = new Map<string, Item[]>();
    for (const i of items) {
      if (phaseOf(i.step) !== phase) continue;
      const k = i.step.netns ?? '';
      byScope.set(k, [...(byScope.get(k) ?? []), i]);
    }
    // Round r runs the r-th batch of every namespace together; a namespace stops at its first failure.
    const queues =
      CRASH_AFTER === undefined
        ? [...byScope.values()].map((group) => batchesOf(group, direct))
        : [[...byScope.values()].flat().flatMap((i) => batchesOf([i], direct))];
    const failures: StepFailure[] = [];
    for (let round = 0; queues.some((q) => q.length > round); round++) {
      const batches = queues.map((q) => q[round]).filter((b): b is Batch => b !== undefined);
      // The host's last: its bridge ports come up once the namespaces behind them are ready, so the
      // autoconfiguration traffic a link brings (IPv6 DAD, MLD, router solicitations) is not flooded while they are set up.
      const own = batches.filter((b) => b.tool === 'netlink').sort((a, b) => Number(a.netns === null) - Number(b.netns === null));
      const pooled = batches.filter((b) => b.tool === 'ip' && b.netns !== null);
      const rest = batches.filter((b) => !pooled.includes(b) && !own.includes(b));
      const outcomes = await traced(
        `phase ${phase} round ${round}: ${own.length} over netlink, ${pooled.length} pooled, ${rest.length} other`,
        async () =>
          (
            await Promise.all([
              runIpBatches(opts.runner, pooled, false),
              mapLimit(rest, parallelism(), (b) => runBatch(b, opts, false)),
              runDirectBatches(own, opts),
            ])
          ).flat(),
      );
      for (const outcome of outcomes) {
        for (const i of outcome.applied) {
          applied.push(i);
          emit(i, 'ok');
          if (CRASH_AFTER !== undefined && applied.length >= CRASH_AFTER) process.kill(process.pid, 'SIGKILL');
        }
        if (outcome.failed) {
          const f = outcome.failed;
          emit(f.item, 'failed', f.message);
          failures.push({ index: f.item.index, step: f.item.step, argv: f.argv, code: f.code, message: f.message });
        }
      }
      if (failures.length > 0) break;
    }
    if (failures.length > 0) {
      failures.sort((a, b) => a.index - b.index);
      const rollback = await undo(applied, opts, emit);
      return { ok: false, applied: applied.length, elapsedMs: elapsed(), failure: failures[0], rollback };
    }
    // A socket holds its namespace alive: none may stay open into a namespace the next phase deletes.
    opts.applier?.close();
    if (phase === 1)
      await traced('await teardown', () =>
        awaitTeardown(
          items.map((i) => i.step),
          opts,
        ),
      );
  }
  return { ok: true, applied: applied.length, elapsedMs: elapsed() };
}

/**
 * `ip netns del` returns before the kernel has torn the namespace down; its
 * veths' other ends vanish a little later. Deleting them one by one would cost
 * a synchronize_net each (~17 ms), so wait for the kernel's batched teardown,
 * then delete whatever is still there.
 */
async function awaitTeardown(steps: Step[], opts: ExecOptions): Promise<void> {
  const { runner, applier } = opts;
  const byNetns = new Map<string | null, Set<string>>();
  for (const s of steps) {
    if (s.kind !== 'netns.del') continue;
    for (const l of s.takes ?? []) byNetns.set(l.netns, (byNetns.get(l.netns) ?? new Set()).add(l.name));
  }
  for (const [netns, names] of byNetns) {
    const deadline = Date.now() + 5000;
    let left = [...names];
    if (applier) {
      await awaitGone(applier, netns, left, deadline);
      continue;
    }
    while (left.length > 0 && Date.now() < deadline) {
      const r = await runner.run(inNetns(netns, ['ip', '-json', 'link', 'show']));
      if (r.code !== 0) break;
      const present = new Set((JSON.parse(r.stdout || '[]') as Array<{ ifname: string }>).map((l) => l.ifname));
      left = left.filter((n) => present.has(n));
      if (left.length > 0) await new Promise((res) => setTimeout(res, 10));
    }
    if (left.length > 0)
      await runner.run(inNetns(netns, ['ip', '-force', '-batch', '-']), { input: left.map((n) => `link del dev ${n}\n`).join('') });
  }
}

/** Waits for the kernel to remove `names` from a namespace, then deletes those still there (over netlink). */
async function awaitGone(applier: Applier, netns: string | null, names: string[], deadline: number): Promise<void> {
  const c = applier.conn(netns);
  let left = names;
  // One dump per look (not a request per name: each takes the lock the kernel's teardown needs).
  while (left.length > 0 && Date.now() < deadline) {
    const present = new Set(c.links(false).map((l) => l.ifname));
    left = left.filter((n) => present.has(n));
    if (left.length > 0) await new Promise((res) => setTimeout(res, 10));
  }
  if (left.length > 0)
    runDirectBatch(
      applier,
      {
        tool: 'netlink',
        netns,
        items: left.map((name, index) => ({ index, step: { kind: 'link.del', netns, name, reason: 'left by a namespace' } })),
      },
      true,
    );
  applier.close();
}

/** Netlink batches, one after the other, letting the event loop run between them (a server stays responsive). */
async function runDirectBatches(batches: Batch[], opts: ExecOptions): Promise<BatchOutcome[]> {
  const out: BatchOutcome[] = [];
  const pace = pacer();
  for (const b of batches) {
    out.push(runDirect(b, opts, false));
    await pace();
  }
  return out;
}

function runDirect(batch: Batch, opts: ExecOptions, force: boolean): BatchOutcome {
  // Holds are taken step by step: a step after a failure in the same batch never ran, so takes nothing.
  const outcome = runDirectBatch(opts.applier!, batch, force, (item) => takeHolds({ ...batch, items: [item] }, opts));
  releaseHolds(outcome.applied, opts);
  if (outcome.failed) undoHold(outcome.failed.item.step, opts);
  return outcome;
}

async function runBatch(batch: Batch, opts: ExecOptions, force: boolean): Promise<BatchOutcome> {
  switch (batch.tool) {
    case 'netlink':
      return runDirect(batch, opts, force);
    case 'ip':
    case 'tc':
      return runIpBatch(opts.runner, batch, force);
    case 'sysctl':
    case 'iptables': {
      takeHolds(batch, opts);
      const outcome =
        batch.tool === 'sysctl' ? await runSysctlBatch(opts.runner, batch) : await runIptablesBatch(opts.runner, batch, force);
      releaseHolds(outcome.applied, opts);
      if (outcome.failed) undoHold(outcome.failed.item.step, opts);
      return outcome;
    }
    case 'none':
      for (const i of batch.items) if (i.step.kind === 'host.hold') opts.holds.change(i.step.key, opts.lab, i.step.hold, i.step.original);
      return { applied: batch.items, errors: [] };
  }
}

function holdKey(step: Step): string | undefined {
  if (step.netns !== null) return undefined;
  if (step.kind === 'sysctl.set') return holdKeys.sysctl(step.key);
  if (step.kind === 'policy.set') return holdKeys.policy(step.family, step.chain);
  return undefined;
}

/** Record originals before changing them, so a crash right after cannot lose them. */
function takeHolds(batch: Batch, opts: ExecOptions): void {
  for (const { step } of batch.items) {
    const key = holdKey(step);
    if (key && 'hold' in step && step.hold === 'take') opts.holds.change(key, opts.lab, 'take', 'from' in step ? step.from : undefined);
  }
}

function releaseHolds(items: Item[], opts: ExecOptions): void {
  for (const { step } of items) {
    const key = holdKey(step);
    if (key && 'hold' in step && step.hold === 'release') opts.holds.change(key, opts.lab, 'release', undefined);
  }
}

function undoHold(step: Step, opts: ExecOptions): void {
  const key = holdKey(step);
  if (key && 'hold' in step && step.hold === 'take') opts.holds.change(key, opts.lab, 'release', undefined);
}

/** Inverses of applied steps, newest first, skipping what dies with a namespace or link this run created. */
async function undo(
  applied: Item[],
  opts: ExecOptions,
  emit: (i: Item, s: StepStatus, e?: string) => void,
): Promise<{ undone: number; errors: string[] }> {
  const ordered = [...applied].sort((a, b) => b.index - a.index);
  const newNs = new Set(ordered.flatMap((i) => (i.step.kind === 'netns.add' ? [i.step.name] : [])));
  const newLinks = new Set(ordered.flatMap((i) => linksCreatedBy(i.step).map((l) => `${l.netns ?? ''}/${l.name}`)));
  const inverses: Item[] = [];
  for (const i of ordered) {
    const inv = inverseOf(i.step);
    if (!inv) continue;
    if (inv.kind !== 'netns.del' && inv.netns !== null && newNs.has(inv.netns)) continue;
    const dev = 'dev' in inv ? inv.dev : inv.kind === 'link.set' ? inv.name : undefined;
    if (dev && newLinks.has(`${inv.netns ?? ''}/${dev}`)) continue;
    inverses.push({ index: i.index, step: inv });
  }
  const errors: string[] = [];
  for (const batch of batchesOf(inverses, opts.applier !== undefined)) {
    const outcome = await runBatch(batch, opts, true);
    errors.push(...outcome.errors, ...(outcome.failed ? [`${outcome.failed.argv.join(' ')}: ${outcome.failed.message}`] : []));
    for (const i of outcome.applied) emit(i, 'undone');
  }
  return { undone: inverses.length - errors.length, errors };
}
