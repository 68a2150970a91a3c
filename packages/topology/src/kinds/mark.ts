/** The step that marks a host link as a lab's (see names.ts): shared by every kind that can live in the host. */
import { HOST_KEY } from '../keys.js';
import { labMark } from '../names.js';
import type { PlanContext } from '../planDeploy/context.js';
import type { Netns } from '../resolveTopology.js';
import type { Step } from '../step.js';

export function aliasStep(name: string, mark: string): Step {
  return {
    kind: 'link.set',
    netns: null,
    name,
    set: { alias: mark },
    reason: `mark ${name} as the lab's (alias ${mark}), so nslab can prove it owns it`,
  };
}

/** A link created in the host namespace carries the lab's mark; inside a lab namespace the namespace's mark covers it. */
export function markIfHost(ctx: PlanContext, netns: Netns, name: string): void {
  if (netns === null) ctx.push(HOST_KEY, aliasStep(name, labMark(ctx.lab)));
}
