import { beforeEach, describe, expect, it } from 'vitest';
import { clampShare, DOCK_HEIGHT, PLAN_WIDTH, readLayout, sideFor, tabTitle, useDock, type DockTab } from './dock';

describe('tabTitle', () => {
  it('a terminal of the lab keeps its names', () => {
    expect(tabTitle({ id: 't1', kind: 'terminal', lab: 'l', node: 'red' })).toEqual({ title: '$ red', close: 'Close terminal red' });
  });
  it('a capture keeps its names, with a glyph DejaVu draws', () => {
    expect(tabTitle({ id: 'c1', kind: 'capture', lab: 'l', node: 'red', iface: 'eth0', filter: '' })).toEqual({
      title: '● red:eth0',
      close: 'Close capture red',
    });
  });
  it("a participant's terminal says whose it is and how it is open", () => {
    expect(tabTitle({ id: 't2', kind: 'terminal', lab: 'l', node: 'red', participant: { id: 'p1', name: 'Ada', mode: 'watch' } })).toEqual({
      title: 'watch Ada:red',
      close: 'Close watch Ada red',
    });
  });
});

describe('dock sizes', () => {
  it.each([
    ['a size in range', 40, DOCK_HEIGHT, 40],
    ['a fraction, rounded', 40.6, DOCK_HEIGHT, 41],
    ['too small: the smallest', 2, DOCK_HEIGHT, DOCK_HEIGHT.min],
    ['too large: the canvas keeps its share', 99, DOCK_HEIGHT, DOCK_HEIGHT.max],
    ['not a number: the initial size', 'x', PLAN_WIDTH, PLAN_WIDTH.initial],
    ['infinite: the initial size', Infinity, PLAN_WIDTH, PLAN_WIDTH.initial],
    ['NaN: the initial size', NaN, PLAN_WIDTH, PLAN_WIDTH.initial],
  ])('%s', (_name, value, range, expected) => {
    expect(clampShare(value, range)).toBe(expected);
  });

  const stored = (text: string | null) => ({ getItem: () => text });
  it('reads a stored layout, each field checked', () => {
    expect(readLayout(stored('{"height":50,"plan":30,"split":true}'))).toEqual({ height: 50, plan: 30, split: true });
    expect(readLayout(stored('{"height":500,"plan":"30","split":"yes"}'))).toEqual({
      height: DOCK_HEIGHT.max,
      plan: PLAN_WIDTH.initial,
      split: false,
    });
  });
  it.each([
    ['nothing stored', null],
    ['not JSON', '{height'],
    ['not an object', '42'],
    ['null', 'null'],
    ['prototype keys', '{"__proto__":{"height":50},"constructor":{"split":true}}'],
  ])('%s gives the defaults', (_name, text) => {
    expect(readLayout(stored(text))).toEqual({ height: DOCK_HEIGHT.initial, plan: PLAN_WIDTH.initial, split: false });
  });
  it('no storage gives the defaults', () => {
    expect(readLayout(undefined)).toEqual({ height: DOCK_HEIGHT.initial, plan: PLAN_WIDTH.initial, split: false });
  });
});

const term = (id: string): DockTab => ({ id, kind: 'terminal', lab: 'l', node: id });
const cap = (id: string): DockTab => ({ id, kind: 'capture', lab: 'l', node: id, iface: 'eth0', filter: '' });

describe('sideFor', () => {
  it('puts the newest capture beside a terminal', () => {
    expect(sideFor([cap('c1'), term('t1'), cap('c2'), term('t2')], 't2', null)).toBe('c2');
  });
  it('keeps the tab the user put beside, when it is of the other kind', () => {
    expect(sideFor([cap('c1'), cap('c2'), term('t1')], 't1', 'c1')).toBe('c1');
  });
  it('replaces a terminal beside a terminal by a capture when there is one', () => {
    expect(sideFor([term('t1'), cap('c1'), term('t2')], 't2', 't1')).toBe('c1');
  });
  it('shows another tab of the same kind when there is no other kind', () => {
    expect(sideFor([term('t1'), term('t2')], 't2', null)).toBe('t1');
  });
  it('shows the YAML beside the only tab, and nothing beside the YAML alone', () => {
    expect(sideFor([term('t1')], 't1', null)).toBe('yaml');
    expect(sideFor([], 'yaml', null)).toBeNull();
  });
});

describe('the dock', () => {
  beforeEach(() => useDock.setState({ tabs: [], active: 'yaml', side: null, split: false, maximised: false }));
  const open = (kind: 'terminal' | 'capture', node: string) =>
    useDock.getState().open(kind === 'terminal' ? { kind, lab: 'l', node } : { kind, lab: 'l', node, iface: 'eth0', filter: '' });

  it('split, a terminal and a capture opened after it are side by side', () => {
    open('terminal', 'red');
    useDock.getState().toggleSplit();
    expect(useDock.getState().side).toBe('yaml');
    open('capture', 'red');
    const s = useDock.getState();
    expect(s.tabs.find((t) => t.id === s.active)?.kind).toBe('capture');
    expect(s.tabs.find((t) => t.id === s.side)?.kind).toBe('terminal');
  });

  it('showing the tab on the right swaps the two panes', () => {
    open('terminal', 'red');
    open('capture', 'red');
    useDock.getState().toggleSplit();
    const { active, side } = useDock.getState();
    useDock.getState().show(side!);
    expect(useDock.getState()).toMatchObject({ active: side, side: active });
  });

  it('closing the active tab of a split dock shows the one beside it', () => {
    open('terminal', 'red');
    open('capture', 'red');
    useDock.getState().toggleSplit();
    const { active, side } = useDock.getState();
    useDock.getState().close(active);
    expect(useDock.getState()).toMatchObject({ active: side, side: 'yaml' });
  });

  it('closing the active tab of a single dock shows the YAML', () => {
    open('terminal', 'red');
    useDock.getState().close(useDock.getState().active);
    expect(useDock.getState()).toMatchObject({ active: 'yaml', tabs: [] });
  });

  it('resizing clamps the sizes', () => {
    useDock.getState().resize({ height: 1000 });
    useDock.getState().resize({ plan: -5 });
    expect(useDock.getState()).toMatchObject({ height: DOCK_HEIGHT.max, plan: PLAN_WIDTH.min });
  });
});
