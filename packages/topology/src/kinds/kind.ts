/**
 * What a link kind is: one module per kind (`kinds/veth.ts`, `kinds/vxlan.ts`,
 * …) holds everything about it — where the format declares it, how it is
 * validated and resolved, the state it wants, what forces a recreate, the step
 * that creates it, and how it is read back from `ip -json`. `kinds/index.ts`
 * lists them. The model is containerlab's `links/link_<kind>.go`; the type
 * registration (each module adds its step and state fields with `declare
 * module`) is tldraw's way of registering shape props.
 */
import type { ImpairSpec } from '../impair.js';
import type { IssueList, Path } from '../issues.js';
import type { PlanContext } from '../planDeploy/context.js';
import type { Netns, ResolvedAddress, ResolvedInterface, ResolvedScope, ResolvedTopology } from '../resolveTopology.js';
import type { BridgeNode, LinkSpec, NamespaceNode, Topology } from '../schema.js';
import type { LinkKind, LinkKindFields, LinkState } from '../state.js';
import type { NAMESPACE_LIST_FIELDS } from './index.js';
import type { Command, KindStep, LinkRef, LinkSettings, Phase, Step } from '../step.js';

/** What resolveTopology lends a kind to place its interfaces. */
export interface ResolveKit {
  topology: Topology;
  /** Scope key of each node (bridges: the namespace they live in). */
  scopeOfNode: ReadonlyMap<string, string>;
  add(scopeKey: string, iface: Omit<ResolvedInterface, 'segment'>): void;
  addresses(list: string[] | undefined, path: Path): ResolvedAddress[];
  /** Puts two interfaces (`scopeKey/name`, or any shared id such as a VNI) in one L2 segment. */
  join(a: string, b: string): void;
}

/** What validation lends a kind declared inside a netns or host node. */
export interface NamespaceCheck {
  r: ResolvedTopology;
  scope: ResolvedScope;
  list: IssueList;
  /** `['nodes', name]` */
  base: Path;
  isHost: boolean;
}

/** The fields of `ip -json -details link show` nslab reads. */
export interface IpLink {
  ifindex: number;
  ifname: string;
  link_index?: number;
  link_netnsid?: number;
  /** The lower device's name, when it is in the same namespace. */
  link?: string;
  flags?: string[];
  mtu?: number;
  address?: string;
  ifalias?: string;
  master?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown>; info_slave_kind?: string };
  addr_info?: Array<{ family: string; local: string; prefixlen: number; scope?: string }>;
}

/** How the observer resolves references that cross namespaces (a veth's peer, a macvlan's parent). */
export interface ObserveKit {
  peerOf(l: IpLink): LinkRef | undefined;
  /** The host interface with this ifindex, for a link whose lower device is in the host namespace. */
  hostLinkName(ifindex: number): string | undefined;
}

/** A field of a list kind's form in the inspector (labels are accessible names: keep them stable). */
export interface FormField {
  key: string;
  label: string;
  type: 'text' | 'number' | 'list' | 'select';
  mono?: boolean;
  /** For selects: where the options come from. */
  options?: 'interfaces' | 'bridges' | 'host-interfaces' | readonly string[];
  /** The select's empty choice, in words. */
  none?: string;
  /** A number field's value when emptied. */
  empty?: number;
}

/** A kind declared as a list in netns and host nodes (`vxlans:`, `macvlans:`): how the inspector edits it. */
export interface NamespaceList {
  /** The node field holding the list. */
  field: keyof typeof NAMESPACE_LIST_FIELDS;
  title: string;
  addLabel: string;
  /** Rows are labelled `${rowLabel} 1`, `${rowLabel} 2`, … */
  rowLabel: string;
  form: readonly FormField[];
  newItem(index: number): Record<string, unknown>;
  /** The list entry for one interface (discover and the script importer write it). */
  entry(i: ListItem): Record<string, unknown>;
  /** Fields that name a node (renamed with it). */
  nodeRefs?: readonly string[];
}

/** An extra edge the canvas draws for this kind (a VXLAN overlay, a macvlan to its parent). */
export interface KindEdge {
  id: string;
  source: string;
  target: string;
  label: string;
}

/**
 * What labFromState lends a kind to write one interface of a state back into
 * a topology (the inverse of `resolve` + `desired`).
 */
export interface ToLabKit {
  /** The namespace the interface is in. */
  netns: Netns;
  /** The netns or host node of a namespace; undefined when the namespace is not in the lab. Asking for the host's adds the host node. */
  nodeOf(netns: Netns): string | undefined;
  /** The bridge node that is the bridge `master` of that namespace, when the lab has it. */
  bridgeOf(netns: Netns, master: string): string | undefined;
  /** Another interface of the state (a veth's peer). */
  linkAt(netns: Netns, name: string): LinkState | undefined;
  /** `addresses`, `mac` and `mtu` as the format writes them (for a state read from a host, without what the kernel chose). */
  common(l: LinkState): { addresses?: string[]; mac?: string; mtu?: number };
  /** A veth end's `up: false` and `impair` as the format writes them (impair.ts), its loss read from a rule or netem. */
  egress(l: LinkState, netns: Netns): { up?: false; impair?: ImpairSpec };
  /** Adds the bridge node of this interface, named after it (renamed, with a warning, when that name is taken or is no node name); returns its name. */
  addBridge(node: BridgeNode): string | undefined;
  addLink(link: LinkSpec): void;
  /** Appends to a list of the interface's own namespace node (`vxlans`, `macvlans`). */
  addToList<F extends NamespaceList['field']>(field: F, entry: NonNullable<NamespaceNode[F]>[number]): void;
  /** Records an interface as written (a veth's other end), so it is not written again. */
  claim(netns: Netns, name: string): void;
  claimed(netns: Netns, name: string): boolean;
  /** Something the topology cannot say, or that was left out; the kit names the interface. */
  warn(message: string): void;
}

/** One `ip link add … type KIND …` line of an imported script, cut up. */
export interface ScriptAdd {
  name: string;
  /** Where the new interface is: its `netns`, else where the command runs ('' is the host). */
  here: string;
  /** Where the command runs. */
  ns: string;
  /** The words before `type`, and those after `type KIND`. */
  head: string[];
  opts: string[];
}

/** What the script importer lends a kind to record what a line made. */
export interface ScriptKit {
  add(i: ScriptIface): ScriptIface;
  addNamespace(ns: string): void;
  /** The line cannot be read as this kind: why. */
  warn(message: string): void;
}

/** An interface an imported script made, where it is now ('' is the host). */
export interface ScriptIface {
  name: string;
  ns: string;
  kind: LinkKind;
  /** A veth's other end. */
  pair?: ScriptIface;
  master?: string;
  addresses: string[];
  mtu?: number;
  mac?: string;
  /** The kind's own fields (a vxlan's `vxlan`, a macvlan's `macvlan`). */
  fields?: LinkKindFields;
}

/** An interface of a list kind, ready to be written as its list entry. */
export interface ListItem {
  name: string;
  addresses?: string[];
  mac?: string;
  mtu?: number;
  /** The bridge node it is plugged into. */
  bridge?: string;
  /** The node name of an interface of the host when it is a bridge of the lab (renamed when its name was taken). */
  hostNode?(ifname: string): string | undefined;
  fields: LinkKindFields;
}

export interface LinkKindModule<K extends LinkKind = LinkKind, S extends KindStep = KindStep> {
  kind: K;
  /** The step kind that creates it. */
  addStep: S['kind'];
  /** Creation order inside a namespace: lower first (a bridge before what plugs into it). */
  order: number;
  /** What the kernel must have, and the `ip -batch` line that proves it in a throwaway namespace (after `p0`/`p1` veth exist). */
  capability: { help: string; probe: string };
  /** Set for kinds declared as a list in netns/host nodes. */
  list?: NamespaceList;
  /** Declares this kind's interfaces from the topology. */
  resolve(kit: ResolveKit): void;
  /** Checks the kind's own fields in one netns/host node (list kinds). */
  validate?(node: NamespaceNode, check: NamespaceCheck): void;
  /** The kind's own state for one declared interface. */
  desired(iface: ResolvedInterface, r: ResolvedTopology): Partial<LinkState>;
  /** What cannot change in place (compared as JSON): when it differs, the link is recreated. */
  identity(l: LinkState): unknown;
  /** The identity, in words, for the plan's explanation ("peer", "tunnel settings"). */
  identityWords: string;
  /**
   * The link this one is made on (a macvlan's parent), if any: it is created
   * after every other link, and the kernel removes it with that link.
   */
  lowerOf?(l: LinkState): LinkRef | undefined;
  /** Changes of the kind's own fields that can be made in place, on an existing link `o` that should be `d`. */
  settle?(o: LinkState, d: LinkState): Array<{ set: LinkSettings; from: LinkSettings; reason: string }>;
  /** Pushes the steps that create the desired link `d` of scope `key`. */
  create(ctx: PlanContext, key: string, d: LinkState): void;
  command(step: S): Command;
  inverse(step: S): Step | undefined;
  phase(step: S): Phase;
  /** The interfaces the step creates; the first is the one the canvas marks. */
  creates(step: S): LinkRef[];
  /** The kind's own state read back from `ip -json -details link show`. */
  observe(l: IpLink, kit: ObserveKit): Partial<LinkState>;
  /** Reads an `ip link add … type KIND` line of an imported script. */
  fromScript(add: ScriptAdd, kit: ScriptKit): void;
  /** Extra canvas edges (overlays, parents). */
  edges?(t: Topology): KindEdge[];
  /** Writes one interface of a state back into the topology (labFromState; interfaces come kind by kind in `order`, scopes and names sorted). */
  toLab(l: LinkState, kit: ToLabKit): void;
}

/** `link add …` argv as a Command. */
export function ipCommand(...args: string[]): Command {
  return { tool: 'ip', args };
}

/** Every entry of one list field (`vxlans`, `macvlans`) of the netns and host nodes, with its node, index and path. */
export function listed<F extends NamespaceList['field']>(
  t: Topology,
  field: F,
): Array<{ node: string; index: number; item: NonNullable<NamespaceNode[F]>[number]; path: Path }> {
  return Object.entries(t.nodes).flatMap(([node, n]) =>
    n.kind === 'bridge'
      ? []
      : ((n[field] ?? []) as Array<NonNullable<NamespaceNode[F]>[number]>).map((item, index) => ({
          node,
          index,
          item,
          path: ['nodes', node, field, index],
        })),
  );
}

/** The list entry a path like `['nodes', N, 'vxlans', i]` points at. */
export function listEntry<T>(r: ResolvedTopology, path: Path): T {
  const node = r.topology.nodes[path[1] as string] as unknown as Record<string, T[]>;
  return node[path[2] as string]![path[3] as number]!;
}
