/**
 * What the host says about the lab and what is being done to it: status,
 * Deploy/Destroy progress, the last checks. Progress comes from events,
 * status and the reply in any order; `progress.ts` decides, this keeps it.
 */
import type { CheckResult } from '@nslab/topology';
import { api, type LabEvent, type LabStatus } from '../api';
import { progressOnEvent, progressOnReply, progressOnStatus, progressRequested, type Progress } from '../progress';
import type { Internals } from './internals';
import type { GetStore, SetStore, SliceCreator } from './types';

export interface OperationsSlice {
  status: LabStatus | null;
  progress: Progress | null;
  /** The last run of the lab's checks, shown on the canvas and listed. */
  checkResults: CheckResult[] | null;
  deploy(): Promise<void>;
  destroy(): Promise<void>;
  onLabEvent(e: LabEvent): void;
  /** Sets the status the server reported (and what it says about a running operation). */
  setStatus(status: LabStatus): void;
}

export const createOperationsSlice: SliceCreator<OperationsSlice> = (set, get, internals) => ({
  status: null,
  progress: null,
  checkResults: null,

  async deploy() {
    await get().flushSave();
    await operate('deploy', set, get, internals);
  },

  async destroy() {
    await operate('destroy', set, get, internals);
  },

  onLabEvent(e) {
    if (e.lab !== get().lab) return;
    if (e.type === 'status') get().setStatus(e.status);
    else if (e.type === 'operation' || e.type === 'step') set((s) => ({ progress: progressOnEvent(s.progress, e, internals.ended) }));
    else if (e.type === 'saved' && e.rev > get().rev && get().saving === 'saved') {
      void get().openLab(e.lab); // saved elsewhere (another tab): follow it
    }
  },

  setStatus(status) {
    set((s) => ({ status, progress: progressOnStatus(s.progress, status, internals.ended, internals.requestPending) }));
  },
});

/** Runs Deploy or Destroy; progress arrives over the websocket, the outcome in the reply. */
async function operate(op: 'deploy' | 'destroy', set: SetStore, get: GetStore, internals: Internals): Promise<void> {
  const { lab } = get();
  if (!lab) return;
  set({ progress: progressRequested(op) });
  internals.requestPending = true;
  try {
    const r = await (op === 'deploy' ? api.deploy(lab) : api.destroy(lab));
    set((s) => ({ progress: progressOnReply(s.progress, op, r, internals.ended) }));
  } catch (e) {
    // No reply (the server went away, or refused): the status, read again, says what is true.
    set((s) => ({ progress: { ...(s.progress ?? progressRequested(op)), running: false, error: (e as Error).message } }));
  } finally {
    internals.requestPending = false;
  }
  const status = await api.status(lab).catch(() => undefined);
  if (status && get().lab === lab) get().setStatus(status);
}
