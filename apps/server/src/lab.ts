/**
 * Lifecycle of a lab on the host: deploy (reconcile to the design), destroy
 * (reconcile to nothing), status (compare), clean (every nslab mark). Each is
 * observe → plan → (maybe) execute; nothing runs when the plan is refused.
 */
import {
  commentOf,
  desiredState,
  type DesiredState,
  type DesiredOptions,
  formatIssue,
  labMark,
  labOfMark,
  planDeploy,
  planDestroy,
  splitRuleLine,
  type Plan,
  type Topology,
  type TopologyIssue,
} from '@nslab/topology';
import { forLab } from './audit.js';
import { missingCapabilities, probeFeatures } from './capabilities.js';
import { forgetDeployed, readDeployed, saveDeployed } from './deployedRecord.js';
import { clearIntent, intentLabs, readIntent, setIntent, writeIntent } from './intent.js';
import { executePlan, type ExecResult, type StepEvent } from './executePlan.js';
import { listNetns, observeHost } from './observe.js';
import { ipBatchEach } from './nsPool.js';
import { ownerOfLinks, type IpLink } from './observe/parse.js';
import { hostPlace, type Place } from './place.js';
import { directFor, type Kernel } from './netlink/kernel.js';
import { hostRunner, runOk } from './runner.js';
import { traced } from './trace.js';
import { removeProbeRules } from './packetTrace/probe.js';

export interface LabContext {
  /** Where the lab lives: the host (default) or a sandbox. */
  place?: Place;
  onEvent?: (e: StepEvent) => void;
  onPhase?: (what: string) => void;
  /** The plan about to be applied (deploy, destroy): how many steps a progress display counts to. */
  onPlan?: (plan: Plan) => void;
}

/** A lab that cannot be planned: bad file, conflicts, missing kernel features. Nothing ran. */
export class LabRefusedError extends Error {
  constructor(readonly issues: TopologyIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

/** The state the design asks of this host (loss by netem where the kernel has it). */
export async function labDesiredState(topology: Topology): Promise<DesiredState> {
  const netem = (await probeFeatures(hostRunner)).netem === true;
  const known = desiredByLab.get(topology);
  if (known?.netem === netem) return known.desired;
  const desired = deepFreeze(desiredState(topology, { netem }));
  desiredByLab.set(topology, { netem, desired });
  return desired;
}

/**
 * The desired state of each design the drift watch checks, worked out once
 * (a design is the parser's cached object while its text is unchanged). Frozen,
 * since every check shares it: a change to it would throw, not spread.
 */
const desiredByLab = new WeakMap<Topology, { netem: boolean; desired: DesiredState }>();

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The plan that would bring the host to the design now. */
export async function planLab(topology: Topology, ctx: LabContext = {}): Promise<Plan> {
  return forLab(topology.name, () => plan(topology, ctx));
}

async function plan(topology: Topology, ctx: LabContext): Promise<Plan> {
  const { runner, holds, dir } = ctx.place ?? hostPlace();
  // The kernel's features, probed on the host: a sandbox runs on the same kernel. Refused only on a fresh probe's word.
  const { has, missing } = await traced('capabilities', () => missingCapabilities(hostRunner, topology));
  if (missing.length > 0) throw new LabRefusedError(missing);
  const opts = { netem: has.has('netem') };
  const desired = await traced('desired state', () => desiredState(topology, opts));
  ctx.onPhase?.('observing the host');
  const { rulesIn, tcIn } = await traced('hints', () => observeHints(dir, desired, topology, opts));
  const observed = await traced('observe', () =>
    observeHost({ runner, lab: topology.name, holds, desired, rulesIn, tcIn, intent: readIntent(dir, topology.name) }),
  );
  return traced('plan', () => planDeploy(observed, desired));
}

type Hint = ((key: string) => boolean) | undefined;

/** Lab namespaces that may hold iptables rules, and impairment qdiscs: in the design, or in the design last deployed. */
function observeHints(dir: string, desired: DesiredState, topology: Topology, opts: DesiredOptions): { rulesIn: Hint; tcIn: Hint } {
  const previous = readDeployed(dir, topology.name);
  if (!previous) return { rulesIn: undefined, tcIn: undefined }; // no record: read them all
  // Redeploying (or checking) the design last deployed, the usual case: its state is the one just computed.
  const before = JSON.stringify(previous) === JSON.stringify(topology) ? desired : desiredState(previous, opts);
  const hasRules = (st: DesiredState, key: string) =>
    (st.scopes[key]?.rules.length ?? 0) > 0 || Object.keys(st.scopes[key]?.policies ?? {}).length > 0;
  const hasTc = (st: DesiredState, key: string) => Object.values(st.scopes[key]?.links ?? {}).some((l) => l.tc !== undefined);
  return {
    rulesIn: (key) => hasRules(desired, key) || hasRules(before, key),
    tcIn: (key) => hasTc(desired, key) || hasTc(before, key),
  };
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
  ctx.onPlan?.(plan);
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
  const observed = await traced('observe', () =>
    observeHost({ runner, lab, holds, rulesIn: () => false, tcIn: () => false, linksOnly: true, intent: readIntent(dir, lab) }),
  );
  const plan = planDestroy(observed);
  ctx.onPlan?.(plan);
  const result = await traced('execute', () => executePlan(plan, { runner, lab, holds, onEvent: ctx.onEvent }));
  if (result.ok) {
    await removeProbeRules(runner, null, labMark(lab)); // a trace killed mid-probe: its rules in the lab's namespaces died with them
    forgetDeployed(dir, lab);
    clearIntent(dir, lab);
  }
  return { plan, result };
}

/** Labs that have something in the place (the host by default), found from the marks alone. */
export async function findLabs(place: Place = hostPlace()): Promise<string[]> {
  const { runner, holds, dir } = place;
  const labs = new Set<string>();
  const kernel = directFor(runner);
  if (kernel) for (const lab of marksDirect(kernel)) labs.add(lab);
  else {
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

/** The labs whose marks namespaces' loopbacks and host interfaces carry, read over netlink. */
function marksDirect(kernel: Kernel): string[] {
  const out = kernel.using(null, (host) => host.links(false).map((l) => labOfMark(l.ifalias)));
  for (const name of kernel.listNetns()) {
    try {
      out.push(kernel.using(name, (conn) => labOfMark(conn.alias('lo'))));
    } catch {
      /* gone meanwhile, or not a namespace */
    }
  }
  return out.filter((l): l is string => l !== undefined);
}
