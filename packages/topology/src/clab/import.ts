/**
 * Reads a containerlab topology (https://containerlab.dev/manual/topo-def-file/)
 * as an nslab lab. The file is turned into the shell commands that would build
 * the same network — `ip netns add` per container, `ip link add … type veth`
 * per link, each node's `exec` lines run in its namespace — and those go
 * through the script importer, so an exec line means here what it means in
 * `nslab import-script` (addresses, routes, sysctls, iptables). What nslab
 * cannot do (images, binds, the management network…) is a warning naming its
 * YAML path and line.
 */
import { isMap, isScalar, isSeq, LineCounter, parse, parseDocument } from 'yaml';
import { renameNode } from '../edit.js';
import { formatTopology } from '../labText.js';
import { LAB_NAME, NODE_NAME } from '../names.js';
import { parseTopologyData } from '../parseTopology.js';
import { depthLimitIssue, LIMITS, sizeLimitIssue } from '../parseTopology/limits.js';
import { labOf, readScript } from '../importScript.js';
import { labNameOf } from '../importScript/document.js';
import { splitWords, type ScriptLine } from '../importScript/lines.js';
import type { EndpointSpec, Topology } from '../schema.js';
import { LABEL, NSLAB_BLOCK } from './export.js';
import type { ClabImport, ClabImportOptions, ClabNote } from './types.js';

type Dict = Record<string, unknown>;

/** Warnings listed; more are counted. */
const MAX_NOTES = 200;
/** Commands from exec lines and sysctls, all nodes together (a 1 MiB seed document is ~30 000 lines). */
const MAX_COMMANDS = 20_000;
type Path = Array<string | number>;

/** Container kinds that are plain Linux: no warning that the image's own configuration is lost. */
const LINUX_KINDS = new Set(['linux']);
const BRIDGE_KINDS = new Set(['bridge', 'ovs-bridge']);
/** Endpoint "nodes" that are link types in the brief format (containerlab's links/link_brief.go). */
const SPECIAL_ENDPOINTS = new Set(['host', 'macvlan', 'mgmt-net']);

/** Node fields nslab reads; every other one is a warning (its path says which). */
const READ_FIELDS = new Set(['kind', 'group', 'exec', 'sysctls', 'network-mode', 'labels']);
/** Node fields that say how to run a container: nslab runs the host's programs in a namespace. */
const CONTAINER_FIELDS: Record<string, string> = {
  image: 'nslab makes a namespace, not a container: its programs are the host\u2019s, not the image\u2019s',
  binds: 'no files are mounted into a namespace: its programs see the host\u2019s files',
  ports: 'no management network to publish from: publish a port with a dnat rule on the host node',
  'mgmt-ipv4': 'nslab labs have no management network: reach a node through its terminal',
  'mgmt-ipv6': 'nslab labs have no management network: reach a node through its terminal',
  env: 'a namespace has no environment of its own: set variables in its terminal',
  cmd: 'nothing runs in a namespace until you start it in its terminal',
  entrypoint: 'nothing runs in a namespace until you start it in its terminal',
  'startup-config': 'a network OS configuration is not imported',
};

interface Origin {
  path: Path;
}

interface Resolved {
  name: string;
  kind: string;
  /** Where the kind was given. */
  kindPath: Path;
  role: 'netns' | 'bridge' | 'host';
}

/**
 * @example
 * importClab('name: two\ntopology:\n  nodes:\n    a: { kind: linux, exec: [ip addr add 10.0.0.1/24 dev eth1] }\n    b: { kind: linux }\n  links:\n    - endpoints: ["a:eth1", "b:eth1"]\n').yaml
 */
export function importClab(text: string, opts: ClabImportOptions = {}): ClabImport {
  let lineOf: (path: Path) => number = () => 0;
  const fail = (message: string, path: Path = [], line = lineOf(path)): ClabImport => ({
    errors: [{ path: pathText(path), line, message }],
    warnings: [],
    issues: [],
    yaml: '',
  });
  if (typeof text !== 'string') return fail('expected the text of a containerlab topology file');
  if (opts.name !== undefined && !LAB_NAME.test(opts.name))
    return fail(`the name "${opts.name.slice(0, 40)}" is not a lab name (lower-case letters, digits, "-", at most 24)`);
  const tooBig = sizeLimitIssue(text, LIMITS) ?? depthLimitIssue(text, LIMITS);
  if (tooBig) return fail(tooBig.message);
  const lines = new LineCounter();
  let data: unknown;
  let comment: string;
  try {
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter: lines });
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      return fail(e.message.split('\n')[0]!, [], lines.linePos(e.pos[0]).line);
    }
    data = doc.toJS({ maxAliasCount: LIMITS.maxAliases });
    // A comment right above the first key belongs to that key; with a blank line after it, to the document.
    const first = (doc.contents as { items?: Array<{ key?: { commentBefore?: string } }> } | null)?.items?.[0]?.key;
    comment = [doc.commentBefore, first?.commentBefore].filter(Boolean).join('\n');
    // A key's line (not its value's, which may start on the next line); the nearest ancestor's when the path is not there.
    lineOf = (path) => {
      for (let p = path; p.length > 0; p = p.slice(0, -1)) {
        const parent = p.length === 1 ? doc.contents : doc.getIn(p.slice(0, -1), true);
        const last = p[p.length - 1];
        const at = isMap(parent)
          ? parent.items.find((it) => isScalar(it.key) && it.key.value === last)?.key
          : isSeq(parent) && typeof last === 'number'
            ? parent.items[last]
            : undefined;
        const range = (at as { range?: [number, number, number] } | undefined)?.range;
        if (range) return lines.linePos(range[0]).line;
      }
      return 0;
    };
  } catch (e) {
    return fail(/alias/i.test((e as Error).message) ? 'aliases expand the document too much: refused' : (e as Error).message);
  }
  if (!isDict(data)) return fail('expected a mapping with "name" and "topology"');
  const topology = data.topology;
  if (!isDict(topology)) return fail('missing: a containerlab file has "topology" with "nodes"', ['topology']);
  const nodesIn = topology.nodes;
  if (!isDict(nodesIn)) return fail('missing: "nodes", a mapping of node names to their settings', ['topology', 'nodes']);
  if (Object.keys(nodesIn).length > LIMITS.maxNodes)
    return fail(`${Object.keys(nodesIn).length} nodes; nslab reads at most ${LIMITS.maxNodes}`, ['topology', 'nodes']);
  const linksIn = topology.links ?? [];
  if (!Array.isArray(linksIn)) return fail('expected a list of links', ['topology', 'links']);
  if (linksIn.length > LIMITS.maxLinks)
    return fail(`${linksIn.length} links; nslab reads at most ${LIMITS.maxLinks}`, ['topology', 'links']);

  const errors: ClabNote[] = [];
  const warnings: ClabNote[] = [];
  const warned = new Set<string>();
  let unlisted = 0;
  const warn = (path: Path, message: string) => {
    const key = `${pathText(path)}\n${message}`;
    if (warned.has(key)) return;
    warned.add(key);
    // A file of two thousand nodes with ten unknown fields each stays a small reply.
    if (warnings.length >= MAX_NOTES) unlisted++;
    else warnings.push({ path: pathText(path), line: lineOf(path), message });
  };
  const error = (path: Path, message: string) => errors.push({ path: pathText(path), line: lineOf(path), message });

  for (const key of Object.keys(data))
    if (key === 'mgmt') warn(['mgmt'], 'nslab labs have no management network: reach a node through its terminal');
    else if (key === 'prefix') warn(['prefix'], 'container names: nslab names each namespace after its node');
    else if (key !== 'name' && key !== 'topology') warn([key], 'not part of an nslab lab: left out');
  for (const key of Object.keys(topology))
    if (!['nodes', 'links', 'kinds', 'defaults', 'groups'].includes(key)) warn(['topology', key], 'not part of an nslab lab: left out');

  const section = (key: string): Dict => (isDict(topology[key]) ? (topology[key] as Dict) : {});
  const kinds = section('kinds');
  const groups = section('groups');
  const defaults = section('defaults');

  /** The places a node's setting may come from, most specific first (containerlab: node, group, kind, defaults). */
  const layers = (node: string, def: Dict): Array<{ path: Path; def: Dict }> => {
    const out = [{ path: ['topology', 'nodes', node], def }];
    const group = typeof def.group === 'string' ? def.group : typeof defaults.group === 'string' ? defaults.group : undefined;
    if (group !== undefined && isDict(groups[group])) out.push({ path: ['topology', 'groups', group], def: groups[group] as Dict });
    const kind = [def, ...(group !== undefined && isDict(groups[group]) ? [groups[group] as Dict] : []), defaults].find(
      (d) => typeof d.kind === 'string',
    )?.kind as string | undefined;
    if (kind !== undefined && isDict(kinds[kind])) out.push({ path: ['topology', 'kinds', kind], def: kinds[kind] as Dict });
    out.push({ path: ['topology', 'defaults'], def: defaults });
    return out;
  };

  // Nodes: their role, their namespace name, their exec lines and sysctls.
  const resolved = new Map<string, Resolved>();
  let overflow = false;
  const extras: Extras = { impair: new Map(), down: new Set(), stp: new Set(), labels: new Map() };
  let hostNode: string | undefined;
  const nodeScript: Array<{ words: string[]; origin: Origin }> = [];
  const execScript: Array<{ words: string[]; origin: Origin }> = [];
  const nodeDefs = new Map<string, Array<{ path: Path; def: Dict }>>();
  for (const [node, raw] of Object.entries(nodesIn)) {
    const path: Path = ['topology', 'nodes', node];
    if (raw !== null && raw !== undefined && !isDict(raw)) {
      error(path, 'expected a mapping of the node\u2019s settings');
      continue;
    }
    const ls = layers(node, (raw ?? {}) as Dict);
    nodeDefs.set(node, ls);
    const kindAt = ls.find((l) => typeof l.def.kind === 'string');
    if (!kindAt) {
      error(path, 'no kind: give the node a kind (linux, bridge…) or set topology.defaults.kind');
      continue;
    }
    const kind = kindAt.def.kind as string;
    const networkMode = ls.find((l) => typeof l.def['network-mode'] === 'string');
    const hostMode = networkMode?.def['network-mode'] === 'host' || kind === 'host';
    const role: Resolved['role'] = hostMode ? 'host' : BRIDGE_KINDS.has(kind) ? 'bridge' : 'netns';
    if (role === 'host') {
      if (hostNode !== undefined) {
        warn(path, `the host is already node ${hostNode}: this node's settings apply to the same host namespace`);
      } else hostNode = node;
    } else if (!NODE_NAME.test(node)) {
      error(path, `"${node.slice(0, 70)}" cannot name an nslab node: a letter, then letters, digits, "_" or "-" (at most 63)`);
      continue;
    } else if (SPECIAL_ENDPOINTS.has(node)) {
      error(path, `"${node}" names a link type in containerlab endpoints ("${node}:IF"): rename the node`);
      continue;
    }
    if (networkMode && !hostMode && networkMode.def['network-mode'] !== 'none')
      warn([...networkMode.path, 'network-mode'], 'nslab gives every node its own namespace: this one gets its own');
    resolved.set(node, { name: node, kind, kindPath: [...kindAt.path, 'kind'], role });
    if (role === 'bridge') {
      if (kind === 'ovs-bridge') warn([...kindAt.path, 'kind'], 'Open vSwitch: nslab makes a Linux bridge');
      nodeScript.push({ words: ['ip', 'link', 'add', node, 'type', 'bridge'], origin: { path } });
    } else if (role === 'netns') {
      if (!LINUX_KINDS.has(kind))
        warn(
          [...kindAt.path, 'kind'],
          `${kind} runs a network OS in a container: nslab makes an empty Linux namespace; configure it with ip in its terminal`,
        );
      nodeScript.push({ words: ['ip', 'netns', 'add', node], origin: { path } });
    }
    for (const l of ls) {
      for (const [field, value] of Object.entries(l.def)) {
        if (READ_FIELDS.has(field) || value === undefined || value === null) continue;
        const at = [...l.path, field];
        if (l.path[1] === 'kinds' || l.path[1] === 'defaults' || l.path[1] === 'groups') {
          // Defaults apply to many nodes: one warning at their place.
          if (field === 'kind' || field === 'group') continue;
        }
        warn(at, CONTAINER_FIELDS[field] ? `${field}: ${CONTAINER_FIELDS[field]}` : `${field}: not part of an nslab lab; left out`);
      }
    }
    if (role === 'bridge') {
      // Only its own: defaults and kinds' exec lines are for the containers.
      if (Array.isArray(ls[0]!.def.exec) && ls[0]!.def.exec.length > 0) warn([...path, 'exec'], 'a bridge runs nothing: left out');
      continue;
    }
    const netns = role === 'host' ? undefined : node;
    // Defaults and kinds' lines are copied onto every node: a small file could mean millions of commands.
    const add = (words: string[], at: Path): boolean => {
      if (execScript.length < MAX_COMMANDS) {
        execScript.push({ words: inNs(netns, words), origin: { path: at } });
        return true;
      }
      overflow = true;
      error(
        at.slice(0, -1),
        `more than ${MAX_COMMANDS} exec lines and sysctls in all, counting those every node inherits: nslab reads at most that many`,
      );
      return false;
    };
    layers: for (const l of [...ls].reverse()) {
      const sysctls = l.def.sysctls;
      if (isDict(sysctls))
        for (const [key, value] of Object.entries(sysctls))
          if (!add(['sysctl', '-w', `${key}=${String(value)}`], [...l.path, 'sysctls', key])) break layers;
      const exec = l.def.exec;
      if (exec === undefined) continue;
      if (!Array.isArray(exec)) {
        warn([...l.path, 'exec'], 'expected a list of commands');
        continue;
      }
      for (const [i, line] of exec.entries()) {
        const at = [...l.path, 'exec', i];
        if (typeof line !== 'string') {
          warn(at, 'expected a command (a string)');
          continue;
        }
        for (const words of commandsOf(line)) if (!readByImporter(words, netns ?? '', extras) && !add(words, at)) break layers;
      }
    }
    if (overflow) break;
  }

  // Links: one veth each (or a macvlan), made before any exec line runs, as containerlab does.
  const linkScript: Array<{ words: string[]; origin: Origin }> = [];
  const end = (e: { node: string; iface: string }, path: Path): { ns: string | undefined; master?: string } | undefined => {
    if (e.node === 'host') return { ns: undefined };
    const r = resolved.get(e.node);
    if (!r) {
      // A node that is there was refused above, with its reason.
      if (!Object.hasOwn(nodesIn, e.node)) error(path, `no node "${e.node.slice(0, 70)}" in topology.nodes`);
      return undefined;
    }
    if (r.role === 'host') return { ns: undefined };
    if (r.role === 'bridge') return { ns: undefined, master: r.name };
    return { ns: r.name };
  };
  linksIn.forEach((raw, i) => {
    const path: Path = ['topology', 'links', i];
    const link = readLink(raw, path, warn, error);
    if (!link) return;
    const origin = { path };
    if (link.kind === 'macvlan') {
      const e = end(link.a, link.aPath);
      if (!e) return;
      if (e.ns === undefined) return warn(path, 'a macvlan for the host itself: left out');
      linkScript.push({
        words: ['ip', 'link', 'add', link.a.iface, 'link', link.parent, 'netns', e.ns, 'type', 'macvlan', 'mode', link.mode],
        origin,
      });
      return;
    }
    const a = end(link.a, link.aPath);
    const b = end(link.b, link.bPath);
    if (!a || !b) return;
    if (link.label !== undefined) extras.labels.set(`${a.ns ?? ''}/${link.a.iface}`, link.label);
    linkScript.push({
      words: [
        'ip',
        'link',
        'add',
        link.a.iface,
        ...(a.ns ? ['netns', a.ns] : []),
        'type',
        'veth',
        'peer',
        'name',
        link.b.iface,
        ...(b.ns ? ['netns', b.ns] : []),
      ],
      origin,
    });
    for (const [e, x, ePath] of [
      [a, link.a, link.aPath],
      [b, link.b, link.bPath],
    ] as const) {
      const set = (...words: string[]) =>
        linkScript.push({ words: inNs(e.ns, ['ip', 'link', 'set', x.iface, ...words]), origin: { path: ePath } });
      if (e.master) set('master', e.master);
      if (link.mtu) set('mtu', String(link.mtu));
      if (x.mac) set('address', x.mac);
      for (const addr of x.addresses)
        linkScript.push({ words: inNs(e.ns, ['ip', 'addr', 'add', addr, 'dev', x.iface]), origin: { path: ePath } });
    }
  });
  if (errors.length > 0) return { errors, warnings, issues: [], yaml: '' };

  // The commands, read by the script importer; its notes point back at the YAML.
  const all = [...nodeScript, ...linkScript, ...execScript];
  const scriptLines: ScriptLine[] = all.map((c, k) => ({ line: k + 1, text: c.words.join(' '), words: c.words }));
  const run = readScript(scriptLines, false)[0]!;
  const name = opts.name ?? labNameFrom(data.name);
  if (opts.name === undefined && typeof data.name === 'string' && data.name !== name)
    warn(['name'], `"${data.name.slice(0, 40)}" is not a lab name (lower-case letters, digits, "-", at most 24): named ${name}`);
  const r = labOf(run, name, opts.host ? { host: opts.host } : {});
  for (const w of r.warnings) {
    const origin = all[w.line - 1]?.origin;
    warn(origin?.path ?? [], origin ? w.message : `${w.text}: ${w.message}`);
  }

  let t: Topology = r.topology;
  if (hostNode !== undefined && hostNode !== 'host' && t.nodes.host && !t.nodes[hostNode]) t = renameNode(t, 'host', hostNode);
  // The script importer adds a host node for the host's veth ends; bridge ports alone do not need one the file did not have.
  const h = hostNode ?? 'host';
  if (t.nodes[h] && isEmptyHost(t, h)) t = { ...t, nodes: Object.fromEntries(Object.entries(t.nodes).filter(([k]) => k !== h)) };
  t = withPositions(t, nodeDefs);
  t = withExtras(t, extras);
  const block = nslabBlock(comment);
  if (block === undefined) warn([], 'the nslab part of the leading comment is not YAML: left out');
  else t = { ...t, ...block };
  if (unlisted > 0) warnings.push({ path: '', line: 0, message: `and ${unlisted} more warnings` });
  const p = parseTopologyData(t);
  const final = p.topology ?? t;
  return { topology: final, errors: [], warnings, issues: p.issues, yaml: formatTopology(final) };
}

interface LinkEnd {
  node: string;
  iface: string;
  mac?: string;
  addresses: string[];
}
type ReadLink =
  | { kind: 'veth'; a: LinkEnd; b: LinkEnd; aPath: Path; bPath: Path; mtu?: number; label?: string }
  | { kind: 'macvlan'; a: LinkEnd; aPath: Path; parent: string; mode: string };

/** A link in the brief format (`endpoints: ["a:eth1", "b:eth1"]`) or the extended one (`type: veth|host|macvlan|…`). */
function readLink(raw: unknown, path: Path, warn: (p: Path, m: string) => void, error: (p: Path, m: string) => void): ReadLink | undefined {
  if (!isDict(raw)) return void error(path, 'expected a mapping with "endpoints"');
  const mtu = typeof raw.mtu === 'number' ? raw.mtu : undefined;
  const label = isDict(raw.labels) && typeof raw.labels[LABEL] === 'string' ? { label: raw.labels[LABEL] } : {};
  for (const key of Object.keys(raw))
    if (!['endpoints', 'endpoint', 'type', 'mtu', 'host-interface', 'mode', 'labels', 'vars'].includes(key))
      warn([...path, key], 'not part of an nslab link: left out');
  const type = typeof raw.type === 'string' ? raw.type : undefined;
  if (type === undefined) {
    const eps = raw.endpoints;
    if (!Array.isArray(eps) || eps.length !== 2 || eps.some((e) => typeof e !== 'string'))
      return void error([...path, 'endpoints'], 'expected two endpoints, "node:interface" each');
    const [a, b] = (eps as string[]).map((e, k) => briefEnd(e, [...path, 'endpoints', k], error));
    if (!a || !b) return undefined;
    const aPath = [...path, 'endpoints', 0];
    const bPath = [...path, 'endpoints', 1];
    if (a.node === 'mgmt-net' || b.node === 'mgmt-net')
      return void warn(path, 'a link to the management network: nslab labs have none; left out');
    if (a.node === 'macvlan' || b.node === 'macvlan') {
      const [c, parent] = a.node === 'macvlan' ? [b, a.iface] : [a, b.iface];
      return { kind: 'macvlan', a: c, aPath: a.node === 'macvlan' ? bPath : aPath, parent, mode: 'bridge' };
    }
    return { kind: 'veth', a, b, aPath, bPath, ...(mtu ? { mtu } : {}), ...label };
  }
  if (type === 'veth') {
    const eps = raw.endpoints;
    if (!Array.isArray(eps) || eps.length !== 2) return void error([...path, 'endpoints'], 'expected two endpoints');
    const [a, b] = eps.map((e, k) => extendedEnd(e, [...path, 'endpoints', k], error));
    if (!a || !b) return undefined;
    return { kind: 'veth', a, b, aPath: [...path, 'endpoints', 0], bPath: [...path, 'endpoints', 1], ...(mtu ? { mtu } : {}), ...label };
  }
  if (type === 'host' || type === 'macvlan') {
    const a = extendedEnd(raw.endpoint, [...path, 'endpoint'], error);
    const hostIf = raw['host-interface'];
    if (typeof hostIf !== 'string') return void error([...path, 'host-interface'], 'missing: the host interface');
    if (!a) return undefined;
    if (type === 'host')
      return {
        kind: 'veth',
        a,
        b: { node: 'host', iface: hostIf, addresses: [] },
        aPath: [...path, 'endpoint'],
        bPath: [...path, 'host-interface'],
        ...(mtu ? { mtu } : {}),
      };
    const mode = typeof raw.mode === 'string' ? raw.mode : 'bridge';
    return { kind: 'macvlan', a, aPath: [...path, 'endpoint'], parent: hostIf, mode };
  }
  if (type === 'mgmt-net') return void warn(path, 'a link to the management network: nslab labs have none; left out');
  if (type === 'dummy') return void warn(path, 'dummy interfaces are not part of the lab format: left out');
  if (type.startsWith('vxlan')) return void warn(path, `${type}: draw the tunnel as a vxlan on a node (vxlans:) instead; left out`);
  return void warn(path, `link type ${type}: not understood; left out`);
}

function briefEnd(text: string, path: Path, error: (p: Path, m: string) => void): LinkEnd | undefined {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) return void error(path, `"${text.slice(0, 70)}": expected "node:interface"`);
  return { node: text.slice(0, at), iface: text.slice(at + 1), addresses: [] };
}

function extendedEnd(raw: unknown, path: Path, error: (p: Path, m: string) => void): LinkEnd | undefined {
  if (!isDict(raw) || typeof raw.node !== 'string' || typeof raw.interface !== 'string')
    return void error(path, 'expected { node, interface }');
  const addresses = [raw.ipv4, raw.ipv6].filter((x): x is string => typeof x === 'string');
  return { node: raw.node, iface: raw.interface, ...(typeof raw.mac === 'string' ? { mac: raw.mac } : {}), addresses };
}

/** An exec line as the commands it runs: `sh -c "a && b; c"` is three. */
function commandsOf(line: string): string[][] {
  const words = splitWords(line);
  if ((words[0] === 'sh' || words[0] === 'bash' || words[0] === '/bin/sh' || words[0] === '/bin/bash') && words[1] === '-c' && words[2])
    return words[2]
      .split(/&&|\|\||;|\n/) // no \s* around the separators: on a megabyte of spaces that backtracks quadratically
      .filter((c) => c.trim() !== '')
      .map(splitWords);
  return [words];
}

/** A command as run in a node: `ip netns exec NODE …` (the host's node runs it as it is). */
function inNs(netns: string | undefined, words: string[]): string[] {
  return netns === undefined ? words : ['ip', 'netns', 'exec', netns, ...words];
}

/** What the clab importer reads itself rather than hand to the script importer: impairments, downed interfaces, STP; and link labels. */
interface Extras {
  /** By `NETNS/IFNAME` ('' the host). */
  impair: Map<string, Record<string, string>>;
  down: Set<string>;
  stp: Set<string>;
  labels: Map<string, string>;
}

/** Reads `tc qdisc add dev IF root netem …`, `ip link set IF down` and a bridge's `stp_state 1` into `x`; true when the script importer need not see it. */
function readByImporter(w: string[], ns: string, x: Extras): boolean {
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

function withExtras(t: Topology, x: Extras): Topology {
  if (!x.impair.size && !x.down.size && !x.stp.size && !x.labels.size) return t;
  const nodes = Object.fromEntries(
    Object.entries(t.nodes).map(([k, n]) => [k, n.kind === 'bridge' && x.stp.has(`${n.netns ?? ''}/${k}`) ? { ...n, stp: true } : n]),
  );
  const links = t.links.map((l) => {
    const keys = l.endpoints.map((e) => `${scopeOf(t, e)}/${e.name}`);
    const ends = l.endpoints.map((e, i) => {
      const impair = x.impair.get(keys[i]!);
      return { ...e, ...(impair ? { impair } : {}), ...(x.down.has(keys[i]!) ? { up: false } : {}) };
    }) as unknown as typeof l.endpoints;
    const label = keys.map((k) => x.labels.get(k)).find((v) => v !== undefined);
    const link = { ...l, endpoints: ends, ...(label !== undefined ? { label } : {}) };
    // The same on both ends is the link's own.
    const [a, b] = ends;
    if (a.impair && JSON.stringify(a.impair) === JSON.stringify(b.impair)) {
      link.impair = a.impair;
      link.endpoints = link.endpoints.map(({ impair: _, ...e }) => e) as unknown as typeof l.endpoints;
    }
    if (a.up === false && b.up === false) {
      link.up = false;
      link.endpoints = link.endpoints.map(({ up: _, ...e }) => e) as unknown as typeof l.endpoints;
    }
    return link;
  });
  return { ...t, nodes, links };
}

/** The prefix, description and checks an nslab export wrote in the file's leading comment; undefined when that part is not YAML. */
function nslabBlock(comment: string): Partial<Pick<Topology, 'prefix' | 'description' | 'checks'>> | undefined {
  const lines = comment.split('\n');
  const at = lines.findIndex((l) => l.trim() === NSLAB_BLOCK);
  if (at < 0) return {};
  try {
    const v = parse(lines.slice(at + 1).join('\n'), { maxAliasCount: 0 }) as Record<string, unknown> | null;
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

/** containerlab's graph positions (labels graph-posX, graph-posY) as canvas positions. */
function withPositions(t: Topology, defs: Map<string, Array<{ path: Path; def: Dict }>>): Topology {
  let nodes: Topology['nodes'] | undefined;
  for (const [name, ls] of defs) {
    const labels = ls[0]!.def.labels;
    if (!isDict(labels) || !t.nodes[name]) continue;
    const x = Number(labels['graph-posX']);
    const y = Number(labels['graph-posY']);
    if (!Number.isFinite(x) || !Number.isFinite(y) || labels['graph-posX'] === undefined || labels['graph-posY'] === undefined) continue;
    nodes ??= { ...t.nodes };
    nodes[name] = { ...nodes[name]!, position: { x, y } };
  }
  for (const [name, ls] of defs) {
    const labels = ls[0]!.def.labels;
    if (!isDict(labels) || typeof labels[LABEL] !== 'string' || !t.nodes[name]) continue;
    nodes ??= { ...t.nodes };
    nodes[name] = { ...nodes[name]!, label: labels[LABEL] };
  }
  return nodes ? { ...t, nodes } : t;
}

function isEmptyHost(t: Topology, name: string): boolean {
  const n = t.nodes[name]!;
  return Object.keys(n).length === 1 && !t.links.some((l) => l.endpoints.some((e) => e.node === name));
}

function labNameFrom(name: unknown): string {
  if (typeof name !== 'string') return 'imported';
  return LAB_NAME.test(name) ? name : labNameOf(name);
}

function isDict(x: unknown): x is Dict {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
