import { linkId, type DesiredState } from './desiredState.js';
import { scopeKeyOf } from './resolveTopology.js';
import { linksCreatedBy, type LinkRef, type Step } from './step.js';
import { lossOfRule } from './tc.js';

/**
 * The canvas element a step changes: a link (by index) for steps on veth
 * ends, else the node. Lets the UI mark exactly what drifts or fails.
 *
 * @example
 * stepTargets({ kind: 'addr.add', netns: 'ns1', dev: 'eth0', address: '10.0.0.1/24', reason: '' }, desired)
 * // { link: 0 }
 */
export function stepTargets(step: Step, desired: DesiredState): { node?: string; link?: number } {
  const made = linksCreatedBy(step)[0];
  let ref: LinkRef | undefined = made
    ? made
    : step.kind === 'addr.add' ||
        step.kind === 'addr.del' ||
        step.kind === 'qdisc.set' ||
        step.kind === 'qdisc.del' ||
        step.kind === 'class.set'
      ? { netns: step.netns, name: step.dev }
      : step.kind === 'link.set' || step.kind === 'link.del'
        ? { netns: step.netns, name: step.name }
        : undefined;
  const lossDev = step.kind === 'rule.add' || step.kind === 'rule.del' ? lossOfRule(step.rule)?.dev : undefined;
  if (lossDev) ref = { netns: step.netns, name: lossDev };
  if (ref && ref.name !== 'lo') {
    const path = desired.origins[linkId(scopeKeyOf(ref.netns), ref.name)]?.path;
    if (path?.[0] === 'links') return { link: path[1] as number };
    if (path?.[0] === 'nodes') return { node: path[1] as string };
  }
  return step.node ? { node: step.node } : {};
}
