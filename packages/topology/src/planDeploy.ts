import { linkId, type DesiredState } from './desiredState.js';
import type { TopologyIssue } from './issues.js';
import { compareScopeKeys, HOST_KEY } from './keys.js';
import { labMark } from './names.js';
import type { Step } from './step.js';
import type { ObservedState } from './state.js';
import { PlanContext } from './planDeploy/context.js';
import { planLinkChanges, planLinkRemovals } from './planDeploy/links.js';
import { planRoutes } from './planDeploy/routes.js';
import { planRules } from './planDeploy/rules.js';
import { planSettings } from './planDeploy/settings.js';
import { planTc } from './planDeploy/tc.js';

export interface Plan {
  lab: string;
  steps: Step[];
  /** Names the lab needs that something else owns; a plan with conflicts must not run. */
  conflicts: TopologyIssue[];
}

/**
 * The ordered steps that turn what the host has (observed) into what the lab
 * wants (desired). Deterministic, and minimal: what already matches is left
 * alone; a link whose identity changed is recreated.
 *
 * @example
 * planDeploy(emptyObserved('demo'), desiredState(topology)).steps.map(toArgv)
 * // [['ip','netns','add','ns1'], …]
 */
export function planDeploy(observed: ObservedState, desired: DesiredState): Plan {
  const ctx = new PlanContext(observed, desired);
  findConflicts(ctx);
  if (ctx.conflicts.length > 0) return { lab: desired.lab, steps: [], conflicts: ctx.conflicts };

  const keys = sortedKeys([HOST_KEY, ...Object.keys(observed.scopes), ...Object.keys(desired.scopes)]);
  for (const key of keys) {
    const o = observed.scopes[key];
    const d = desired.scopes[key];
    if (key !== HOST_KEY && o && !d) ctx.goneScopes.add(key);
    if (key !== HOST_KEY && d && !o) ctx.newScopes.add(key);
  }
  const orphans = planLinkRemovals(ctx, keys);
  for (const key of keys) {
    const o = observed.scopes[key];
    if (!o || !ctx.goneScopes.has(key)) continue;
    const takes = orphans.get(key) ?? [];
    const peers = takes.length > 0 ? `, and so do its veths' other ends (${takes.map((l) => l.name).join(', ')})` : '';
    ctx.push(HOST_KEY, {
      kind: 'netns.del',
      netns: null,
      node: o.node,
      name: o.netns!,
      ...(takes.length > 0 ? { takes } : {}),
      reason: `delete namespace ${o.netns}: everything inside it (interfaces, routes, rules) goes with it${peers}`,
    });
  }
  for (const key of keys) {
    const d = desired.scopes[key];
    if (!d) continue;
    if (ctx.newScopes.has(key) || observed.scopes[key]?.unmarked) {
      if (ctx.newScopes.has(key))
        ctx.push(HOST_KEY, {
          kind: 'netns.add',
          netns: null,
          node: d.node,
          name: d.netns!,
          reason: `create namespace ${d.netns}: its own interfaces, routes, neighbours and iptables, like a container's`,
        });
      ctx.push(key, {
        kind: 'link.set',
        netns: d.netns,
        node: d.node,
        name: 'lo',
        set: { alias: labMark(desired.lab), up: true },
        reason: `bring up loopback in ${d.netns} and mark the namespace as lab ${desired.lab}'s`,
      });
    }
  }
  for (const onLower of [false, true]) for (const key of keys) if (desired.scopes[key]) planLinkChanges(ctx, key, onLower);
  for (const key of keys) {
    planRoutes(ctx, key);
    planSettings(ctx, key);
    planRules(ctx, key);
    planTc(ctx, key);
  }
  return { lab: desired.lab, steps: ctx.steps(), conflicts: [] };
}

/** The plan that removes everything a lab owns: reconcile to empty. */
export function planDestroy(observed: ObservedState): Plan {
  return planDeploy(observed, { lab: observed.lab, scopes: {}, origins: {} });
}

function findConflicts(ctx: PlanContext): void {
  const { observed, desired } = ctx;
  for (const [key, d] of Object.entries(desired.scopes)) {
    if (d.netns !== null && !observed.scopes[key] && d.netns in observed.foreign.netns) {
      const owner = observed.foreign.netns[d.netns];
      const who = owner ? `belongs to lab "${owner}"` : 'exists and was not created by nslab';
      ctx.conflicts.push({
        code: 'conflict.netns',
        path: ['nodes', d.node ?? d.netns],
        message: `namespace "${d.netns}" ${who}; nslab will not touch it (rename the node, or set a prefix)`,
      });
    }
  }
  const host = desired.scopes[HOST_KEY];
  for (const name of Object.keys(host?.links ?? {})) {
    if (observed.scopes[HOST_KEY]?.links[name] || !(name in observed.foreign.hostLinks)) continue;
    const owner = observed.foreign.hostLinks[name];
    const who = owner ? `belongs to lab "${owner}"` : 'already exists on the host and was not created by nslab';
    const path = desired.origins[linkId(HOST_KEY, name)]?.path ?? ['nodes', name];
    ctx.conflicts.push({ code: 'conflict.link', path, message: `interface "${name}" ${who}; choose another name` });
  }
}

function sortedKeys(keys: string[]): string[] {
  return [...new Set(keys)].sort(compareScopeKeys);
}
