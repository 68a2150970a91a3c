/**
 * The designer's state: the lab being drawn (a Topology), its YAML text,
 * validation issues, selection, undo history, and what the host says about
 * it. Canvas nodes and edges are derived from `topology`; every edit goes
 * through a packages/topology function and then `apply`.
 */
import { create } from 'zustand';
import { formatTopology, parseTopology, parseTopologyData, type CheckResult, type Topology, type TopologyIssue } from '@nslab/topology';
import { api, ApiError, onUnauthorized, type Health, type LabEvent, type LabStatus, type LabSummary, type LabView } from './api';
import { EndedOps, progressOnEvent, progressOnReply, progressOnStatus, progressRequested, type Progress } from './progress';

export type { Progress } from './progress';

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
  /** The websocket to the server: down while the server is unreachable (restarting, say). */
  connection: 'up' | 'down';
  /** Bumped each time the connection comes back: views that asked the server something ask again. */
  epoch: number;
  saving: 'saved' | 'pending' | 'saving' | 'error';
  notice: string | null;
  clipboard: { topology: Topology; names: string[] } | null;
  /** The last run of the lab's checks, shown on the canvas and listed. */
  checkResults: CheckResult[] | null;
  /** The server answered 401: the page has no token, or not the one the server has now. */
  needsToken: boolean;
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
  /** Sets the status the server reported (and what it says about a running operation). */
  setStatus(status: LabStatus): void;
  connectionLost(): void;
  /** The connection is back: read health and the lab again (the status comes over the socket); retry a failed save. */
  reconnected(): Promise<void>;
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
  connection: 'up',
  epoch: 0,
  saving: 'saved',
  notice: null,
  clipboard: null,
  checkResults: null,
  needsToken: false,

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
    // The same lab again (saved in another tab): keep what is selected, where it still exists. Another lab: select nothing, on the canvas too.
    const same = get().lab === name;
    const { selection } = get();
    const kept: Selection = same
      ? { nodes: selection.nodes.filter((n) => n in topology.nodes), links: selection.links.filter((i) => i < topology.links.length) }
      : { nodes: [], links: [] };
    set((s) => ({
      lab: name, rev: view.rev, topology, text: view.text, textIssues: view.topology ? [] : view.issues, issues: view.issues,
      selection: kept, focus: { ...kept, seq: s.focus.seq + 1 }, past: [], future: [],
      ...(same ? {} : { status: null, progress: null, checkResults: null }), saving: 'saved',
    }));
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
    if (e.type === 'status') get().setStatus(e.status);
    else if (e.type === 'operation' || e.type === 'step') set((s) => ({ progress: progressOnEvent(s.progress, e, ended) }));
    else if (e.type === 'saved' && e.rev > get().rev && get().saving === 'saved') {
      void get().openLab(e.lab); // saved elsewhere (another tab): follow it
    }
  },

  setStatus(status) {
    set((s) => ({ status, progress: progressOnStatus(s.progress, status, ended, requestPending) }));
  },

  connectionLost() {
    set({ connection: 'down' });
  },

  async reconnected() {
    // The server sends the status to a new follower by itself; health and the lab are read again here.
    const { lab } = get();
    set((s) => ({ connection: 'up', epoch: s.epoch + 1 }));
    const [health, view] = await Promise.all([api.health(), lab ? api.lab(lab).catch(() => undefined) : undefined]);
    set({ health });
    if (lab !== get().lab) return;
    if (get().saving === 'error') scheduleSave();
    else if (view && view.rev > get().rev && get().saving === 'saved') await get().openLab(view.name, view);
  },

  say(notice) {
    set({ notice });
  },
}));

onUnauthorized(() => useStore.setState({ needsToken: true }));

/** Selector: this node's namespace is on the host now (terminals and tools work there), whatever the lab's state. */
export const nodeIsLive = (name: string) => (s: State) => !!s.health?.root && s.connection === 'up' && (s.status?.present ?? []).includes(name);
/** Selector: something of the lab is on the host now. */
export const labIsLive = (s: State) => !!s.health?.root && s.connection === 'up' && (s.status?.present.length ?? 0) > 0;

/** Operations that have ended: no late event may show them running again. */
const ended = new EndedOps();
/** The page's own Deploy or Destroy request is on its way (the server may not have begun it). */
let requestPending = false;

/** Runs Deploy or Destroy; progress arrives over the websocket, the outcome in the reply. */
async function operate(op: 'deploy' | 'destroy'): Promise<void> {
  const { lab } = useStore.getState();
  if (!lab) return;
  useStore.setState({ progress: progressRequested(op) });
  requestPending = true;
  try {
    const r = await (op === 'deploy' ? api.deploy(lab) : api.destroy(lab));
    useStore.setState((s) => ({ progress: progressOnReply(s.progress, op, r, ended) }));
  } catch (e) {
    // No reply (the server went away, or refused): the status, read again, says what is true.
    useStore.setState((s) => ({ progress: { ...(s.progress ?? progressRequested(op)), running: false, error: (e as Error).message } }));
  } finally {
    requestPending = false;
  }
  const status = await api.status(lab).catch(() => undefined);
  if (status && useStore.getState().lab === lab) useStore.getState().setStatus(status);
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
