/**
 * Writes a lab as a containerlab topology that builds the same network with
 * containerlab: each namespace a `linux` node whose `exec` lines set its
 * addresses, routes, sysctls and rules; each veth a link; a host bridge a
 * `bridge` node; the host node's settings a node in the host's network
 * (`network-mode: host`). `importClab` reads it back into the same lab.
 */
import { Document, isSeq, stringify } from 'yaml';
import { IMPAIR_FIELDS, type ImpairSpec } from '../impair.js';
import type { EndpointSpec, NamespaceNode, NatSpec, Topology } from '../schema.js';
import { KERNEL_MTU, LABEL, NSLAB_BLOCK, RESERVED_NODES } from './names.js';
import type { ClabExport, ClabExportOptions } from './types.js';

/** A small image with ip, sysctl and iptables, used throughout containerlab's own examples. */
export const DEFAULT_CLAB_IMAGE = 'ghcr.io/srl-labs/network-multitool';

type ClabNode = Record<string, unknown>;

/**
 * @example
 * exportClab(parseTopology(text).topology!).yaml // name: …\ntopology:\n  kinds: …
 */
export function exportClab(t: Topology, opts: ClabExportOptions = {}): ClabExport {
  const warnings: string[] = [];
  const lost = new Set<string>();
  const lose = (what: string) => lost.add(what);
  const entries = Object.entries(t.nodes);
  const hostName = entries.find(([, n]) => n.kind === 'host')?.[0];
  /** Where a bridge lives: a namespace node's name, or null for the host (no netns, or the host node's). */
  const bridgeHome = (name: string): string | null => {
    const n = t.nodes[name];
    return n?.kind === 'bridge' && n.netns !== undefined && n.netns !== hostName ? n.netns : null;
  };
  for (const [name, n] of entries)
    if (n.kind !== 'host' && RESERVED_NODES.has(name))
      warnings.push(`node ${name}: containerlab reads "${name}:IF" as a link type, not this node; rename it before exporting`);
  /** A scope's exec lines, by node name (the host node's under its own name). */
  const exec = new Map<string, string[]>();
  // With no host node, the host's lines (a host bridge's address) go to a node of their own in the host's network.
  const hostKey = hostName ?? ['host', 'host-net', ...entries.map((_, k) => `host-net-${k + 2}`)].find((c) => !t.nodes[c])!;
  const add = (scope: string | null, ...lines: string[]) => {
    const key = scope ?? hostKey;
    exec.set(key, [...(exec.get(key) ?? []), ...lines]);
  };
  const hostBridges: string[] = [];

  // Bridges: a host bridge is a containerlab bridge node (made beforehand); one in a namespace is made by its exec lines.
  for (const [name, n] of entries) {
    if (n.kind !== 'bridge') continue;
    const home = bridgeHome(name);
    if (home === null) hostBridges.push(name);
    else add(home, `ip link add ${name} type bridge`, `ip link set ${name} up`);
    for (const a of n.addresses ?? []) add(home, `ip addr add ${a} dev ${name}`);
    if (n.stp) add(home, `ip link set ${name} type bridge stp_state 1`);
  }

  // Links: their ends as "node:interface"; what an end carries (addresses, MTU, MAC) as exec lines where it lives.
  const links: Array<Record<string, unknown>> = [];
  const endOf = (e: EndpointSpec): string => {
    const n = t.nodes[e.node];
    if (n?.kind === 'host') return `host:${e.name}`;
    if (n?.kind === 'bridge') {
      const home = bridgeHome(e.node);
      return home === null ? `${e.node}:${e.name}` : `${home}:${e.name}`;
    }
    return `${e.node}:${e.name}`;
  };
  for (const l of t.links) {
    // containerlab makes a link MTU 9500 unless told: the link's is its ends' when they agree (1500, the kernel's, when
    // they name none); an end that differs sets its own in its exec lines.
    const [m0, m1] = l.endpoints.map((e) => e.mtu ?? KERNEL_MTU);
    const mtu = m0 === m1 ? m0! : KERNEL_MTU;
    links.push({ endpoints: l.endpoints.map(endOf), mtu, ...(l.label ? { labels: { [LABEL]: l.label } } : {}) });
    for (const e of l.endpoints) {
      const n = t.nodes[e.node];
      const scope = n?.kind === 'bridge' ? bridgeHome(e.node) : n?.kind === 'host' ? null : e.node;
      // A port of a host bridge is plugged in by containerlab; one of a bridge in a namespace by the exec lines.
      if (n?.kind === 'bridge' && scope !== null) add(scope, `ip link set ${e.name} master ${e.node}`);
      // Ends that differ say so, each that names its own (one that names none keeps the kernel's 1500, the link's then).
      if (e.mtu !== undefined && m0 !== m1) add(scope, `ip link set ${e.name} mtu ${e.mtu}`);
      if (e.mac) add(scope, `ip link set ${e.name} address ${e.mac}`);
      for (const a of e.addresses ?? []) add(scope, `ip addr add ${a} dev ${e.name}`);
      const impair = { ...l.impair, ...e.impair };
      if (Object.keys(impair).length > 0) add(scope, netemLine(e.name, impair));
      if ((e.up ?? l.up) === false) add(scope, `ip link set ${e.name} down`);
    }
  }

  // Namespaces (and the host): tunnels, macvlans, sysctls, routes, rules.
  for (const [name, n] of entries) {
    if (n.kind === 'bridge') continue;
    const scope = n.kind === 'host' ? null : name;
    exec.set(scope ?? name, exec.get(scope ?? name) ?? []);
    for (const v of n.vxlans ?? []) {
      const opt = (k: string, x: string | undefined) => (x === undefined ? '' : ` ${k} ${x}`);
      add(
        scope,
        `ip link add ${v.name} type vxlan id ${v.vni}${opt('remote', v.remote)}${opt('local', v.local)}${opt('group', v.group)} dstport ${v.dstport}${opt('dev', v.dev)}`,
      );
      if (v.bridge) add(scope, `ip link set ${v.name} master ${v.bridge}`);
      add(scope, `ip link set ${v.name} up`);
      for (const a of v.addresses ?? []) add(scope, `ip addr add ${a} dev ${v.name}`);
    }
    for (const m of n.macvlans ?? []) {
      if (scope === null) {
        lose('macvlans of the host node');
        continue;
      }
      links.push({ type: 'macvlan', endpoint: { node: name, interface: m.name }, 'host-interface': m.parent, mode: m.mode ?? 'bridge' });
      if (m.mtu) add(scope, `ip link set ${m.name} mtu ${m.mtu}`);
      if (m.mac) add(scope, `ip link set ${m.name} address ${m.mac}`);
      for (const a of m.addresses ?? []) add(scope, `ip addr add ${a} dev ${m.name}`);
    }
    for (const [k, v] of Object.entries(n.sysctls ?? {})) add(scope, `sysctl -w ${k}=${v}`);
    for (const r of n.routes ?? [])
      add(
        scope,
        `ip ${r.to.includes(':') || r.via?.includes(':') ? '-6 ' : ''}route add ${r.to}${r.via ? ` via ${r.via}` : ''}${r.dev ? ` dev ${r.dev}` : ''}${r.metric !== undefined ? ` metric ${r.metric}` : ''}`,
      );
    add(scope, ...ruleLines(n));
  }

  const nodes: Record<string, ClabNode> = {};
  for (const [name, n] of entries) {
    const lines = exec.get(name) ?? [];
    const labels =
      n.position || n.label
        ? {
            ...(n.position ? { 'graph-posX': String(Math.round(n.position.x)), 'graph-posY': String(Math.round(n.position.y)) } : {}),
            ...(n.label ? { [LABEL]: n.label } : {}),
          }
        : undefined;
    if (n.kind === 'bridge') {
      if (bridgeHome(name) === null) nodes[name] = { kind: 'bridge', ...(labels ? { labels } : {}) };
      continue;
    }
    nodes[name] = {
      kind: 'linux',
      // none: no management eth0 (the lab may name its own eth0) and no default route but the lab's.
      'network-mode': n.kind === 'host' ? 'host' : 'none',
      ...(labels ? { labels } : {}),
      ...(lines.length ? { exec: lines } : {}),
    };
  }
  if (!hostName && (exec.get(hostKey)?.length ?? 0) > 0)
    nodes[hostKey] = { kind: 'linux', 'network-mode': 'host', exec: exec.get(hostKey) };
  if (/\{\{|\$\{/.test(JSON.stringify(t)))
    warnings.push('the lab holds "{{" or "${": containerlab reads those as a template or a variable when it reads the file');
  for (const what of lost) warnings.push(`${what}: a containerlab file has no place for them; left out`);

  const header = [
    `containerlab topology of the nslab lab "${t.name}" (nslab export-clab). Deploy: containerlab deploy -t ${t.name}.clab.yml`,
    'Each node runs its exec lines with ip, sysctl and iptables: an image without them needs another (nslab export-clab --image).',
    ...(hostName
      ? [
          `Node ${hostName} is the host itself (network-mode: host): its exec lines change the host's network, as the lab does;`,
          'containerlab destroy does not undo them (nslab destroy does). They name interfaces the links make: should one',
          'run before its link exists, deploy again.',
        ]
      : []),
    ...(hostBridges.length
      ? [
          'containerlab does not make bridges: make them before deploying:',
          ...hostBridges.map((b) => `  ip link add ${b} type bridge && ip link set ${b} up`),
        ]
      : []),
  ];
  const extra = {
    ...(t.prefix ? { prefix: t.prefix } : {}),
    ...(t.description ? { description: t.description } : {}),
    ...(t.checks?.length ? { checks: t.checks } : {}),
  };
  if (Object.keys(extra).length > 0)
    header.push(
      NSLAB_BLOCK,
      ...stringify(extra, { lineWidth: 0, flowCollectionPadding: true })
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  const doc = new Document({
    name: t.name,
    topology: { kinds: { linux: { image: opts.image ?? DEFAULT_CLAB_IMAGE } }, nodes, links },
  });
  doc.commentBefore = header.map((l) => (l ? ` ${l}` : '')).join('\n');
  const linkSeq = doc.getIn(['topology', 'links'], true);
  if (isSeq(linkSeq))
    for (const item of linkSeq.items) {
      const eps = (item as { get?: (k: string, keep: true) => unknown }).get?.('endpoints', true);
      if (isSeq(eps)) eps.flow = true;
    }
  return { yaml: doc.toString({ lineWidth: 0 }), warnings };
}

/** An impairment as the tc line that makes it (the same words nslab's own netem step uses). */
function netemLine(dev: string, i: ImpairSpec): string {
  const words = [`tc qdisc add dev ${dev} root netem`];
  for (const f of IMPAIR_FIELDS) {
    const v = i[f];
    if (v === undefined) continue;
    if (f === 'jitter') continue;
    words.push(f === 'delay' ? `delay ${v}${i.jitter ? ` ${i.jitter}` : ''}` : `${f} ${v}`);
  }
  return words.join(' ');
}

/** A namespace's NAT and FORWARD rules as iptables commands (ip6tables for IPv6 ones). */
function ruleLines(n: NamespaceNode): string[] {
  const lines: string[] = [];
  const tool = (...addrs: Array<string | undefined>) => (addrs.some((a) => a?.includes(':')) ? 'ip6tables' : 'iptables');
  const opt = (k: string, v: string | undefined) => (v === undefined ? '' : ` ${k} ${v}`);
  for (const r of n.nat ?? []) lines.push(...natLines(r, tool, opt));
  if (n.firewall?.forwardPolicy) lines.push(`iptables -P FORWARD ${n.firewall.forwardPolicy.toUpperCase()}`);
  for (const f of n.firewall?.forward ?? [])
    lines.push(
      `${tool(f.source, f.destination)} -A FORWARD${opt('-i', f.in)}${opt('-o', f.out)}${opt('-s', f.source)}${opt('-d', f.destination)} -j ${f.action.toUpperCase()}`,
    );
  return lines;
}

function natLines(
  r: NatSpec,
  tool: (...a: Array<string | undefined>) => string,
  opt: (k: string, v: string | undefined) => string,
): string[] {
  if (r.type === 'masquerade')
    return [
      `${tool(r.source)} -t nat -A POSTROUTING -s ${r.source}${opt('-o', r.outInterface)}${r.notOutInterface ? ` ! -o ${r.notOutInterface}` : ''} -j MASQUERADE`,
    ];
  const rule = (chain: string) =>
    `${tool(r.to.startsWith('[') ? ':' : undefined, r.destination)} -t nat -A ${chain} -p ${r.proto}${opt('-d', r.destination)} --dport ${r.port} -j DNAT --to-destination ${r.to}`;
  return [rule('PREROUTING'), rule('OUTPUT')];
}
