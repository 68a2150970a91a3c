/**
 * What this kernel and host can do, found by trying: link kinds are created
 * in a throwaway namespace, never in the host's. The answer is cached in the
 * run directory for the boot: a feature found present stays (a module that
 * loaded stays loaded); one found missing can only appear with a kernel module
 * loaded or installed, or a tool (iptables, tc) installed, so the cache keeps
 * it only while those are as they were when it was probed. A probe costs a
 * namespace and a dozen processes (~40 ms): every deploy paid it on a kernel
 * that lacks any feature, until this.
 *
 * A probe can also fail for a passing reason: its namespace not made, or
 * removed under it (a concurrent `nslab clean`), the xtables lock held by
 * another process. Such a probe's answer is used once and never kept; and a
 * lab is refused for a missing feature only on the answer of a probe run
 * cleanly just now (`missingCapabilities`), never on a kept one alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkCapabilities, labMark, LINK_KINDS, type Capability, type Topology, type TopologyIssue } from '@nslab/topology';
import { runDir } from './paths.js';
import { inNetns, type Runner } from './runner.js';

/** Link kinds probed, in `ip link add` form; the names are what users see. The lab's kinds come from their modules (veth first: others stand on p0). */
const LINK_PROBES: Array<[string, string]> = [
  ...[...LINK_KINDS]
    .sort((a, b) => (a.kind === 'veth' ? -1 : b.kind === 'veth' ? 1 : 0))
    .map((k): [string, string] => [k.kind, k.capability.probe]),
  ['dummy', 'link add pdm type dummy'],
  ['vlan', 'link add link p0 name p0.5 type vlan id 5'],
  ['ipip', 'link add pip type ipip'],
  ['gre', 'link add pgr type gre'],
  ['wireguard', 'link add pwg type wireguard'],
];

export const FEATURES = [...LINK_PROBES.map(([n]) => n), 'netem', 'htb', 'iptables', 'iptables-nat', 'ip6tables'] as const;

export type Features = Record<string, boolean>;

let memo: Features | undefined;

/** What a probe found, and whether it is sure: run cleanly just now (not kept from before, its namespace intact throughout). */
interface Probed {
  features: Features;
  sure: boolean;
}

export async function probeFeatures(runner: Runner, opts: { fresh?: boolean } = {}): Promise<Features> {
  return (await probe(runner, opts.fresh === true)).features;
}

/**
 * The lab's needs the host lacks, as `capability.missing` issues (none: it can
 * be deployed), and the capabilities it has. A missing feature in a kept
 * answer (this process's, or the run directory's) is checked by a fresh probe
 * before the lab is refused for it: a kept answer can be stale.
 */
export async function missingCapabilities(runner: Runner, topology: Topology): Promise<{ has: Set<Capability>; missing: TopologyIssue[] }> {
  let p = await probe(runner, false);
  let has = capabilitySet(p.features);
  let missing = checkCapabilities(topology, has);
  if (missing.length > 0 && !p.sure) {
    p = await probe(runner, true);
    has = capabilitySet(p.features);
    missing = checkCapabilities(topology, has);
  }
  return { has, missing };
}

async function probe(runner: Runner, fresh: boolean): Promise<Probed> {
  if (memo && !fresh) return { features: memo, sure: false };
  const cacheFile = path.join(runDir(), 'features.json');
  const bootId = readBootId();
  if (!fresh) {
    try {
      const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { bootId: string; features: Features; sources?: string };
      // Every feature known now must be in the cache (a kind added since is probed); a missing one, only while nothing could have brought it.
      if (
        cached.bootId === bootId &&
        FEATURES.every((f) => typeof cached.features[f] === 'boolean') &&
        (FEATURES.every((f) => cached.features[f]) || cached.sources === featureSources())
      )
        return { features: (memo = cached.features), sure: false };
    } catch {
      /* no cache yet */
    }
  }
  const ns = `nslab-probe-${process.pid}-${Date.now() % 100000}`;
  const features: Features = {};
  // A probe whose own setup failed says nothing about what is missing: its answer is not kept.
  let sure = (await runner.run(['ip', 'netns', 'add', ns])).code === 0;
  try {
    // The mark lets `nslab clean` remove a probe namespace left by a crash.
    const lines = [`link set lo alias ${labMark('nslab-probe')}`, ...LINK_PROBES.map(([, l]) => l)];
    const r = await runner.run(inNetns(ns, ['ip', '-force', '-batch', '-']), { input: `${lines.join('\n')}\n` });
    const failed = new Set([...r.stderr.matchAll(/Command failed -:(\d+)/g)].map((m) => Number(m[1]) - 2));
    // No line failed, yet the batch did: it never ran (no namespace to enter). The mark's line failing: no usable namespace.
    if ((r.code !== 0 && failed.size === 0) || failed.has(-1)) sure = false;
    LINK_PROBES.forEach(([name], i) => (features[name] = r.code === 0 || !failed.has(i)));
    const tc = await runner.run(inNetns(ns, ['tc', 'qdisc', 'add', 'dev', 'p0', 'root', 'netem', 'delay', '1ms']));
    features.netem = tc.code === 0;
    features.htb = (await runner.run(inNetns(ns, ['tc', 'qdisc', 'add', 'dev', 'p1', 'root', 'handle', '1:', 'htb']))).code === 0;
    const xtables = async (argv: string[]) => {
      // -w: wait for another process's xtables lock rather than fail; a failure naming the lock is no answer.
      const x = await runner.run(inNetns(ns, [argv[0]!, '-w', '5', ...argv.slice(1)]));
      if (x.code !== 0 && /xtables lock/i.test(x.stderr)) sure = false;
      return x.code === 0;
    };
    features.iptables = await xtables(['iptables', '-S']);
    features['iptables-nat'] = await xtables(['iptables', '-t', 'nat', '-S']);
    features.ip6tables = await xtables(['ip6tables', '-S']);
  } finally {
    // Ours, so it is there to delete unless something removed it during the probe (nslab clean): then every answer above is doubtful.
    if ((await runner.run(['ip', 'netns', 'del', ns])).code !== 0) sure = false;
  }
  if (!sure) return { features, sure };
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    // Read after the probe: the probe itself loads the modules of the kinds it finds.
    fs.writeFileSync(cacheFile, JSON.stringify({ bootId, features, sources: featureSources() }));
  } catch {
    /* a read-only run dir only costs a probe next time */
  }
  memo = features;
  return { features, sure };
}

/** The capabilities the topology package reasons about, from probed features. */
export function capabilitySet(f: Features): Set<Capability> {
  const caps: Capability[] = [...LINK_KINDS.map((k) => k.kind), 'iptables', 'ip6tables', 'iptables-nat', 'netem', 'htb'];
  return new Set(caps.filter((c) => f[c]));
}

function readBootId(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** Tools whose installation can turn a missing feature present. */
const FEATURE_TOOLS = ['iptables', 'ip6tables', 'tc'];

/**
 * What a missing feature could come from, as one string that changes when any
 * of it does: the kernel modules loaded (/proc/modules, absent on a kernel
 * without modules), the modules installed for this kernel (modules.dep) and
 * the tools on PATH. A handful of reads and stats, far cheaper than a probe.
 */
export function featureSources(): string {
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  };
  const mtime = (file: string) => {
    try {
      return String(fs.statSync(file).mtimeMs);
    } catch {
      return undefined;
    }
  };
  const modules = read('/proc/modules');
  const loaded =
    modules === undefined
      ? 'none'
      : modules
          .split('\n')
          .map((l) => l.split(' ')[0])
          .filter(Boolean)
          .sort()
          .join(',');
  const dirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  const tools = FEATURE_TOOLS.map((t) => `${t}=${dirs.map((d) => mtime(path.join(d, t))).find((m) => m !== undefined) ?? 'none'}`);
  return [`modules=${loaded}`, `installed=${mtime(`/lib/modules/${os.release()}/modules.dep`) ?? 'none'}`, ...tools].join(';');
}
