import { isMap, isScalar, visit, YAMLParseError, type Document } from 'yaml';

/**
 * Keys that appear twice in one mapping, as yaml's own `uniqueKeys` would
 * report them, in linear time: yaml compares each key with every other.
 * Recursion in `visit` is safe: nesting is bounded before parsing.
 */
export function duplicateKeys(doc: Document): YAMLParseError[] {
  const errors: YAMLParseError[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue; // a collection as a key equals no other key
        const v = pair.key.value;
        const id = `${typeof v}:${String(v)}`;
        if (seen.has(id)) {
          const pos = pair.key.range ? ([pair.key.range[0], pair.key.range[1]] as [number, number]) : ([0, 0] as [number, number]);
          errors.push(new YAMLParseError(pos, 'DUPLICATE_KEY', `Map keys must be unique: ${JSON.stringify(String(v))} appears twice`));
        }
        seen.add(id);
      }
    },
  });
  return errors;
}
