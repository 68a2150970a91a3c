import { describe, expect, it } from 'vitest';
import { MAX_LABS, readMemory, remember, writeMemory, type Memory } from './designerMemory';

const one = (labs: unknown) => readMemory(JSON.stringify({ labs }));

describe('readMemory', () => {
  it('round-trips what writeMemory stores', () => {
    let m: Memory = new Map();
    m = remember(m, 'pods', { nodes: ['a', 'b'], links: [2], viewport: { x: 10, y: -5, zoom: 1.5 } }, 5);
    m = remember(m, 'pods', { tool: { node: 'a', what: 'route', json: true } }, 6);
    expect(readMemory(writeMemory(m)).get('pods')).toEqual({
      nodes: ['a', 'b'],
      links: [2],
      viewport: { x: 10, y: -5, zoom: 1.5 },
      tool: { node: 'a', what: 'route', json: true },
      at: 6,
    });
  });

  const garbage: Array<[string, string | null]> = [
    ['nothing stored', null],
    ['not JSON', '{labs:'],
    ['JSON null', 'null'],
    ['a number', '42'],
    ['labs as an array', '{"labs":[1,2]}'],
    ['labs as a string', '{"labs":"x"}'],
    ['a huge string', `{"labs":{"a":{"nodes":["${'x'.repeat(1_100_000)}"]}}}`],
  ];
  for (const [name, raw] of garbage) it(`is empty for ${name}`, () => expect(readMemory(raw).size).toBe(0));

  it('drops bad lab names, prototype keys included', () => {
    const m = readMemory('{"labs":{"__proto__":{"nodes":["a"]},"constructor":{"nodes":["a"]},"Bad":{},"../x":{},"ok":{"nodes":["a"]}}}');
    expect([...m.keys()].sort()).toEqual(['constructor', 'ok']);
    expect(({} as Record<string, unknown>).nodes).toBeUndefined();
  });

  it('keeps only valid fields, each checked', () => {
    const m = one({
      pods: {
        nodes: ['a', 'a', 7, '<img src=x>', 'b'.repeat(70), null],
        links: [1, 1, -1, 1.5, '2', 1e9],
        viewport: { x: 1, y: 2, zoom: Number.NaN },
        tool: { node: 'a', what: 'addr; rm -rf /', json: 'yes' },
        at: 'soon',
      },
    });
    expect(m.get('pods')).toEqual({ nodes: ['a'], links: [1], at: 0 });
  });

  it('refuses a zoom out of range and an infinite pan', () => {
    expect(one({ a: { viewport: { x: 0, y: 0, zoom: 100 } } }).get('a')?.viewport).toBeUndefined();
    expect(one({ a: { viewport: { x: 1e300, y: 0, zoom: 1 } } }).get('a')?.viewport).toBeUndefined();
    expect(one({ a: { viewport: { x: 0, y: 0, zoom: 0.5 } } }).get('a')?.viewport).toEqual({ x: 0, y: 0, zoom: 0.5 });
  });

  it('bounds a selection', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => `n${i}`);
    expect(one({ a: { nodes } }).get('a')?.nodes).toHaveLength(200);
  });
});

describe('writeMemory', () => {
  it(`keeps the ${MAX_LABS} most recently used labs`, () => {
    let m: Memory = new Map();
    for (let i = 0; i < MAX_LABS + 10; i++) m = remember(m, `lab${i}`, { nodes: ['a'] }, i);
    const kept = readMemory(writeMemory(m));
    expect(kept.size).toBe(MAX_LABS);
    expect(kept.has('lab0')).toBe(false);
    expect(kept.has(`lab${MAX_LABS + 9}`)).toBe(true);
  });
});
