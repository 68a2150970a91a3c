import { describe, expect, it } from 'vitest';
import { parseCaptureLine } from './captureLine';

const A = '6a:1b:2c:3d:4e:5f';
const B = '7a:00:11:22:33:44';
const E = (type: string, hex: string, rest: string) => `21:40:01.123456 ${A} > ${B}, ethertype ${type} (${hex}), length 98: ${rest}`;

describe('parseCaptureLine', () => {
  it.each([
    ['an ICMP echo', E('IPv4', '0x0800', '10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64'), 'ICMP'],
    ['a TCP SYN', E('IPv4', '0x0800', '10.0.0.1.45678 > 10.0.0.2.80: Flags [S], seq 1, win 64240, length 0'), 'TCP'],
    ['a plain UDP datagram', E('IPv4', '0x0800', '10.0.0.1.40000 > 10.0.0.2.9999: UDP, length 5'), 'UDP'],
    ['a DNS query tcpdump decoded', E('IPv4', '0x0800', '10.0.0.1.40000 > 10.0.0.2.53: 4660+ A? example.com. (29)'), 'UDP'],
    ['an ARP request', E('ARP', '0x0806', 'Request who-has 10.0.0.2 tell 10.0.0.1, length 28'), 'ARP'],
    [
      'an IPv6 multicast listener report',
      E('IPv6', '0x86dd', ':: > ff02::16: HBH ICMP6, multicast listener report v2, length 28'),
      'ICMPv6',
    ],
    ['a TCP segment over IPv6', E('IPv6', '0x86dd', 'fd00::1.5000 > fd00::2.80: Flags [S], seq 1, length 0'), 'TCP'],
    ['an unknown IPv4 protocol', E('IPv4', '0x0800', '10.0.0.1 > 10.0.0.2: GREv0, length 24'), 'IPv4'],
    ['another ethertype', E('LLDP', '0x88cc', 'LLDP, length 46'), 'LLDP'],
    [
      'a bridge STP frame',
      `21:40:01.123456 ${A} > 01:80:c2:00:00:00, 802.3, length 38: LLC, dsap STP (0x42) Individual, ssap STP (0x42) Command, ctrl 0x03: STP 802.1d, Config`,
      'STP',
    ],
  ])('%s leads with time and protocol', (_name, line, proto) => {
    const parsed = parseCaptureLine(line);
    expect(parsed.time).toBe('21:40:01.123');
    expect(parsed.proto).toBe(proto);
    expect(parsed.macs).toMatch(new RegExp(`^${A} > `));
    expect(line.endsWith(parsed.text)).toBe(true);
  });

  it('keeps a line that is not a packet as it came', () => {
    const line = 'tcpdump: listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes';
    expect(parseCaptureLine(line)).toEqual({ time: '', proto: '', text: line, macs: '' });
  });

  it('keeps a line tcpdump printed with seconds only', () => {
    expect(parseCaptureLine(`21:40:01 ${A} > ${B}, ethertype ARP (0x0806), length 42: Reply 10.0.0.2 is-at ${B}, length 28`).time).toBe(
      '21:40:01',
    );
  });
});
