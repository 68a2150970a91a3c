/**
 * What the lab bar says about a lab, in words: what Destroy removes, the
 * prefix that ends a name clash, why Deploy would fail, a free lab name.
 * Pure, so the sentences are tested without a page.
 */
import {
  formatIssue,
  isError,
  LAB_NAME,
  netnsName,
  NODE_NAME,
  parseTopology,
  PREFIX,
  type Topology,
  type TopologyIssue,
} from '@nslab/topology';

/** The lab name `base` (cut to fit), or `base-2`, `base-3`…: the first one no lab has. */
export function freeName(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const stem = base.slice(0, 20).replace(/-+$/, '') || 'lab';
  if (!used.has(stem)) return stem;
  for (let i = 2; ; i++) if (!used.has(`${stem}-${i}`)) return `${stem}-${i}`;
}

/** Why a lab name would be refused, or null when it is fine. */
export function labNameProblem(name: string, taken: Iterable<string>): string | null {
  if (!LAB_NAME.test(name)) return 'lower-case letters, digits and "-", starting with a letter, at most 24 characters';
  if (new Set(taken).has(name)) return `a lab named "${name}" exists already`;
  return null;
}

/**
 * The prefix that gives lab `lab` namespace names of its own: "LAB-".
 * Undefined when that prefix is the one it has (the clash is with a lab of the same prefix: rename instead).
 *
 * @example clashPrefix('web', undefined) // 'web-'
 */
export function clashPrefix(lab: string, current: string | undefined): string | undefined {
  const prefix = `${lab.slice(0, 23)}-`;
  return PREFIX.test(prefix) && prefix !== current ? prefix : undefined;
}

/** The node a host-name clash is about (a namespace clash points at its node), if any. */
export function clashNode(c: TopologyIssue, t: Topology): string | undefined {
  const node = c.path[0] === 'nodes' ? c.path[1] : undefined;
  return typeof node === 'string' && Object.hasOwn(t.nodes, node) ? node : undefined;
}

/** A name for a copy or rename of `node` that no node of `t` has: `node-2`, `node-3`… (a bridge's fits 15 characters). */
export function freeNodeName(node: string, t: Topology): string {
  const stem = node.slice(0, t.nodes[node]?.kind === 'bridge' ? 12 : 59);
  for (let i = 2; ; i++) if (!Object.hasOwn(t.nodes, `${stem}-${i}`)) return `${stem}-${i}`;
}

/** Why node `from` cannot be renamed to `to`, or null. */
export function nodeNameProblem(to: string, from: string, t: Topology): string | null {
  if (to === from) return 'that is its name now';
  if (!NODE_NAME.test(to)) return 'a letter, then letters, digits, "_" or "-", at most 63 characters';
  if (t.nodes[from]?.kind === 'bridge' && to.length > 15) return "a bridge's name is its interface name: at most 15 characters";
  if (Object.hasOwn(t.nodes, to)) return `a node named "${to}" exists already`;
  return null;
}

/** Why Deploy would not work now, in one sentence; null when it would. */
export function deployBlocker(opts: { root: boolean; issues: TopologyIssue[]; conflicts: TopologyIssue[] }): string | null {
  if (!opts.root) return 'plan-only mode: the server is not root';
  const errors = opts.issues.filter(isError);
  if (errors.length > 0) return `fix ${errors.length === 1 ? 'the error' : `${errors.length} errors`} first: ${formatIssue(errors[0]!)}`;
  if (opts.conflicts.length > 0) {
    const first = opts.conflicts[0]!.message;
    const more = opts.conflicts.length > 1 ? ` (and ${opts.conflicts.length - 1} more)` : '';
    return `deploy would fail: ${first}${more}`;
  }
  return null;
}

/**
 * Why Download as containerlab is off, in one sentence; null when it is on.
 * A lab with errors is not exported: its file would carry the errors into
 * commands that fail, or half-build the lab, where nslab would refuse it.
 */
export function clabBlocker(issues: TopologyIssue[]): string | null {
  const errors = issues.filter(isError);
  if (errors.length === 0) return null;
  return `fix ${errors.length === 1 ? 'the error' : `${errors.length} errors`} first: a lab with errors is not exported (${formatIssue(errors[0]!)})`;
}

const listed = (names: string[]) => (names.length > 4 ? `${names.slice(0, 4).join(', ')}, …` : names.join(', '));
/** `n` things, in the right number: "1 link", "2 links". */
export const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * What an import makes, in one line: the lab's nodes, links and checks (a
 * file's pings become checks), its validation errors (listed apart: the lab
 * can still be opened, and the designer shows each on its field), and the
 * importer's warnings.
 *
 * @example importSummary(t, issues, 5) // '3 nodes, 2 links, 1 check; 2 errors in the lab; 5 warnings: what nslab leaves out or cannot do.'
 */
export function importSummary(t: Topology, issues: TopologyIssue[], warnings: number): string {
  const checks = t.checks?.length ?? 0;
  const errors = issues.filter(isError).length;
  const lab = [
    count(Object.keys(t.nodes).length, 'node', 'nodes'),
    count(t.links.length, 'link', 'links'),
    ...(checks > 0 ? [count(checks, 'check', 'checks')] : []),
  ].join(', ');
  return [
    lab,
    ...(errors > 0 ? [`${count(errors, 'error', 'errors')} in the lab`] : []),
    `${count(warnings, 'warning', 'warnings')}${warnings > 0 ? ': what nslab leaves out or cannot do' : ''}.`,
  ].join('; ');
}

/**
 * What Destroy removes, for its confirmation: the namespaces and bridges of
 * the lab that are on the host now (`present`), and whether host settings go back.
 *
 * @example destroySummary(t, ['ns1', 'ns2', 'br0']) // 'Destroy lab demo: removes 2 namespaces (ns1, ns2), 1 bridge (br0) and …'
 */
export function destroySummary(t: Topology, present: string[]): string {
  const of = (kind: string) => present.filter((n) => t.nodes[n]?.kind === kind);
  // As the host names them: a prefix is part of the name.
  const namespaces = of('netns').map((n) => netnsName(n, t.prefix));
  const bridges = of('bridge');
  const parts = [
    namespaces.length > 0 ? `${count(namespaces.length, 'namespace', 'namespaces')} (${listed(namespaces)})` : '',
    bridges.length > 0 ? `${count(bridges.length, 'bridge', 'bridges')} (${listed(bridges)})` : '',
  ].filter(Boolean);
  const what =
    parts.length > 0 ? `${parts.join(', ')} and every interface, route and rule it made` : 'every interface, route and rule it made';
  const host = of('host').length > 0 ? '; host settings it changed go back to what they were' : '';
  return `Destroy lab ${t.name}: removes ${what}${host}.`;
}

/**
 * Whether two texts of a lab differ, but only in where their nodes are drawn
 * (an Auto layout, a drag): History says so rather than show the numbers.
 * False when either text does not parse.
 */
export function onlyPositionsDiffer(a: string, b: string): boolean {
  if (a === b) return false;
  const design = (text: string) => {
    const t = parseTopology(text).topology;
    return (
      t &&
      JSON.stringify({ ...t, nodes: Object.fromEntries(Object.entries(t.nodes).map(([n, spec]) => [n, { ...spec, position: undefined }])) })
    );
  };
  const x = design(a);
  return x !== undefined && x === design(b);
}
