/** The store's shape: one zustand store composed of slices, each in its own file. */
import type { StoreApi } from 'zustand';
import type { ConnectionSlice } from './connection';
import type { EditingSlice } from './editing';
import type { HistorySlice } from './history';
import type { Internals } from './internals';
import type { LabsSlice } from './labs';
import type { NoticeSlice } from './notice';
import type { OperationsSlice } from './operations';
import type { SavingSlice } from './saving';
import type { SelectionSlice } from './selection';

export type Store = LabsSlice &
  EditingSlice &
  HistorySlice &
  SavingSlice &
  SelectionSlice &
  OperationsSlice &
  ConnectionSlice &
  NoticeSlice;

export interface Selection {
  nodes: string[];
  links: number[];
}

export type SetStore = StoreApi<Store>['setState'];
export type GetStore = StoreApi<Store>['getState'];

/**
 * Makes one slice: zustand's `StateCreator` plus the store's `Internals`.
 * A slice reads and writes the whole store (an edit schedules a save), so
 * `set` and `get` are typed with `Store`, not with the slice.
 */
export type SliceCreator<T> = (set: SetStore, get: GetStore, internals: Internals) => T;
