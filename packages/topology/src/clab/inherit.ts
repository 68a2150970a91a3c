/**
 * A node's settings as containerlab resolves them (types/topology.go): its
 * kind from the node, its group, the defaults' group, the defaults; its group
 * from the node, its kind, the defaults; each field from the node, then the
 * group, the kind, the defaults; exec lines of all four merged (defaults
 * first) without repeats; sysctls merged, the node's winning.
 */
import { isDict, own, ownDict, type Dict, type Path } from './names.js';

export interface Layer {
  path: Path;
  def: Dict;
}

export interface NodeSettings {
  /** The kind and where it was given; undefined when nothing gives one. */
  kind?: { name: string; path: Path };
  /** Most specific first: node, group, kind, defaults (those that exist). */
  layers: Layer[];
  /** The first layer that sets `field` (a string), or undefined. */
  field(name: string): { value: string; path: Path } | undefined;
  /** Exec lines, merged as containerlab merges them, each with its place. */
  exec: Array<{ line: unknown; path: Path }>;
  /** Sysctls, merged, each with the place of the one that wins. */
  sysctls: Array<{ key: string; value: unknown; path: Path }>;
}

export function nodeSettings(topology: Dict, node: string, def: Dict): NodeSettings {
  const kinds = ownDict(topology, 'kinds') ?? {};
  const groups = ownDict(topology, 'groups') ?? {};
  const defaults = ownDict(topology, 'defaults') ?? {};
  const str = (d: Dict | undefined, k: string) => (d && typeof own(d, k) === 'string' ? (own(d, k) as string) : undefined);
  const nodePath: Path = ['topology', 'nodes', node];

  const defaultsGroup = str(defaults, 'group');
  const kindAt: NodeSettings['kind'] =
    (str(def, 'kind') && { name: str(def, 'kind')!, path: [...nodePath, 'kind'] }) ||
    (str(ownDict(groups, str(def, 'group') ?? ''), 'kind') && {
      name: str(ownDict(groups, str(def, 'group')!), 'kind')!,
      path: ['topology', 'groups', str(def, 'group')!, 'kind'],
    }) ||
    (str(ownDict(groups, defaultsGroup ?? ''), 'kind') && {
      name: str(ownDict(groups, defaultsGroup!), 'kind')!,
      path: ['topology', 'groups', defaultsGroup!, 'kind'],
    }) ||
    (str(defaults, 'kind') && { name: str(defaults, 'kind')!, path: ['topology', 'defaults', 'kind'] }) ||
    undefined;
  const kindDef = kindAt ? ownDict(kinds, kindAt.name) : undefined;
  const group = str(def, 'group') ?? str(kindDef, 'group') ?? defaultsGroup;
  const groupDef = group !== undefined ? ownDict(groups, group) : undefined;

  const layers: Layer[] = [{ path: nodePath, def }];
  if (groupDef) layers.push({ path: ['topology', 'groups', group!], def: groupDef });
  if (kindDef) layers.push({ path: ['topology', 'kinds', kindAt!.name], def: kindDef });
  layers.push({ path: ['topology', 'defaults'], def: defaults });

  const exec: NodeSettings['exec'] = [];
  const seen = new Set<unknown>();
  for (const l of [...layers].reverse()) {
    const lines = own(l.def, 'exec');
    if (!Array.isArray(lines)) continue;
    lines.forEach((line, i) => {
      if (typeof line === 'string' && seen.has(line)) return;
      seen.add(line);
      exec.push({ line, path: [...l.path, 'exec', i] });
    });
  }
  const sysctls = new Map<string, { key: string; value: unknown; path: Path }>();
  for (const l of [...layers].reverse()) {
    const s = own(l.def, 'sysctls');
    if (isDict(s)) for (const [key, value] of Object.entries(s)) sysctls.set(key, { key, value, path: [...l.path, 'sysctls', key] });
  }
  return {
    ...(kindAt ? { kind: kindAt } : {}),
    layers,
    field(name) {
      for (const l of layers) {
        const v = own(l.def, name);
        if (typeof v === 'string' && v !== '') return { value: v, path: [...l.path, name] };
      }
      return undefined;
    },
    exec,
    sysctls: [...sysctls.values()],
  };
}
