/**
 * What the store keeps besides its state: a timer, a chain of saves and
 * bookkeeping no view renders. One object per store, made with the store —
 * never module state — so two stores (in tests, say) share nothing.
 */
import { EndedOps } from '../progress';

export interface Internals {
  /** The debounced save, while one is waiting to start. */
  saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Saves run one after another: each waits for the one before. */
  saving: Promise<void>;
  /** The `coalesce` key of the last edit: an edit with the same key joins its undo step. */
  lastCoalesce: string | undefined;
  /** Operations that have ended: no late event may show them running again. */
  ended: EndedOps;
  /** The page's own Deploy or Destroy request is on its way (the server may not have begun it). */
  requestPending: boolean;
}

export function createInternals(): Internals {
  return { saveTimer: undefined, saving: Promise.resolve(), lastCoalesce: undefined, ended: new EndedOps(), requestPending: false };
}
