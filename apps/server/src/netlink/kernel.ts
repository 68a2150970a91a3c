/**
 * nslab talking to the kernel from its own process: one NETLINK_ROUTE socket
 * per namespace, made inside it (a socket stays bound to the namespace it was
 * created in), namespaces made and removed as `ip netns` does, and sysctls
 * through /proc/sys files opened inside the namespace. No process per
 * namespace: reading a thousand namespaces costs what the kernel spends.
 *
 * The few system calls Node lacks (setns, unshare, mount) come from
 * packages/kernel, a small N-API addon built on install like node-pty. Where
 * it is not built, not root, or NSLAB_NETLINK=0, `direct()` is undefined and
 * callers run `ip` as before (that path also serves sandboxes, whose
 * namespaces live behind another user namespace).
 *
 * What it reads is shaped as `ip -json -details` prints it (IpLink, IpRoute),
 * so the model's parsers and kind modules read both paths the same way.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { LinkSettings, VethEnd } from '@nslab/topology';
import type { IpLink, IpRoute } from '../observe/parse.js';
import { NETNS_DIR, netnsFile } from '../paths.js';
import { hostRunner, type Runner } from '../runner.js';
import {
  AF,
  F,
  IFA,
  IFA_F_NODAD,
  IFF_UP,
  IFLA,
  INFO,
  RTA,
  RTM,
  RTN_UNICAST,
  RTPROT_BOOT,
  RTEXT_FILTER_SKIP_STATS,
  RT_SCOPE,
  RT_TABLE_MAIN,
  attrs,
  cString,
  ifaddrmsg,
  ifinfomsg,
  ipBytes,
  ipText,
  macBytes,
  macText,
  parseAttrs,
  rtgenmsg,
  rtmsg,
  s32,
  u32,
  type Attr,
  type Reply,
} from './codec.js';
import { NetlinkError, NlSocket } from './socket.js';

type Addon = typeof import('@nslab/kernel');

let loaded: { addon?: Addon; why?: string } | undefined;

function addon(): { addon?: Addon; why?: string } {
  if (loaded) return loaded;
  if (process.env.NSLAB_NETLINK === '0') return (loaded = { why: 'NSLAB_NETLINK=0' });
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return (loaded = { why: 'not root on Linux' });
  try {
    return (loaded = { addon: createRequire(import.meta.url)('@nslab/kernel') as Addon });
  } catch (e) {
    return (loaded = { why: `the @nslab/kernel addon is not built (${(e as Error).message.split('\n')[0]})` });
  }
}

/** The kernel, reached directly; undefined where nslab must run `ip` instead (and `why` says so). */
export function direct(): Kernel | undefined {
  const a = addon().addon;
  return a ? (kernel ??= new Kernel(a)) : undefined;
}

/**
 * The kernel, reached directly, for what `runner` would run: only the host's
 * runner talks netlink (a sandbox's namespaces live behind another user
 * namespace, and keep the `ip` path).
 */
export function directFor(runner: Runner): Kernel | undefined {
  return runner === hostRunner ? direct() : undefined;
}

/** Why nslab runs `ip` rather than talking to the kernel itself (undefined: it talks to it). */
export function whyNotDirect(): string | undefined {
  return addon().why;
}

let kernel: Kernel | undefined;

/**
 * A pacer for long synchronous work on the main thread: `await pace()`
 * between pieces lets the event loop run once every `ms` milliseconds.
 */
export function pacer(ms = 8): () => Promise<void> {
  let slice = performance.now();
  return async () => {
    if (performance.now() - slice < ms) return;
    await new Promise((res) => setImmediate(res));
    slice = performance.now();
  };
}

const O_RDONLY = fs.constants.O_RDONLY;
const O_WRONLY = fs.constants.O_WRONLY;

export class Kernel {
  constructor(private readonly sys: Addon) {}

  /** A connection to a namespace (null: the host's, the one this process runs in). Close it when done. */
  open(netns: string | null): NsConn {
    const nsFd = netns === null ? -1 : this.openNs(netns);
    try {
      return new NsConn(netns, nsFd, new NlSocket(this.socket(nsFd), this.sys.strerror), this);
    } catch (e) {
      if (nsFd >= 0) fs.closeSync(nsFd);
      throw e;
    }
  }

  /** Runs `fn` with a connection to a namespace (null: the host), closed after; throws when it cannot be opened. */
  using<T>(netns: string | null, fn: (conn: NsConn) => T): T {
    const conn = this.open(netns);
    try {
      return fn(conn);
    } finally {
      conn.close();
    }
  }

  /** A netlink socket made inside a namespace (-1: here). */
  socket(nsFd: number, protocol: 0 | 12 = 0): number {
    return this.sysCall(() => this.sys.netlinkSocket(nsFd, protocol));
  }

  /** An open file descriptor of a namespace (for IFLA_NET_NS_FD and setns); the caller closes it. */
  openNs(netns: string): number {
    try {
      return fs.openSync(netnsFile(netns), O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new NetlinkError(
        err.errno ? -err.errno : 2,
        `Cannot open network namespace "${netns}": ${this.sys.strerror(-(err.errno ?? -2))}`,
      );
    }
  }

  /** `ip netns add NAME`. */
  addNetns(name: string): void {
    this.sysCall(() => this.sys.addNetns(NETNS_DIR, netnsFile(name)));
  }

  /** `ip netns del NAME`: the kernel tears the namespace down later, when nothing holds it. */
  delNetns(name: string): void {
    this.sysCall(() => this.sys.delNetns(netnsFile(name)));
  }

  /** The names in /run/netns, sorted (what `ip netns list` shows). */
  listNetns(): string[] {
    try {
      return fs
        .readdirSync(NETNS_DIR)
        .filter((n) => n !== '.' && n !== '..')
        .sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /** Reads a /proc/sys/net file inside a namespace (-1: here); undefined when it does not exist there. */
  readSysctl(nsFd: number, file: string): string | undefined {
    let fd: number;
    try {
      fd = this.sys.openIn(nsFd, file, O_RDONLY);
    } catch {
      return undefined;
    }
    try {
      return fs.readFileSync(fd, 'utf8').trim(); // as `sysctl` prints it
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Writes a /proc/sys/net file inside a namespace, as `sysctl -w` does. */
  writeSysctl(nsFd: number, file: string, value: string): void {
    const fd = this.sysCall(() => this.sys.openIn(nsFd, file, O_WRONLY));
    try {
      this.sysCall(() => fs.writeSync(fd, `${value}\n`));
    } finally {
      fs.closeSync(fd);
    }
  }

  strerror(errno: number): string {
    return this.sys.strerror(errno);
  }

  /** A system call's error as a NetlinkError with the C library's message. */
  private sysCall<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (typeof err.errno !== 'number') throw e;
      const errno = Math.abs(err.errno);
      const what = err.message.includes(':') && !err.syscall ? err.message : this.sys.strerror(errno);
      throw new NetlinkError(errno, what);
    }
  }
}

/** Which flags `ip -json` names (the model reads UP; the rest are for people). */
const FLAG_NAMES: Array<[number, string]> = [
  [0x8, 'LOOPBACK'],
  [0x2, 'BROADCAST'],
  [0x10, 'POINTOPOINT'],
  [0x1000, 'MULTICAST'],
  [0x80, 'NOARP'],
  [0x100, 'PROMISC'],
  [IFF_UP, 'UP'],
  [0x10000, 'LOWER_UP'],
];

const PROTOCOLS: Record<number, string> = {
  1: 'redirect',
  2: 'kernel',
  3: 'boot',
  4: 'static',
  9: 'ra',
  11: 'zebra',
  12: 'bird',
  16: 'dhcp',
  186: 'bgp',
  188: 'ospf',
};
const ROUTE_TYPES: Record<number, string> = {
  1: 'unicast',
  2: 'local',
  3: 'broadcast',
  4: 'anycast',
  5: 'multicast',
  6: 'blackhole',
  7: 'unreachable',
  8: 'prohibit',
  9: 'throw',
};
const SCOPES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };
const MACVLAN_MODES: Record<number, string> = { 1: 'private', 2: 'vepa', 4: 'bridge', 8: 'passthru', 16: 'source' };
const RTM_F_CLONED = 0x200;

/** A link's counters, as `ip -s -json` prints them. */
export interface Stats64 {
  rx: { packets: number; bytes: number };
  tx: { packets: number; bytes: number };
}

/** Link dumps leave the counters out (RTEXT_FILTER_SKIP_STATS): the model has no use for them, and they cost the kernel. */
const NO_STATS: Attr[] = [{ type: IFLA.EXT_MASK, value: RTEXT_FILTER_SKIP_STATS }];
/** The attributes of a link the model reads (toIpLink); the others are skipped, not copied. */
const LINK_ATTRS: ReadonlySet<number> = new Set([
  IFLA.ADDRESS,
  IFLA.IFNAME,
  IFLA.MTU,
  IFLA.LINK,
  IFLA.MASTER,
  IFLA.LINKINFO,
  IFLA.IFALIAS,
  IFLA.LINK_NETNSID,
]);
const NAME_ONLY: ReadonlySet<number> = new Set([IFLA.IFNAME]);
const ALIAS_ONLY: ReadonlySet<number> = new Set([IFLA.IFALIAS]);
/** IFLA_BR_STP_STATE, in a bridge's IFLA_INFO_DATA. */
const BR_STP_STATE = 5;

/** A bridge's IFLA_LINKINFO, with its spanning tree on or off (left as it is: undefined). */
function bridgeInfo(stp: boolean | undefined): Attr {
  return {
    type: IFLA.LINKINFO,
    value: [
      { type: INFO.KIND, value: 'bridge' },
      ...(stp !== undefined ? [{ type: INFO.DATA, value: [{ type: BR_STP_STATE, value: stp ? 1 : 0 }] }] : []),
    ],
  };
}

/** One change, as the audit log records it: the netlink request and its arguments. */
export interface NlOp {
  op: string;
  args: Record<string, unknown>;
}

/** One namespace's socket, and the interface indexes it has looked up. */
export class NsConn {
  private readonly index = new Map<string, number>();
  private readonly nsFds = new Map<string, number>();

  constructor(
    readonly netns: string | null,
    /** The namespace's descriptor (-1: the host). */
    readonly nsFd: number,
    private readonly sock: NlSocket,
    private readonly kernel: Kernel,
  ) {}

  close(): void {
    this.sock.close();
    if (this.nsFd >= 0) fs.closeSync(this.nsFd);
    for (const fd of this.nsFds.values()) fs.closeSync(fd);
    this.nsFds.clear();
  }

  /** An interface's index by name; ip's message when there is none. */
  ifindex(name: string): number {
    const known = this.index.get(name);
    if (known !== undefined) return known;
    const i = this.linkByName(name)?.body.readInt32LE(4);
    if (i === undefined) throw new NetlinkError(19, `Cannot find device "${name}"`);
    this.index.set(name, i);
    return i;
  }

  /** One interface's message, by name; undefined when there is none. */
  private linkByName(name: string): Reply | undefined {
    try {
      return this.sock.get(RTM.GETLINK, ifinfomsg(), [{ type: IFLA.IFNAME, value: name }, ...NO_STATS], false)[0];
    } catch (e) {
      if (e instanceof NetlinkError && e.errno === 19) return undefined; // ENODEV
      throw e;
    }
  }

  /**
   * The IP families (4, 6) that have nf_tables tables here: where iptables-nft
   * could hold rules or a chain policy. None means nothing to read, with no
   * iptables-save to run.
   */
  nftFamilies(): Set<4 | 6> {
    const GETTABLE = (10 << 8) | 1; // NFNL_SUBSYS_NFTABLES, NFT_MSG_GETTABLE
    return this.netfilter((sock) => {
      const out = new Set<4 | 6>();
      for (const r of sock.get(GETTABLE, Buffer.alloc(4))) {
        const family = r.body.readUInt8(0);
        if (family === AF.INET) out.add(4);
        else if (family === AF.INET6) out.add(6);
      }
      return out;
    });
  }

  /**
   * The IP families (4, 6) with at least one nf_tables rule here: the first
   * datagram of each family's rule dump tells, however many rules there are.
   */
  nftRuleFamilies(): Set<4 | 6> {
    const GETRULE = (10 << 8) | 7; // NFNL_SUBSYS_NFTABLES, NFT_MSG_GETRULE
    const out = new Set<4 | 6>();
    for (const [family, af] of [
      [4, AF.INET],
      [6, AF.INET6],
    ] as const) {
      const msg = Buffer.alloc(4); // struct nfgenmsg: family, version, resource id
      msg.writeUInt8(af, 0);
      if (this.netfilter((sock) => sock.first(GETRULE, msg).length > 0)) out.add(family);
    }
    return out;
  }

  /** Runs `fn` with a NETLINK_NETFILTER socket made in this namespace, closed after. */
  private netfilter<T>(fn: (sock: NlSocket) => T): T {
    const NETLINK_NETFILTER = 12;
    const sock = new NlSocket(this.kernel.socket(this.nsFd, NETLINK_NETFILTER), (e) => this.kernel.strerror(e));
    try {
      return fn(sock);
    } finally {
      sock.close();
    }
  }

  /** True when some interface here has a root qdisc that is not the kernel's own choice (what `tc` must then describe). */
  hasOwnQdiscs(): boolean {
    const GETQDISC = 38;
    const TC_H_ROOT = 0xffffffff;
    const defaults = new Set(['noqueue', 'pfifo_fast', 'fq_codel', 'mq', 'fq']);
    for (const r of this.sock.get(GETQDISC, Buffer.alloc(20))) {
      if (r.body.readUInt32LE(12) !== TC_H_ROOT || r.body.readUInt32LE(8) === 0) continue;
      const kind = parseAttrs(r.body.subarray(20)).get(1);
      if (kind && !defaults.has(cString(kind))) return true;
    }
    return false;
  }

  /** An interface's alias (`ip link set … alias`), undefined when it has none or does not exist. */
  alias(name: string): string | undefined {
    const r = this.linkByName(name);
    const a = r && parseAttrs(r.body.subarray(16), ALIAS_ONLY).get(IFLA.IFALIAS);
    return a && a.length > 0 ? cString(a) : undefined;
  }

  /**
   * Every interface, with its addresses, shaped as `ip -json -details addr
   * show` prints them; link-local and loopback addresses are left out (the
   * model keeps neither).
   */
  links(withAddresses = true): IpLink[] {
    const out = this.dumpLinks();
    if (!withAddresses) return out;
    const byIndex = new Map(out.map((l) => [l.ifindex, l]));
    for (const r of this.sock.get(RTM.GETADDR, ifaddrmsg({ family: AF.UNSPEC, prefixlen: 0, index: 0 }))) {
      const family = r.body.readUInt8(0);
      const a = parseAttrs(r.body.subarray(8));
      const local = a.get(IFA.LOCAL) ?? a.get(IFA.ADDRESS);
      const l = byIndex.get(r.body.readUInt32LE(4));
      if (!l || !local) continue;
      const scope = r.body.readUInt8(3);
      if (scope === RT_SCOPE.LINK || scope === RT_SCOPE.HOST) continue; // link-local and loopback addresses: no part of the model
      (l.addr_info ??= []).push({
        family: family === AF.INET6 ? 'inet6' : 'inet',
        local: ipText(local),
        prefixlen: r.body.readUInt8(1),
        scope: SCOPES[scope] ?? String(scope),
      });
    }
    return out;
  }

  /**
   * Every interface's counters, by index: RTM_GETSTATS asking only for the
   * 64-bit link counters, a quarter of what a link dump costs the kernel
   * (read every second while a page shows the counters).
   */
  statsByIndex(): Map<number, Stats64> {
    const RTM_GETSTATS = 94;
    const IFLA_STATS_LINK_64 = 1;
    const req = Buffer.alloc(12); // struct if_stats_msg: family, pads, ifindex 0 (all), filter_mask
    req.writeUInt32LE(1 << (IFLA_STATS_LINK_64 - 1), 8);
    const out = new Map<number, Stats64>();
    for (const r of this.sock.get(RTM_GETSTATS, req)) {
      const stats = parseAttrs(r.body.subarray(12)).get(IFLA_STATS_LINK_64);
      if (stats && stats.length >= 32) out.set(r.body.readInt32LE(4), stats64(stats));
    }
    return out;
  }

  /** Every interface's name, by index. */
  names(): Map<number, string> {
    const out = new Map<number, string>();
    for (const r of this.sock.get(RTM.GETLINK, ifinfomsg(), NO_STATS)) {
      const name = parseAttrs(r.body.subarray(16), NAME_ONLY).get(IFLA.IFNAME);
      if (name) out.set(r.body.readInt32LE(4), cString(name));
    }
    return out;
  }

  private dumpLinks(): IpLink[] {
    const raw = this.sock.get(RTM.GETLINK, ifinfomsg(), NO_STATS);
    const names = new Map<number, string>();
    const parsed = raw.map((r) => {
      const a = parseAttrs(r.body.subarray(16), LINK_ATTRS);
      const ifindex = r.body.readInt32LE(4);
      const ifname = cString(a.get(IFLA.IFNAME) ?? Buffer.alloc(0));
      names.set(ifindex, ifname);
      return { r, a, ifindex, ifname };
    });
    this.index.clear();
    for (const [i, n] of names) this.index.set(n, i);
    return parsed.map(({ r, a, ifindex, ifname }) => toIpLink(r, a, ifindex, ifname, names));
  }

  /** The main table's routes of one family, as `ip -json route show` prints them (kernel caches left out); devices are named from the last `links()`. */
  routes(family: 4 | 6): IpRoute[] {
    const names = new Map([...this.index].map(([n, i]) => [i, n]));
    const out: IpRoute[] = [];
    for (const r of this.sock.get(RTM.GETROUTE, rtmsg({ family: family === 4 ? AF.INET : AF.INET6 }))) {
      const b = r.body;
      const a = parseAttrs(b.subarray(12));
      const table = u32(a.get(RTA.TABLE)) ?? b.readUInt8(4);
      if (table !== RT_TABLE_MAIN || b.readUInt32LE(8) & RTM_F_CLONED) continue;
      const dstLen = b.readUInt8(1);
      const dst = a.get(RTA.DST);
      const route: IpRoute = { dst: dst ? `${ipText(dst)}/${dstLen}` : dstLen === 0 ? 'default' : `?/${dstLen}` };
      const gw = a.get(RTA.GATEWAY);
      if (gw) route.gateway = ipText(gw);
      const oif = u32(a.get(RTA.OIF));
      if (oif !== undefined) route.dev = names.get(oif);
      const protocol = b.readUInt8(5);
      route.protocol = PROTOCOLS[protocol] ?? String(protocol);
      const metric = u32(a.get(RTA.PRIORITY));
      if (metric) route.metric = metric;
      route.type = ROUTE_TYPES[b.readUInt8(7)] ?? String(b.readUInt8(7));
      route.scope = SCOPES[b.readUInt8(6)] ?? String(b.readUInt8(6));
      out.push(route);
    }
    return out;
  }

  /** The host's id for a namespace (its `nsid`), if one is assigned; undefined otherwise. */
  nsid(nsFd: number): number | undefined {
    const NETNSA_NSID = 1;
    const NETNSA_FD = 3;
    const r = this.sock.get(RTM.GETNSID, rtgenmsg(AF.UNSPEC), [{ type: NETNSA_FD, value: nsFd }], false)[0];
    const id = r ? s32(parseAttrs(r.body.subarray(4)).get(NETNSA_NSID)) : undefined;
    return id === undefined || id < 0 ? undefined : id;
  }

  /** `ip link add …`: a veth pair (its ends may go to other namespaces). */
  addVeth(a: VethEnd, b: VethEnd): NlOp {
    const end = (e: VethEnd): Attr[] => [
      { type: IFLA.IFNAME, value: e.name },
      ...(e.netns !== this.netns && e.netns !== null ? [{ type: IFLA.NET_NS_FD, value: this.nsFdOf(e.netns) }] : []),
      ...(e.mac ? [{ type: IFLA.ADDRESS, value: macBytes(e.mac) }] : []),
      ...(e.mtu ? [{ type: IFLA.MTU, value: e.mtu }] : []),
    ];
    const VETH_INFO_PEER = 1;
    const peer = Buffer.concat([ifinfomsg(), attrs(end(b))]);
    this.newLink(
      [
        ...end(a),
        {
          type: IFLA.LINKINFO,
          value: [
            { type: INFO.KIND, value: 'veth' },
            { type: INFO.DATA, value: [{ type: VETH_INFO_PEER, value: peer }] },
          ],
        },
      ],
      true,
    );
    return { op: 'RTM_NEWLINK', args: { kind: 'veth', a, b } };
  }

  /** `ip link add name NAME type bridge [stp_state 1]`. */
  addBridge(name: string, stp: boolean): NlOp {
    this.newLink([{ type: IFLA.IFNAME, value: name }, bridgeInfo(stp ? true : undefined)], true);
    return { op: 'RTM_NEWLINK', args: { kind: 'bridge', name, stp } };
  }

  /** `ip link set dev NAME …`: master, mtu, address, alias, up/down, a bridge's spanning tree, in one request. */
  setLink(name: string, s: LinkSettings): NlOp {
    const index = this.ifindex(name);
    const list: Attr[] = [];
    if (s.master === null) list.push({ type: IFLA.MASTER, value: 0 });
    else if (s.master !== undefined) list.push({ type: IFLA.MASTER, value: this.ifindex(s.master) });
    if (s.mtu !== undefined) list.push({ type: IFLA.MTU, value: s.mtu });
    if (s.mac !== undefined) list.push({ type: IFLA.ADDRESS, value: macBytes(s.mac) });
    if (s.alias !== undefined) list.push({ type: IFLA.IFALIAS, value: Buffer.from(s.alias) });
    if (s.stp !== undefined) list.push(bridgeInfo(s.stp));
    const up = s.up === undefined ? {} : { flags: s.up ? IFF_UP : 0, change: IFF_UP };
    this.sock.request(RTM.NEWLINK, 0, ifinfomsg({ index, ...up }), list);
    return { op: 'RTM_NEWLINK', args: { index, name, ...s } };
  }

  /** `ip link del dev NAME`. */
  delLink(name: string): NlOp {
    const index = this.ifindex(name);
    this.sock.request(RTM.DELLINK, 0, ifinfomsg({ index }));
    this.index.delete(name);
    return { op: 'RTM_DELLINK', args: { index, name } };
  }

  /** `ip addr add|del CIDR dev DEV` (IPv6 without duplicate address detection, as nslab's steps ask). */
  addr(add: boolean, dev: string, cidr: string): NlOp {
    const [ip, len] = cidr.split('/') as [string, string | undefined];
    const { family, bytes } = ipBytes(ip);
    const prefixlen = len === undefined ? bytes.length * 8 : Number(len);
    const index = this.ifindex(dev);
    const list: Attr[] = [{ type: IFA.LOCAL, value: bytes }];
    if (family === AF.INET) list.push({ type: IFA.ADDRESS, value: bytes });
    else list[0] = { type: IFA.ADDRESS, value: bytes };
    if (add && family === AF.INET6) list.push({ type: IFA.FLAGS, value: IFA_F_NODAD });
    this.sock.request(
      add ? RTM.NEWADDR : RTM.DELADDR,
      add ? F.CREATE | F.EXCL : 0,
      ifaddrmsg({ family, prefixlen, index, flags: add && family === AF.INET6 ? IFA_F_NODAD : 0 }),
      list,
    );
    return { op: add ? 'RTM_NEWADDR' : 'RTM_DELADDR', args: { index, dev, address: cidr } };
  }

  /** `ip route add|del TO [via GW] [dev DEV] [metric M]` in the main table. */
  route(add: boolean, r: { family: 4 | 6; to: string; via?: string; dev?: string; metric?: number }): NlOp {
    const family = r.family === 4 ? AF.INET : AF.INET6;
    const [dst, len] = r.to.split('/') as [string, string];
    const dstLen = Number(len);
    const list: Attr[] = [{ type: RTA.TABLE, value: RT_TABLE_MAIN }];
    if (dstLen > 0) list.push({ type: RTA.DST, value: ipBytes(dst).bytes });
    if (r.via) list.push({ type: RTA.GATEWAY, value: ipBytes(r.via).bytes });
    const index = r.dev ? this.ifindex(r.dev) : undefined;
    if (index !== undefined) list.push({ type: RTA.OIF, value: index });
    if (r.metric) list.push({ type: RTA.PRIORITY, value: r.metric });
    const fixed = add
      ? rtmsg({
          family,
          dstLen,
          table: RT_TABLE_MAIN,
          protocol: RTPROT_BOOT,
          scope: r.via ? RT_SCOPE.UNIVERSE : RT_SCOPE.LINK,
          type: RTN_UNICAST,
        })
      : rtmsg({ family, dstLen, table: RT_TABLE_MAIN, scope: RT_SCOPE.NOWHERE });
    this.sock.request(add ? RTM.NEWROUTE : RTM.DELROUTE, add ? F.CREATE | F.EXCL : 0, fixed, list);
    return { op: add ? 'RTM_NEWROUTE' : 'RTM_DELROUTE', args: { ...r, ...(index !== undefined ? { index } : {}) } };
  }

  private newLink(list: Attr[], create: boolean): void {
    this.sock.request(RTM.NEWLINK, create ? F.CREATE | F.EXCL : 0, ifinfomsg(), list);
  }

  private nsFdOf(netns: string): number {
    let fd = this.nsFds.get(netns);
    if (fd === undefined) this.nsFds.set(netns, (fd = this.kernel.openNs(netns)));
    return fd;
  }
}

function toIpLink(r: Reply, a: Map<number, Buffer>, ifindex: number, ifname: string, names: Map<number, string>): IpLink {
  const flags = r.body.readUInt32LE(8);
  const l: IpLink = { ifindex, ifname, flags: FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n) };
  const netnsid = s32(a.get(IFLA.LINK_NETNSID));
  const link = u32(a.get(IFLA.LINK));
  if (link !== undefined && link !== 0) {
    if (netnsid !== undefined) {
      l.link_index = link;
      l.link_netnsid = netnsid;
    } else if (names.has(link)) l.link = names.get(link);
  }
  const mtu = u32(a.get(IFLA.MTU));
  if (mtu !== undefined) l.mtu = mtu;
  const addr = a.get(IFLA.ADDRESS);
  if (addr) l.address = macText(addr);
  const alias = a.get(IFLA.IFALIAS);
  if (alias && alias.length > 0) l.ifalias = cString(alias);
  const master = u32(a.get(IFLA.MASTER));
  if (master !== undefined && names.has(master)) l.master = names.get(master);
  const info = a.get(IFLA.LINKINFO);
  if (info) {
    const i = parseAttrs(info);
    const kind = i.get(INFO.KIND);
    const slave = i.get(INFO.SLAVE_KIND);
    l.linkinfo = {};
    if (kind) l.linkinfo.info_kind = cString(kind);
    if (slave) l.linkinfo.info_slave_kind = cString(slave);
    const data = i.get(INFO.DATA);
    if (data && l.linkinfo.info_kind) {
      const d = infoData(l.linkinfo.info_kind, parseAttrs(data), names);
      if (d) l.linkinfo.info_data = d;
    }
  }
  return l;
}

/** The kind-specific settings the kind modules read (bridge, vxlan, macvlan), named as `ip -json -details` names them. */
function infoData(kind: string, d: Map<number, Buffer>, names: Map<number, string>): Record<string, unknown> | undefined {
  if (kind === 'bridge') return { stp_state: u32(d.get(BR_STP_STATE)) ?? 0 };
  if (kind === 'macvlan') {
    const mode = u32(d.get(1));
    return { mode: mode === undefined ? 'vepa' : (MACVLAN_MODES[mode] ?? String(mode)) };
  }
  if (kind !== 'vxlan') return undefined;
  const out: Record<string, unknown> = { id: u32(d.get(1)) };
  const group = d.get(2) ?? d.get(16);
  if (group) {
    const text = ipText(group);
    const multicast = group.length === 4 ? group[0]! >= 224 && group[0]! <= 239 : group[0] === 0xff;
    out[multicast ? 'group' : 'remote'] = text;
  }
  const local = d.get(4) ?? d.get(17);
  if (local) out.local = ipText(local);
  const link = u32(d.get(3));
  if (link) out.link = names.get(link) ?? link;
  const port = d.get(15);
  if (port && port.length >= 2) out.port = port.readUInt16BE(0);
  return out;
}

/** struct rtnl_link_stats64's first four counters. */
function stats64(b: Buffer): Stats64 {
  const n = (at: number) => Number(b.readBigUInt64LE(at));
  return { rx: { packets: n(0), bytes: n(16) }, tx: { packets: n(8), bytes: n(24) } };
}
