/** Address helpers over ipaddr.js: parse, normalise, compare. Pure. */
import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

export interface Cidr {
  /** The address as written, normalised (`10.0.0.1`, `fd00::1`). */
  ip: string;
  prefix: number;
  family: Family;
}

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** Parses `10.0.0.1/24` or `fd00::1/64`; a bare address gets a host prefix. */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string' || text.trim() !== text || text === '') return undefined;
  const slash = text.indexOf('/');
  const ipText = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(ipText);
  if (!ip) return undefined;
  const family: Family = ip.kind() === 'ipv4' ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { ip: ip.toString(), prefix, family };
}

/** Parses a bare IPv4/IPv6 address, strictly (no `010.1.1.1`, no zone ids). */
export function parseIp(text: string): Addr | undefined {
  if (typeof text !== 'string') return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

export function familyOf(ipText: string): Family | undefined {
  const ip = parseIp(ipText);
  return ip ? (ip.kind() === 'ipv4' ? 4 : 6) : undefined;
}

export function formatCidr(c: Cidr): string {
  return `${c.ip}/${c.prefix}`;
}

/** The network of a CIDR, as a CIDR (`10.0.0.7/24` → `10.0.0.0/24`). */
export function networkOf(c: Cidr): string {
  const addr = parseIp(c.ip)!;
  const bytes = addr.toByteArray();
  let bits = c.prefix;
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits));
    bytes[i] = bytes[i]! & ((0xff << (8 - keep)) & 0xff);
    bits -= 8;
  }
  return `${ipaddr.fromByteArray(bytes).toString()}/${c.prefix}`;
}

export function cidrContains(net: Cidr, ipText: string): boolean {
  const ip = parseIp(ipText);
  const base = parseIp(net.ip);
  if (!ip || !base || ip.kind() !== base.kind()) return false;
  return (ip as ipaddr.IPv4).match([base as ipaddr.IPv4, net.prefix]);
}

/** True when `ip/prefix` is the network or (IPv4) broadcast address of its subnet. */
export function isNetworkOrBroadcast(c: Cidr): 'network' | 'broadcast' | undefined {
  const limit = c.family === 4 ? 30 : 126;
  if (c.prefix > limit) return undefined;
  if (networkOf(c) === `${c.ip}/${c.prefix}`) return 'network';
  if (c.family === 4) {
    const bcast = ipaddr.IPv4.broadcastAddressFromCIDR(`${c.ip}/${c.prefix}`).toString();
    if (bcast === c.ip) return 'broadcast';
  }
  return undefined;
}

export function isMulticast(ipText: string): boolean {
  const ip = parseIp(ipText);
  return ip?.range() === 'multicast';
}

/** `IP:PORT` or `[IPv6]:PORT`. */
export function parseHostPort(text: string): { ip: string; port: number; family: Family } | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const ip = parseIp(m[1]!);
  const port = Number(m[2]);
  if (!ip || port < 1 || port > 65535) return undefined;
  return { ip: ip.toString(), port, family: ip.kind() === 'ipv4' ? 4 : 6 };
}

/** A route destination: `default` or a CIDR, normalised to its network. */
export function normaliseRouteTo(to: string, family: Family): string {
  if (to === 'default') return family === 4 ? '0.0.0.0/0' : '::/0';
  const c = parseCidr(to);
  return c ? networkOf(c) : to;
}

/** Normalises a MAC to lower case with colons. */
export function normaliseMac(mac: string): string {
  return mac.toLowerCase();
}
