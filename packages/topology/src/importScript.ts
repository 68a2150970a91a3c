/**
 * Reads a block of shell commands as written in the seed documents (ip,
 * iptables, sysctl, nsenter, …) and rebuilds the lab they make. Commands that
 * only look (ping, ip … show, tcpdump, …) are listed as skipped; anything it
 * cannot map is a warning with its line number — never dropped silently.
 */
import { formatTopology } from './labText.js';
import { dottedSysctlKey, sysctlKeyProblem } from './names.js';
import { isLinkKind, kindOf, LINK_KINDS } from './kinds/index.js';
import { parseCidr } from './net.js';
import { parseTopologyData } from './parseTopology.js';
import type { TopologyIssue } from './issues.js';
import type { Topology } from './schema.js';
import { hostInterfaceWarnings, type HostInterfaces } from './importScript/hostInterfaces.js';
import { scriptLines, splitWords, type ScriptLine } from './importScript/lines.js';
import { ScriptModel, type Ns } from './importScript/model.js';
import { pingChecks, pingTarget, readPingOutput, type ScriptPing } from './importScript/pings.js';

export type { HostInterfaces } from './importScript/hostInterfaces.js';

export interface ImportNote {
  /** The script's line; 0 when the note is not about a line (discover: `text` says where). */
  line: number;
  text: string;
  message: string;
  /** A host interface the script names that this host lacks, and the one to use instead (its default route's). */
  replace?: { from: string; to: string };
}

export interface ImportResult {
  topology: Topology;
  /** Commands it could not map, with why. */
  warnings: ImportNote[];
  /** Show and read-only commands, left out on purpose. */
  skipped: ImportNote[];
  /** Validation issues of the rebuilt lab. */
  issues: TopologyIssue[];
  yaml: string;
}

export interface ImportOptions {
  /** This host's interfaces, and the one its default route leaves by: the script's host interfaces that are not here are warnings. */
  host?: HostInterfaces;
}

const READ_ONLY = new Set([
  'ping',
  'ping6',
  'tcpdump',
  'ethtool',
  'lsns',
  'curl',
  'wget',
  'pgrep',
  'ps',
  'cat',
  'ls',
  'traceroute',
  'tracepath',
  'arp',
  'ss',
  'netstat',
  'nc',
  'python',
  'python3',
  'dig',
  'nslookup',
]);
const IGNORED = new Set(['modprobe', 'cd', 'clear', 'exit', 'set']);

/**
 * One lab from the whole text: everything the script does, in order (a
 * document's later parts build on, or clean up, its earlier ones). Its pings
 * become the lab's checks. `importDocument` splits a write-up into scenarios.
 *
 * @example
 * importScript('ip netns add red\nip netns add blue\nip link add veth-red type veth peer name veth-blue\n…', 'demo').yaml
 */
export function importScript(text: string, name = 'imported', opts: ImportOptions = {}): ImportResult {
  return labOf(readScript(scriptLines(text), false)[0]!, name, opts);
}

/** What reading some lines built: one lab's worth. */
export interface ScriptRun {
  model: ScriptModel;
  warnings: ImportNote[];
  skipped: ImportNote[];
  pings: ScriptPing[];
  lines: ScriptLine[];
  /** What the line that began this run made again ("namespace ns_pod"), when a name was reused. */
  reused?: string;
}

/**
 * Reads lines into runs. With `split`, a line that makes again what the run
 * already has (a namespace, or an interface in the same place) starts a new
 * run: a document showing the same setup twice, or on a second machine.
 */
export function readScript(lines: ScriptLine[], split: boolean): ScriptRun[] {
  const fresh = (reused?: string): ScriptRun => ({
    model: new ScriptModel(),
    warnings: [],
    skipped: [],
    pings: [],
    lines: [],
    ...(reused ? { reused } : {}),
  });
  const runs = [fresh()];
  let nsenter: Ns | undefined; // inside an `nsenter --net=…` block, up to `exit`
  let lastPing: ScriptPing | undefined;
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k]!;
    const r = runs.at(-1)!;
    const skip = (message: string) => r.skipped.push({ line: l.line, text: l.text, message });
    if (l.diagram) {
      skip('a diagram: left out');
      r.lines.push(l);
      continue;
    }
    if (l.output) {
      if (lastPing) readPingOutput(lastPing, l.text);
      else skip('output shown in a transcript');
      r.lines.push(l);
      continue;
    }
    lastPing = undefined;
    let reused: string | undefined;
    const ctx: Ctx = {
      warn: (message) => r.warnings.push({ line: l.line, text: l.text, message }),
      skip,
      enter: (ns) => (nsenter = ns),
      leave: () => (nsenter = undefined),
      ping: (ns, target) => r.pings.push((lastPing = { line: l.line, ns, target })),
      reused: (what) => split && r.lines.length > 0 && (reused = what) !== undefined,
      line: l,
    };
    run(l.words, nsenter ?? '', ctx, r.model);
    if (reused !== undefined) {
      runs.push(fresh(reused));
      nsenter = undefined;
      k--;
      continue;
    }
    r.lines.push(l);
  }
  return runs;
}

/** The lab a run built, named `name`, with its pings as checks and its host interfaces checked against this host. */
export function labOf(r: ScriptRun, name: string, opts: ImportOptions = {}): ImportResult {
  const built = r.model.toTopology(name);
  const checks = pingChecks(r.pings, built);
  const topology = checks.length ? { ...built, checks } : built;
  const p = parseTopologyData(topology);
  const t = p.topology ?? topology;
  const warnings = [...atMost(r.warnings, 'warnings'), ...(opts.host ? hostInterfaceWarnings(t, opts.host, r.lines) : [])];
  return { topology: t, warnings, skipped: atMost(r.skipped, 'skipped lines'), issues: p.issues, yaml: formatTopology(t) };
}

/** More notes than this in one list are counted, not listed: a pasted megabyte of one mistake stays a small reply. */
const MAX_NOTES = 200;

function atMost(notes: ImportNote[], what: string): ImportNote[] {
  if (notes.length <= MAX_NOTES) return notes;
  return [...notes.slice(0, MAX_NOTES), { line: 0, text: '', message: `and ${notes.length - MAX_NOTES} more ${what}` }];
}

interface Ctx {
  warn(m: string): void;
  skip(m: string): void;
  enter(ns: Ns): void;
  leave(): void;
  ping(ns: Ns, target: string): void;
  /** The line makes `what` again: true when the caller starts a new run with it (and this one stops). */
  reused(what: string): boolean;
  line: ScriptLine;
}

function run(words: string[], ns: Ns, ctx: Ctx, m: ScriptModel): void {
  let from = 0; // past `sudo` and `sudo -E`, as often as they come
  while (words[from] === 'sudo') from += words[from + 1]?.startsWith('-') ? 2 : 1;
  const w = from ? words.slice(from) : words;
  if (w.length === 0) return ctx.skip('sudo -i: a root shell');
  const [cmd, ...args] = w as [string, ...string[]];
  if (cmd === 'exit') return ns !== '' ? ctx.leave() : undefined;
  if (cmd === 'ip') return ip(args, ns, ctx, m);
  if (cmd === 'nsenter') return nsenterCmd(args, ctx, m);
  if (cmd === 'sysctl') return sysctl(args, ns, ctx, m);
  if (cmd === 'echo') return echo(args, ns, ctx, m);
  if (cmd === 'bash' || cmd === 'sh') {
    const i = args.indexOf('-c');
    if (i >= 0 && args[i + 1]) return run(splitWords(args[i + 1]!), ns, ctx, m);
    return ctx.warn(`${cmd} without -c: cannot tell what it runs`);
  }
  if (cmd === 'iptables' || cmd === 'ip6tables') return iptables(args, ns, ctx, m, cmd === 'ip6tables' ? 6 : 4);
  if (cmd === 'route') return netToolsRoute(args, ns, ctx, m);
  if (cmd === 'bridge' && (args.includes('show') || args.length <= 2)) return ctx.skip('shows the forwarding table');
  if (cmd === 'ping' || cmd === 'ping6') {
    const target = pingTarget(args);
    if (target) ctx.ping(ns, target);
  }
  if (READ_ONLY.has(cmd) || cmd.startsWith('./')) return ctx.skip(`${cmd} only looks (or runs a program): left out`);
  if (IGNORED.has(cmd))
    return ctx.skip(
      cmd === 'modprobe'
        ? 'loads a kernel module: nslab checks kernel features itself'
        : cmd === 'set'
          ? 'shell options'
          : `${cmd}: nothing to import`,
    );
  ctx.warn(`not a command nslab understands (${cmd})`);
}

function nsenterCmd(args: string[], ctx: Ctx, m: ScriptModel): void {
  const net = args.find((a) => a.startsWith('--net='))?.slice(6) ?? (args[0] === '--net' ? args[1] : undefined);
  const target = net?.match(/\/(?:var\/)?run\/netns\/([^/]+)$/)?.[1];
  if (!target) {
    const inner = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '-t' && args[i - 1] !== '--target');
    if (inner[0] === 'ip' && ['show', 'list'].includes(inner[2] ?? 'show')) return ctx.skip("looks inside a process's namespace");
    return ctx.warn('nsenter into a process (-t PID) cannot be mapped to a lab namespace');
  }
  m.addNamespace(target);
  const rest = args.slice(args.findIndex((a) => a.startsWith('--net')) + (args.includes('--net') ? 2 : 1)).filter((a) => a !== '--');
  if (rest.length === 0) return ctx.enter(target);
  run(rest, target, ctx, m);
}

function sysctl(args: string[], ns: Ns, ctx: Ctx, m: ScriptModel): void {
  const pairs = args.filter((a) => a.includes('='));
  if (pairs.length === 0) return ctx.skip('reads a sysctl');
  for (const p of pairs) {
    const at = p.indexOf('=');
    setSysctl(p.slice(0, at).trim(), p.slice(at + 1).trim(), ns, ctx, m);
  }
}

/** Only keys nslab would itself write (canonical net.*, see names.ts) and integer values; anything else is a warning. */
function setSysctl(text: string, value: string, ns: Ns, ctx: Ctx, m: ScriptModel): void {
  const key = dottedSysctlKey(text);
  const problem = sysctlKeyProblem(key);
  if (problem !== undefined) return ctx.warn(`${text}: not a sysctl nslab sets (${problem}): left out`);
  if (!/^-?\d+$/.test(value)) return ctx.warn(`${key}: only integer sysctls are imported`);
  m.ns(ns).sysctls[key] = Number(value);
}

function echo(args: string[], ns: Ns, ctx: Ctx, m: ScriptModel): void {
  const gt = args.indexOf('>');
  const file = gt >= 0 ? args[gt + 1] : args.find((a) => a.startsWith('>'))?.slice(1);
  const value = args[0];
  if (!file?.startsWith('/proc/sys/') || value === undefined) return ctx.skip('echo: nothing to import');
  setSysctl(file.slice('/proc/sys/'.length), value, ns, ctx, m);
}

function netToolsRoute(args: string[], ns: Ns, ctx: Ctx, m: ScriptModel): void {
  // route add default gw IP | route add -net CIDR gw IP
  if (args[0] !== 'add') return ctx.skip('route: shows the routing table');
  const gw = args[args.indexOf('gw') + 1];
  const to = args[1] === 'default' ? 'default' : args[1] === '-net' ? args[2] : undefined;
  if (!gw || !to) return ctx.warn('route add: only "default gw IP" and "-net CIDR gw IP" are understood');
  pushOnce(m.ns(ns).routes, { to, via: gw }, ctx);
}

function ip(args: string[], ns: Ns, ctx: Ctx, m: ScriptModel): void {
  let at = 0;
  let scope = ns;
  while (args[at]?.startsWith('-')) {
    const opt = args[at];
    if (opt === '-n' || opt === '-netns' || opt === '--netns') {
      scope = args[at + 1]!;
      at += 2;
    } else at += 1; // -4, -6, -br, -json, -d …: no effect on what is built
  }
  const [obj, verb, ...rest] = args.slice(at);
  const show = verb === undefined || ['show', 'list', 'ls', 'get', 'identify', 'list-id', 'monitor'].includes(verb);
  if (obj === 'netns') {
    if (verb === 'add' && rest[0]) {
      if (m.made(rest[0]) && ctx.reused(`namespace ${rest[0]}`)) return;
      return m.addNamespace(rest[0], true);
    }
    if (verb === 'exec' && rest[0]) {
      m.addNamespace(rest[0]);
      return run(rest.slice(1), rest[0], ctx, m);
    }
    if ((verb === 'del' || verb === 'delete') && rest[0]) {
      return m.deleteNamespace(rest[0]);
    }
    if (show) return ctx.skip('lists namespaces');
    return ctx.warn(`ip netns ${verb}: not understood`);
  }
  if (show || obj === 'neigh' || obj === 'neighbor' || obj === 'monitor') return ctx.skip('only shows state');
  if (scope !== ns) m.addNamespace(scope);
  if (/^l(i(nk?)?)?$/.test(obj!)) return ipLink(verb!, rest, scope, ctx, m);
  if (/^a(d(dr?)?)?$/.test(obj!) || obj === 'address') return ipAddr(verb!, rest, scope, ctx, m);
  if (/^r(o(u(te?)?)?)?$/.test(obj!)) return ipRoute(verb!, rest, scope, ctx, m);
  ctx.warn(`ip ${obj} ${verb}: not understood`);
}

function ipLink(verb: string, rest: string[], ns: Ns, ctx: Ctx, m: ScriptModel): void {
  if (verb === 'add') {
    const typeAt = rest.indexOf('type');
    const type = rest[typeAt + 1];
    const head = rest.slice(0, typeAt < 0 ? rest.length : typeAt);
    const name =
      head[head.indexOf('name') + 1] && head.includes('name')
        ? head[head.indexOf('name') + 1]!
        : head.find((x, i) => !['link', 'name'].includes(x) && !['link', 'name'].includes(head[i - 1] ?? ''))!;
    const opts = rest.slice(typeAt + 2);
    const here = head.includes('netns') ? head[head.indexOf('netns') + 1]! : ns;
    if (m.find(here, name) && ctx.reused(`${name}${here ? ` in ${here}` : ''}`)) return;
    // Each kind reads its own `ip link add … type KIND` (kinds/<kind>.ts).
    if (!type || !isLinkKind(type))
      return ctx.warn(`${type ?? 'this'} links are not part of the lab format (nslab draws ${LINK_KINDS.map((k) => k.kind).join(', ')})`);
    kindOf(type).fromScript(
      { name, here, ns, head, opts },
      { add: (i) => m.add(i), addNamespace: (n) => m.addNamespace(n), warn: (message) => ctx.warn(message) },
    );
    return;
  }
  if (verb === 'set') {
    const flags = new Set(['up', 'down', 'nomaster']);
    const withValue = new Set([
      'netns',
      'master',
      'mtu',
      'address',
      'dev',
      'name',
      'alias',
      'promisc',
      'arp',
      'multicast',
      'txqueuelen',
      'type',
    ]);
    const dev = rest.includes('dev')
      ? rest[rest.indexOf('dev') + 1]!
      : rest.find((x, i) => !flags.has(x) && !withValue.has(x) && !withValue.has(rest[i - 1] ?? ''));
    if (dev === 'lo') return ctx.skip('loopback: nslab brings it up in every namespace');
    const i = dev ? m.find(ns, dev) : undefined;
    if (!i) return ctx.warn(`no interface "${dev}" ${ns ? `in ${ns}` : 'on the host'} was created above`);
    const val = (k: string) => rest[rest.indexOf(k) + 1];
    if (rest.includes('netns')) {
      i.ns = val('netns')!;
      m.addNamespace(i.ns);
      i.master = undefined;
    }
    if (rest.includes('master')) i.master = val('master');
    if (rest.includes('nomaster')) i.master = undefined;
    if (rest.includes('mtu')) i.mtu = Number(val('mtu'));
    if (rest.includes('address')) i.mac = val('address');
    if (rest.includes('name')) i.name = val('name')!;
    return; // up/down: nslab brings every link up
  }
  if (verb === 'del' || verb === 'delete') {
    const dev = rest.includes('dev') ? rest[rest.indexOf('dev') + 1] : rest[0];
    const i = dev ? m.find(ns, dev) : undefined;
    if (!i) return ctx.warn(`no interface "${dev}" to delete`);
    m.remove(i);
    return;
  }
  ctx.warn(`ip link ${verb}: not understood`);
}

function ipAddr(verb: string, rest: string[], ns: Ns, ctx: Ctx, m: ScriptModel): void {
  if (verb !== 'add' && verb !== 'del') return ctx.warn(`ip addr ${verb}: not understood`);
  // `ip addr add 10.0.0.1/24 dev eth1`, or `ip addr add dev eth1 10.0.0.1/24` (ip takes either), or `local ADDR`.
  const devAt = rest.indexOf('dev');
  const localAt = rest.indexOf('local');
  const cidr = (localAt >= 0 ? rest[localAt + 1] : rest.find((_, i) => devAt < 0 || (i !== devAt && i !== devAt + 1))) ?? '';
  const dev = devAt >= 0 ? rest[devAt + 1] : undefined;
  const i = dev ? m.find(ns, dev) : undefined;
  if (!i) return ctx.warn(`no interface "${dev}" ${ns ? `in ${ns}` : 'on the host'} was created above`);
  const c = parseCidr(cidr);
  const text = c && !cidr.includes('/') ? `${cidr}/${c.family === 4 ? 32 : 128}` : cidr;
  if (verb === 'add') {
    if (!i.addresses.includes(text)) i.addresses.push(text); // given twice (a link's address and an exec line): one
  } else i.addresses = i.addresses.filter((x) => x !== text);
}

function ipRoute(verb: string, rest: string[], ns: Ns, ctx: Ctx, m: ScriptModel): void {
  if (verb !== 'add' && verb !== 'replace' && verb !== 'append') return ctx.warn(`ip route ${verb}: not understood`);
  const val = (k: string) => (rest.includes(k) ? rest[rest.indexOf(k) + 1] : undefined);
  const to = rest[0]!;
  const via = val('via');
  if (via && !parseCidr(via)) return ctx.warn(`"${via}" is not an address: fill it in, then import again`);
  const dev = val('dev');
  if (dev && !m.find(ns, dev)) return ctx.warn(`route through "${dev}", which was not created above: left out`);
  const metric = val('metric');
  const route = {
    to: to === 'default' ? 'default' : to,
    ...(via ? { via } : {}),
    ...(dev ? { dev } : {}),
    ...(metric ? { metric: Number(metric) } : {}),
  };
  pushOnce(m.ns(ns).routes, route, ctx);
}

function iptables(args: string[], ns: Ns, ctx: Ctx, m: ScriptModel, family: 4 | 6): void {
  const table = args.includes('-t') ? args[args.indexOf('-t') + 1] : 'filter';
  const val = (...ks: string[]) => {
    for (const k of ks) if (args.includes(k)) return args[args.indexOf(k) + 1];
    return undefined;
  };
  const negated = (k: string) => args[args.indexOf(k) - 1] === '!';
  if (args.includes('-P')) {
    const [chain, policy] = [val('-P'), args[args.indexOf('-P') + 2]];
    if (chain === 'FORWARD' && (policy === 'ACCEPT' || policy === 'DROP')) m.ns(ns).forwardPolicy = policy === 'ACCEPT' ? 'accept' : 'drop';
    else ctx.warn(`policy of ${chain}: only the FORWARD policy is part of the lab format`);
    return;
  }
  const chain = val('-A', '-I', '--append', '--insert');
  if (!chain) return ctx.skip('iptables: only shows or changes nothing the lab holds');
  const target = val('-j', '--jump');
  const s = val('-s', '--source');
  const d = val('-d', '--destination');
  const i = val('-i', '--in-interface');
  const o = val('-o', '--out-interface');
  if (table === 'nat' && chain === 'POSTROUTING' && target === 'MASQUERADE') {
    const rule = {
      type: 'masquerade' as const,
      source: s ?? (family === 6 ? '::/0' : '0.0.0.0/0'),
      ...(o ? (negated('-o') ? { notOutInterface: o } : { outInterface: o }) : {}),
    };
    return pushOnce(m.ns(ns).nat, rule, ctx);
  }
  if (table === 'nat' && (chain === 'PREROUTING' || chain === 'OUTPUT') && target === 'DNAT') {
    const to = val('--to-destination', '--to');
    const port = Number(val('--dport', '--destination-port'));
    const proto = val('-p', '--protocol');
    if (!to || !port || (proto !== 'tcp' && proto !== 'udp'))
      return ctx.warn('DNAT: nslab publishes ports as "-p tcp|udp --dport N --to-destination IP:PORT"');
    const st = m.ns(ns);
    const dup = st.nat.some((n) => n.type === 'dnat' && n.port === port && n.proto === proto && n.to === to);
    if (!dup) st.nat.push({ type: 'dnat', proto, port, to, ...(d ? { destination: d.replace(/\/32$/, '') } : {}) }); // one rule covers PREROUTING and OUTPUT
    return;
  }
  if (table === 'filter' && chain === 'FORWARD' && (target === 'ACCEPT' || target === 'DROP')) {
    const rule = {
      ...(i ? { in: i } : {}),
      ...(o ? { out: o } : {}),
      ...(s ? { source: s } : {}),
      ...(d ? { destination: d } : {}),
      action: target === 'ACCEPT' ? ('accept' as const) : ('drop' as const),
    };
    return pushOnce(m.ns(ns).forward, rule, ctx);
  }
  ctx.warn(
    `iptables -t ${table} ${chain} -j ${target ?? '?'}: not part of the lab format (masquerade, DNAT port publishing, FORWARD rules)`,
  );
}

/** A rule or route given twice (a document repeating its setup) is one: the second is listed as skipped. */
function pushOnce<T extends object>(list: T[], item: T, ctx: Ctx): void {
  let seen = seenIn.get(list);
  if (!seen) seenIn.set(list, (seen = new Set(list.map((x) => JSON.stringify(x)))));
  const key = JSON.stringify(item);
  if (seen.has(key)) return ctx.skip('the same as one above: left out');
  seen.add(key);
  list.push(item);
}
const seenIn = new WeakMap<object[], Set<string>>();

export { replaceHostInterface } from './importScript/hostInterfaces.js';
export { importDocument, labNameOf, type DocumentImport, type DocumentOptions, type ImportScenario } from './importScript/document.js';
export { matchTemplate, type TemplateRef } from './importScript/template.js';
