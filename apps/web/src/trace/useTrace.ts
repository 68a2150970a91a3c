/**
 * The canvas Trace: picking a destination from a node, the server's answer
 * (a TraceResult), and which of its hops is shown. Its own small store, like
 * the dock: nothing here is part of the lab or its history.
 */
import { create } from 'zustand';
import type { TraceResult } from '@nslab/topology';
import { tools } from '../api';
import { useStore } from '../store';
import { traceRequest, type TraceForm } from './traceRequest';

interface TraceState {
  /** Pick mode: the node a trace starts from, while its destination is being chosen. */
  picking: { lab: string; from: string } | null;
  form: TraceForm;
  running: boolean;
  error: string | null;
  result: TraceResult | null;
  /** hops[0..step] are lit; hops[step] is the one shown. */
  step: number;
  /** Stepping through the hops by itself, after a result arrives (not with reduced motion). */
  playing: boolean;
  /** Pick mode from `from` (the canvas selection is cleared: clicks pick, they do not select); `to` prefills the destination. */
  start(lab: string, from: string, to?: string): void;
  /** Leaves pick mode, back to the node it started from. */
  cancel(): void;
  setForm(p: Partial<TraceForm>): void;
  /** A node clicked in pick mode: the destination; traced at once when the form is complete. */
  pick(node: string): void;
  run(): Promise<void>;
  show(step: number): void;
  next(): void;
  previous(): void;
  replay(): void;
  /** One step of the playback. */
  tick(): void;
  /** Forgets the trace; `backToSource` selects the node it started from. */
  clear(opts?: { backToSource?: boolean }): void;
}

/** Selects a trace's source again, if the lab still has it. */
function selectSource(from: string | undefined): void {
  const s = useStore.getState();
  if (from && from in s.topology.nodes) s.select({ nodes: [from], links: [] });
}

/** The user asked for less motion: a trace is shown whole at once, and the view jumps rather than glides. */
export const reducedMotion = () => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/** Runs are numbered: the answer to an older one, or to a cancelled one, is dropped. */
let seq = 0;

export const useTrace = create<TraceState>()((set, get) => ({
  picking: null,
  form: { to: '', proto: 'icmp', port: '', live: false },
  running: false,
  error: null,
  result: null,
  step: 0,
  playing: false,

  start(lab, from, to = '') {
    seq++;
    useStore.getState().select({ nodes: [], links: [] });
    set((s) => ({ picking: { lab, from }, form: { ...s.form, to }, running: false, error: null, result: null, playing: false }));
  },

  cancel() {
    seq++;
    const from = get().picking?.from;
    set({ picking: null, running: false, error: null });
    selectSource(from);
  },

  setForm(p) {
    set((s) => ({ form: { ...s.form, ...p }, error: null }));
  },

  pick(node) {
    get().setForm({ to: node });
    if (!('problem' in traceRequest(get().form))) void get().run();
  },

  async run() {
    const { picking, form } = get();
    if (!picking) return;
    const req = traceRequest(form);
    if ('problem' in req) return set({ error: req.problem });
    const mine = ++seq;
    set({ running: true, error: null });
    try {
      const result = await tools.trace(picking.lab, picking.from, req);
      if (mine !== seq) return;
      const play = !reducedMotion() && result.hops.length > 1;
      set({ picking: null, running: false, result, step: play ? 0 : Math.max(0, result.hops.length - 1), playing: play });
    } catch (e) {
      if (mine === seq) set({ running: false, error: (e as Error).message });
    }
  },

  show(step) {
    const n = get().result?.hops.length ?? 0;
    if (n) set({ step: Math.max(0, Math.min(step, n - 1)), playing: false });
  },
  next() {
    get().show(get().step + 1);
  },
  previous() {
    get().show(get().step - 1);
  },
  replay() {
    const r = get().result;
    if (!r) return;
    const play = !reducedMotion() && r.hops.length > 1;
    set({ step: play ? 0 : Math.max(0, r.hops.length - 1), playing: play });
  },
  tick() {
    const { result, step } = get();
    if (!result) return set({ playing: false });
    const last = result.hops.length - 1;
    set({ step: Math.min(step + 1, last), playing: step + 1 < last });
  },

  clear(opts = {}) {
    seq++;
    const from = get().result?.from;
    set({ picking: null, running: false, error: null, result: null, step: 0, playing: false });
    if (opts.backToSource) selectSource(from);
  },
}));
