/** Selection and clipboard. React Flow owns the canvas selection; the store mirrors it and can ask for a new one. */
import type { Topology } from '@nslab/topology';
import type { Selection, SliceCreator } from './types';

export interface SelectionSlice {
  /** What is selected on the canvas (React Flow owns it; this mirrors it). */
  selection: Selection;
  /** A selection the app asks the canvas to make (after adding a node, say); `seq` makes each request new. */
  focus: Selection & { seq: number };
  clipboard: { topology: Topology; names: string[] } | null;
  /** Selects, on the canvas too. */
  select(sel: Selection): void;
  /** Records what the canvas selected (called by the canvas only). */
  mirrorSelection(sel: Selection): void;
  setClipboard(c: SelectionSlice['clipboard']): void;
}

export const createSelectionSlice: SliceCreator<SelectionSlice> = (set) => ({
  selection: { nodes: [], links: [] },
  focus: { nodes: [], links: [], seq: 0 },
  clipboard: null,

  select(selection) {
    set((s) => ({ selection, focus: { ...selection, seq: s.focus.seq + 1 } }));
  },

  mirrorSelection(selection) {
    set({ selection });
  },

  setClipboard(clipboard) {
    set({ clipboard });
  },
});
