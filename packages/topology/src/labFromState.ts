/**
 * A lab from a host state: the inverse of `desiredState`. Discovery reads the
 * host with the observer and writes what it found as a lab directly (never
 * through generated shell text parsed back). Each link kind writes its own
 * interfaces (`toLab` in kinds/<kind>.ts); this file places namespaces, and
 * carries over routes, sysctls and iptables rules. What the format cannot say
 * is a warning, never a guess. The output is sorted: the same state gives the
 * same lab.
 */
import { linkId } from './desiredState.js';
import { compareScopeKeys, HOST_KEY, parseScopeKey, scopeKeyOf } from './keys.js';
import { LINK_KINDS, LIST_KINDS } from './kinds/index.js';
import type { NamespaceList, ToLabKit } from './kinds/kind.js';
import { freeName, impliedPrefix, nodeNameOf } from './labFromState/names.js';
import { cmp, settingsOf } from './labFromState/settings.js';
import { impairSpecOf, type ImpairSpec } from './impair.js';
import { netnsName } from './names.js';
import { lossOfRule } from './tc.js';
import { scopeLabel, type Netns } from './resolveTopology.js';
import type { BridgeNode, LinkSpec, NamespaceNode, Topology } from './schema.js';
import type { LabState, LinkState } from './state.js';

export interface LabFromStateOptions {
  /** The lab's name; default the state's. */
  name?: string;
  /** Prepended to namespace names; default: what the state's scope nodes imply, or none. */
  prefix?: string;
  /** The state was read from a host: leave out what the kernel chose by itself (MAC addresses, an MTU of 1500). */
  fromHost?: boolean;
}

/** Something of the state the lab does not carry, and where. */
export interface LabWarning {
  /** `host`, a namespace, or `<namespace> <kind> <interface>`. */
  at: string;
  message: string;
}

const KERNEL_MTU = 1500;
/** Longest node name (NODE_NAME), and longest bridge node name (an interface name). */
const MAX_NODE = 63;
const MAX_BRIDGE = 15;

/**
 * @example
 * labFromState(desiredState(topology)).topology // deploys to the same desired state
 * labFromState(observedState, { name: 'found', fromHost: true }) // a host as a lab
 */
export function labFromState(state: LabState, opts: LabFromStateOptions = {}): { topology: Topology; warnings: LabWarning[] } {
  const warnings: LabWarning[] = [];
  const warn = (at: string, message: string) => warnings.push({ at, message });
  const keys = Object.keys(state.scopes).sort(compareScopeKeys);
  const prefix = opts.prefix ?? impliedPrefix(state);

  // Namespaces first: a netns node's name is its namespace's, after the prefix.
  const namespaceNodes = new Map<string, string>();
  const taken = new Set<string>();
  for (const key of keys) {
    const netns = parseScopeKey(key);
    if (netns === undefined) warn(key, 'not a scope key; left out');
    if (netns === undefined || netns === null) continue;
    const wanted = nodeNameOf(state.scopes[key]!, netns, prefix);
    if (wanted === '') {
      warn(netns, `its name does not start with the lab's prefix "${prefix}"; left out`);
      continue;
    }
    const node = freeName(wanted, taken, MAX_NODE);
    if (node === undefined) {
      warn(netns, 'no node name fits it; left out');
      continue;
    }
    if (node !== wanted)
      warn(
        netns,
        `written as node ${node} ("${wanted}" is no node name, or is taken): deploying this lab creates the namespace ${netnsName(node, prefix)}`,
      );
    namespaceNodes.set(netns, node);
    taken.add(node);
  }
  const hostNode = freeName(state.scopes[HOST_KEY]?.node ?? 'host', taken, MAX_NODE)!;
  taken.add(hostNode);
  let needHost = state.scopes[HOST_KEY]?.node !== undefined;
  const bridgeNodes = new Map<string, BridgeNode>();
  const bridges = new Map<string, string>(); // link id of a bridge → its node
  const claimed = new Set<string>();
  const links: LinkSpec[] = [];
  /** Node → the entries of its list kinds (`vxlans`, `macvlans`), by field. */
  const lists = new Map<string, Partial<Record<NamespaceList['field'], unknown[]>>>();
  const nodeOf = (netns: Netns): string | undefined => (netns === null ? ((needHost = true), hostNode) : namespaceNodes.get(netns));
  // Loss done by iptables (tc.ts) is a veth end's impairment, not a rule of its namespace.
  const lossAt = new Map<string, number>();
  const settingsScope = (key: string) => {
    const scope = state.scopes[key]!;
    const rules = scope.rules.filter((r) => {
      const loss = lossOfRule(r);
      if (loss && scope.links[loss.dev]) lossAt.set(linkId(key, loss.dev), loss.loss);
      return !(loss && scope.links[loss.dev]);
    });
    return { ...scope, rules };
  };
  const scopesForSettings = new Map(keys.map((k) => [k, settingsScope(k)]));
  const egress = (l: LinkState, netns: Netns): { up?: false; impair?: ImpairSpec } => {
    const impair = impairSpecOf({
      delay: l.tc?.netem?.delay,
      jitter: l.tc?.netem?.jitter,
      loss: l.tc?.netem?.loss ?? lossAt.get(linkId(scopeKeyOf(netns), l.name)),
      rate: l.tc?.rate,
    });
    return { ...(l.up ? {} : { up: false as const }), ...(impair ? { impair } : {}) };
  };
  const inLab = (key: string) => {
    const netns = parseScopeKey(key);
    return netns === null || (netns !== undefined && namespaceNodes.has(netns));
  };

  // Interfaces, kind by kind (bridges before what plugs into them), then scope by scope and name by name.
  const kinds = [...LINK_KINDS].sort((a, b) => a.order - b.order);
  for (const kind of kinds) {
    for (const key of keys.filter(inLab)) {
      const scope = state.scopes[key]!;
      const netns = parseScopeKey(key)!;
      for (const name of Object.keys(scope.links).sort()) {
        const l = scope.links[name]!;
        if (l.kind !== kind.kind) continue;
        const at = `${scopeLabel(netns)} ${l.kind} ${l.name}`;
        const kit: ToLabKit = {
          netns,
          nodeOf,
          bridgeOf: (ns, master) => bridges.get(linkId(scopeKeyOf(ns), master)),
          linkAt: (ns, n) => (inLab(scopeKeyOf(ns)) ? state.scopes[scopeKeyOf(ns)]?.links[n] : undefined),
          common: (x) => common(x, opts.fromHost ?? false),
          egress,
          addBridge(node: BridgeNode) {
            // A bridge node's name is its interface name: two bridges of one name in two namespaces cannot both keep it.
            const nodeName = freeName(l.name, taken, MAX_BRIDGE);
            if (nodeName === undefined) return undefined;
            if (nodeName !== l.name)
              warn(
                at,
                `written as bridge node ${nodeName} ("${l.name}" is taken or is no node name): deploying this lab names the bridge ${nodeName}`,
              );
            taken.add(nodeName);
            bridgeNodes.set(nodeName, node);
            bridges.set(linkId(key, l.name), nodeName);
            return nodeName;
          },
          addLink: (link) => links.push(link),
          addToList(field, entry) {
            const node = nodeOf(netns)!;
            const list = lists.get(node) ?? {};
            lists.set(node, list);
            const entries: unknown[] = (list[field as NamespaceList['field']] ??= []);
            entries.push(entry);
          },
          claim: (ns, n) => claimed.add(linkId(scopeKeyOf(ns), n)),
          claimed: (ns, n) => claimed.has(linkId(scopeKeyOf(ns), n)),
          warn: (message) => warn(at, message),
        };
        kind.toLab(l, kit);
      }
    }
  }

  // Routes, sysctls, rules and policies of each namespace node (and the host's, which only then becomes a node).
  const specs = new Map<string, NamespaceNode>();
  for (const key of keys.filter(inLab)) {
    const netns = parseScopeKey(key)!;
    const settings = settingsOf(scopesForSettings.get(key)!, (m) => warn(scopeLabel(netns), m));
    if (netns === null && Object.keys(settings).length > 0) needHost = true;
    const node = netns === null ? hostNode : namespaceNodes.get(netns)!;
    const list = lists.get(node);
    specs.set(node, {
      kind: netns === null ? 'host' : 'netns',
      ...settings,
      ...Object.fromEntries(LIST_KINDS.flatMap((k) => (list?.[k.list!.field]?.length ? [[k.list!.field, list[k.list!.field]]] : []))),
    } as NamespaceNode);
  }

  const ordered: Topology['nodes'] = {};
  if (needHost) ordered[hostNode] = specs.get(hostNode) ?? { kind: 'host' };
  for (const node of [...namespaceNodes.values()].sort()) ordered[node] = specs.get(node)!;
  for (const node of [...bridgeNodes.keys()].sort()) ordered[node] = bridgeNodes.get(node)!;
  const rank = (node: string) => (ordered[node]?.kind === 'netns' ? 0 : ordered[node]?.kind === 'host' ? 1 : 2);
  const byEnd = (a: LinkSpec['endpoints'][number], b: LinkSpec['endpoints'][number]) =>
    rank(a.node) - rank(b.node) || cmp(a.node, b.node) || cmp(a.name, b.name);
  const sortedLinks = links
    .map((l) => ({ ...l, endpoints: [...l.endpoints].sort(byEnd) as LinkSpec['endpoints'] }))
    .sort((a, b) => byEnd(a.endpoints[0], b.endpoints[0]) || byEnd(a.endpoints[1], b.endpoints[1]));

  // The name is the caller's (validation judges it, as it judges the rest).
  const topology: Topology = { name: opts.name ?? state.lab, ...(prefix ? { prefix } : {}), nodes: ordered, links: sortedLinks };
  return { topology, warnings };
}

/** `addresses`, `mac`, `mtu` as the format writes them. */
function common(l: LinkState, fromHost: boolean): { addresses?: string[]; mac?: string; mtu?: number } {
  return {
    ...(l.addresses.length > 0 ? { addresses: [...l.addresses] } : {}),
    ...(l.mac !== undefined && !fromHost ? { mac: l.mac } : {}),
    ...(l.mtu !== undefined && !(fromHost && l.mtu === KERNEL_MTU) ? { mtu: l.mtu } : {}),
  };
}
