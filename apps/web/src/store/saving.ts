/**
 * Saving: an edit schedules a save half a second later (more edits push it
 * back); saves run one at a time; anything that leaves the lab or asks the
 * server to act on it flushes first.
 */
import { formatTopology, parseTopology } from '@nslab/topology';
import { api, ApiError } from '../api';
import type { GetStore, SetStore, SliceCreator } from './types';
import type { Internals } from './internals';

const DEBOUNCE_MS = 500;

export interface SavingSlice {
  saving: 'saved' | 'pending' | 'saving' | 'error';
  /** Saves now what is waiting to be saved, and waits for every save under way. */
  flushSave(): Promise<void>;
  /** Saves the lab soon (called after each edit). */
  scheduleSave(): void;
  /** Drops the save that is waiting (the lab is being deleted). */
  cancelSave(): void;
}

export const createSavingSlice: SliceCreator<SavingSlice> = (set, get, internals) => {
  const save = () => saveNow(set, get, internals);
  return {
    saving: 'saved',

    async flushSave() {
      if (internals.saveTimer) {
        clearTimeout(internals.saveTimer);
        internals.saveTimer = undefined;
        internals.saving = internals.saving.then(save);
      }
      await internals.saving;
    },

    scheduleSave() {
      if (!get().lab) return;
      set({ saving: 'pending' });
      clearTimeout(internals.saveTimer);
      internals.saveTimer = setTimeout(() => {
        internals.saveTimer = undefined;
        internals.saving = internals.saving.then(save);
      }, DEBOUNCE_MS);
    },

    cancelSave() {
      clearTimeout(internals.saveTimer);
      internals.saveTimer = undefined;
    },
  };
};

async function saveNow(set: SetStore, get: GetStore, internals: Internals): Promise<void> {
  const { lab, text, rev, topology } = get();
  if (!lab) return;
  set({ saving: 'saving' });
  try {
    // Text that does not parse is not saved as is: the last topology that did is.
    const body = parseTopology(text).topology ? text : formatTopology(topology);
    const view = await api.save(lab, body, rev);
    set({ rev: view.rev, saving: internals.saveTimer ? 'pending' : 'saved' });
  } catch (e) {
    set({ saving: 'error', notice: e instanceof ApiError && e.status === 409 ? e.message : `could not save: ${(e as Error).message}` });
  }
}
