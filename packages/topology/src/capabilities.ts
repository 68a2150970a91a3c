/**
 * Kernel and tool features a lab needs, so that a missing one is reported
 * by name before anything runs. The server probes the host for the set it
 * has (see apps/server/src/capabilities.ts).
 */
import { IMPAIR_FIELDS, parseImpair, type ImpairField } from './impair.js';
import { LINK_KINDS } from './kinds/index.js';
import { interfacesOf, resolveTopology } from './resolveTopology.js';
import type { Topology } from './schema.js';
import type { LinkKind } from './state.js';
import { comparePaths } from './validate/segments.js';
import type { TopologyIssue } from './issues.js';

export type Capability = LinkKind | 'iptables' | 'ip6tables' | 'iptables-nat' | 'netem' | 'htb';

export const CAPABILITY_HELP: Record<Capability, string> = {
  ...(Object.fromEntries(LINK_KINDS.map((k) => [k.kind, k.capability.help])) as Record<LinkKind, string>),
  iptables: 'iptables (package iptables)',
  ip6tables: 'ip6tables (package iptables)',
  'iptables-nat': 'the iptables nat table (kernel modules nf_nat / nft_chain_nat)',
  netem: 'the netem qdisc (kernel module sch_netem) for delay and jitter',
  htb: 'the htb qdisc (kernel module sch_htb) for rate',
};

/**
 * What a topology needs, each with the path of its first use. Loss needs
 * netem when `has` includes it, else iptables (tc.ts).
 */
export function requiredCapabilities(t: Topology, has?: ReadonlySet<Capability>): Map<Capability, (string | number)[]> {
  const need = new Map<Capability, (string | number)[]>();
  const add = (c: Capability, path: (string | number)[]) => need.has(c) || need.set(c, path);
  // Every interface needs its kind; a veth is named by its link.
  const r = resolveTopology(t);
  const uses = [...r.scopes.values()]
    .flatMap((s) => interfacesOf(s))
    .sort((a, b) => (a.link ? 0 : 1) - (b.link ? 0 : 1) || comparePaths(a.path, b.path));
  for (const i of uses) add(i.kind, i.link ? ['links', i.link.index] : [...i.path]);
  const lossBy: Capability = has?.has('netem') ? 'netem' : 'iptables';
  const needs: Record<ImpairField, Capability> = { delay: 'netem', jitter: 'netem', loss: lossBy, rate: 'htb' };
  t.links.forEach((link, i) =>
    [link, ...link.endpoints].forEach((x, at) => {
      const base = at === 0 ? ['links', i] : ['links', i, 'endpoints', at - 1];
      for (const f of IMPAIR_FIELDS) if (parseImpair(x.impair)[f] !== undefined) add(needs[f], [...base, 'impair', f]);
    }),
  );
  for (const [name, node] of Object.entries(t.nodes)) {
    if (node.kind === 'bridge') continue;
    (node.nat ?? []).forEach((n, i) => {
      const v6 = n.type === 'masquerade' ? n.source.includes(':') : n.to.startsWith('[');
      add(v6 ? 'ip6tables' : 'iptables', ['nodes', name, 'nat', i]);
      add('iptables-nat', ['nodes', name, 'nat', i]);
    });
    if (node.firewall) add('iptables', ['nodes', name, 'firewall']);
  }
  return need;
}

/** Issues for every needed capability the host lacks. */
export function checkCapabilities(t: Topology, has: ReadonlySet<Capability>): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  for (const [cap, path] of requiredCapabilities(t, has)) {
    if (!has.has(cap))
      issues.push({ code: 'capability.missing', path, message: `this lab needs ${CAPABILITY_HELP[cap]}, which this host lacks` });
  }
  return issues;
}
