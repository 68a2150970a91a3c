/** The lab being drawn: its Topology, its YAML text and their issues. Every edit ends in `apply`. */
import { formatTopology, parseTopology, type Topology, type TopologyIssue } from '@nslab/topology';
import { historyOnEdit } from './history';
import { validate } from './showing';
import type { SliceCreator } from './types';

export const EMPTY: Topology = { name: 'untitled', nodes: {}, links: [] };

export interface EditingSlice {
  topology: Topology;
  text: string;
  /** Problems in the YAML text that keep it from applying (syntax, shape). */
  textIssues: TopologyIssue[];
  issues: TopologyIssue[];
  /** `coalesce`: edits with the same key in a row (typing in one field) make one undo step. */
  apply(next: Topology, opts?: { fromText?: string; keepHistory?: boolean; coalesce?: string }): void;
  setText(text: string): void;
}

export const createEditingSlice: SliceCreator<EditingSlice> = (set, get, internals) => ({
  topology: EMPTY,
  text: formatTopology(EMPTY),
  textIssues: [],
  issues: [],

  apply(next, opts = {}) {
    const s = get();
    if (next === s.topology) return;
    const text = opts.fromText ?? formatTopology(next);
    set({ topology: next, text, textIssues: [], issues: validate(next), ...historyOnEdit(s, internals, opts) });
    get().scheduleSave();
  },

  setText(text) {
    const r = parseTopology(text);
    if (!r.topology) {
      set({ text, textIssues: r.issues });
      return;
    }
    const { lab } = get();
    if (lab && r.topology.name !== lab) {
      set({
        text,
        textIssues: [{ code: 'name.locked', path: ['name'], message: `this lab is named "${lab}"; rename it from the lab list` }],
      });
      return;
    }
    get().apply(r.topology, { fromText: text });
  },
});
