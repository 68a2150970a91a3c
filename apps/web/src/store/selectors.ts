/** Selectors over the store, at module scope so their identity is stable. */
import type { TopologyIssue } from '@nslab/topology';
import type { Store } from './types';

/** Selector: this node's namespace is on the host now (terminals and tools work there), whatever the lab's state. */
export const nodeIsLive = (name: string) => (s: Store) =>
  !!s.health?.root && s.connection === 'up' && (s.status?.present ?? []).includes(name);
/** Selector: something of the lab is on the host now. */
export const labIsLive = (s: Store) => !!s.health?.root && s.connection === 'up' && (s.status?.present.length ?? 0) > 0;
const NO_CONFLICTS: TopologyIssue[] = [];
/** Selector: names the lab needs that another lab or the host holds, as the last status said (so Deploy would be refused). */
export const hostConflicts = (s: Store) => s.status?.conflicts ?? NO_CONFLICTS;
/**
 * Selector, for `useShallow`: validation issues and host-name clashes together, as the canvas and
 * the inspector show them (a clash's path is its node or interface). Kept apart in the store: the
 * plan is asked for only while validation passes, and a clash must not stop that.
 */
export const shownIssues = (s: Store): TopologyIssue[] => {
  const conflicts = hostConflicts(s);
  return conflicts.length > 0 ? [...s.issues, ...conflicts] : s.issues;
};
