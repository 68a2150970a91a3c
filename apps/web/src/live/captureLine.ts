/**
 * A tcpdump line, reordered for reading: time, protocol, then addresses and
 * what the packet is; the MAC addresses last, shown on demand. tcpdump runs
 * with `-n -e`, which puts the MACs first:
 *
 *   21:40:01.123456 6a:…:5f > 7a:…:01, ethertype IPv4 (0x0800), length 98: 10.0.0.1 > 10.0.0.2: ICMP echo request, id 7, seq 1, length 64
 *
 * Anything else (tcpdump's own messages, a link type it prints differently)
 * is kept as it came.
 */
export interface CaptureLine {
  /** HH:MM:SS.mmm, or '' for a line that is not a packet. */
  time: string;
  /** ICMP, TCP, UDP, ARP, ICMPv6, STP, or the ethertype tcpdump names. */
  proto: string;
  /** Addresses and the decoded packet, as tcpdump prints them. */
  text: string;
  /** "source MAC > destination MAC", or '' for a line that is not a packet. */
  macs: string;
}

const PACKET =
  /^(\d\d:\d\d:\d\d)(\.\d+)? ([0-9a-f]{2}(?::[0-9a-f]{2}){5}) > ([0-9a-f]{2}(?::[0-9a-f]{2}){5}), (?:ethertype ([\w.-]+) \(0x[0-9a-f]+\)|(802\.3)), length \d+: (.*)$/i;
/** A source with a port: a.b.c.d.port, or an IPv6 address then .port. */
const WITH_PORTS = /^(?:\d+(?:\.\d+){4}|[0-9a-f]*:[0-9a-f:]*\.\d+) > /i;

/** The protocol a student recognises, from what tcpdump decoded. */
function protocolOf(ethertype: string, text: string): string {
  if (ethertype === '802.3') return /\bSTP\b/.test(text) ? 'STP' : 'LLC';
  if (ethertype !== 'IPv4' && ethertype !== 'IPv6') return ethertype;
  const payload = text.slice(text.indexOf(': ') + 2);
  if (/\bICMP6\b/.test(text)) return 'ICMPv6';
  if (/^ICMP\b/.test(payload)) return 'ICMP';
  if (/^Flags \[/.test(payload)) return 'TCP';
  if (/^UDP\b/.test(payload) || WITH_PORTS.test(text)) return 'UDP';
  return ethertype;
}

/**
 * Splits a tcpdump -e line into its parts.
 *
 * @example parseCaptureLine('21:40:01.123456 aa:…:01 > bb:…:02, ethertype ARP (0x0806), length 42: Request who-has 10.0.0.2 tell 10.0.0.1, length 28')
 * // → { time: '21:40:01.123', proto: 'ARP', text: 'Request who-has 10.0.0.2 tell 10.0.0.1, length 28', macs: 'aa:…:01 > bb:…:02' }
 */
export function parseCaptureLine(line: string): CaptureLine {
  const m = PACKET.exec(line);
  if (!m) return { time: '', proto: '', text: line, macs: '' };
  const [, hms, fraction, from, to, ethertype, ieee, text] = m;
  return {
    time: hms! + (fraction ?? '').slice(0, 4),
    proto: protocolOf(ethertype ?? ieee!, text!),
    text: text!,
    macs: `${from} > ${to}`,
  };
}
