import type { IssueList } from '../issues.js';
import { formatPath } from '../issues.js';
import { scopeLabel, type ResolvedTopology } from '../resolveTopology.js';

/** [V12] no address twice in one L2 segment (a veth pair, a bridge and its ports, a VXLAN overlay). */
export function validateSegments(r: ResolvedTopology, list: IssueList): void {
  const uses: Array<{ key: string; ip: string; path: readonly (string | number)[]; where: string }> = [];
  for (const scope of r.scopes.values()) {
    for (const decls of scope.interfaces.values()) {
      for (const iface of decls) {
        for (const a of iface.addresses) {
          if (a.cidr)
            uses.push({
              key: `${iface.segment}|${a.cidr.ip}`,
              ip: a.cidr.ip,
              path: a.path,
              where: `${iface.name} in ${scopeLabel(scope.netns)}`,
            });
        }
      }
    }
  }
  // The later use, in file order, is the one reported.
  uses.sort((a, b) => comparePaths(a.path, b.path));
  const seen = new Map<string, (typeof uses)[number]>();
  for (const u of uses) {
    const first = seen.get(u.key);
    if (first)
      list.error('addr.duplicate', u.path, `${u.ip} is already used by ${first.where} (${formatPath(first.path)}) on the same L2 segment`);
    else seen.set(u.key, u);
  }
}

/** Orders paths as they appear in a file: nodes before links, then element by element. */
export function comparePaths(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? 1 : -1; // 'nodes' sorts before 'links'
  }
  return a.length - b.length;
}
