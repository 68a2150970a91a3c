import { describe, expect, it } from 'vitest';
import { describeStep, parseMonitor } from './monitor.js';

// As xtables-monitor --trace printed it on this machine (iptables v1.8.9, nf_tables).
const OUT = `PACKET: 2 b99aa451 OUT=trxa0 SRC=10.250.1.2 DST=10.250.2.2 LEN=84 TOS=0x0 TTL=64 ID=7324 DF
 TRACE: 2 b99aa451 raw:OUTPUT:rule:0x4:CONTINUE  -4 -t raw -A OUTPUT -s 10.250.1.2/32 -d 10.250.2.2/32 -p icmp -m comment --comment nslab-trace -j TRACE
 TRACE: 2 b99aa451 raw:OUTPUT:policy:ACCEPT
PACKET: 2 206d2582 IN=trxr0 MACSRC=fe:e8:c2:93:b3:8 MACDST=c2:52:d0:e8:f3:50 MACPROTO=0800 SRC=10.250.1.2 DST=10.250.2.2 LEN=84 TOS=0x0 TTL=64 ID=7324 DF
 TRACE: 2 206d2582 raw:PREROUTING:return:
 TRACE: 2 206d2582 raw:PREROUTING:policy:ACCEPT
PACKET: 2 206d2582 IN=trxr0 OUT=trxr1 SRC=10.250.1.2 DST=10.250.2.2 LEN=60 TTL=63 PROTO=TCP SPORT=40001 DPORT=80 SYN
 TRACE: 2 206d2582 filter:FORWARD:rule:0x7:DROP  -4 -t filter -A FORWARD -i trxr0 -m comment --comment "nslab:x" -j DROP
garbage line
`;

describe('parseMonitor', () => {
  const steps = parseMonitor(OUT);
  it('reads every TRACE line with the packet it belongs to', () => {
    expect(steps).toHaveLength(5);
    expect(steps[0]).toMatchObject({
      id: 'b99aa451',
      table: 'raw',
      chain: 'OUTPUT',
      kind: 'rule',
      verdict: 'CONTINUE',
      packet: { out: 'trxa0', ttl: 64 },
    });
    expect(steps[0]!.rule).toMatch(/^-A OUTPUT -s 10.250.1.2/);
    expect(steps[2]).toMatchObject({ kind: 'return', packet: { in: 'trxr0', src: '10.250.1.2' } });
    expect(steps[2]!.verdict).toBeUndefined();
  });
  it('takes the latest PACKET line of a trace id: interfaces, TTL, protocol and ports', () => {
    expect(steps[4]).toMatchObject({
      verdict: 'DROP',
      packet: { in: 'trxr0', out: 'trxr1', ttl: 63, proto: 'tcp', sport: 40001, dport: 80 },
    });
  });
  it('describes a step as a person reads it', () => {
    expect(describeStep(steps[4]!)).toBe('filter/FORWARD DROP: -A FORWARD -i trxr0 -j DROP (in trxr0, out trxr1)');
    expect(describeStep(steps[3]!)).toBe('raw/PREROUTING policy ACCEPT (in trxr0)');
  });
  it('reads nothing from nothing', () => {
    expect(parseMonitor('')).toEqual([]);
  });
});
