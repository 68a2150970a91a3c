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
import { listNetns, observeHost } from './observe.js';
import { ipBatchEach } from './nsPool.js';
import { ownerOfLinks, type IpLink } from './observe/parse.js';
import { hostPlace, type Place } from './place.js';
import { hostRunner, runOk } from './runner.js';
import { traced } from './trace.js';

export interface LabContext {
  /** Where the lab lives: the host (default) or a sandbox. */
  place?: Place;
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
  const { runner, holds, dir } = ctx.place ?? hostPlace();
  // The kernel's features, probed on the host: a sandbox runs on the same kernel.
  const missing = checkCapabilities(topology, capabilitySet(await traced('capabilities', () => probeFeatures(hostRunner))));
  if (missing.length > 0) throw new LabRefusedError(missing);
  const desired = await traced('desired state', () => desiredState(topology));
  ctx.onPhase?.('observing the host');
  const rulesIn = await traced('rules hint', () => rulesHint(dir, desired, topology.name));
  const observed = await traced('observe', () =>
    observeHost({ runner, lab: topology.name, holds, desired, rulesIn, intent: readIntent(dir, topology.name) }),
  );
  return traced('plan', () => planDeploy(observed, desired));
}

/** Lab namespaces that may hold iptables rules: in the design, or in the design last deployed. */
function rulesHint(dir: string, desired: DesiredState, lab: string): ((key: string) => boolean) | undefined {
  const previous = readDeployed(dir, lab);
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
  const place = ctx.place ?? hostPlace();
  const plan = await planLab(topology, { ...ctx, place });
  if (plan.conflicts.length > 0) throw new LabRefusedError(plan.conflicts);
  ctx.onPhase?.(`applying ${plan.steps.length} steps`);
  const intentBefore = readIntent(place.dir, topology.name);
  writeIntent(place.dir, topology.name, plan);
  const result = await traced('execute', () =>
    executePlan(plan, { runner: place.runner, lab: topology.name, holds: place.holds, onEvent: ctx.onEvent }),
  );
  if (result.ok) {
    await traced('record', () => saveDeployed(place.dir, topology));
    clearIntent(place.dir, topology.name); // every name it made is marked now
  } else if (result.rollback?.errors.length === 0) {
    setIntent(place.dir, topology.name, intentBefore); // what this run made is gone again; a killed run's names still need adopting
  }
  return { plan, result };
}

export async function destroyLab(lab: string, ctx: LabContext = {}): Promise<Outcome> {
  return forLab(lab, () => destroy(lab, ctx));
}

async function destroy(lab: string, ctx: LabContext): Promise<Outcome> {
  const { runner, holds, dir } = ctx.place ?? hostPlace();
  const observed = await traced('observe', () => observeHost({ runner, lab, holds, rulesIn: () => false, intent: readIntent(dir, lab) }));
  const plan = planDestroy(observed);
  const result = await traced('execute', () => executePlan(plan, { runner, lab, holds, onEvent: ctx.onEvent }));
  if (result.ok) {
    forgetDeployed(dir, lab);
    clearIntent(dir, lab);
  }
  return { plan, result };
}

/** Labs that have something in the place (the host by default), found from the marks alone. */
export async function findLabs(place: Place = hostPlace()): Promise<string[]> {
  const { runner, holds, dir } = place;
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
  for (const l of intentLabs(dir)) labs.add(l);
  return [...labs].sort();
}
