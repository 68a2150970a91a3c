import { describe, expect, it } from 'vitest';
import { traceRequest } from './traceRequest';

describe('traceRequest', () => {
  const form = { to: ' ns2 ', proto: 'icmp' as const, port: '', live: false };

  it('ICMP needs a destination only (a node name or an address), trimmed', () => {
    expect(traceRequest(form)).toEqual({ to: 'ns2', proto: 'icmp', live: false });
    expect(traceRequest({ ...form, to: '  ' })).toEqual({ problem: 'Click the destination node, or type an address.' });
  });

  it('TCP and UDP need a port from 1 to 65535', () => {
    expect(traceRequest({ ...form, proto: 'tcp', port: '80', live: true })).toEqual({ to: 'ns2', proto: 'tcp', port: 80, live: true });
    for (const port of ['', '0', '65536', '8o', '-1', '1.5'])
      expect(traceRequest({ ...form, proto: 'udp', port })).toEqual({ problem: 'Give a UDP port from 1 to 65535.' });
  });

  it('a port typed for ICMP is not sent', () => {
    expect(traceRequest({ ...form, port: '80' })).toEqual({ to: 'ns2', proto: 'icmp', live: false });
  });
});
