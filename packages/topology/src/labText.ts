/** Lab files as text: formatting a topology, renaming a lab without losing comments. */
import { isMap, isScalar, isSeq, parseDocument, stringify, type Node as YamlNode } from 'yaml';
import type { Topology } from './schema.js';

/**
 * A topology as YAML, compact where it reads better: endpoints, routes,
 * positions and other small records on one line, as in the seed labs.
 *
 * @example
 * formatTopology({ name: 'x', nodes: { a: { kind: 'netns' } }, links: [] })
 * // 'name: x\nnodes:\n  a: { kind: netns }\nlinks: []\n'
 */
export function formatTopology(t: Topology): string {
  const doc = parseDocument(stringify(t, { lineWidth: 0 }));
  flowSmall(doc.contents as YamlNode, 0);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/** Leaf-only records and lists (no nested records) become flow style when short. */
function flowSmall(node: YamlNode | null, depth: number): void {
  if (!node) return;
  if (isMap(node) || isSeq(node)) {
    const items = node.items.map((i) => (isMap(node) ? (i as { value: YamlNode }).value : (i as YamlNode)));
    for (const child of items) flowSmall(child, depth + 1);
    const leafy = items.every((c) => !c || isScalar(c) || ((isMap(c) || isSeq(c)) && c.flow));
    if (depth >= 2 && leafy && String(node).length < 110) node.flow = true;
  }
}

/** Sets `name:` in a lab's text, keeping everything else (comments too). */
export function setLabName(text: string, name: string): string {
  const doc = parseDocument(text);
  doc.set('name', name);
  return doc.toString({ lineWidth: 0 });
}
