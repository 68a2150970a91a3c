/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { parseTopology, type Topology } from '@nslab/topology';
import { nodeSize, parentOf } from './canvas/geometry';
import { autoLayout } from './layout';

// The shipped templates, read by Vite at test time.
const texts = import.meta.glob<string>('../../../labs/**/*.yaml', { query: '?raw', import: 'default', eager: true });
const templates = Object.keys(texts).map((f) => f.replace('../../../labs/', ''));
const template = (file: string): Topology => parseTopology(texts[`../../../labs/${file}`]!).topology!;

type Box = { name: string; x: number; y: number; w: number; h: number };
/** Top-level nodes as boxes in flow coordinates. */
function boxes(t: Topology): Box[] {
  return Object.keys(t.nodes)
    .filter((n) => !parentOf(t, n))
    .map((n) => ({ name: n, ...t.nodes[n]!.position!, ...nodeSize(t, n) }));
}
const overlap = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function star(leaves: number): Topology {
  const nodes: Topology['nodes'] = { br0: { kind: 'bridge' } };
  const links: Topology['links'] = [];
  for (let i = 0; i < leaves; i++) {
    nodes[`ns${i}`] = { kind: 'netns' };
    links.push({
      endpoints: [
        { node: `ns${i}`, name: 'eth0', addresses: [`10.251.${i >> 8}.${i & 255}/16`] },
        { node: 'br0', name: `p${i}` },
      ],
    });
  }
  return { name: 'star', nodes, links };
}

describe('autoLayout', () => {
  it.each(templates)('places every node of %s, none overlapping, containers around their bridges', async (file) => {
    const t = template(file);
    const unplaced = { ...t, nodes: Object.fromEntries(Object.entries(t.nodes).map(([n, s]) => [n, { ...s, position: undefined }])) };
    const laid = await autoLayout(unplaced);
    for (const [name, n] of Object.entries(laid.nodes)) expect(n.position, name).toBeDefined();
    const bs = boxes(laid);
    for (const a of bs) for (const b of bs) if (a !== b) expect(overlap(a, b), `${a.name} overlaps ${b.name}`).toBe(false);
    // A bridge inside a namespace lies within its box.
    for (const [name, n] of Object.entries(laid.nodes)) {
      const parent = parentOf(laid, name);
      if (!parent) continue;
      const box = nodeSize(laid, parent);
      const me = nodeSize(laid, name);
      expect(n.position!.x + me.w, name).toBeLessThanOrEqual(box.w);
      expect(n.position!.y + me.h, name).toBeLessThanOrEqual(box.h);
    }
  });

  it('leaves a lab whose nodes all have positions as it is', async () => {
    const t = template('02-bridge-nat.yaml');
    const placed = await autoLayout(t);
    expect(await autoLayout(placed)).toBe(placed);
  });

  it('places a new node without moving the others (stable on add)', async () => {
    const placed = await autoLayout(template('02-bridge-nat.yaml'));
    const added = { ...placed, nodes: { ...placed.nodes, green: { kind: 'netns' as const } } };
    const next = await autoLayout(added);
    for (const name of Object.keys(placed.nodes)) expect(next.nodes[name]!.position).toEqual(placed.nodes[name]!.position);
    const bs = boxes(next);
    const green = bs.find((b) => b.name === 'green')!;
    for (const b of bs) if (b !== green) expect(overlap(green, b), `green overlaps ${b.name}`).toBe(false);
  });

  it('lays out again on demand (all), moving what had positions', async () => {
    const t = template('02-bridge-nat.yaml');
    const piled = { ...t, nodes: Object.fromEntries(Object.entries(t.nodes).map(([n, s]) => [n, { ...s, position: { x: 0, y: 0 } }])) };
    const bs = boxes(await autoLayout(piled, { all: true }));
    for (const a of bs) for (const b of bs) if (a !== b) expect(overlap(a, b), `${a.name} overlaps ${b.name}`).toBe(false);
  });

  it('wraps 400 namespaces on one bridge into a grid, not one column or one row', async () => {
    const t = await autoLayout(star(400), { view: { width: 1280, height: 720 } });
    const bs = boxes(t);
    const xs = new Set(bs.map((b) => b.x));
    const ys = new Set(bs.map((b) => b.y));
    expect(xs.size).toBeGreaterThan(10);
    expect(ys.size).toBeGreaterThan(10);
    const w = Math.max(...bs.map((b) => b.x + b.w)) - Math.min(...bs.map((b) => b.x));
    const h = Math.max(...bs.map((b) => b.y + b.h)) - Math.min(...bs.map((b) => b.y));
    // Roughly the shape of the screen, not a strip.
    expect(w / h).toBeGreaterThan(0.8);
    expect(w / h).toBeLessThan(4);
    for (let i = 0; i < bs.length; i += 37) for (const b of bs) if (b !== bs[i]) expect(overlap(bs[i]!, b)).toBe(false);
  });
});
