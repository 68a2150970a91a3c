/**
 * One NETLINK_ROUTE socket, bound to the namespace it was made in (the addon
 * makes it there: kernel.ts). Requests are synchronous: rtnetlink handles a
 * request while it is sent, so its answer is waiting when we read; a dump's
 * later parts are made as we read them. One request in flight at a time.
 */
import fs from 'node:fs';
import { F, NLMSG, message, parseError, replies, type Attr, type Reply } from './codec.js';

/** A request the kernel refused: errno, and the message iproute2 would print. */
export class NetlinkError extends Error {
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
  }
}

/** Big enough for any datagram the kernel sends (dumps are capped at 32 KiB per datagram). */
const RECV = Buffer.alloc(64 * 1024);

export class NlSocket {
  private seq = Math.floor(Math.random() * 2 ** 20);

  constructor(
    readonly fd: number,
    private readonly strerror: (errno: number) => string,
  ) {}

  /** Sends one request and waits for its acknowledgement; throws NetlinkError when the kernel refuses it. */
  request(type: number, flags: number, fixed: Buffer, list: Attr[] = []): void {
    const seq = this.send(type, flags | F.ACK, fixed, list);
    for (;;) {
      for (const r of this.read()) {
        if (r.seq !== seq) continue; // a late answer to an earlier request
        if (r.type === NLMSG.ERROR) return this.check(r);
      }
    }
  }

  /** Sends a get request and returns the answers (one for a single get, many for a dump). */
  get(type: number, fixed: Buffer, list: Attr[] = [], dump = true): Reply[] {
    const seq = this.send(type, dump ? F.DUMP : 0, fixed, list);
    const out: Reply[] = [];
    for (;;) {
      for (const r of this.read()) {
        if (r.seq !== seq) continue;
        if (r.type === NLMSG.DONE) return out;
        if (r.type === NLMSG.ERROR) {
          this.check(r);
          return out;
        }
        out.push(r);
        if (!dump) return out;
      }
    }
  }

  /**
   * Sends a dump request and returns only the answers in the kernel's first
   * datagram: enough to learn whether there is anything at all, without
   * reading a large dump to its end (close the socket after: the rest is dropped).
   */
  first(type: number, fixed: Buffer): Reply[] {
    const seq = this.send(type, F.DUMP, fixed, []);
    for (;;) {
      const mine = this.read().filter((r) => r.seq === seq);
      if (mine.length === 0) continue;
      const error = mine.find((r) => r.type === NLMSG.ERROR);
      if (error) this.check(error);
      return mine.filter((r) => r.type !== NLMSG.DONE && r.type !== NLMSG.ERROR);
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }

  private send(type: number, flags: number, fixed: Buffer, list: Attr[]): number {
    const seq = (this.seq = (this.seq + 1) >>> 0);
    const msg = message(type, flags, seq, fixed, list);
    if (fs.writeSync(this.fd, msg) !== msg.length) throw new Error('netlink: short write');
    return seq;
  }

  private read(): Reply[] {
    const n = fs.readSync(this.fd, RECV, 0, RECV.length, null);
    return replies(Buffer.from(RECV.subarray(0, n)));
  }

  private check(r: Reply): void {
    const { errno, message: ext } = parseError(r);
    if (errno === 0) return;
    throw new NetlinkError(errno, ext ? `Error: ${ext}.` : `RTNETLINK answers: ${this.strerror(errno)}`);
  }
}
