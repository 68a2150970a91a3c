/**
 * The host's own interfaces a script names (`-o wlo1` in a MASQUERADE rule, a
 * FORWARD rule's `-i eth0`, a vxlan's `dev ens160`, a macvlan's parent): on
 * another host they are often called something else, and a rule on a missing
 * interface matches nothing, silently. Each one this host lacks is a warning
 * naming the likely replacement: the interface the host's default route
 * leaves by (the first 20; the rest are counted in one more). The importer is pure: the server reads the host's list.
 */
import { formatTopology } from '../labText.js';
import { parseTopologyData } from '../parseTopology.js';
import { HOST_KEY, interfacesOf, resolveTopology } from '../resolveTopology.js';
import type { NamespaceNode, Topology } from '../schema.js';
import type { ImportNote, ImportResult } from '../importScript.js';
import type { ScriptLine } from './lines.js';

export interface HostInterfaces {
  /** Every interface of the host namespace. */
  interfaces: string[];
  /** The interface of the host's default route, if it has one. */
  defaultRoute?: string;
}

/** A host node's mentions of interfaces, each with a setter that renames it. */
function mentions(node: NamespaceNode): Array<{ name: string; set(to: string): void }> {
  const out: Array<{ name: string; set(to: string): void }> = [];
  const at = <T extends object>(o: T, k: keyof T) => {
    const v = o[k];
    if (typeof v === 'string') out.push({ name: v, set: (to) => ((o as Record<keyof T, unknown>)[k] = to) });
  };
  for (const n of node.nat ?? []) {
    if (n.type !== 'masquerade') continue;
    at(n, 'outInterface');
    at(n, 'notOutInterface');
  }
  for (const f of node.firewall?.forward ?? []) {
    at(f, 'in');
    at(f, 'out');
  }
  for (const r of node.routes ?? []) at(r, 'dev');
  for (const v of node.vxlans ?? []) at(v, 'dev');
  for (const m of node.macvlans ?? []) at(m, 'parent');
  return out;
}

const hostNodeOf = (t: Topology) => Object.values(t.nodes).find((n): n is NamespaceNode & { kind: 'host' } => n.kind === 'host');

/** At most this many warnings name a missing interface each; the rest are counted in one more. */
const MAX_WARNINGS = 20;
/** At most this many of the host's interfaces are listed. */
const MAX_LISTED = 20;

/** Warnings for the host interfaces `t` names that are neither the lab's own nor this host's; see the top of this file. */
export function hostInterfaceWarnings(t: Topology, host: HostInterfaces, lines: ScriptLine[]): ImportNote[] {
  const node = hostNodeOf(t);
  if (!node) return [];
  const scope = resolveTopology(t).scopes.get(HOST_KEY);
  const own = new Set(scope ? interfacesOf(scope).map((i) => i.name) : []);
  const here = new Set(host.interfaces);
  const missing = [...new Set(mentions(node).map((m) => m.name))].filter((n) => !own.has(n) && !here.has(n));
  if (missing.length === 0) return [];
  const shown = missing.slice(0, MAX_WARNINGS);
  // The first line naming each: one pass over the words.
  const lineOf = new Map<string, ScriptLine>();
  const wanted = new Set(shown);
  for (const l of lines) for (const w of l.words) if (wanted.has(w) && !lineOf.has(w)) lineOf.set(w, l);
  const to = host.defaultRoute;
  const others = host.interfaces.filter((i) => i !== 'lo');
  const list =
    others.length === 0
      ? 'no other interface'
      : others.slice(0, MAX_LISTED).join(', ') + (others.length > MAX_LISTED ? ` and ${others.length - MAX_LISTED} more` : '');
  const notes: ImportNote[] = shown.map((name, k) => {
    const line = lineOf.get(name);
    const instead = to
      ? `this host's default route leaves by ${to}: use ${to}`
      : k === 0
        ? `this host has ${list}`
        : `this host's interfaces are listed with ${shown[0]}`;
    return {
      line: line?.line ?? 0,
      text: line?.text ?? name,
      message: `${name} is not an interface of this host, so what the lab does on it matches nothing here; ${instead}`,
      ...(to ? { replace: { from: name, to } } : {}),
    };
  });
  const more = missing.length - shown.length;
  if (more > 0) {
    const names = missing.slice(MAX_WARNINGS, MAX_WARNINGS + MAX_LISTED).join(', ') + (more > MAX_LISTED ? ', …' : '');
    notes.push({ line: 0, text: '', message: `and ${more} more interfaces this host lacks: ${names}` });
  }
  return notes;
}

/**
 * The import with host interface `from` replaced by `to` wherever the host
 * node names it, and its warning gone.
 *
 * @example
 * replaceHostInterface(importScript('iptables -t nat -A POSTROUTING -o wlo1 -j MASQUERADE', 'x', { host }), 'wlo1', 'eth0')
 */
export function replaceHostInterface<R extends ImportResult>(r: R, from: string, to: string): R {
  const t = JSON.parse(JSON.stringify(r.topology)) as Topology;
  const node = hostNodeOf(t);
  if (node) for (const m of mentions(node)) if (m.name === from) m.set(to);
  const p = parseTopologyData(t);
  const topology = p.topology ?? t;
  return {
    ...r,
    topology,
    issues: p.issues,
    yaml: formatTopology(topology),
    warnings: r.warnings.filter((w) => w.replace?.from !== from),
  };
}
