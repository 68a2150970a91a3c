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
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { renameNode } from '../edit.js';
import { labOf, readScript } from '../importScript.js';
import { labNameOf } from '../importScript/document.js';
import { splitWords, type ScriptLine } from '../importScript/lines.js';
import { formatTopology } from '../labText.js';
import { LAB_NAME, NODE_NAME } from '../names.js';
import { parseTopologyData } from '../parseTopology.js';
import { depthLimitIssue, limitsWith, sizeLimitIssue } from '../parseTopology/limits.js';
import type { Topology } from '../schema.js';
import { noExtras, nslabBlock, readExtra, withExtras } from './extras.js';
import { nodeSettings, type Layer } from './inherit.js';
import { readLink, type LinkEnd } from './links.js';
import { isDict, LABEL, own, pathText, RESERVED_NODES, type Dict, type Path } from './names.js';
import type { ClabImport, ClabImportOptions, ClabNote } from './types.js';

/** Warnings listed; more are counted. */
const MAX_NOTES = 200;
/** Commands from exec lines and sysctls, all nodes together (a 1 MiB seed document is ~30 000 lines). */
const MAX_COMMANDS = 20_000;

/** Container kinds that are plain Linux: no warning that the image's own configuration is lost. */
const LINUX_KINDS = new Set(['linux']);
const BRIDGE_KINDS = new Set(['bridge', 'ovs-bridge']);
/** Node fields nslab reads; every other one is a warning (its path says which). */
const READ_FIELDS = new Set(['kind', 'group', 'exec', 'sysctls', 'network-mode', 'labels']);
/** Node fields that say how to run a container: nslab runs the host's programs in a namespace. */
const CONTAINER_FIELDS = new Map([
  ['image', 'nslab makes a namespace, not a container: its programs are the host\u2019s, not the image\u2019s'],
  ['binds', 'no files are mounted into a namespace, so what they configure (a routing daemon\u2019s config, say) is not imported'],
  ['ports', 'no management network to publish from: publish a port with a dnat rule on the host node'],
  ['mgmt-ipv4', 'nslab labs have no management network: reach a node through its terminal'],
  ['mgmt-ipv6', 'nslab labs have no management network: reach a node through its terminal'],
  ['env', 'a namespace has no environment of its own: set variables in its terminal'],
  ['cmd', 'nothing runs in a namespace until you start it in its terminal'],
  ['entrypoint', 'nothing runs in a namespace until you start it in its terminal'],
  ['startup-config', 'a network OS configuration is not imported'],
]);

type Role = 'netns' | 'bridge' | 'host';
interface Command {
  words: string[];
  path: Path;
  /** The node whose exec line it is. */
  node?: string;
}

/**
 * @example
 * importClab('name: two\ntopology:\n  nodes:\n    a: { kind: linux, exec: [ip addr add 10.0.0.1/24 dev eth1] }\n    b: { kind: linux }\n  links:\n    - endpoints: ["a:eth1", "b:eth1"]\n').yaml
 */
export function importClab(text: string, opts: ClabImportOptions = {}): ClabImport {
  const limits = limitsWith(opts.limits);
  let lineOf: (path: Path) => number = () => 0;
  const fail = (message: string, path: Path = [], line = lineOf(path)): ClabImport => ({
    errors: [{ path: pathText(path), line, message }],
    warnings: [],
    issues: [],
    yaml: '',
  });
  if (typeof text !== 'string') return fail('expected the text of a containerlab topology file');
  for (const given of [opts.name, opts.defaultName])
    if (given !== undefined && !LAB_NAME.test(given))
      return fail(`the name "${given.slice(0, 40)}" is not a lab name (lower-case letters, digits, "-", at most 24)`);
  const tooBig = sizeLimitIssue(text, limits) ?? depthLimitIssue(text, limits);
  if (tooBig) return fail(tooBig.message);
  const lines = new LineCounter();
  let data: unknown;
  let comment: string;
  try {
    // containerlab's YAML reader honours merge keys (`<<: *defaults`).
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter: lines, merge: true });
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      return fail(e.message.split('\n')[0]!, [], lines.linePos(e.pos[0]).line);
    }
    data = doc.toJS({ maxAliasCount: limits.maxAliases });
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
  const topology = own(data, 'topology');
  if (!isDict(topology))
    return fail(
      Object.hasOwn(data, 'nodes')
        ? 'missing: this is an nslab lab, not a containerlab file: open it with Labs → Upload lab… (or nslab deploy FILE)'
        : 'missing: a containerlab file has "topology" with "nodes"',
      ['topology'],
    );
  const nodesIn = own(topology, 'nodes');
  if (!isDict(nodesIn)) return fail('missing: "nodes", a mapping of node names to their settings', ['topology', 'nodes']);
  if (Object.keys(nodesIn).length > limits.maxNodes)
    return fail(`${Object.keys(nodesIn).length} nodes; nslab reads at most ${limits.maxNodes}`, ['topology', 'nodes']);
  const linksIn = own(topology, 'links') ?? [];
  if (!Array.isArray(linksIn)) return fail('expected a list of links', ['topology', 'links']);
  if (linksIn.length > limits.maxLinks)
    return fail(`${linksIn.length} links; nslab reads at most ${limits.maxLinks}`, ['topology', 'links']);

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

  if (/\{\{|\$\{/.test(text))
    warn([], 'containerlab expands {{ templates }} and ${VARIABLES} when it reads a file; nslab reads the text as written');
  for (const key of Object.keys(data))
    if (key === 'mgmt') warn(['mgmt'], 'nslab labs have no management network: reach a node through its terminal');
    else if (key === 'prefix') warn(['prefix'], 'container names: nslab names each namespace after its node');
    else if (key !== 'name' && key !== 'topology' && !key.startsWith('x-')) warn([key], 'not part of an nslab lab: left out'); // x-…: a place for anchors
  for (const key of Object.keys(topology))
    if (!['nodes', 'links', 'kinds', 'defaults', 'groups'].includes(key)) warn(['topology', key], 'not part of an nslab lab: left out');

  // Nodes: each a namespace, a bridge or the host; their commands, sysctls first (containerlab sets them as it makes the container).
  const roles = new Map<string, Role>();
  const extras = noExtras();
  let hostNode: string | undefined;
  const nodeScript: Command[] = [];
  const execScript: Command[] = [];
  const ownLayers = new Map<string, Layer>();
  let overflow = false;
  let counted = 0;
  for (const [node, raw] of Object.entries(nodesIn)) {
    const path: Path = ['topology', 'nodes', node];
    if (raw !== null && raw !== undefined && !isDict(raw)) {
      error(path, 'expected a mapping of the node\u2019s settings');
      continue;
    }
    const s = nodeSettings(topology, node, (raw ?? {}) as Dict);
    ownLayers.set(node, s.layers[0]!);
    if (!s.kind) {
      error(path, 'no kind: give the node a kind (linux, bridge…) or set topology.defaults.kind');
      continue;
    }
    const kind = s.kind.name;
    const networkMode = s.field('network-mode');
    const role: Role = networkMode?.value === 'host' || kind === 'host' ? 'host' : BRIDGE_KINDS.has(kind) ? 'bridge' : 'netns';
    if (role === 'host') {
      if (hostNode !== undefined) warn(path, `the host is already node ${hostNode}: this node's settings apply to the same host namespace`);
      else hostNode = node;
    } else if (!NODE_NAME.test(node)) {
      error(path, `"${node.slice(0, 70)}" cannot name an nslab node: a letter, then letters, digits, "_" or "-" (at most 63)`);
      continue;
    } else if (RESERVED_NODES.has(node)) {
      error(path, `"${node}" names a link type in containerlab endpoints ("${node}:IF"): rename the node`);
      continue;
    }
    if (networkMode && role !== 'host' && networkMode.value !== 'none')
      warn(networkMode.path, 'nslab gives every node its own namespace: this one gets its own');
    roles.set(node, role);
    if (role === 'bridge') {
      if (kind === 'ovs-bridge') warn(s.kind.path, 'Open vSwitch: nslab makes a Linux bridge');
      if (opts.host?.interfaces.includes(node))
        warn(
          path,
          `${node} already exists on this host (containerlab needs its bridges made first); nslab makes and owns its bridges, so deploy refuses while it is there: delete it (ip link del ${node}) or rename the node`,
        );
      nodeScript.push({ words: ['ip', 'link', 'add', node, 'type', 'bridge'], path });
    } else if (role === 'netns') {
      if (!LINUX_KINDS.has(kind))
        warn(
          s.kind.path,
          `${kind} runs a network OS in a container: nslab makes an empty Linux namespace; configure it with ip in its terminal`,
        );
      nodeScript.push({ words: ['ip', 'netns', 'add', node], path });
    }
    for (const l of s.layers)
      for (const [field, value] of Object.entries(l.def)) {
        if (READ_FIELDS.has(field) || value === undefined || value === null) continue;
        const why = CONTAINER_FIELDS.get(field);
        warn([...l.path, field], why ? `${field}: ${why}` : `${field}: not part of an nslab lab; left out`);
      }
    if (role === 'bridge') {
      // Only its own: defaults' and kinds' exec lines are for the containers.
      if (Array.isArray(own(s.layers[0]!.def, 'exec'))) warn([...path, 'exec'], 'a bridge runs nothing: left out');
      continue;
    }
    const netns = role === 'host' ? undefined : node;
    const commands = [
      ...s.sysctls.map((x) => ({ words: ['sysctl', '-w', `${x.key}=${String(x.value)}`], path: x.path })),
      ...s.exec.flatMap((e) => {
        if (typeof e.line !== 'string') {
          warn(e.path, 'expected a command (a string)');
          return [];
        }
        return commandsOf(e.line).map((words) => ({ words, path: e.path }));
      }),
    ];
    for (const c of commands) {
      // Counted before anything else: defaults' lines are copied onto every node, so a small file could mean millions.
      if (++counted > MAX_COMMANDS) {
        error(
          c.path.slice(0, -1),
          `more than ${MAX_COMMANDS} exec lines and sysctls in all, counting those every node inherits: nslab reads at most that many`,
        );
        overflow = true;
        break;
      }
      if (readExtra(c.words, netns ?? '', extras)) continue;
      const outside = outsideNode(c.words);
      if (outside) {
        warn(c.path, `${outside}: in containerlab it runs inside container ${node}; left out`);
        continue;
      }
      if (isDockerRouteRemoval(c.words)) continue; // there is no management default route to remove
      execScript.push({ words: inNs(netns, c.words), path: c.path, node });
    }
    if (overflow) break;
  }

  // Links: one veth each (or a macvlan), made before any exec line runs, as containerlab does.
  const linkScript: Command[] = [];
  /** Each node's interfaces made by links, as `NODE/IFNAME`. */
  const ends = new Set<string>();
  const place = (e: LinkEnd): { ns: string | undefined; master?: string } | undefined => {
    if (e.node === 'host') return { ns: undefined };
    const role = roles.get(e.node);
    if (role === undefined) {
      // A node that is there was refused above, with its reason.
      if (!Object.hasOwn(nodesIn, e.node)) error(e.path, `no node "${e.node.slice(0, 70)}" in topology.nodes`);
      return undefined;
    }
    return role === 'host' ? { ns: undefined } : role === 'bridge' ? { ns: undefined, master: e.node } : { ns: e.node };
  };
  linksIn.forEach((raw, i) => {
    const path: Path = ['topology', 'links', i];
    const link = readLink(raw, path, { warn, error });
    if (!link) return;
    if (link.kind === 'macvlan') {
      const e = place(link.a);
      if (!e) return;
      if (e.ns === undefined) return warn(path, 'a macvlan for the host itself: left out');
      ends.add(`${link.a.node}/${link.a.iface}`);
      linkScript.push({
        words: ['ip', 'link', 'add', link.a.iface, 'link', link.parent, 'netns', e.ns, 'type', 'macvlan', 'mode', link.mode],
        path,
      });
      return;
    }
    const a = place(link.a);
    const b = place(link.b);
    if (!a || !b) return;
    ends.add(`${link.a.node}/${link.a.iface}`).add(`${link.b.node}/${link.b.iface}`);
    if (link.a.node === link.b.node) return warn(path, `both ends are on node ${link.a.node}: an nslab link joins two nodes; left out`);
    if (link.label !== undefined) extras.labels.set(`${a.ns ?? ''}/${link.a.iface}`, link.label);
    const at = (ns: string | undefined) => (ns ? ['netns', ns] : []);
    linkScript.push({
      words: ['ip', 'link', 'add', link.a.iface, ...at(a.ns), 'type', 'veth', 'peer', 'name', link.b.iface, ...at(b.ns)],
      path,
    });
    for (const [p, end] of [
      [a, link.a],
      [b, link.b],
    ] as const) {
      const set = (...words: string[]) =>
        linkScript.push({ words: inNs(p.ns, ['ip', 'link', 'set', end.iface, ...words]), path: end.path });
      if (p.master) set('master', p.master);
      if (link.mtu) set('mtu', String(link.mtu));
      if (end.mac) set('address', end.mac);
      for (const addr of end.addresses)
        linkScript.push({ words: inNs(p.ns, ['ip', 'addr', 'add', addr, 'dev', end.iface]), path: end.path });
    }
  });
  if (errors.length > 0) return { errors, warnings, issues: [], yaml: '' };

  // eth0 of a container is containerlab's management interface, unless a link of the lab is its eth0.
  const exec = execScript.filter((c) => {
    if (c.node === undefined || ends.has(`${c.node}/eth0`) || !c.words.includes('eth0')) return true;
    warn(c.path, 'eth0 is containerlab\u2019s management interface, which an nslab lab does not have: left out');
    return false;
  });
  // The commands, read by the script importer; its notes point back at the YAML.
  const all = [...nodeScript, ...linkScript, ...exec];
  const script: ScriptLine[] = all.map((c, k) => ({ line: k + 1, text: c.words.join(' '), words: c.words }));
  const run = readScript(script, false)[0]!;
  const fileName = own(data, 'name');
  const name = opts.name ?? (typeof fileName === 'string' ? labNameFrom(fileName) : (opts.defaultName ?? 'imported'));
  if (opts.name === undefined && typeof fileName === 'string' && fileName !== name)
    warn(['name'], `"${fileName.slice(0, 40)}" is not a lab name (lower-case letters, digits, "-", at most 24): named ${name}`);
  const r = labOf(run, name, opts.host ? { host: opts.host } : {});
  for (const w of r.warnings) {
    const c = all[w.line - 1];
    warn(c?.path ?? [], c ? w.message : `${w.text}: ${w.message}`);
  }

  let t: Topology = r.topology;
  if (hostNode !== undefined && hostNode !== 'host' && t.nodes.host && !t.nodes[hostNode]) t = renameNode(t, 'host', hostNode);
  // The script importer adds a host node for the host's veth ends; one with nothing of its own and no link is left out.
  const h = hostNode ?? 'host';
  if (t.nodes[h] && isEmptyHost(t, h)) t = { ...t, nodes: Object.fromEntries(Object.entries(t.nodes).filter(([k]) => k !== h)) };
  t = withLabels(t, ownLayers);
  t = withExtras(t, extras);
  const block = nslabBlock(comment);
  if (block === undefined) warn([], 'the nslab part of the leading comment cannot be read: left out');
  else t = { ...t, ...block };
  // A ping of an address the lab does not have makes no check: say so.
  for (const ping of run.pings) {
    const from = ping.ns === '' ? (hostNode ?? 'host') : ping.ns;
    if (!t.checks?.some((c) => 'ping' in c && c.ping === ping.target && c.from === from))
      warn(all[ping.line - 1]?.path ?? [], `ping ${ping.target}: not an address of this lab, so no check is made of it`);
  }
  warnings.sort((a, b) => a.line - b.line);
  if (unlisted > 0) warnings.push({ path: '', line: 0, message: `and ${unlisted} more warnings` });
  const p = parseTopologyData(t, { limits });
  const final = p.topology ?? t;
  // The lab's own problems, traced to the node of the file they come from.
  const issues = p.issues.map((i) => {
    const node = i.path[0] === 'nodes' && typeof i.path[1] === 'string' && Object.hasOwn(nodesIn, i.path[1]) ? i.path[1] : undefined;
    if (node === undefined) return i;
    const at: Path = ['topology', 'nodes', node];
    return { ...i, message: `${i.message} (from ${pathText(at)}, line ${lineOf(at)}, and its exec lines)` };
  });
  return { topology: final, errors: [], warnings, issues, yaml: formatTopology(final) };
}

/** An exec line as the commands it runs: `sh -c "a && b; c"` is three. */
function commandsOf(line: string): string[][] {
  const words = splitWords(line);
  if (['sh', 'bash', '/bin/sh', '/bin/bash'].includes(words[0] ?? '') && words[1] === '-c' && words[2])
    return words[2]
      .split(/&&|\|\||;|\n/) // no \s* around the separators: on a megabyte of spaces that backtracks quadratically
      .filter((c) => c.trim() !== '')
      .map(splitWords);
  return [words];
}

/** Why a command acts outside the node that runs it (another namespace), or undefined. */
function outsideNode(w: string[]): string | undefined {
  if (w[0] === 'nsenter') return 'nsenter enters another namespace';
  if (w[0] !== 'ip') return undefined;
  let at = 1;
  for (; w[at]?.startsWith('-'); at++)
    if (['-n', '-netns', '--netns', '-a', '-all'].includes(w[at]!)) return `ip ${w[at]} acts in other namespaces`;
  const [obj, verb] = [w[at], w[at + 1]];
  if (obj === 'netns') return 'ip netns makes or enters other namespaces';
  if (obj !== undefined && /^l(i(nk?)?)?$/.test(obj) && (verb === 'add' || verb === 'set') && w.slice(at + 2).includes('netns'))
    return 'it puts an interface in another namespace';
  return undefined;
}

/** `ip route del default`: containerlab labs drop Docker's management default route so; a namespace has none. */
function isDockerRouteRemoval(w: string[]): boolean {
  return (
    w[0] === 'ip' && /^r(o(u(te?)?)?)?$/.test(w[1] ?? '') && (w[2] === 'del' || w[2] === 'delete') && w[3] === 'default' && w.length <= 6
  );
}

/** A command as run in a node: `ip netns exec NODE …` (the host's node runs it as it is). */
function inNs(netns: string | undefined, words: string[]): string[] {
  return netns === undefined ? words : ['ip', 'netns', 'exec', netns, ...words];
}

/** A node's own labels: containerlab's graph position (graph-posX, graph-posY) and its nslab label. */
function withLabels(t: Topology, layers: Map<string, Layer>): Topology {
  let nodes: Topology['nodes'] | undefined;
  for (const [name, l] of layers) {
    const labels = own(l.def, 'labels');
    if (!isDict(labels) || !t.nodes[name]) continue;
    const [x, y] = [own(labels, 'graph-posX'), own(labels, 'graph-posY')].map((v) => (v === undefined || v === '' ? NaN : Number(v)));
    const label = own(labels, LABEL);
    const position = Number.isFinite(x) && Number.isFinite(y) ? { position: { x: x!, y: y! } } : {};
    const text = typeof label === 'string' ? { label } : {};
    if (!('position' in position) && !('label' in text)) continue;
    nodes ??= { ...t.nodes };
    nodes[name] = { ...nodes[name]!, ...position, ...text };
  }
  return nodes ? { ...t, nodes } : t;
}

function isEmptyHost(t: Topology, name: string): boolean {
  const n = t.nodes[name]!;
  return n.kind === 'host' && Object.keys(n).length === 1 && !t.links.some((l) => l.endpoints.some((e) => e.node === name));
}

function labNameFrom(name: string): string {
  return LAB_NAME.test(name) ? name : labNameOf(name);
}
