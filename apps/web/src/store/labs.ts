/** The labs on the server: the list, the one open, and creating, renaming, duplicating, deleting and restoring them. */
import { formatTopology } from '@nslab/topology';
import { addressFor, labPath, parseAddress, showLab } from '../address';
import { api, type LabSummary, type LabView } from '../api';
import { EMPTY } from './editing';
import type { Selection, SliceCreator } from './types';

export interface LabsSlice {
  labs: LabSummary[];
  lab: string | null;
  /** The revision of the open lab the page has; a save names it, so the server can refuse a stale one. */
  rev: number;
  init(): Promise<void>;
  refreshLabs(): Promise<void>;
  /** Opens `name`, read from the server unless its `view` is given. */
  openLab(name: string, view?: LabView): Promise<void>;
  createLab(text: string, name?: string): Promise<void>;
  renameLab(to: string): Promise<void>;
  duplicateLab(to: string): Promise<void>;
  deleteLab(): Promise<void>;
  /** A lab to draw in when there is none at all (a first visit, the last lab deleted): an empty `lab1`. */
  firstLab(): Promise<void>;
  restore(rev: number): Promise<void>;
}

export const createLabsSlice: SliceCreator<LabsSlice> = (set, get) => ({
  labs: [],
  lab: null,
  rev: 0,

  async init() {
    // The lab named in the URL loads alongside the rest: first render is what the user waits for.
    const at = parseAddress(location.href);
    const named = at.page === 'designer' ? at.lab : null;
    const [health, labs, view] = await Promise.all([api.health(), api.labs(), named ? api.lab(named).catch(() => undefined) : undefined]);
    set({ health, labs });
    if (view) return get().openLab(view.name, view);
    if (named) {
      // An address naming no lab here (deleted, renamed, mistyped): said, and not kept in history.
      history.replaceState(null, '', addressFor(location.href, '/'));
      get().say(`there is no lab "${named}" here`);
    }
    if (labs[0]) await get().openLab(labs[0].name);
  },

  async refreshLabs() {
    set({ labs: await api.labs() });
  },

  async openLab(name, given) {
    await get().flushSave();
    const view = given ?? (await api.lab(name));
    // The server has parsed and validated the text already.
    const topology = view.topology ?? { ...EMPTY, name };
    // The same lab again (saved in another tab): keep what is selected, where it still exists. Another lab: select nothing, on the canvas too.
    const same = get().lab === name;
    const { selection } = get();
    const kept: Selection = same
      ? { nodes: selection.nodes.filter((n) => n in topology.nodes), links: selection.links.filter((i) => i < topology.links.length) }
      : { nodes: [], links: [] };
    set((s) => ({
      lab: name,
      rev: view.rev,
      topology,
      text: view.text,
      textIssues: view.topology ? [] : view.issues,
      issues: view.issues,
      selection: kept,
      focus: { ...kept, seq: s.focus.seq + 1 },
      past: [],
      future: [],
      ...(same ? {} : { status: null, progress: null, checkResults: null }),
      saving: 'saved',
    }));
    showLab(name);
  },

  async createLab(text, name) {
    const view = await api.create(text, name);
    await get().refreshLabs();
    await get().openLab(view.name);
  },

  async renameLab(to) {
    const { lab } = get();
    if (!lab) return;
    await get().flushSave();
    await api.rename(lab, to);
    // The old name is no lab any more: its address is replaced, not left behind for Back.
    history.replaceState(null, '', addressFor(location.href, labPath(to)));
    await get().refreshLabs();
    await get().openLab(to);
  },

  async duplicateLab(to) {
    const { lab } = get();
    if (!lab) return;
    await get().flushSave();
    await api.duplicate(lab, to);
    await get().refreshLabs();
    await get().openLab(to);
  },

  async deleteLab() {
    const { lab } = get();
    if (!lab) return;
    get().cancelSave();
    await api.remove(lab);
    // The deleted lab's address is replaced (the next lab opened replaces it again), not left behind for Back.
    history.replaceState(null, '', addressFor(location.href, '/'));
    set({ lab: null, topology: EMPTY, text: formatTopology(EMPTY), issues: [], status: null, saving: 'saved' });
    await get().refreshLabs();
    const next = get().labs[0];
    if (next) await get().openLab(next.name);
    // The last lab gone: a fresh empty one to draw in, as on a first visit (its address replaces the deleted one's).
    else await get().firstLab();
  },

  async firstLab() {
    if (!get().lab && get().labs.length === 0) await get().createLab(formatTopology({ ...EMPTY, name: 'lab1' }));
  },

  async restore(rev) {
    const { lab } = get();
    if (!lab) return;
    await get().flushSave();
    await api.restore(lab, rev);
    await get().openLab(lab);
    get().say(`restored revision ${rev}`);
  },
});
