/** Lab files as text: formatting a topology, renaming a lab without losing comments. */
import { Document, isMap, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
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
  const doc = new Document(t);
  flowSmall(doc.contents as YamlNode, t, 0);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/**
 * Records and lists of plain values (or of flow ones) become flow style when
 * short. Decided on the JS value, once per collection: linear in the size.
 */
function flowSmall(node: YamlNode | null, value: unknown, depth: number): boolean {
  if (!node || !(isMap(node) || isSeq(node)) || value === null || typeof value !== 'object') return true;
  const entries = Array.isArray(value) ? value : Object.values(value as object);
  let leafy = true;
  node.items.forEach((item, i) => {
    const child = isMap(node) ? (item as { value: YamlNode }).value : (item as YamlNode);
    if (!flowSmall(child, entries[i], depth + 1)) leafy = false;
  });
  if (depth >= 2 && leafy && JSON.stringify(value).length < 100) {
    node.flow = true;
    return true;
  }
  return false;
}

/** Sets `name:` in a lab's text, keeping everything else (comments too). */
export function setLabName(text: string, name: string): string {
  const doc = parseDocument(text);
  doc.set('name', name);
  return doc.toString({ lineWidth: 0 });
}
