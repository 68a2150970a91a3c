import type { IssueList } from '../issues.js';
import { isNetworkOrBroadcast } from '../net.js';
import { checkIfName, checkMac } from './fields.js';
import { interfacesOf, scopeLabel, type ResolvedAddress, type ResolvedTopology } from '../resolveTopology.js';

export { checkIfName, checkMac } from './fields.js';

/** [V6] endpoints exist, [V7] no self link, [V8] interface names, [V9] unique per namespace, [V10] MAC, [V11] addresses. */
export function validateLinks(r: ResolvedTopology, list: IssueList): void {
  const t = r.topology;
  t.links.forEach((link, i) => {
    const [a, b] = link.endpoints;
    link.endpoints.forEach((ep, end) => {
      const path = ['links', i, 'endpoints', end];
      if (!t.nodes[ep.node]) list.error('ref.node', [...path, 'node'], `no node named ${JSON.stringify(ep.node)}`);
      checkIfName(ep.name, [...path, 'name'], list);
      if (ep.mac !== undefined) checkMac(ep.mac, [...path, 'mac'], list);
      if (t.nodes[ep.node]?.kind === 'bridge' && (ep.addresses?.length ?? 0) > 0) {
        list.warn(
          'link.bridge-port-address',
          [...path, 'addresses'],
          `this end is a port of bridge "${ep.node}"; an address on a bridge port is not reachable — put it on the bridge instead`,
        );
      }
    });
    if (a && b && a.node === b.node) {
      list.error('link.self', ['links', i, 'endpoints'], `both ends are on node "${a.node}"; a veth link joins two different nodes`);
    }
  });
  for (const scope of r.scopes.values()) {
    for (const [name, decls] of scope.interfaces) {
      if (name === 'lo') {
        for (const d of decls)
          list.error(
            'name.duplicate-interface',
            namePath(d.path, d.kind),
            `"lo" is the loopback interface of ${scopeLabel(scope.netns)}; choose another name`,
          );
        continue;
      }
      for (const d of decls.slice(1)) {
        list.error(
          'name.duplicate-interface',
          namePath(d.path, d.kind),
          `interface "${name}" already exists in ${scopeLabel(scope.netns)} (${describe(decls[0]!.path)}); names are unique within a namespace`,
        );
      }
    }
    for (const iface of interfacesOf(scope)) for (const a of iface.addresses) checkAddress(a, list);
  }
}

export function checkAddress(a: ResolvedAddress, list: IssueList): void {
  if (!a.cidr) {
    list.error('addr.parse', a.path, `${JSON.stringify(a.text)} is not an address with a prefix length (like 10.0.0.1/24 or fd00::1/64)`);
    return;
  }
  if (!a.text.includes('/'))
    list.error(
      'addr.prefix',
      a.path,
      `${a.text} has no prefix length; write it as ${a.text}/${a.cidr.family === 4 ? 24 : 64} (or /${a.cidr.family === 4 ? 32 : 128} for a single host)`,
    );
  const special = isNetworkOrBroadcast(a.cidr);
  if (special) list.error('addr.special', a.path, `${a.text} is the ${special} address of its subnet; pick a host address`);
}

function namePath(path: readonly (string | number)[], kind: string): (string | number)[] {
  return kind === 'bridge' ? [...path] : [...path, 'name'];
}

function describe(path: readonly (string | number)[]): string {
  if (path[0] === 'links') return `links[${path[1]}].endpoints[${path[3]}]`;
  if (typeof path[2] === 'string') return `${path[2].replace(/s$/, '')} of node "${path[1]}"`;
  return `bridge "${path[1]}"`;
}
