/**
 * Lab operations for the web API: load a saved lab, plan it against the live
 * host, deploy and destroy it one operation at a time per lab, and work out
 * its status — for the lab, each node and each link — to publish to browsers.
 */
import crypto from 'node:crypto';
import {
  desiredState,
  emptyObserved,
  formatIssue,
  isError,
  planDeploy,
  setLabName,
  stepTargets,
  toArgv,
  type ApiErrorBody,
  type DeployState,
  type DesiredState,
  type ElementState,
  type LabStatus,
  type ObservedState,
  type OperationInfo,
  type OperationKind,
  type OperationResult,
  type Plan,
  type PlanView,
  type RevisionSummary,
  type Topology,
  type TopologyIssue,
} from '@nslab/topology';
import type { ExecResult, StepEvent } from '../executePlan.js';
import type { Place } from '../place.js';
import { deployLab, destroyLab, labDesiredState, LabRefusedError, planLab } from '../lab.js';
import { forgetDeployed, readDeployed } from '../deployedRecord.js';
import { readIntent } from '../intent.js';
import { LabParser } from './labParser.js';
import { observeHost } from '../observe.js';
import type { LabStore } from '../store.js';
import type { Hub } from './hub.js';

export type { DeployState, ElementState, LabStatus, OperationResult, PlannedStep } from '@nslab/topology';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: TopologyIssue[],
    /** Where in a refused file (its YAML path and line): `ApiErrorBody.notes`. */
    readonly notes?: ApiErrorBody['notes'],
  ) {
    super(message);
  }
}

const LABELS: Record<DeployState, string> = {
  'not-deployed': 'Not deployed',
  deploying: 'Deploying…',
  destroying: 'Destroying…',
  deployed: 'Deployed',
  drift: 'Drift',
  failed: 'Failed',
  unknown: 'Unknown',
};

interface Running {
  info: OperationInfo;
  done: Promise<unknown>;
}

/** History looks this far back for the deployed revision. */
const DEPLOYED_SCAN = 20;
/** Design keys kept, per revision (revisions never change): GET /revisions reads each old text once, not on every call. */
const DESIGN_KEYS = 2000;

export class LabService {
  private readonly busy = new Map<string, Running>();
  /** Labs being deleted or renamed, and which: they hold the lab's operation slot as a deploy does. */
  private readonly held = new Map<string, { doing: string; done: Promise<unknown> }>();
  /** A hash of each revision's design key, by lab, revision and its time (a lab made again under a name starts over at 1). */
  private readonly designKeys = new Map<string, string>();
  private readonly failures = new Map<string, string>();
  private readonly lastStatus = new Map<string, string>();
  /** Operation ids: this server's start, then a counter, so a page never mistakes a restarted server's operation for an old one. */
  private readonly boot = Date.now().toString(36);
  private seq = 0;
  private closed = false;
  private stopWatch = () => {};
  /** Called when a deploy or destroy ends, however it ended (a workshop re-runs the participant's checks). */
  onOperationEnd?: (lab: string) => void;
  /** Called as a destroy starts, before anything is removed (the lab's terminals and streams end). */
  onDestroyStart?: (lab: string) => void;

  constructor(
    private readonly store: LabStore,
    private readonly hub: Hub,
    /** Where its labs live: the host, or one sandbox. */
    readonly place: Place,
    readonly canDeploy: boolean,
    /** Reads lab text off the event loop when it is large, and keeps results by text. */
    readonly parser = new LabParser(),
  ) {}

  /** Parses a lab's text; `requireValid` refuses semantic errors too. A text past the limits is a 413. */
  async parse(text: string, requireValid: boolean): Promise<{ topology: Topology; issues: TopologyIssue[] }> {
    const r = await this.parser.parse(text);
    if (!r.topology || (requireValid && !r.ok)) {
      const status = r.issues.some((i) => i.code.startsWith('limits.') || i.code === 'input.too-large') ? 413 : 422;
      throw new HttpError(status, r.issues.filter(isError).map(formatIssue).join('\n'), r.issues);
    }
    return { topology: r.topology, issues: r.issues };
  }

  /** The lab as last saved (it may have errors: the designer shows them). */
  async saved(name: string): Promise<Topology> {
    return (await this.parse(this.store.get(name).text, false)).topology;
  }

  /** The lab as last saved, refused unless it is valid: only a valid lab drives tools, so its strings reach no argv unchecked. */
  async valid(name: string): Promise<Topology> {
    const r = await this.parse(this.store.get(name).text, true);
    return r.topology;
  }

  async plan(t: Topology): Promise<PlanView> {
    const desired = desiredState(t);
    let plan: Plan;
    try {
      plan = this.canDeploy ? await planLab(t, { place: this.place }) : planDeploy(emptyObserved(t.name), desired);
    } catch (e) {
      if (e instanceof LabRefusedError) throw new HttpError(422, e.message, e.issues);
      throw e;
    }
    const steps = plan.steps.map((s) => ({ kind: s.kind, netns: s.netns, argv: toArgv(s), reason: s.reason, ...stepTargets(s, desired) }));
    return { steps, conflicts: plan.conflicts, live: this.canDeploy };
  }

  async deploy(name: string): Promise<OperationResult> {
    const t = (await this.parse(this.store.get(name).text, true)).topology;
    return this.operate(name, 'deploy', t, (onEvent) => deployLab(t, { place: this.place, onEvent }));
  }

  async destroy(name: string): Promise<OperationResult> {
    const t = this.store.has(name) ? await this.saved(name).catch(() => undefined) : undefined;
    return this.operate(name, 'destroy', t, (onEvent) => {
      this.onDestroyStart?.(name);
      return destroyLab(name, { place: this.place, onEvent });
    });
  }

  isBusy(name: string): boolean {
    return this.busy.has(name);
  }

  /**
   * Deletes the lab from the store, with its deployed record. Refused (409)
   * unless the lab has nothing on the host: its namespaces would stay there,
   * owned by no lab the page shows. The check and the delete hold the lab's
   * operation slot, so no deploy starts between them.
   */
  async remove(name: string): Promise<void> {
    this.store.get(name); // no such lab: 404, not "cannot tell"
    await this.holding(name, 'deleted', async () => {
      await this.requireNothingOnHost(name, 'deleting');
      this.store.delete(name);
      this.forget(name);
    });
  }

  /** Renames the lab, on the same terms as `remove`: a deployed lab's name is on the host. */
  async rename(from: string, to: string): Promise<void> {
    this.store.get(from);
    await this.holding(from, 'renamed', async () => {
      await this.requireNothingOnHost(from, 'renaming');
      this.store.rename(from, to, setLabName(this.store.get(from).text, to));
      this.forget(from);
    });
  }

  /**
   * Refuses (409) unless the lab has nothing on the host, and no operation
   * runs. A deploy that was refused, or failed and was rolled back, left
   * nothing: its "Failed" is only news. A status that cannot tell (the host
   * did not answer, the text did not parse) refuses too.
   */
  private async requireNothingOnHost(name: string, doing: 'deleting' | 'renaming'): Promise<void> {
    this.invalidate(name); // a look begun before the lab was held could predate a deploy that ended since
    const s = await this.status(name);
    if (s.state === 'unknown')
      throw new HttpError(409, `cannot tell whether lab "${name}" has anything on the host: ${s.error ?? 'no answer'}; destroy it first`);
    const nothing = s.state === 'not-deployed' || (s.state === 'failed' && s.present.length === 0 && s.differences.length === 0);
    if (!nothing) throw new HttpError(409, `lab "${name}" is deployed: its name is on the host; destroy it before ${doing} it`);
  }

  /**
   * Runs `fn` holding the lab's operation slot: refused (409) while a deploy
   * or destroy of the lab runs, and a deploy or destroy asked before `fn`
   * ends is refused in turn.
   */
  private holding<T>(lab: string, doing: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new HttpError(503, 'nslab serve is shutting down');
    this.refuseIfBusy(lab);
    const entry = { doing, done: Promise.resolve() as Promise<unknown> };
    this.held.set(lab, entry); // before anything is awaited
    const run = (async () => {
      try {
        return await fn();
      } finally {
        this.held.delete(lab);
      }
    })();
    entry.done = run.catch(() => {});
    return run;
  }

  /** 409 when the lab's operation slot is taken: a deploy or destroy running, or a delete or rename. */
  private refuseIfBusy(lab: string): void {
    const current = this.busy.get(lab);
    if (current) throw new HttpError(409, `lab "${lab}" is already being ${current.info.op === 'deploy' ? 'deployed' : 'destroyed'}`);
    const held = this.held.get(lab);
    if (held) throw new HttpError(409, `lab "${lab}" is being ${held.doing}`);
  }

  /**
   * The newest of the last 20 revisions whose design (positions aside) is the
   * one last deployed — only while the host has the lab (Deployed or Drift):
   * the record alone is no proof, the host is. Each revision's design is read
   * once: revisions never change.
   */
  async deployedRev(name: string): Promise<number | undefined> {
    const deployed = readDeployed(this.place.dir, name);
    if (!deployed) return undefined;
    const { state } = await this.status(name);
    if (state !== 'deployed' && state !== 'drift') return undefined;
    const key = hashKey(deployed);
    for (const r of this.store.revisions(name).slice(0, DEPLOYED_SCAN)) if ((await this.revisionKey(name, r)) === key) return r.rev;
    return undefined;
  }

  private async revisionKey(name: string, r: RevisionSummary): Promise<string | undefined> {
    const id = `${name}\0${r.rev}\0${r.createdAt}`;
    const known = this.designKeys.get(id);
    if (known !== undefined) return known;
    const { topology } = await this.parser.parse(this.store.revision(name, r.rev).text, { keep: false });
    if (!topology) return undefined; // not kept: a time limit may pass next time
    if (this.designKeys.size >= DESIGN_KEYS) this.designKeys.delete(this.designKeys.keys().next().value!);
    const key = hashKey(topology);
    this.designKeys.set(id, key);
    return key;
  }

  /** The lab is gone from the store (deleted, renamed): a lab made later under its name starts with no old failure, record or history. */
  forget(name: string): void {
    this.failures.delete(name);
    this.lastStatus.delete(name);
    this.publishedLook.delete(name);
    for (const id of this.designKeys.keys()) if (id.startsWith(`${name}\0`)) this.designKeys.delete(id);
    // Nothing of it is on the host (remove and rename make sure): the record of what was deployed under the name is stale.
    if (this.canDeploy) forgetDeployed(this.place.dir, name);
    this.invalidate(name);
  }

  /**
   * One operation per lab at a time: a second one gets 409, never interleaves.
   * Browsers hear `operation started`, its steps and `operation finished`, all
   * carrying the operation's id, then the status; the status says whether an
   * operation runs, so a page that missed events (reloaded, reconnected)
   * still learns the truth from it.
   */
  private operate(
    lab: string,
    op: OperationKind,
    t: Topology | undefined,
    run: (onEvent: (e: StepEvent) => void) => Promise<{ plan: Plan; result: ExecResult }>,
  ): Promise<OperationResult> {
    if (!this.canDeploy) throw new HttpError(403, 'plan-only mode: nslab serve is not running as root, so it cannot change the host');
    if (this.closed) throw new HttpError(503, 'nslab serve is shutting down');
    this.refuseIfBusy(lab);
    // Deleted or renamed while its text was read: nothing of it may reach the host now (no await from here to `busy`).
    if (op === 'deploy' && !this.store.has(lab)) throw new HttpError(404, `lab "${lab}" was deleted or renamed meanwhile`);
    const running: Running = { info: { id: `${this.boot}-${++this.seq}`, op, done: 0, total: 0 }, done: Promise.resolve() };
    this.busy.set(lab, running); // before anything is published: a status asked from here on says busy
    const done = this.runOperation(lab, running.info, t, run);
    running.done = done.catch(() => {});
    return done;
  }

  private async runOperation(
    lab: string,
    info: OperationInfo,
    t: Topology | undefined,
    run: (onEvent: (e: StepEvent) => void) => Promise<{ plan: Plan; result: ExecResult }>,
  ): Promise<OperationResult> {
    const { id: opId, op } = info;
    this.invalidate(lab);
    this.failures.delete(lab);
    this.hub.publish({ type: 'operation', lab, opId, op, state: 'started' });
    void this.publishStatus(lab);
    const desired = t ? desiredState(t) : undefined;
    try {
      const { plan, result } = await run((e) => {
        info.total = Math.max(info.total, e.index + 1);
        if (e.status === 'ok') info.done++;
        this.hub.publish({
          type: 'step',
          lab,
          opId,
          op,
          index: e.index,
          total: info.total,
          kind: e.step.kind,
          argv: e.argv,
          reason: e.step.reason,
          status: e.status,
          elapsedMs: e.elapsedMs,
          ...(desired ? stepTargets(e.step, desired) : {}),
          ...(e.error ? { error: e.error } : {}),
        });
      });
      if (!result.ok) this.failures.set(lab, `${result.failure!.argv.join(' ')}: ${result.failure!.message}`);
      this.hub.publish({
        type: 'operation',
        lab,
        opId,
        op,
        state: 'finished',
        ok: result.ok,
        elapsedMs: result.elapsedMs,
        steps: plan.steps.length,
        ...(result.ok ? {} : { error: this.failures.get(lab) }),
      });
      return {
        opId,
        ok: result.ok,
        steps: plan.steps.length,
        applied: result.applied,
        elapsedMs: result.elapsedMs,
        ...(result.failure ? { failure: { argv: result.failure.argv, message: result.failure.message } } : {}),
        ...(result.rollback ? { rollback: result.rollback } : {}),
      };
    } catch (e) {
      const message = (e as Error).message;
      this.failures.set(lab, message);
      this.hub.publish({ type: 'operation', lab, opId, op, state: 'finished', ok: false, error: message });
      if (e instanceof LabRefusedError) throw new HttpError(422, message, e.issues);
      throw e;
    } finally {
      this.busy.delete(lab);
      this.invalidate(lab);
      void this.publishStatus(lab);
      this.onOperationEnd?.(lab);
    }
  }

  private readonly inFlight = new Map<string, { value: Promise<LabStatus>; begun: number }>();

  /**
   * The lab's state on the host, per node and link. Never throws. Callers that
   * ask while a look at the host is under way share it (fifty browsers asking
   * at once cost one observation); a question asked after it ends gets a new
   * one, so a change made behind nslab's back is never hidden by a cache.
   */
  status(name: string): Promise<LabStatus> {
    return this.look(name).value;
  }

  /** The look under way at the lab, or a new one, with the order it began in. */
  private look(name: string): { value: Promise<LabStatus>; begun: number } {
    const pending = this.inFlight.get(name);
    if (pending) return pending;
    const value = this.computeStatus(name).finally(() => {
      if (this.inFlight.get(name)?.value === value) this.inFlight.delete(name);
      this.looking.delete(value);
    });
    const look = { value, begun: ++this.looks };
    this.inFlight.set(name, look);
    this.looking.add(value);
    return look;
  }

  /** How many looks began so far: a look is not published after one begun later (a save came between). */
  private looks = 0;
  private readonly publishedLook = new Map<string, number>();

  /** Every look at the host under way, invalidated or not: shutdown waits for them. */
  private readonly looking = new Set<Promise<LabStatus>>();

  /** After a save or an operation: the next question gets a fresh look, not one begun before. */
  invalidate(name: string): void {
    this.inFlight.delete(name);
  }

  private async computeStatus(name: string): Promise<LabStatus> {
    const checkedAt = new Date().toISOString();
    const base = { nodes: {}, links: {}, present: [], differences: [], conflicts: [], checkedAt };
    const running = this.busy.get(name);
    if (running) {
      const state = running.info.op === 'deploy' ? 'deploying' : 'destroying';
      return { ...base, state, label: LABELS[state], operation: { ...running.info } };
    }
    let t: Topology;
    try {
      t = await this.saved(name);
    } catch (e) {
      return { ...base, state: 'unknown', label: LABELS.unknown, error: (e as Error).message };
    }
    const all = (s: ElementState) => ({
      nodes: Object.fromEntries(Object.keys(t.nodes).map((n) => [n, s])),
      links: Object.fromEntries(t.links.map((_, i) => [i, s])),
    });
    if (!this.canDeploy) return { ...base, ...all('not-deployed'), state: 'not-deployed', label: 'Plan only' };
    try {
      const desired = await labDesiredState(t);
      const observed = await observeHost({
        runner: this.place.runner,
        lab: name,
        holds: this.place.holds,
        desired,
        intent: readIntent(this.place.dir, name),
      });
      const present = Object.keys(observed.scopes).length > 0 || Object.values(observed.holds).some((h) => h.labs.includes(name));
      const plan = planDeploy(observed, desired);
      // A failure is news only while the host still differs from the design: once it matches (fixed, or redeployed elsewhere), it is Deployed.
      if (plan.steps.length === 0 && plan.conflicts.length === 0) this.failures.delete(name);
      const failed = this.failures.get(name);
      if (!present)
        return {
          ...base,
          ...all('not-deployed'),
          conflicts: plan.conflicts,
          state: failed ? 'failed' : 'not-deployed',
          label: LABELS[failed ? 'failed' : 'not-deployed'],
          ...(failed ? { error: failed } : {}),
        };
      const els = all('deployed');
      const mark: ElementState = failed ? 'failed' : 'drift';
      for (const s of plan.steps) {
        const target = stepTargets(s, desired);
        if (target.link !== undefined) els.links[target.link] = mark;
        else if (target.node !== undefined && target.node in els.nodes) els.nodes[target.node] = mark;
      }
      const state: DeployState = failed ? 'failed' : plan.steps.length === 0 && plan.conflicts.length === 0 ? 'deployed' : 'drift';
      return {
        ...base,
        ...els,
        present: presentNodes(t, desired, observed),
        state,
        label: LABELS[state],
        conflicts: plan.conflicts,
        differences: plan.steps.map((s) => ({ reason: s.reason, command: toArgv(s).join(' ') })),
        ...(failed ? { error: failed } : {}),
      };
    } catch (e) {
      return { ...base, state: 'unknown', label: LABELS.unknown, error: (e as Error).message };
    }
  }

  /** Publishes the status to the lab's followers when it changed (or always, with `force`). */
  async publishStatus(lab: string, force = true): Promise<void> {
    if (this.closed || this.hub.followers(lab) === 0) return;
    const { value, begun } = this.look(lab);
    const status = await value;
    if (this.closed) return;
    // A look begun before the one already published is of an older design (or host): it would undo the newer word.
    if (begun < (this.publishedLook.get(lab) ?? 0)) return;
    this.publishedLook.set(lab, begun);
    const key = JSON.stringify({ ...status, checkedAt: '' });
    if (!force && this.lastStatus.get(lab) === key) return;
    this.lastStatus.set(lab, key);
    this.hub.publish({ type: 'status', lab, status });
  }

  /** Watches followed labs for drift made behind nslab's back, until `close()`. */
  watch(intervalMs: number): void {
    let running = false;
    const timer = setInterval(async () => {
      if (running) return;
      running = true;
      try {
        for (const lab of this.hub.followedLabs()) {
          if (this.closed) break;
          if (!this.busy.has(lab) && this.store.has(lab)) await this.publishStatus(lab, false);
        }
      } finally {
        running = false;
      }
    }, intervalMs);
    timer.unref();
    this.stopWatch = () => clearInterval(timer);
  }

  /**
   * Shutdown: refuses new operations, lets the running ones finish (a deploy
   * cut short would leave the host half-made), waits for every look at the
   * host under way, and stops the watcher — after this, nothing here touches
   * the store, so the caller may close it.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.stopWatch();
    while (this.busy.size > 0 || this.held.size > 0 || this.looking.size > 0) {
      await Promise.all([
        ...[...this.busy.values()].map((r) => r.done),
        ...[...this.held.values()].map((h) => h.done),
        ...[...this.looking].map((p) => p.catch(() => {})),
      ]);
    }
    this.parser.close();
  }
}

/** A design to compare: where its nodes are drawn is no part of it. Both sides come from parseTopology, so their keys are in the same order. */
function designKey(t: Topology): string {
  return JSON.stringify({
    ...t,
    nodes: Object.fromEntries(Object.entries(t.nodes).map(([n, spec]) => [n, { ...spec, position: undefined }])),
  });
}

/** A short digest of a design key: kept per revision, so the cache's size does not grow with the labs'. */
function hashKey(t: Topology): string {
  return crypto.createHash('sha256').update(designKey(t)).digest('base64url');
}

/** The nodes whose namespace holds something of the lab now: the host node with any of it, netns nodes with theirs, bridges with their interface. */
function presentNodes(t: Topology, desired: DesiredState, observed: ObservedState): string[] {
  const present = new Set<string>();
  for (const [key, s] of Object.entries(desired.scopes)) {
    const seen = observed.scopes[key];
    if (!seen) continue;
    if (s.netns !== null && s.node) present.add(s.node);
    for (const name of Object.keys(s.links)) if (t.nodes[name]?.kind === 'bridge' && seen.links[name]) present.add(name);
  }
  const anything = Object.keys(observed.scopes).length > 0;
  return Object.entries(t.nodes)
    .filter(([name, n]) => present.has(name) || (n.kind === 'host' && anything))
    .map(([name]) => name);
}
