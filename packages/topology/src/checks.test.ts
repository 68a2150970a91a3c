import { describe, expect, it } from 'vitest';
import { describeCheck, explainPing, pingCheckArgs } from './checks.js';
import { parseTopologyData } from './parseTopology.js';

const sized = { from: 'ns1', ping: '10.65.2.2', expect: 'reachable' as const, size: 1472 };

describe('a ping check with a size (extension: the payload, never fragmented)', () => {
  it('[V18] reads a size of 0 to 65507 bytes', () => {
    for (const size of [0, 1472, 65507]) {
      const r = parseTopologyData({ name: 'l', nodes: { a: { kind: 'netns' } }, checks: [{ from: 'a', ping: '10.0.0.1', size }] });
      expect(r.ok, String(size)).toBe(true);
    }
  });

  it('pings with -s and DF set, the target after --', () => {
    expect(pingCheckArgs(sized)).toEqual(['-c', '1', '-W', '1', '-s', '1472', '-M', 'do', '--', '10.65.2.2']);
    expect(pingCheckArgs({ ...sized, size: 0 })).toContain('-s');
    const { size: _size, ...plain } = sized;
    expect(pingCheckArgs(plain)).toEqual(['-c', '1', '-W', '1', '--', '10.65.2.2']);
  });

  it('says the size in its sentence', () => {
    expect(describeCheck(sized)).toBe('ns1 can ping 10.65.2.2 with 1472-byte payloads, unfragmented');
    expect(describeCheck({ ...sized, ttl: 63 })).toBe('ns1 can ping 10.65.2.2 with 1472-byte payloads, unfragmented (TTL 63)');
  });

  it.each([
    ['the path named its MTU', { mtu: 1400 }, /a 1500-byte packet .*the path says its MTU is 1400; compare the MTU/],
    ['nothing came back', {}, /dropped on the way .*smaller MTU drops it silently/],
  ])('explains a failure where a default ping passes: %s', (_what, extra, why) => {
    const text = explainPing(sized, false, undefined, { route: { dev: 'eth0', gateway: '10.65.1.1' }, smallReached: true, ...extra });
    expect(text).toMatch(/^ns1 reaches 10\.65\.2\.2 with a default ping, but not with a 1472-byte payload/);
    expect(text).toMatch(why);
  });

  it('counts IPv6 headers in the packet size', () => {
    expect(explainPing({ ...sized, ping: 'fd00::2' }, false, undefined, { smallReached: true })).toMatch(/a 1520-byte packet/);
  });

  it('falls back to the usual reasons when a default ping fails too', () => {
    expect(explainPing(sized, false, undefined, { route: null, smallReached: false })).toMatch(/has no route to 10\.65\.2\.2/);
  });
});
