import { IssueList, type TopologyIssue } from './issues.js';
import { resolveTopology } from './resolveTopology.js';
import type { Topology } from './schema.js';
import { validateChecks } from './validate/checks.js';
import { validateLinks } from './validate/links.js';
import { validateNames } from './validate/names.js';
import { validateNamespaces } from './validate/namespaces.js';
import { validateSegments } from './validate/segments.js';
import { validateImpair } from './impair.js';

/**
 * Every semantic problem of a well-shaped topology (rule ids in SPEC.md).
 * An empty list, or warnings only, means it is safe to plan.
 *
 * @example
 * validateTopology({ name: 'x', nodes: { a: { kind: 'netns' } }, links: [
 *   { endpoints: [{ node: 'a', name: 'e0' }, { node: 'a', name: 'e1' }] }] })
 * // [{ code: 'link.self', path: ['links', 0, 'endpoints'], message: '…' }]
 */
export function validateTopology(topology: Topology): TopologyIssue[] {
  const list = new IssueList();
  const resolved = resolveTopology(topology);
  validateNames(topology, list);
  validateLinks(resolved, list);
  topology.links.forEach((link, i) => validateImpair(link, i, list));
  validateSegments(resolved, list);
  validateNamespaces(resolved, list);
  validateChecks(resolved, list);
  return list.items;
}
