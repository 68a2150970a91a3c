/**
 * The link kinds nslab knows, one module each. A new kind is a new module in
 * this folder plus one line in LINK_KINDS (and, for kinds declared as a list
 * in netns/host nodes, one line in NAMESPACE_LIST_FIELDS).
 */
import { z } from 'zod';
import type { LinkKind } from '../state.js';
import type { KindStep, StepKind } from '../step.js';
import { bridge } from './bridge.js';
import type { LinkKindModule } from './kind.js';
import { macvlan, macvlanSchema } from './macvlan.js';
import { veth } from './veth.js';
import { vxlan, vxlanSchema } from './vxlan.js';

export const LINK_KINDS = [bridge, veth, vxlan, macvlan] as const;

/** The node fields of list kinds, for schema.ts. */
export const NAMESPACE_LIST_FIELDS = {
  vxlans: z.array(vxlanSchema).optional(),
  macvlans: z.array(macvlanSchema).optional(),
};

// A kind that registered its types (declare module) but is missing from LINK_KINDS fails to compile here.
type Missing = Exclude<LinkKind, (typeof LINK_KINDS)[number]['kind']>;
const complete: [Missing] extends [never] ? true : Missing = true;
void complete;

const byKind = new Map<string, LinkKindModule>(LINK_KINDS.map((k) => [k.kind, k as unknown as LinkKindModule]));
const byStep = new Map<string, LinkKindModule>(LINK_KINDS.map((k) => [k.addStep, k as unknown as LinkKindModule]));

export function kindOf(kind: LinkKind): LinkKindModule {
  return byKind.get(kind)!;
}

/** The module whose step this is, or undefined for a step that is not a link's creation. */
export function kindOfStep(kind: StepKind): LinkKindModule<LinkKind, KindStep> | undefined {
  return byStep.get(kind);
}

/** True when the host can make this kind (probed by the server). */
export function isLinkKind(kind: string): kind is LinkKind {
  return byKind.has(kind);
}

/** Kinds declared as a list in netns/host nodes, for validation and the inspector. */
export const LIST_KINDS = LINK_KINDS.filter((k) => k.list !== undefined);

export { listed } from './kind.js';
export type { FormField, IpLink, KindEdge, LinkKindModule, NamespaceCheck, NamespaceList, ObserveKit, ResolveKit } from './kind.js';
export { MACVLAN_MODES, type MacvlanMode, type MacvlanParams, type MacvlanSpec, type MacvlanAddStep } from './macvlan.js';
export type { VxlanParams, VxlanSpec, VxlanAddStep } from './vxlan.js';
export type { VethEnd, VethAddStep } from './veth.js';
export type { BridgeAddStep } from './bridge.js';
