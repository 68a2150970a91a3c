/** Undo and redo over whole topologies (they are small and immutable). */
import type { Topology } from '@nslab/topology';
import type { Internals } from './internals';
import { showing } from './showing';
import type { SliceCreator, Store } from './types';

/** Undo steps kept; older ones fall off. */
const HISTORY = 200;

export interface HistorySlice {
  past: Topology[];
  future: Topology[];
  undo(): void;
  redo(): void;
}

export const createHistorySlice: SliceCreator<HistorySlice> = (set, get) => ({
  past: [],
  future: [],

  undo() {
    const { past, topology, future } = get();
    const prev = past.at(-1);
    if (!prev) return;
    set({ ...showing(prev), past: past.slice(0, -1), future: [topology, ...future] });
    get().scheduleSave();
  },

  redo() {
    const { past, topology, future } = get();
    const next = future[0];
    if (!next) return;
    set({ ...showing(next), past: [...past, topology], future: future.slice(1) });
    get().scheduleSave();
  },
});

/**
 * The history after an edit of `s.topology`: the topology before it becomes a
 * step back and the redo steps go, unless the edit keeps history or continues
 * the last edit (the same `coalesce` key: typing on in one field).
 */
export function historyOnEdit(
  s: Pick<Store, 'topology' | 'past'>,
  internals: Internals,
  opts: { keepHistory?: boolean; coalesce?: string },
): Partial<HistorySlice> {
  const same = opts.coalesce !== undefined && opts.coalesce === internals.lastCoalesce;
  internals.lastCoalesce = opts.coalesce;
  return opts.keepHistory || same ? {} : { past: [...s.past, s.topology].slice(-HISTORY), future: [] };
}
