import { describe, expect, it } from 'vitest';
import { classRate, htbDevices, tcStates, type TcQdisc } from './tc.js';

const noqueue: TcQdisc = { kind: 'noqueue', handle: '0:', dev: 'lo0', root: true };
const htb: TcQdisc = { kind: 'htb', handle: '1:', dev: 'ea', root: true, options: { r2q: 10, default: '0x1' } };
const CLASS = 'class htb 1:1 root leaf 10: prio 0 rate 1234Kbit ceil 1234Kbit burst 1599b cburst 1599b \n';

describe('reading impairments back from tc', () => {
  it('the kernel default is no impairment; an htb root is a rate (from its class text)', () => {
    expect(htbDevices([noqueue, htb])).toEqual(['ea']);
    expect(tcStates([noqueue, htb], { ea: CLASS })).toEqual({ ea: { rate: 1_234_000 } });
    expect(classRate('class htb 1:1 root prio 0 rate 1Mbit ceil 1Mbit burst 1600b cburst 1600b')).toBe(1_000_000);
    expect(classRate('class htb 1:2 root prio 0 rate 1Mbit')).toBeUndefined();
  });

  it('netem (root, or under class 1:1): delay and jitter in seconds, loss as a fraction', () => {
    const options = { limit: 1000, delay: { delay: 0.05, jitter: 0.01, correlation: 0 }, 'loss-random': { loss: 0.05, correlation: 0 } };
    expect(tcStates([{ kind: 'netem', handle: '8001:', dev: 'ea', root: true, options }], {})).toEqual({
      ea: { netem: { delay: 50_000, jitter: 10_000, loss: 5 } },
    });
    expect(tcStates([htb, { kind: 'netem', handle: '10:', dev: 'ea', parent: '1:1', options }], { ea: CLASS })).toEqual({
      ea: { rate: 1_234_000, netem: { delay: 50_000, jitter: 10_000, loss: 5 } },
    });
  });

  it("whatever the host's default qdisc is, the kernel's own root (handle 0:) is no impairment", () => {
    for (const kind of ['sfq', 'cake', 'pfifo', 'fq_codel'])
      expect(tcStates([{ kind, handle: '0:', dev: 'eth0', root: true }], {})).toEqual({});
  });

  it('anything else is a qdisc nslab did not make', () => {
    expect(tcStates([{ kind: 'tbf', dev: 'ea', root: true }], {})).toEqual({ ea: { other: 'tbf' } });
    expect(tcStates([htb, { kind: 'pfifo', handle: '10:', dev: 'ea', parent: '1:1' }], { ea: CLASS })).toEqual({
      ea: { other: 'htb with pfifo' },
    });
    expect(tcStates([htb], { ea: '' })).toEqual({ ea: { other: 'htb without class 1:1' } });
  });
});
