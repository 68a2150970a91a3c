/**
 * nslab discover: the live host as a lab. The observer reads the host, the
 * same reading deploy starts from (veth peers resolved across namespaces);
 * the namespaces nslab made (or, with --all, every one) become a LabState,
 * and `labFromState` writes that as a lab directly. `script` is the plan of
 * that lab, rendered as `nslab plan` renders one.
 *
 * What counts as the lab's: in a namespace, everything (it dies with the
 * namespace); on the host, only what carries a lab's mark (links, iptables
 * rules) or a lab's hold (sysctls, chain policies), unless --all.
 */
import {
  commentOf,
  desiredState,
  emptyObserved,
  formatIssue,
  formatTopology,
  isError,
  labFromState,
  labOfMark,
  parseHoldKey,
  parseTopologyData,
  planDeploy,
  policyKey,
  renderPlanScript,
  scopeKeyOf,
  type DiscoverResult,
  type HostHold,
  type LabState,
  type ScopeState,
  type Topology,
  type TopologyIssue,
} from '@nslab/topology';
import { HoldStore } from './holds.js';
import { applyTables, readHost, readSysctls, saveTables, type HostReading, type RawScope } from './observe.js';
import type { IpLink } from './observe/parse.js';
import { parallelism } from './paths.js';
import { mapLimit, type Runner } from './runner.js';

export interface DiscoverOptions {
  /** Include namespaces and links nslab did not make (a Kubernetes node's, say). */
  all?: boolean;
  name?: string;
  /** The records of host settings labs changed; default the server's. */
  holds?: HoldStore;
}

export async function discoverHost(runner: Runner, opts: DiscoverOptions = {}): Promise<DiscoverResult> {
  const reading = await readHost(runner);
  const kept = reading.namespaces.filter((r) => opts.all || r.owner !== undefined);
  const labs = [...new Set(kept.flatMap((r) => (r.owner === undefined ? [] : [r.owner])))];
  const name = opts.name ?? (labs.length === 1 ? labs[0]! : 'discovered');
  const holds = (opts.holds ?? new HoldStore()).read();
  const read = { runner, reading, all: opts.all ?? false, holds };
  const scopes = await mapLimit(
    [reading.host, ...kept],
    parallelism(),
    async (r) => [scopeKeyOf(r.netns), await scopeOf(r, read)] as const,
  );
  const state: LabState = { lab: name, scopes: Object.fromEntries(scopes) };

  const { topology, warnings } = labFromState(state, { name, fromHost: true });
  const parsed = parseTopologyData(topology);
  const lab = parsed.topology ?? topology;
  return {
    topology: lab,
    warnings: warnings.map((w) => ({ line: 0, text: w.at, message: w.message })),
    skipped: [],
    issues: parsed.issues,
    yaml: formatTopology(lab),
    script: scriptOf(lab, parsed.issues),
  };
}

interface Read {
  runner: Runner;
  reading: HostReading;
  all: boolean;
  holds: Record<string, HostHold>;
}

/** One namespace's (or the host's) state, as far as it is the lab's. */
async function scopeOf(r: RawScope, { runner, reading, all, holds }: Read): Promise<ScopeState> {
  const isHost = r.netns === null;
  const s = reading.scopeState(r, (l: IpLink) => !isHost || all || labOfMark(l.ifalias) !== undefined);
  const v6 = Object.values(s.links).some((l) => l.addresses.some((a) => a.includes(':')));
  const keepRule = (args: string[]) => !isHost || all || labOfMark(commentOf(args)) !== undefined;
  for (const family of v6 ? ([4, 6] as const) : ([4] as const)) applyTables(s, await saveTables(runner, r.netns, family, keepRule));

  const held = Object.entries(holds)
    .flatMap(([k, h]) => (h.labs.length > 0 ? [parseHoldKey(k)] : []))
    .filter((h) => h !== undefined);
  if (isHost) {
    // The host's policies are its own (Docker's DROP, say) unless a lab holds them.
    const policies = s.policies;
    s.policies = {};
    for (const h of held) {
      const k = h.type === 'policy' ? policyKey(h.family, h.chain, h.table) : undefined;
      if (k !== undefined && policies[k] !== undefined) s.policies[k] = policies[k];
    }
  } else {
    // A new namespace forwards everything (ACCEPT): only a DROP is someone's setting.
    for (const [k, p] of Object.entries(s.policies)) if (p === 'ACCEPT') delete s.policies[k];
  }

  // Sysctls: the forwarding and proxy-ARP switches the seeds turn on (where they are on), and on the host those a lab holds.
  const usual =
    isHost && !all
      ? []
      : [
          'net.ipv4.ip_forward',
          'net.ipv6.conf.all.forwarding',
          ...Object.values(s.links)
            .filter((l) => l.kind === 'veth' || l.kind === 'bridge')
            .map((l) => `net.ipv4.conf.${l.name.replace(/\./g, '/')}.proxy_arp`),
        ];
  const mine = isHost ? held.flatMap((h) => (h.type === 'sysctl' ? [h.key] : [])) : [];
  const values = usual.length + mine.length > 0 ? await readSysctls(runner, r.netns, [...new Set([...usual, ...mine])]) : {};
  for (const [k, v] of Object.entries(values)) if (mine.includes(k) || v !== '0') s.sysctls[k] = v;
  return s;
}

/** The commands that build the lab, as `nslab plan` prints them on an empty host; a lab that does not validate gets its issues instead. */
function scriptOf(lab: Topology, issues: TopologyIssue[]): string {
  const errors = issues.filter(isError);
  if (errors.length > 0)
    return `#!/usr/bin/env bash\n# nslab discover: the lab found is not valid, so there is no plan:\n${errors.map((i) => `# ${formatIssue(i)}`).join('\n')}\n`;
  const plan = planDeploy(emptyObserved(lab.name), desiredState(lab));
  return renderPlanScript(plan, { header: `builds lab "${lab.name}" as nslab discover found it on this host` });
}
