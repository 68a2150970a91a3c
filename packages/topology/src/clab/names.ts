/** What the containerlab importer and exporter share: YAML paths, the names containerlab reserves, where nslab's extras travel. */

export type Dict = Record<string, unknown>;
/** A place in the file: `['topology', 'nodes', 'r1', 'exec', 0]`. */
export type Path = Array<string | number>;

/** Endpoint "nodes" that are link types in containerlab's brief format (`host:IF`, `macvlan:IF`, `mgmt-net:IF`): no node may be named so. */
export const RESERVED_NODES: ReadonlySet<string> = new Set(['host', 'macvlan', 'mgmt-net']);

/** The label of a node or link that holds its nslab label. */
export const LABEL = 'nslab.label';

/** The comment line before what only nslab reads back: the prefix, description and checks. */
export const NSLAB_BLOCK = 'nslab (read back by nslab import-clab; containerlab ignores comments):';

/** containerlab's MTU for a link that names none (constants/containerlab.go). */
export const CLAB_LINK_MTU = 9500;
/** The kernel's MTU for a new veth: what nslab makes when a link names none. */
export const KERNEL_MTU = 1500;

export function isDict(x: unknown): x is Dict {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** `d[key]` when `d` has it as its own (never `__proto__` or `constructor` from the prototype). */
export function own(d: Dict, key: string): unknown {
  return Object.hasOwn(d, key) ? d[key] : undefined;
}

/** `d[key]` as a mapping, or undefined. */
export function ownDict(d: Dict, key: string): Dict | undefined {
  const v = own(d, key);
  return isDict(v) ? v : undefined;
}

export function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
