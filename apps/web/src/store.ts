/**
 * The designer's state: the lab being drawn (a Topology), its YAML text,
 * validation issues, selection, undo history, and what the host says about
 * it. Canvas nodes and edges are derived from `topology`; every edit goes
 * through a packages/topology function and then `apply`.
 */
import { create } from 'zustand';
import { formatTopology, parseTopology, parseTopologyData, type CheckResult, type Topology, type TopologyIssue } from '@nslab/topology';
import { api, ApiError, type Health, type LabEvent, type LabStatus, type LabSummary, type LabView } from './api';

export interface Progress {
  op: 'deploy' | 'destroy';
  running: boolean;
  done: number;
  total: number;
  current?: string;
  error?: string;
  elapsedMs?: number;
}

export interface Selection {
  nodes: string[];
  links: number[];
}

interface State {
  health: Health | null;
  labs: LabSummary[];
  lab: string | null;
  rev: number;
  topology: Topology;
  text: string;
  /** Problems in the YAML text that keep it from applying (syntax, shape). */
  textIssues: TopologyIssue[];
  issues: TopologyIssue[];
  /** What is selected on the canvas (React Flow owns it; this mirrors it). */
  selection: Selection;
  /** A selection the app asks the canvas to make (after adding a node, say); `seq` makes each request new. */
  focus: Selection & { seq: number };
  past: Topology[];
  future: Topology[];
  status: LabStatus | null;
  progress: Progress | null;
  saving: 'saved' | 'pending' | 'saving' | 'error';
  notice: string | null;
  clipboard: { topology: Topology; names: string[] } | null;
  /** The last run of the lab's checks, shown on the canvas and listed. */
  checkResults: CheckResult[] | null;
}

interface Actions {
  init(): Promise<void>;
  refreshLabs(): Promise<void>;
  openLab(name: string, view?: LabView): Promise<void>;
  createLab(text: string, name?: string): Promise<void>;
  renameLab(to: string): Promise<void>;
  duplicateLab(to: string): Promise<void>;
  deleteLab(): Promise<void>;
  restore(rev: number): Promise<void>;
  /** `coalesce`: edits with the same key in a row (typing in one field) make one undo step. */
  apply(next: Topology, opts?: { fromText?: string; keepHistory?: boolean; coalesce?: string }): void;
  setText(text: string): void;
  undo(): void;
  redo(): void;
  /** Selects, on the canvas too. */
  select(sel: Selection): void;
  /** Records what the canvas selected (called by the canvas only). */
  mirrorSelection(sel: Selection): void;
  setClipboard(c: State['clipboard']): void;
  flushSave(): Promise<void>;
  deploy(): Promise<void>;
  destroy(): Promise<void>;
  onLabEvent(e: LabEvent): void;
  say(notice: string | null): void;
}

const EMPTY: Topology = { name: 'untitled', nodes: {}, links: [] };
const HISTORY = 200;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let saving: Promise<void> = Promise.resolve();
let lastCoalesce: string | undefined;

function validate(t: Topology): TopologyIssue[] {
  return parseTopologyData(t).issues;
}

export const useStore = create<State & Actions>()((set, get) => ({
  health: null,
  labs: [],
  lab: null,
  rev: 0,
  topology: EMPTY,
  text: formatTopology(EMPTY),
  textIssues: [],
  issues: [],
  selection: { nodes: [], links: [] },
  focus: { nodes: [], links: [], seq: 0 },
  past: [],
  future: [],
  status: null,
  progress: null,
  saving: 'saved',
  notice: null,
  clipboard: null,
  checkResults: null,

  async init() {
    // The lab named in the URL loads alongside the rest: first render is what the user waits for.
    const named = new URLSearchParams(location.search).get('lab');
    const [health, labs, view] = await Promise.all([api.health(), api.labs(), named ? api.lab(named).catch(() => undefined) : undefined]);
    set({ health, labs });
    if (view) return get().openLab(view.name, view);
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
    set({
      lab: name, rev: view.rev, topology, text: view.text, textIssues: view.topology ? [] : view.issues, issues: view.issues,
      selection: { nodes: [], links: [] }, past: [], future: [], status: null, progress: null, saving: 'saved', checkResults: null,
    });
    const url = new URL(location.href);
    url.searchParams.set('lab', name);
    history.replaceState(null, '', url);
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
    clearTimeout(saveTimer);
    await api.remove(lab);
    set({ lab: null, topology: EMPTY, text: formatTopology(EMPTY), issues: [], status: null, saving: 'saved' });
    await get().refreshLabs();
    const next = get().labs[0];
    if (next) await get().openLab(next.name);
  },

  async restore(rev) {
    const { lab } = get();
    if (!lab) return;
    await get().flushSave();
    await api.restore(lab, rev);
    await get().openLab(lab);
    get().say(`restored revision ${rev}`);
  },

  apply(next, opts = {}) {
    const { topology, past } = get();
    if (next === topology) return;
    const text = opts.fromText ?? formatTopology(next);
    const same = opts.coalesce !== undefined && opts.coalesce === lastCoalesce;
    lastCoalesce = opts.coalesce;
    set({
      topology: next, text, textIssues: [], issues: validate(next),
      ...(opts.keepHistory || same ? {} : { past: [...past, topology].slice(-HISTORY), future: [] }),
    });
    scheduleSave();
  },

  setText(text) {
    const r = parseTopology(text);
    if (!r.topology) {
      set({ text, textIssues: r.issues });
      return;
    }
    if (get().lab && r.topology.name !== get().lab) {
      set({ text, textIssues: [{ code: 'name.locked', path: ['name'], message: `this lab is named "${get().lab}"; rename it from the lab list` }] });
      return;
    }
    get().apply(r.topology, { fromText: text });
  },

  undo() {
    const { past, topology, future } = get();
    const prev = past.at(-1);
    if (!prev) return;
    set({ topology: prev, text: formatTopology(prev), textIssues: [], issues: validate(prev), past: past.slice(0, -1), future: [topology, ...future] });
    scheduleSave();
  },

  redo() {
    const { past, topology, future } = get();
    const next = future[0];
    if (!next) return;
    set({ topology: next, text: formatTopology(next), textIssues: [], issues: validate(next), past: [...past, topology], future: future.slice(1) });
    scheduleSave();
  },

  select(selection) {
    set((s) => ({ selection, focus: { ...selection, seq: s.focus.seq + 1 } }));
  },

  mirrorSelection(selection) {
    set({ selection });
  },

  setClipboard(clipboard) {
    set({ clipboard });
  },

  async flushSave() {
    if (saveTimer) {
      clearTimeout(saveTimer);
      saveTimer = undefined;
      saving = saving.then(save);
    }
    await saving;
  },

  async deploy() {
    await get().flushSave();
    await operate('deploy');
  },

  async destroy() {
    await operate('destroy');
  },

  onLabEvent(e) {
    if (e.lab !== get().lab) return;
    if (e.type === 'status') set({ status: e.status });
    else if (e.type === 'operation' && e.state === 'started') set({ progress: { op: e.op, running: true, done: 0, total: 0 } });
    else if (e.type === 'step') {
      set((s) => ({
        progress: {
          op: e.op, running: true,
          done: Math.max(s.progress?.done ?? 0, e.status === 'ok' ? e.index + 1 : 0),
          total: Math.max(s.progress?.total ?? 0, e.total),
          current: e.argv.join(' '),
          ...(e.status === 'failed' ? { error: `${e.argv.join(' ')}: ${e.error ?? ''}` } : {}),
        },
      }));
    } else if (e.type === 'saved' && e.rev > get().rev && get().saving === 'saved') {
      void get().openLab(e.lab); // saved elsewhere (another tab): follow it
    }
  },

  say(notice) {
    set({ notice });
  },
}));

/** Runs Deploy or Destroy; progress arrives over the websocket, the outcome here. */
async function operate(op: 'deploy' | 'destroy'): Promise<void> {
  const { lab } = useStore.getState();
  if (!lab) return;
  const base = { op, done: 0, total: 0 };
  useStore.setState({ progress: { ...base, running: true } });
  const finish = (p: Partial<Progress>) => useStore.setState((s) => ({ progress: { ...base, ...(s.progress ?? {}), running: false, ...p } }));
  try {
    const r = await (op === 'deploy' ? api.deploy(lab) : api.destroy(lab));
    finish({ done: r.steps, total: r.steps, elapsedMs: r.elapsedMs, ...(r.ok ? {} : { error: `${r.failure?.argv.join(' ')}: ${r.failure?.message}` }) });
  } catch (e) {
    finish({ error: (e as Error).message });
  }
  useStore.setState({ status: await api.status(lab) });
}

function scheduleSave(): void {
  if (!useStore.getState().lab) return;
  useStore.setState({ saving: 'pending' });
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    saving = saving.then(save);
  }, 500);
}

async function save(): Promise<void> {
  const { lab, text, rev, topology } = useStore.getState();
  if (!lab) return;
  useStore.setState({ saving: 'saving' });
  try {
    const body = parseTopology(text).topology ? text : formatTopology(topology);
    const view = await api.save(lab, body, rev);
    useStore.setState({ rev: view.rev, saving: saveTimer ? 'pending' : 'saved' });
  } catch (e) {
    useStore.setState({ saving: 'error', notice: e instanceof ApiError && e.status === 409 ? `${e.message}` : `could not save: ${(e as Error).message}` });
  }
}
