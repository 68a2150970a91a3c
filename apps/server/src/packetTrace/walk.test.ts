import { describe, expect, it } from 'vitest';
import { natTarget } from './walk.js';

describe('natTarget: what of a NAT target may go on to ip route get', () => {
  it('reads the forms iptables-save prints: an address, with a port, ranges (their first)', () => {
    expect(natTarget('10.0.0.1')).toEqual({ ip: '10.0.0.1' });
    expect(natTarget('10.0.0.1', 80)).toEqual({ ip: '10.0.0.1', port: 80 });
    expect(natTarget('10.0.0.1:8080', 80)).toEqual({ ip: '10.0.0.1', port: 8080 });
    expect(natTarget('10.0.0.1-10.0.0.9:8080-8090')).toEqual({ ip: '10.0.0.1', port: 8080 });
  });
  it.each(['-f', '', 'to', '10.0.0.1;reboot', '$(id)', '10.0.0.256', '10.0.0.1:0', '10.0.0.1:70000', '10.0.0.1:x', 'fd00::1'])(
    'refuses %j',
    (text) => expect(natTarget(text)).toBeUndefined(),
  );
});
