/**
 * containerlab links (links/link_brief.go, link_veth.go, link_host.go,
 * link_macvlan.go): the brief form `endpoints: ["a:eth1", "b:eth1"]` (with
 * `host:`, `macvlan:` and `mgmt-net:` ends) and the extended forms. A veth
 * that names no MTU gets containerlab's 9500; one of 1500 is the kernel's own.
 */
import { CLAB_LINK_MTU, isDict, KERNEL_MTU, LABEL, own, type Path } from './names.js';

export interface LinkEnd {
  node: string;
  iface: string;
  mac?: string;
  addresses: string[];
  path: Path;
}

export type ClabLink =
  { kind: 'veth'; a: LinkEnd; b: LinkEnd; mtu?: number; label?: string } | { kind: 'macvlan'; a: LinkEnd; parent: string; mode: string };

interface Notes {
  warn(path: Path, message: string): void;
  error(path: Path, message: string): void;
}

const KNOWN = new Set(['endpoints', 'endpoint', 'type', 'mtu', 'host-interface', 'mode', 'labels', 'vars', 'ipv4', 'ipv6']);

export function readLink(raw: unknown, path: Path, notes: Notes): ClabLink | undefined {
  const { warn, error } = notes;
  if (!isDict(raw)) return void error(path, 'expected a mapping with "endpoints"');
  for (const key of Object.keys(raw)) if (!KNOWN.has(key)) warn([...path, key], 'not part of an nslab link: left out');
  const given = own(raw, 'mtu');
  const mtu = typeof given === 'number' ? (given === KERNEL_MTU ? undefined : given) : CLAB_LINK_MTU;
  const labels = own(raw, 'labels');
  const label = isDict(labels) && typeof own(labels, LABEL) === 'string' ? { label: own(labels, LABEL) as string } : {};
  const veth = (a: LinkEnd, b: LinkEnd): ClabLink => ({ kind: 'veth', a, b, ...(mtu !== undefined ? { mtu } : {}), ...label });
  const type = own(raw, 'type');
  if (type === undefined) {
    const eps = own(raw, 'endpoints');
    if (!Array.isArray(eps) || eps.length !== 2 || eps.some((e) => typeof e !== 'string'))
      return void error([...path, 'endpoints'], 'expected two endpoints, "node:interface" each');
    const ends = (eps as string[]).map((e, k) => briefEnd(e, [...path, 'endpoints', k], notes));
    if (!ends[0] || !ends[1]) return undefined;
    if (!addLinkAddresses(raw, ends as [LinkEnd, LinkEnd], path, error)) return undefined;
    const [a, b] = ends as [LinkEnd, LinkEnd];
    if (a.node === 'mgmt-net' || b.node === 'mgmt-net')
      return void warn(path, 'a link to the management network: nslab labs have none; left out');
    if (a.node === 'macvlan' || b.node === 'macvlan') {
      const [end, parent] = a.node === 'macvlan' ? [b, a.iface] : [a, b.iface];
      return { kind: 'macvlan', a: end, parent, mode: 'bridge' };
    }
    return veth(a, b);
  }
  if (type === 'veth') {
    const eps = own(raw, 'endpoints');
    if (!Array.isArray(eps) || eps.length !== 2) return void error([...path, 'endpoints'], 'expected two endpoints');
    const [a, b] = eps.map((e, k) => extendedEnd(e, [...path, 'endpoints', k], notes));
    return a && b ? veth(a, b) : undefined;
  }
  if (type === 'host' || type === 'macvlan') {
    const a = extendedEnd(own(raw, 'endpoint'), [...path, 'endpoint'], notes);
    const hostIf = own(raw, 'host-interface');
    if (typeof hostIf !== 'string') return void error([...path, 'host-interface'], 'missing: the host interface');
    if (!a) return undefined;
    if (type === 'host') return veth(a, { node: 'host', iface: hostIf, addresses: [], path: [...path, 'host-interface'] });
    const mode = own(raw, 'mode');
    return { kind: 'macvlan', a, parent: hostIf, mode: typeof mode === 'string' ? mode : 'bridge' };
  }
  if (type === 'mgmt-net') return void warn(path, 'a link to the management network: nslab labs have none; left out');
  if (type === 'dummy') return void warn(path, 'dummy interfaces are not part of the lab format: left out');
  if (typeof type === 'string' && type.startsWith('vxlan'))
    return void warn(path, `${type}: draw the tunnel as a vxlan on a node (vxlans:) instead; left out`);
  return void warn([...path, 'type'], `link type ${String(type).slice(0, 40)}: not understood; left out`);
}

function briefEnd(text: string, path: Path, notes: Notes): LinkEnd | undefined {
  const at = text.indexOf(':');
  if (at <= 0 || at === text.length - 1) return void notes.error(path, `"${text.slice(0, 70)}": expected "node:interface"`);
  return { node: text.slice(0, at), iface: linuxName(text.slice(at + 1), path, notes), addresses: [], path };
}

/**
 * A network OS's interface name as containerlab names its Linux interface:
 * SR Linux `ethernet-1/1` is `e1-1`, SR OS `1/1/c1/1` is `e1-1-c1-1`
 * (nodes/srl, nodes/sros: GetMappedInterfaceName). Other names are kept.
 */
function linuxName(name: string, path: Path, notes: Notes): string {
  const m = /^ethernet-(\d+(?:\/\d+){1,2})$/.exec(name) ?? /^(\d+\/(?:x\d+\/)?\d+(?:\/c\d+)?\/\d+)$/.exec(name);
  if (!m) return name;
  const linux = `e${m[1]!.replace(/\//g, '-')}`;
  notes.warn(path, `interface ${name} is ${linux} in Linux, as containerlab names it`);
  return linux;
}

/** A brief link's `ipv4: [a, b]` / `ipv6: [a, b]`: the addresses of its two ends, in order ('' for none). */
function addLinkAddresses(raw: Record<string, unknown>, ends: [LinkEnd, LinkEnd], path: Path, error: Notes['error']): boolean {
  for (const af of ['ipv4', 'ipv6']) {
    const vals = own(raw, af);
    if (vals === undefined) continue;
    if (!Array.isArray(vals) || vals.length > 2 || vals.some((v) => typeof v !== 'string')) {
      error([...path, af], 'expected at most two addresses, one per endpoint');
      return false;
    }
    vals.forEach((v: string, i) => {
      if (v.trim() !== '') ends[i]!.addresses.push(v.trim());
    });
  }
  return true;
}

function extendedEnd(raw: unknown, path: Path, notes: Notes): LinkEnd | undefined {
  if (!isDict(raw) || typeof own(raw, 'node') !== 'string' || typeof own(raw, 'interface') !== 'string')
    return void notes.error(path, 'expected { node, interface }');
  const addresses = [own(raw, 'ipv4'), own(raw, 'ipv6')].filter((x): x is string => typeof x === 'string');
  const mac = own(raw, 'mac');
  return {
    node: own(raw, 'node') as string,
    iface: own(raw, 'interface') as string,
    ...(typeof mac === 'string' ? { mac } : {}),
    addresses,
    path,
  };
}
