import type { Path } from './issues.js';
import { parseCidr, type Cidr } from './net.js';
import { scopeKeyOf } from './keys.js';
import { labMark, netnsName } from './names.js';
import type { BridgeNode, NamespaceNode, Topology } from './schema.js';
import type { LinkKind } from './state.js';
import { LINK_KINDS } from './kinds/index.js';

/** `null` is the host (root) namespace; otherwise a namespace name. */
export type Netns = string | null;

export interface ResolvedAddress {
  text: string;
  cidr: Cidr | undefined;
  path: Path;
}

export interface ResolvedInterface {
  name: string;
  kind: LinkKind;
  /** Which node of the topology declares it (the bridge node, the endpoint's node, the vxlan's namespace node). */
  node: string;
  path: Path;
  addresses: ResolvedAddress[];
  /** The bridge this interface is enslaved to, if any. */
  master?: string;
  /** For veth ends: the index of the link and of the endpoint. */
  link?: { index: number; end: 0 | 1 };
  /** L2 segment id: interfaces with the same id share a broadcast domain. */
  segment: number;
}

export interface ResolvedScope {
  key: string;
  netns: Netns;
  /** The namespace-kind node that owns this scope (undefined for an implicit host scope). */
  node?: string;
  spec?: NamespaceNode;
  interfaces: Map<string, ResolvedInterface[]>;
}

export interface ResolvedTopology {
  topology: Topology;
  lab: string;
  mark: string;
  prefix: string;
  scopes: Map<string, ResolvedScope>;
  /** Scope key of each node (bridges: the namespace they live in). */
  scopeOfNode: Map<string, string>;
}

export { HOST_KEY, scopeKeyOf, scopeLabel } from './keys.js';

/**
 * Places every node, interface and address of a topology in its namespace and
 * computes L2 segments. Tolerates broken references (validation reports them).
 */
export function resolveTopology(topology: Topology): ResolvedTopology {
  const prefix = topology.prefix ?? '';
  const scopes = new Map<string, ResolvedScope>();
  const scopeOfNode = new Map<string, string>();
  const ensure = (netns: Netns, node?: string, spec?: NamespaceNode): ResolvedScope => {
    const key = scopeKeyOf(netns);
    let s = scopes.get(key);
    if (!s) scopes.set(key, (s = { key, netns, interfaces: new Map() }));
    if (node !== undefined) {
      s.node = node;
      s.spec = spec;
    }
    return s;
  };

  const nodes = Object.entries(topology.nodes);
  for (const [name, node] of nodes) {
    if (node.kind === 'host') scopeOfNode.set(name, ensure(null, name, node).key);
    else if (node.kind === 'netns') scopeOfNode.set(name, ensure(netnsName(name, prefix), name, node).key);
  }
  for (const [name, node] of nodes) {
    if (node.kind !== 'bridge') continue;
    scopeOfNode.set(name, bridgeScope(topology, node, prefix, ensure).key);
  }

  const uf = new UnionFind();
  const add = (scopeKey: string, iface: Omit<ResolvedInterface, 'segment'>): void => {
    const scope = scopes.get(scopeKey)!;
    const r: ResolvedInterface = { ...iface, segment: uf.id(`${scopeKey}/${iface.name}`) };
    const list = scope.interfaces.get(iface.name) ?? [];
    list.push(r);
    scope.interfaces.set(iface.name, list);
  };
  const addrs = (list: string[] | undefined, path: Path): ResolvedAddress[] =>
    (list ?? []).map((text, i) => ({ text, cidr: parseCidr(text), path: [...path, i] }));

  // Each kind places its own interfaces, in registry order (bridges first).
  const kit = { topology, scopeOfNode, add, addresses: addrs, join: (a: string, b: string) => uf.union(a, b) };
  for (const kind of LINK_KINDS) kind.resolve(kit);
  for (const scope of scopes.values()) {
    for (const list of scope.interfaces.values()) for (const i of list) i.segment = uf.id(`${scope.key}/${i.name}`);
  }
  return { topology, lab: topology.name, mark: labMark(topology.name), prefix, scopes, scopeOfNode };
}

function bridgeScope(topology: Topology, node: BridgeNode, prefix: string, ensure: (netns: Netns) => ResolvedScope): ResolvedScope {
  const owner = node.netns ? topology.nodes[node.netns] : undefined;
  if (!owner || owner.kind === 'host') return ensure(null);
  if (owner.kind === 'netns') return ensure(netnsName(node.netns!, prefix));
  return ensure(null); // a bridge inside a bridge: reported by validation
}

/** All interfaces of a scope, first declaration of each name. */
export function interfacesOf(scope: ResolvedScope): ResolvedInterface[] {
  return [...scope.interfaces.values()].map((l) => l[0]!);
}

class UnionFind {
  private parent = new Map<string, string>();
  private ids = new Map<string, number>();
  private find(x: string): string {
    let p = this.parent.get(x);
    if (p === undefined) {
      this.parent.set(x, x);
      return x;
    }
    while (p !== x) {
      const gp = this.parent.get(p)!;
      this.parent.set(x, gp);
      x = p;
      p = this.parent.get(x)!;
    }
    return x;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
  id(x: string): number {
    const root = this.find(x);
    let id = this.ids.get(root);
    if (id === undefined) this.ids.set(root, (id = this.ids.size));
    return id;
  }
}
