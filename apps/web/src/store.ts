/**
 * The designer's state: the lab being drawn (a Topology), its YAML text,
 * validation issues, selection, undo history, and what the host says about
 * it. Canvas nodes and edges are derived from `topology`; every edit goes
 * through a packages/topology function and then `apply`.
 *
 * One zustand store made of slices, one concern each, in `store/`: `labs`
 * (list, open, create, rename, duplicate, delete, restore), `editing`
 * (topology, text, issues, `apply`), `history` (undo, redo), `saving`
 * (debounced save), `selection` (and clipboard), `operations` (status,
 * Deploy/Destroy progress, checks), `connection` (health, websocket, token),
 * `notice`. Timers and bookkeeping live in the store's `Internals`, not in
 * module state.
 */
import { onUnauthorized } from './api';
import { createStore } from './store/createStore';

export type { Progress } from './progress';
export type { Selection, Store } from './store/types';
export { hostConflicts, labIsLive, nodeIsLive, shownIssues } from './store/selectors';

export const useStore = createStore();

onUnauthorized(() => useStore.setState({ needsToken: true }));
