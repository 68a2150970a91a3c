import { describe, expect, it } from 'vitest';
import {
  AF,
  F,
  IFLA,
  INFO,
  NLMSG,
  RTM,
  attrs,
  cString,
  ifinfomsg,
  ipBytes,
  ipText,
  macBytes,
  macText,
  message,
  parseAttrs,
  parseError,
  replies,
  rtmsg,
} from './codec.js';

describe('netlink codec', () => {
  it('writes a request header: length, type, flags with NLM_F_REQUEST, sequence', () => {
    const m = message(RTM.GETLINK, F.DUMP, 7, ifinfomsg());
    expect(m.length).toBe(32);
    expect(m.readUInt32LE(0)).toBe(32);
    expect(m.readUInt16LE(4)).toBe(RTM.GETLINK);
    expect(m.readUInt16LE(6)).toBe(F.DUMP | F.REQUEST);
    expect(m.readUInt32LE(8)).toBe(7);
  });

  it('pads attributes to four bytes and marks nested ones', () => {
    const b = attrs([
      { type: IFLA.IFNAME, value: 'eth0' },
      { type: IFLA.LINKINFO, value: [{ type: INFO.KIND, value: 'veth' }] },
    ]);
    // "eth0\0" is 5 bytes: 4 + 5 = 9, padded to 12.
    expect(b.readUInt16LE(0)).toBe(9);
    expect(b.readUInt16LE(12 + 2)).toBe(IFLA.LINKINFO | 0x8000);
    const top = parseAttrs(b);
    expect(cString(top.get(IFLA.IFNAME)!)).toBe('eth0');
    expect(cString(parseAttrs(top.get(IFLA.LINKINFO)!).get(INFO.KIND)!)).toBe('veth');
  });

  it('writes numbers as u32, u8, u16 and big-endian ports', () => {
    const b = attrs([
      { type: 1, value: 0xdeadbeef },
      { type: 2, value: 7, size: 1 },
      { type: 3, value: 4789, size: 'be16' },
    ]);
    const a = parseAttrs(b);
    expect(a.get(1)!.readUInt32LE(0)).toBe(0xdeadbeef);
    expect(a.get(2)!.length).toBe(1);
    expect(a.get(3)!.readUInt16BE(0)).toBe(4789);
  });

  it('reads every message of a datagram, and refuses one whose length runs past it', () => {
    const one = message(RTM.NEWLINK, 0, 1, ifinfomsg({ index: 3 }));
    const two = message(NLMSG.DONE, F.MULTI, 1, Buffer.alloc(4));
    const rs = replies(Buffer.concat([one, two]));
    expect(rs.map((r) => r.type)).toEqual([RTM.NEWLINK, NLMSG.DONE]);
    expect(rs[0]!.body.readInt32LE(4)).toBe(3);
    const bad = Buffer.from(one);
    bad.writeUInt32LE(999, 0);
    expect(() => replies(bad)).toThrow(/malformed/);
  });

  it('stops at an attribute whose length is impossible instead of reading past the buffer', () => {
    const b = attrs([{ type: 1, value: 5 }]);
    b.writeUInt16LE(200, 0);
    expect(parseAttrs(b).size).toBe(0);
  });

  it("reads an error's errno and the kernel's extended message", () => {
    const err = Buffer.alloc(4 + 16);
    err.writeInt32LE(-17, 0);
    const ext = attrs([{ type: 1, value: 'ipv4: Address already assigned' }]);
    const r = { type: NLMSG.ERROR, flags: F.ACK_TLVS, seq: 1, body: Buffer.concat([err, ext]) };
    expect(parseError(r)).toEqual({ errno: 17, message: 'ipv4: Address already assigned' });
    expect(parseError({ ...r, flags: 0 })).toEqual({ errno: 17 });
    const ack = Buffer.alloc(20);
    expect(parseError({ ...r, flags: 0, body: ack })).toEqual({ errno: 0 });
  });

  it('converts addresses both ways, as the model writes them', () => {
    expect(ipBytes('10.0.0.1')).toEqual({ family: AF.INET, bytes: Buffer.from([10, 0, 0, 1]) });
    expect(ipText(ipBytes('fd00:0:0::1').bytes)).toBe('fd00::1');
    expect(ipText(ipBytes('2001:db8:0:0:1:0:0:1').bytes)).toBe('2001:db8::1:0:0:1');
    expect(() => ipBytes('10.0.0.256')).toThrow();
    expect(() => ipBytes('not an address')).toThrow();
    expect(macText(macBytes('02:AB:00:00:00:0f'))).toBe('02:ab:00:00:00:0f');
    expect(() => macBytes('02:ab:00:00:00')).toThrow(/MAC/);
  });

  it('writes a route message: family, prefix length, table, protocol, scope, type', () => {
    const r = rtmsg({ family: AF.INET6, dstLen: 64, table: 254, protocol: 3, scope: 253, type: 1 });
    expect([...r]).toEqual([AF.INET6, 64, 0, 0, 254, 3, 253, 1, 0, 0, 0, 0]);
  });
  it('keeps only the attribute types asked for, the last of a type winning', () => {
    const buf = attrs([
      { type: 1, value: 7 },
      { type: 3, value: 'eth0' },
      { type: 4, value: 1500 },
      { type: 3, value: 'eth1' },
    ]);
    const only = parseAttrs(buf, new Set([3]));
    expect([...only.keys()]).toEqual([3]);
    expect(cString(only.get(3)!)).toBe('eth1');
    expect([...parseAttrs(buf).keys()].sort()).toEqual([1, 3, 4]);
  });
});
