/**
 * What the containerlab importer reads itself rather than hand to the script
 * importer: `tc qdisc … netem` lines (impairments), `ip link set IF down`, a
 * bridge's `stp_state 1`, link labels, and the prefix, description and checks
 * an nslab export keeps in the file's leading comment.
 */
import { parse } from 'yaml';
import { depthLimitIssue, LIMITS, sizeLimitIssue } from '../parseTopology/limits.js';
import type { EndpointSpec, Topology } from '../schema.js';
import { isDict, NSLAB_BLOCK } from './names.js';

export interface Extras {
  /** By `NETNS/IFNAME` ('' the host). */
  impair: Map<string, Record<string, string>>;
  down: Set<string>;
  stp: Set<string>;
  labels: Map<string, string>;
}

export const noExtras = (): Extras => ({ impair: new Map(), down: new Set(), stp: new Set(), labels: new Map() });

/** Reads a netem, down or STP line of namespace `ns` into `x`; true when the script importer need not see it. */
export function readExtra(w: string[], ns: string, x: Extras): boolean {
  if (
    w[0] === 'tc' &&
    w[1] === 'qdisc' &&
    (w[2] === 'add' || w[2] === 'replace') &&
    w[3] === 'dev' &&
    w[5] === 'root' &&
    w[6] === 'netem'
  ) {
    const impair: Record<string, string> = {};
    for (let i = 7; i < w.length; i++) {
      if (w[i] === 'delay' && w[i + 1]) {
        impair.delay = w[++i]!;
        if (w[i + 1] && /^\d/.test(w[i + 1]!)) impair.jitter = w[++i]!;
      } else if (w[i] === 'loss' && w[i + 1]) impair.loss = w[i + 1] === 'random' ? w[(i += 2)]! : w[++i]!;
      else if (w[i] === 'rate' && w[i + 1]) impair.rate = w[++i]!;
      else return false; // more than nslab draws: the script importer says so
    }
    x.impair.set(`${ns}/${w[4]}`, impair);
    return true;
  }
  if (w[0] === 'ip' && w[1] === 'link' && w[2] === 'set') {
    const rest = w[3] === 'dev' ? w.slice(4) : w.slice(3);
    if (rest.length === 2 && rest[1] === 'down') x.down.add(`${ns}/${rest[0]}`);
    if (rest.length === 5 && rest[1] === 'type' && rest[2] === 'bridge' && rest[3] === 'stp_state') {
      if (rest[4] === '1') x.stp.add(`${ns}/${rest[0]}`);
      return true;
    }
  }
  return false;
}

/** The namespace an endpoint's interface is in: its node's, or for a bridge port the bridge's ('' the host). */
function scopeOf(t: Topology, e: EndpointSpec): string {
  const n = t.nodes[e.node];
  if (n?.kind === 'bridge') return n.netns ?? '';
  return n?.kind === 'netns' ? e.node : '';
}

/** The lab with the extras read: impairments and downed ends (the link's own when both ends agree), STP, link labels. */
export function withExtras(t: Topology, x: Extras): Topology {
  if (!x.impair.size && !x.down.size && !x.stp.size && !x.labels.size) return t;
  const nodes = Object.fromEntries(
    Object.entries(t.nodes).map(([k, n]) => [k, n.kind === 'bridge' && x.stp.has(`${n.netns ?? ''}/${k}`) ? { ...n, stp: true } : n]),
  );
  type Ends = Topology['links'][number]['endpoints'];
  const links = t.links.map((l) => {
    const keys = l.endpoints.map((e) => `${scopeOf(t, e)}/${e.name}`);
    let ends = l.endpoints.map((e, i) => {
      const impair = x.impair.get(keys[i]!);
      return { ...e, ...(impair ? { impair } : {}), ...(x.down.has(keys[i]!) ? { up: false } : {}) };
    }) as unknown as Ends;
    const label = keys.map((k) => x.labels.get(k)).find((v) => v !== undefined);
    const link: Topology['links'][number] = { ...l, ...(label !== undefined ? { label } : {}) };
    const [a, b] = ends;
    if (a.impair && JSON.stringify(a.impair) === JSON.stringify(b.impair)) {
      link.impair = a.impair;
      ends = ends.map(({ impair: _, ...e }) => e) as unknown as Ends;
    }
    if (a.up === false && b.up === false) {
      link.up = false;
      ends = ends.map(({ up: _, ...e }) => e) as unknown as Ends;
    }
    return { ...link, endpoints: ends };
  });
  return { ...t, nodes, links };
}

/** The prefix, description and checks an nslab export wrote in the file's leading comment; undefined when that part cannot be read. */
export function nslabBlock(comment: string): Partial<Pick<Topology, 'prefix' | 'description' | 'checks'>> | undefined {
  const lines = comment.split('\n');
  const at = lines.findIndex((l) => l.trim() === NSLAB_BLOCK);
  if (at < 0) return {};
  const text = lines.slice(at + 1).join('\n');
  // Comments are not lexed by the file's limits: this part is measured on its own.
  if (sizeLimitIssue(text, LIMITS) ?? depthLimitIssue(text, LIMITS)) return undefined;
  try {
    const v = parse(text, { maxAliasCount: 0 }) as unknown;
    if (!isDict(v)) return undefined;
    return {
      ...(typeof v.prefix === 'string' ? { prefix: v.prefix } : {}),
      ...(typeof v.description === 'string' ? { description: v.description } : {}),
      ...(Array.isArray(v.checks) ? { checks: v.checks as Topology['checks'] } : {}),
    };
  } catch {
    return undefined;
  }
}
