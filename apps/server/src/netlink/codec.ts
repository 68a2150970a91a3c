/**
 * rtnetlink messages as bytes, both ways (rtnetlink(7), linux/rtnetlink.h,
 * linux/if_link.h). Pure: builds requests and reads replies; the socket is
 * elsewhere (socket.ts). Hand-written: the npm `netlink` package has these
 * codecs but not namespaces (see kernel.ts), and only these few are needed.
 */
import ipaddr from 'ipaddr.js';

export const NLMSG = { NOOP: 1, ERROR: 2, DONE: 3 } as const;
export const RTM = {
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  NEWADDR: 20,
  DELADDR: 21,
  GETADDR: 22,
  NEWROUTE: 24,
  DELROUTE: 25,
  GETROUTE: 26,
  GETNSID: 90,
} as const;
export const F = { REQUEST: 1, MULTI: 2, ACK: 4, DUMP: 0x300, REPLACE: 0x100, EXCL: 0x200, CREATE: 0x400, ACK_TLVS: 0x200 } as const;
export const IFLA = {
  ADDRESS: 1,
  IFNAME: 3,
  MTU: 4,
  LINK: 5,
  MASTER: 10,
  LINKINFO: 18,
  IFALIAS: 20,
  STATS64: 23,
  NET_NS_FD: 28,
  EXT_MASK: 29,
  LINK_NETNSID: 37,
} as const;
export const INFO = { KIND: 1, DATA: 2, SLAVE_KIND: 4 } as const;
export const IFA = { ADDRESS: 1, LOCAL: 2, FLAGS: 8 } as const;
export const RTA = { DST: 1, OIF: 4, GATEWAY: 5, PRIORITY: 6, TABLE: 15 } as const;
export const IFF_UP = 1;
export const IFA_F_NODAD = 0x02;
export const AF = { UNSPEC: 0, INET: 2, INET6: 10 } as const;
export const RT_TABLE_MAIN = 254;
export const RT_SCOPE = { UNIVERSE: 0, LINK: 253, HOST: 254, NOWHERE: 255 } as const;
export const RTN_UNICAST = 1;
export const RTPROT_BOOT = 3;
/** IFLA_EXT_MASK bit that keeps the counters out of link messages. */
export const RTEXT_FILTER_SKIP_STATS = 1 << 3;

const HDR = 16;
const align = (n: number) => (n + 3) & ~3;

/** One attribute to write: a number is a u32, a string is NUL-terminated, a Buffer goes as is, an array is nested. */
export type AttrValue = number | string | Buffer | Attr[];
export interface Attr {
  type: number;
  value: AttrValue;
  /** Write a number as this many bytes (default 4); `be16` for ports. */
  size?: 1 | 2 | 4 | 'be16';
}

function attrBytes(a: Attr): Buffer {
  let payload: Buffer;
  if (Array.isArray(a.value)) payload = attrs(a.value);
  else if (typeof a.value === 'string') payload = Buffer.from(`${a.value}\0`);
  else if (Buffer.isBuffer(a.value)) payload = a.value;
  else {
    const size = a.size ?? 4;
    payload = Buffer.alloc(size === 'be16' ? 2 : size);
    if (size === 1) payload.writeUInt8(a.value);
    else if (size === 2) payload.writeUInt16LE(a.value);
    else if (size === 'be16') payload.writeUInt16BE(a.value);
    else payload.writeUInt32LE(a.value >>> 0);
  }
  const out = Buffer.alloc(align(4 + payload.length));
  out.writeUInt16LE(4 + payload.length, 0);
  out.writeUInt16LE(a.type | (Array.isArray(a.value) ? 0x8000 : 0), 2);
  payload.copy(out, 4);
  return out;
}

export function attrs(list: Attr[]): Buffer {
  return Buffer.concat(list.map(attrBytes));
}

/** struct ifinfomsg. */
export function ifinfomsg(o: { index?: number; flags?: number; change?: number; family?: number } = {}): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt8(o.family ?? AF.UNSPEC, 0);
  b.writeInt32LE(o.index ?? 0, 4);
  b.writeUInt32LE(o.flags ?? 0, 8);
  b.writeUInt32LE(o.change ?? 0, 12);
  return b;
}

/** struct ifaddrmsg. */
export function ifaddrmsg(o: { family: number; prefixlen: number; flags?: number; scope?: number; index: number }): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(o.family, 0);
  b.writeUInt8(o.prefixlen, 1);
  b.writeUInt8(o.flags ?? 0, 2);
  b.writeUInt8(o.scope ?? 0, 3);
  b.writeUInt32LE(o.index, 4);
  return b;
}

/** struct rtmsg. */
export function rtmsg(o: { family: number; dstLen?: number; table?: number; protocol?: number; scope?: number; type?: number }): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt8(o.family, 0);
  b.writeUInt8(o.dstLen ?? 0, 1);
  b.writeUInt8(o.table ?? 0, 4);
  b.writeUInt8(o.protocol ?? 0, 5);
  b.writeUInt8(o.scope ?? 0, 6);
  b.writeUInt8(o.type ?? 0, 7);
  return b;
}

/** struct rtgenmsg, padded. */
export function rtgenmsg(family: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt8(family, 0);
  return b;
}

/** A whole request: header, fixed part, attributes. */
export function message(type: number, flags: number, seq: number, fixed: Buffer, list: Attr[] = []): Buffer {
  const body = Buffer.concat([fixed, attrs(list)]);
  const out = Buffer.alloc(HDR + body.length);
  out.writeUInt32LE(HDR + body.length, 0);
  out.writeUInt16LE(type, 4);
  out.writeUInt16LE(flags | F.REQUEST, 6);
  out.writeUInt32LE(seq, 8);
  body.copy(out, HDR);
  return out;
}

export interface Reply {
  type: number;
  flags: number;
  seq: number;
  /** The message after its header. */
  body: Buffer;
}

/** The messages of one datagram. */
export function replies(buf: Buffer): Reply[] {
  const out: Reply[] = [];
  let at = 0;
  while (at + HDR <= buf.length) {
    const len = buf.readUInt32LE(at);
    if (len < HDR || at + len > buf.length) throw new Error(`netlink: malformed reply (length ${len} at ${at} of ${buf.length})`);
    out.push({
      type: buf.readUInt16LE(at + 4),
      flags: buf.readUInt16LE(at + 6),
      seq: buf.readUInt32LE(at + 8),
      body: buf.subarray(at + HDR, at + len),
    });
    at += align(len);
  }
  return out;
}

/**
 * Attributes by type (the last of a type wins, as the kernel's own parser
 * does); with `want`, only those types (a link carries fifty attributes, and
 * a dump of a thousand namespaces' links need not copy them all).
 */
export function parseAttrs(buf: Buffer, want?: ReadonlySet<number>): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let at = 0;
  while (at + 4 <= buf.length) {
    const len = buf.readUInt16LE(at);
    if (len < 4 || at + len > buf.length) break;
    const type = buf.readUInt16LE(at + 2) & 0x3fff;
    if (!want || want.has(type)) out.set(type, buf.subarray(at + 4, at + len));
    at += align(len);
  }
  return out;
}

/** An NLMSG_ERROR's errno (0: an acknowledgement) and the kernel's extended message, if any. */
export function parseError(r: Reply): { errno: number; message?: string } {
  const errno = Math.abs(r.body.readInt32LE(0));
  // With NETLINK_CAP_ACK the request is not echoed: only its header follows, then the TLVs.
  if (!(r.flags & F.ACK_TLVS) || r.body.length <= 4 + HDR) return { errno };
  const msg = parseAttrs(r.body.subarray(4 + HDR)).get(1);
  return { errno, ...(msg ? { message: cString(msg) } : {}) };
}

export function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.toString('utf8', 0, end < 0 ? b.length : end);
}

export const u32 = (b: Buffer | undefined): number | undefined => (b && b.length >= 4 ? b.readUInt32LE(0) : undefined);
export const s32 = (b: Buffer | undefined): number | undefined => (b && b.length >= 4 ? b.readInt32LE(0) : undefined);

/** A MAC address as `ip` prints it. */
export function macText(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export function macBytes(mac: string): Buffer {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new Error(`not a MAC address: ${mac}`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/** An IPv4 or IPv6 address's bytes (ipaddr.js parses; it throws on anything else). */
export function ipBytes(ip: string): { family: number; bytes: Buffer } {
  const a = ipaddr.parse(ip);
  return { family: a.kind() === 'ipv4' ? AF.INET : AF.INET6, bytes: Buffer.from(a.toByteArray()) };
}

/** Address bytes as nslab's model writes them (ipaddr.js: IPv6 compressed, RFC 5952). */
export function ipText(b: Buffer): string {
  return ipaddr.fromByteArray([...b]).toString();
}
