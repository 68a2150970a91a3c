import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addNode, updateNode, type Topology } from '@nslab/topology';

const save = vi.fn(async (_name: string, _text: string, baseRev: number) => ({ rev: baseRev + 1 }));
vi.mock('../api', () => ({
  api: { save: (name: string, text: string, baseRev: number) => save(name, text, baseRev) },
  ApiError: class ApiError extends Error {
    constructor(
      readonly status: number,
      message: string,
    ) {
      super(message);
    }
  },
}));

const { createStore } = await import('./createStore');
const { ApiError } = await import('../api');

/** A store with lab `lab1` open and one node drawn (which schedules a save). */
function storeWithLab() {
  const store = createStore();
  store.setState({ lab: 'lab1', rev: 1, topology: { name: 'lab1', nodes: {}, links: [] } });
  const { topology, name } = addNode(store.getState().topology, 'netns', { x: 0, y: 0 });
  store.getState().apply(topology);
  return { store, name };
}
const relabel = (t: Topology, node: string, label: string) => updateNode(t, node, { label });

beforeEach(() => {
  vi.useFakeTimers();
  save.mockClear();
});
afterEach(() => vi.useRealTimers());

describe('undo history', () => {
  it('typing in one field makes one undo step', () => {
    const { store, name } = storeWithLab();
    const before = store.getState().topology;
    for (const v of ['a', 'ab', 'abc']) store.getState().apply(relabel(store.getState().topology, name, v), { coalesce: `${name}.label` });
    expect(store.getState().past).toHaveLength(2);
    store.getState().undo();
    expect(store.getState().topology).toBe(before);
    store.getState().redo();
    expect(store.getState().topology.nodes[name]?.label).toBe('abc');
  });

  it('an edit after an undo drops the redo steps', () => {
    const { store, name } = storeWithLab();
    store.getState().apply(relabel(store.getState().topology, name, 'a'));
    store.getState().undo();
    expect(store.getState().future).toHaveLength(1);
    store.getState().apply(relabel(store.getState().topology, name, 'b'));
    expect(store.getState().future).toHaveLength(0);
  });
});

describe('saving', () => {
  it('edits in a row are saved once, half a second after the last', async () => {
    const { store, name } = storeWithLab();
    store.getState().apply(relabel(store.getState().topology, name, 'a'));
    expect(store.getState().saving).toBe('pending');
    await vi.advanceTimersByTimeAsync(499);
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(save).toHaveBeenCalledTimes(1);
    expect(store.getState()).toMatchObject({ rev: 2, saving: 'saved' });
  });

  it('flushing saves at once what is waiting', async () => {
    const { store } = storeWithLab();
    await store.getState().flushSave();
    expect(save).toHaveBeenCalledTimes(1);
    expect(store.getState().saving).toBe('saved');
  });

  it('a save the server refuses as stale says why', async () => {
    const { store } = storeWithLab();
    save.mockRejectedValueOnce(new ApiError(409, 'lab1 changed elsewhere'));
    await store.getState().flushSave();
    expect(store.getState()).toMatchObject({ saving: 'error', notice: 'lab1 changed elsewhere' });
  });

  it('two stores share no pending save', async () => {
    const { store: a } = storeWithLab();
    const b = createStore();
    await b.getState().flushSave();
    expect(save).not.toHaveBeenCalled();
    expect(a.getState().saving).toBe('pending');
  });
});
