/**
 * The normalised host state of one lab: what planDeploy compares. The desired
 * state comes from a Topology (desiredState), the observed one from the host
 * (the server's observer); both use these types, so a diff is a comparison.
 */
import type { Family } from './net.js';
import type { Netns } from './resolveTopology.js';
import type { TcState } from './tc.js';

export interface LabState {
  lab: string;
  /** Keyed by scope key (`host`, `ns:<name>`). */
  scopes: Record<string, ScopeState>;
}

export interface ScopeState {
  netns: Netns;
  /** The topology node this scope belongs to, for explanations. */
  node?: string;
  /** Interfaces the lab owns in this scope, by name (never `lo`). */
  links: Record<string, LinkState>;
  /** Routes the lab owns (never kernel-made ones). */
  routes: RouteState[];
  /** Sysctls the lab sets: key → value as the kernel prints it. */
  sysctls: Record<string, string>;
  /** iptables rules the lab owns, in order within each table/chain. */
  rules: RuleState[];
  /** Chain policies the lab sets: `filter/FORWARD` → ACCEPT|DROP, per family. */
  policies: Record<string, 'ACCEPT' | 'DROP'>;
  /** Observed only: the lab made this namespace but was killed before marking it. */
  unmarked?: boolean;
}

/**
 * The link kinds. Each kind module (`kinds/<kind>.ts`) adds itself here and
 * its own fields to `LinkKindFields` with `declare module`; `kinds/index.ts`
 * lists the modules.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LinkKinds {}
export type LinkKind = keyof LinkKinds & string;

/** Fields of one kind only (a veth's `peer`, a vxlan's `vxlan`), added by the kind modules. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LinkKindFields {}

export interface LinkState extends LinkKindFields {
  name: string;
  kind: LinkKind;
  master?: string;
  mac?: string;
  mtu?: number;
  /** CIDRs, normalised (`10.0.0.1/24`), sorted. */
  addresses: string[];
  /** Administratively up (`ip link set … up`); a link or endpoint with `up: false` wants it down. */
  up: boolean;
  /** Egress impairments as queueing disciplines (tc.ts); absent: none. */
  tc?: TcState;
  /** Observed only: the lab made this host link but was killed before marking it. */
  unmarked?: boolean;
}

export interface RouteState {
  family: Family;
  /** Normalised destination (`0.0.0.0/0` for default). */
  to: string;
  via?: string;
  dev?: string;
  metric?: number;
}

export interface RuleState {
  family: Family;
  table: 'nat' | 'filter' | 'mangle';
  chain: string;
  /** The rule's arguments after `-A CHAIN`, as iptables takes them. */
  args: string[];
}

export function emptyScope(netns: Netns, node?: string): ScopeState {
  return { netns, node, links: {}, routes: [], sysctls: {}, rules: [], policies: {} };
}

/** What the host holds that the lab does not own, but must not collide with. */
export interface Foreign {
  /** Namespace name → the lab owning it (undefined: not nslab's). */
  netns: Record<string, string | undefined>;
  /** Host interface name → the lab owning it (undefined: not nslab's). */
  hostLinks: Record<string, string | undefined>;
}

/**
 * Host settings (sysctls, chain policies) shared between labs: the value found
 * before the first lab changed it, and which labs hold it now.
 */
export interface HostHold {
  original: string;
  labs: string[];
}

export interface ObservedState extends LabState {
  foreign: Foreign;
  /** Current values of host settings that the desired or recorded state mentions. */
  hostValues: Record<string, string>;
  /** Records of host settings changed by labs, keyed `sysctl:<key>` / `policy:<v4|v6>:filter/FORWARD`. */
  holds: Record<string, HostHold>;
}

/** An observed state for a host with nothing on it (plans from scratch, tests). */
export function emptyObserved(lab: string): ObservedState {
  return { lab, scopes: {}, foreign: { netns: {}, hostLinks: {} }, hostValues: {}, holds: {} };
}
