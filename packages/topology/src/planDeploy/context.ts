import type { TopologyIssue } from '../issues.js';
import { compareScopeKeys } from '../keys.js';
import { phaseOf, type Step } from '../step.js';
import type { DesiredState } from '../desiredState.js';
import type { ObservedState, ScopeState } from '../state.js';

/** Shared state while planning: inputs, what disappears, and the steps by phase and scope. */
export class PlanContext {
  /** Link ids (`scopeKey/name`) that this plan deletes, directly or as a veth peer. */
  readonly gone = new Set<string>();
  /** Scope keys whose namespace this plan deletes. */
  readonly goneScopes = new Set<string>();
  /** Scope keys whose namespace this plan creates. */
  readonly newScopes = new Set<string>();
  /** Link ids this plan creates (new or recreated). */
  readonly created = new Set<string>();
  readonly conflicts: TopologyIssue[] = [];
  private readonly byPhase: Array<Map<string, Step[]>> = [new Map(), new Map(), new Map(), new Map()];

  constructor(
    readonly observed: ObservedState,
    readonly desired: DesiredState,
  ) {}

  get lab(): string {
    return this.desired.lab;
  }

  obs(key: string): ScopeState | undefined {
    return this.goneScopes.has(key) ? undefined : this.observed.scopes[key];
  }

  des(key: string): ScopeState | undefined {
    return this.desired.scopes[key];
  }

  push(scopeKey: string, step: Step): void {
    const phase = this.byPhase[phaseOf(step)]!;
    const list = phase.get(scopeKey) ?? [];
    list.push(step);
    phase.set(scopeKey, list);
  }

  /** Steps in execution order: by phase, the host first, then namespaces by name. */
  steps(): Step[] {
    const out: Step[] = [];
    for (const phase of this.byPhase) {
      const keys = [...phase.keys()].sort(compareScopeKeys);
      for (const k of keys) out.push(...phase.get(k)!);
    }
    return out;
  }
}
