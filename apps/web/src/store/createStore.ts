/** Composes the slices into one zustand store (the slices pattern), with its own `Internals`. */
import { create } from 'zustand';
import { createConnectionSlice } from './connection';
import { createEditingSlice } from './editing';
import { createHistorySlice } from './history';
import { createInternals } from './internals';
import { createLabsSlice } from './labs';
import { createNoticeSlice } from './notice';
import { createOperationsSlice } from './operations';
import { createSavingSlice } from './saving';
import { createSelectionSlice } from './selection';
import type { Store } from './types';

export function createStore() {
  return create<Store>()((set, get) => {
    const internals = createInternals();
    return {
      ...createLabsSlice(set, get, internals),
      ...createEditingSlice(set, get, internals),
      ...createHistorySlice(set, get, internals),
      ...createSavingSlice(set, get, internals),
      ...createSelectionSlice(set, get, internals),
      ...createOperationsSlice(set, get, internals),
      ...createConnectionSlice(set, get, internals),
      ...createNoticeSlice(set, get, internals),
    };
  });
}
