import { endImpair } from './impair.js';
import { rulesOfNode, policiesOfNode } from './iptablesRules.js';
import { kindOf } from './kinds/index.js';
import { formatCidr, normaliseRouteTo, parseCidr, familyOf, type Family } from './net.js';
import { interfacesOf, resolveTopology, type ResolvedTopology } from './resolveTopology.js';
import type { Topology } from './schema.js';
import { emptyScope, type LabState, type LinkState, type RouteState, type RuleState } from './state.js';
import { lossByRule, lossRules, tcOf } from './tc.js';

/** Where a desired link comes from in the topology, for messages and for the order of creation. */
export interface LinkOrigin {
  path: (string | number)[];
  /** veth: 0 for the endpoint that creates the pair. */
  end?: 0 | 1;
}

export interface DesiredState extends LabState {
  origins: Record<string, LinkOrigin>;
}

export interface DesiredOptions {
  /** The host has the netem qdisc: loss is done by netem rather than an iptables rule (tc.ts). Default false. */
  netem?: boolean;
}

export { linkId } from './keys.js';
import { linkId } from './keys.js';

/**
 * The host state a valid topology asks for. Call only on topologies that
 * passed validation.
 *
 * @example
 * desiredState(topology).scopes['ns:ns1'].links['veth-ns1-pod'].addresses // ['172.30.30.11/24']
 */
export function desiredState(topology: Topology | ResolvedTopology, opts: DesiredOptions = {}): DesiredState {
  const r = 'scopes' in topology ? topology : resolveTopology(topology);
  const state: DesiredState = { lab: r.lab, scopes: {}, origins: {} };
  for (const scope of r.scopes.values()) {
    const s = emptyScope(scope.netns, scope.node);
    state.scopes[scope.key] = s;
    const v6 = interfacesOf(scope).some((i) => i.addresses.some((a) => a.cidr?.family === 6));
    const lossRulesHere: RuleState[] = [];
    for (const iface of interfacesOf(scope)) {
      const link: LinkState = {
        name: iface.name,
        kind: iface.kind,
        addresses: normaliseAddresses(iface.addresses.map((a) => a.text)),
        up: true,
      };
      if (iface.master) link.master = iface.master;
      Object.assign(link, kindOf(iface.kind).desired(iface, r));
      if (iface.link) {
        // A veth end: the link's and its endpoint's `up` and `impair` (impair.ts).
        const { impair, up } = endImpair(r.topology.links[iface.link.index]!, iface.link.end);
        link.up = up;
        const tc = tcOf(impair, opts.netem ?? false);
        if (tc) link.tc = tc;
        if (lossByRule(impair, opts.netem ?? false))
          lossRulesHere.push(...lossRules(iface.name, impair.loss!, r.mark, v6 ? [4, 6] : [4], iface.master !== undefined));
      }
      // A veth end points at its endpoint's name field; other kinds at their declaration.
      state.origins[linkId(scope.key, iface.name)] = iface.link
        ? { path: [...iface.path, 'name'], end: iface.link.end }
        : { path: [...iface.path] };
      s.links[iface.name] = link;
    }
    s.rules = lossRulesHere;
    const spec = scope.spec;
    if (!spec) continue;
    s.routes = (spec.routes ?? []).map((r) => {
      const family: Family = r.to === 'default' ? (familyOf(r.via ?? '') ?? 4) : (parseCidr(r.to)?.family ?? 4);
      const route: RouteState = { family, to: normaliseRouteTo(r.to, family) };
      if (r.via) route.via = r.via;
      if (r.dev) route.dev = r.dev;
      if (r.metric) route.metric = r.metric;
      return route;
    });
    for (const [key, value] of Object.entries(spec.sysctls ?? {})) s.sysctls[key] = String(value);
    s.rules = [...rulesOfNode(spec, r.mark, v6), ...lossRulesHere];
    s.policies = policiesOfNode(spec, v6);
  }
  return state;
}

export function normaliseAddresses(list: string[]): string[] {
  return list
    .map((a) => parseCidr(a))
    .filter((c) => c !== undefined)
    .map(formatCidr)
    .sort();
}

/** True when the lab uses IPv6 anywhere (then ip6tables state matters too). */
export function hasV6(state: LabState): boolean {
  return Object.values(state.scopes).some(
    (s) =>
      Object.values(s.links).some((l) => l.addresses.some((a) => a.includes(':'))) ||
      s.rules.some((r) => r.family === 6) ||
      s.routes.some((r) => r.family === 6),
  );
}
