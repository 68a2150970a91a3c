/**
 * What this kernel and host can do, found by trying: link kinds are created
 * in a throwaway namespace, never in the host's. The answer is cached in the
 * run directory for the boot: a feature found present stays (a module that
 * loaded stays loaded); one found missing can only appear with a kernel module
 * loaded or installed, or a tool (iptables, tc) installed, so the cache keeps
 * it only while those are as they were when it was probed. A probe costs a
 * namespace and a dozen processes (~40 ms): every deploy paid it on a kernel
 * that lacks any feature, until this.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { labMark, LINK_KINDS, type Capability } from '@nslab/topology';
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

export async function probeFeatures(runner: Runner, opts: { fresh?: boolean } = {}): Promise<Features> {
  if (memo && !opts.fresh) return memo;
  const cacheFile = path.join(runDir(), 'features.json');
  const bootId = readBootId();
  if (!opts.fresh) {
    try {
      const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { bootId: string; features: Features; sources?: string };
      // Every feature known now must be in the cache (a kind added since is probed); a missing one, only while nothing could have brought it.
      if (
        cached.bootId === bootId &&
        FEATURES.every((f) => typeof cached.features[f] === 'boolean') &&
        (FEATURES.every((f) => cached.features[f]) || cached.sources === featureSources())
      )
        return (memo = cached.features);
    } catch {
      /* no cache yet */
    }
  }
  const ns = `nslab-probe-${process.pid}-${Date.now() % 100000}`;
  const features: Features = {};
  await runner.run(['ip', 'netns', 'add', ns]);
  try {
    // The mark lets `nslab clean` remove a probe namespace left by a crash.
    const lines = [`link set lo alias ${labMark('nslab-probe')}`, ...LINK_PROBES.map(([, l]) => l)];
    const r = await runner.run(inNetns(ns, ['ip', '-force', '-batch', '-']), { input: `${lines.join('\n')}\n` });
    const failed = new Set([...r.stderr.matchAll(/Command failed -:(\d+)/g)].map((m) => Number(m[1]) - 2));
    LINK_PROBES.forEach(([name], i) => (features[name] = r.code === 0 || !failed.has(i)));
    const tc = await runner.run(inNetns(ns, ['tc', 'qdisc', 'add', 'dev', 'p0', 'root', 'netem', 'delay', '1ms']));
    features.netem = tc.code === 0;
    features.htb = (await runner.run(inNetns(ns, ['tc', 'qdisc', 'add', 'dev', 'p1', 'root', 'handle', '1:', 'htb']))).code === 0;
    features.iptables = (await runner.run(inNetns(ns, ['iptables', '-S']))).code === 0;
    features['iptables-nat'] = (await runner.run(inNetns(ns, ['iptables', '-t', 'nat', '-S']))).code === 0;
    features.ip6tables = (await runner.run(inNetns(ns, ['ip6tables', '-S']))).code === 0;
  } finally {
    await runner.run(['ip', 'netns', 'del', ns]);
  }
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    // Read after the probe: the probe itself loads the modules of the kinds it finds.
    fs.writeFileSync(cacheFile, JSON.stringify({ bootId, features, sources: featureSources() }));
  } catch {
    /* a read-only run dir only costs a probe next time */
  }
  return (memo = features);
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
