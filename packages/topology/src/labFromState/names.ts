/** Node names for what a state holds: a netns node is named like its namespace, a bridge node like its interface. */
import { netnsName, NODE_NAME, PREFIX } from '../names.js';
import type { LabState, ScopeState } from '../state.js';

/**
 * `wanted` if it is a free node name of at most `max` characters; else the
 * same with characters a node name cannot hold made `-`, then `-2`, `-3`, …
 */
export function freeName(wanted: string, taken: ReadonlySet<string>, max: number): string | undefined {
  const ok = (n: string) => NODE_NAME.test(n) && n.length <= max && !taken.has(n);
  if (ok(wanted)) return wanted;
  let base = wanted.replace(/[^A-Za-z0-9_-]/g, '-');
  if (!/^[A-Za-z]/.test(base)) base = `n${base}`;
  for (let k = 1; k < 100; k++) {
    const suffix = k === 1 ? '' : `-${k}`;
    const name = `${base.slice(0, max - suffix.length)}${suffix}`;
    if (ok(name)) return name;
  }
  return undefined;
}

/** The prefix that joins every scope's node to its namespace name, when they agree on one. */
export function impliedPrefix(state: LabState): string {
  const found = new Set<string>();
  for (const s of Object.values(state.scopes)) {
    if (s.netns === null || s.node === undefined || !s.netns.endsWith(s.node)) continue;
    found.add(s.netns.slice(0, s.netns.length - s.node.length));
  }
  const only = found.size === 1 ? [...found][0]! : '';
  return only === '' || PREFIX.test(only) ? only : '';
}

/** The node name a namespace asks for: its scope's node, or its name after the prefix ('' when outside it). */
export function nodeNameOf(scope: ScopeState, netns: string, prefix: string): string {
  if (scope.node !== undefined && netnsName(scope.node, prefix) === netns) return scope.node;
  return netns.startsWith(prefix) ? netns.slice(prefix.length) : '';
}
