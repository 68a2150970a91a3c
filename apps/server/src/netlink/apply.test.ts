import { describe, expect, it } from 'vitest';
import type { Step } from '@nslab/topology';
import { upLast } from './apply.js';

const set = (name: string, s: Record<string, unknown>): Step => ({ kind: 'link.set', netns: null, name, set: s, reason: 'test' }) as Step;
const addr = (dev: string): Step => ({ kind: 'addr.add', netns: null, dev, address: '10.0.0.1/24', reason: 'test' }) as Step;
const route = (dev: string): Step =>
  ({ kind: 'route.add', netns: null, route: { family: 4, to: '10.1.0.0/16', dev }, reason: 'test' }) as Step;
const order = (steps: Step[]) => upLast(steps.map((step, index) => ({ index, step }))).map((i) => i.index);

describe('upLast: the order a netlink batch applies its steps in', () => {
  it('brings ports up after every port of the run is enslaved', () => {
    // addr br; br up; (p0 master, p0 up); (p1 master, p1 up) — as a bridge's plan has them
    const steps = [
      addr('br'),
      set('br', { up: true }),
      set('p0', { master: 'br' }),
      set('p0', { up: true }),
      set('p1', { master: 'br' }),
      set('p1', { up: true }),
    ];
    expect(order(steps)).toEqual([0, 2, 4, 1, 3, 5]);
  });

  it('never moves an up past a step that is not a link.set (a route needs its device up)', () => {
    const steps = [set('a', { up: true }), set('b', { mtu: 1400 }), route('a'), set('c', { up: true }), set('d', { master: 'br' })];
    expect(order(steps)).toEqual([1, 0, 2, 4, 3]);
  });

  it('keeps a step that sets more than up, or takes a link down, where it is', () => {
    const steps = [
      set('lo', { alias: 'nslab:x', up: true }),
      set('a', { up: false }),
      set('b', { up: true }),
      set('c', { mac: '02:00:00:00:00:01' }),
    ];
    expect(order(steps)).toEqual([0, 1, 3, 2]);
  });

  it('keeps an up before a later step that sets the same link up or down', () => {
    const steps = [
      set('a', { up: true }),
      set('b', { master: 'br' }),
      set('a', { up: false }),
      set('c', { up: true }),
      set('d', { mtu: 1400 }),
    ];
    expect(order(steps)).toEqual([1, 0, 2, 4, 3]);
  });

  it('applies every step exactly once, whatever the mix', () => {
    const kinds = [() => set('x', { up: true }), () => set('y', { master: 'br' }), () => addr('z'), () => set('w', { up: false })];
    for (let seed = 1; seed < 200; seed++) {
      let r = seed;
      const steps = Array.from({ length: 12 }, () => kinds[(r = (r * 1103515245 + 12345) % 2 ** 31) % kinds.length]!());
      const o = order(steps);
      expect([...o].sort((a, b) => a - b)).toEqual(steps.map((_, i) => i));
      // Every step that is not an up-only link.set keeps its relative order, and no up crosses a non-link.set step.
      const upOnly = (i: number) => steps[i]!.kind === 'link.set' && JSON.stringify((steps[i] as { set: object }).set) === '{"up":true}';
      const fixed = o.filter((i) => !upOnly(i));
      expect(fixed).toEqual([...fixed].sort((a, b) => a - b));
      for (const [pos, i] of o.entries()) {
        if (steps[i]!.kind === 'link.set') continue;
        expect(o.slice(0, pos).every((j) => j < i)).toBe(true);
        expect(o.slice(pos + 1).every((j) => j > i)).toBe(true);
      }
    }
  });
});
