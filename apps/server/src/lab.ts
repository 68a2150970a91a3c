/**
 * Lifecycle of a lab on the host: deploy (reconcile to the design), destroy
 * (reconcile to nothing), status (compare), clean (every nslab mark). Each is
 * observe → plan → (maybe) execute; nothing runs when the plan is refused.
 */
import {
  checkCapabilities,
  commentOf,
  desiredState,
  type DesiredState,
  formatIssue,
  labOfMark,
  planDeploy,
  planDestroy,
  splitRuleLine,
  type Plan,
  type Topology,
  type TopologyIssue,
} from '@nslab/topology';
import { forLab } from './audit.js';
import { capabilitySet, probeFeatures } from './capabilities.js';
import { forgetDeployed, readDeployed, saveDeployed } from './deployedRecord.js';
import { clearIntent, intentLabs, readIntent, setIntent, writeIntent } from './intent.js';
import { executePlan, type ExecResult, type StepEvent } from './executePlan.js';
import { HoldStore } from './holds.js';
import { listNetns, observeHost } from './observe.js';
import { ipBatchEach } from './nsPool.js';
import { ownerOfLinks, type IpLink } from './observe/parse.js';
import { hostRunner, runOk, type Runner } from './runner.js';
import { traced } from './trace.js';

export interface LabContext {
  runner?: Runner;
  holds?: HoldStore;
  onEvent?: (e: StepEvent) => void;
  onPhase?: (what: string) => void;
}

/** A lab that cannot be planned: bad file, conflicts, missing kernel features. Nothing ran. */
export class LabRefusedError extends Error {
  constructor(readonly issues: TopologyIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

/** The plan that would bring the host to the design now. */
export async function planLab(topology: Topology, ctx: LabContext = {}): Promise<Plan> {
  return forLab(topology.name, () => plan(topology, ctx));
}

async function plan(topology: Topology, ctx: LabContext): Promise<Plan> {
  const runner = ctx.runner ?? hostRunner;
  const missing = checkCapabilities(topology, capabilitySet(await traced('capabilities', () => probeFeatures(runner))));
  if (missing.length > 0) throw new LabRefusedError(missing);
  const desired = await traced('desired state', () => desiredState(topology));
  ctx.onPhase?.('observing the host');
  const rulesIn = await traced('rules hint', () => rulesHint(desired, topology.name));
  const observed = await traced('observe', () =>
    observeHost({ runner, lab: topology.name, holds: ctx.holds ?? new HoldStore(), desired, rulesIn, intent: readIntent(topology.name) }),
  );
  return traced('plan', () => planDeploy(observed, desired));
}

/** Lab namespaces that may hold iptables rules: in the design, or in the design last deployed. */
function rulesHint(desired: DesiredState, lab: string): ((key: string) => boolean) | undefined {
  const previous = readDeployed(lab);
  if (!previous) return undefined; // no record: read them all
  const before = desiredState(previous);
  const has = (st: DesiredState, key: string) =>
    (st.scopes[key]?.rules.length ?? 0) > 0 || Object.keys(st.scopes[key]?.policies ?? {}).length > 0;
  return (key) => has(desired, key) || has(before, key);
}

export interface Outcome {
  plan: Plan;
  result: ExecResult;
}

export async function deployLab(topology: Topology, ctx: LabContext = {}): Promise<Outcome> {
  return forLab(topology.name, () => deploy(topology, ctx));
}

async function deploy(topology: Topology, ctx: LabContext): Promise<Outcome> {
  const plan = await planLab(topology, ctx);
  if (plan.conflicts.length > 0) throw new LabRefusedError(plan.conflicts);
  ctx.onPhase?.(`applying ${plan.steps.length} steps`);
  const intentBefore = readIntent(topology.name);
  writeIntent(topology.name, plan);
  const result = await traced('execute', () =>
    executePlan(plan, { runner: ctx.runner ?? hostRunner, lab: topology.name, holds: ctx.holds ?? new HoldStore(), onEvent: ctx.onEvent }),
  );
  if (result.ok) {
    await traced('record', () => saveDeployed(topology));
    clearIntent(topology.name); // every name it made is marked now
  } else if (result.rollback?.errors.length === 0) {
    setIntent(topology.name, intentBefore); // what this run made is gone again; a killed run's names still need adopting
  }
  return { plan, result };
}

export async function destroyLab(lab: string, ctx: LabContext = {}): Promise<Outcome> {
  return forLab(lab, () => destroy(lab, ctx));
}

async function destroy(lab: string, ctx: LabContext): Promise<Outcome> {
  const runner = ctx.runner ?? hostRunner;
  const holds = ctx.holds ?? new HoldStore();
  const observed = await traced('observe', () => observeHost({ runner, lab, holds, rulesIn: () => false, intent: readIntent(lab) }));
  const plan = planDestroy(observed);
  const result = await traced('execute', () => executePlan(plan, { runner, lab, holds, onEvent: ctx.onEvent }));
  if (result.ok) {
    forgetDeployed(lab);
    clearIntent(lab);
  }
  return { plan, result };
}

/** Labs that have something on this host, found from the marks alone. */
export async function findLabs(runner: Runner = hostRunner, holds = new HoldStore()): Promise<string[]> {
  const labs = new Set<string>();
  const names = await listNetns(runner);
  const los = await ipBatchEach(
    runner,
    names.map((netns) => ({ netns, input: 'link show dev lo\n' })),
    ['-json'],
    { linesPerJob: 1 },
  );
  for (const r of los.values()) {
    const lab = r.code === 0 ? ownerOfLinks(JSON.parse(r.stdout) as IpLink[]) : undefined;
    if (lab) labs.add(lab);
  }
  const links = JSON.parse(await runOk(runner, ['ip', '-json', 'link', 'show'])) as IpLink[];
  for (const l of links) {
    const lab = labOfMark(l.ifalias);
    if (lab) labs.add(lab);
  }
  for (const save of ['iptables-save', 'ip6tables-save']) {
    const r = await runner.run([save]);
    for (const line of r.stdout.split('\n')) {
      const lab = line.startsWith('-A ') ? labOfMark(commentOf(splitRuleLine(line))) : undefined;
      if (lab) labs.add(lab);
    }
  }
  for (const hold of Object.values(holds.read())) hold.labs.forEach((l) => labs.add(l));
  for (const l of intentLabs()) labs.add(l);
  return [...labs].sort();
}
