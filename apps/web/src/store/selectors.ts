/** Selectors over the store, at module scope so their identity is stable. */
import type { Store } from './types';

/** Selector: this node's namespace is on the host now (terminals and tools work there), whatever the lab's state. */
export const nodeIsLive = (name: string) => (s: Store) =>
  !!s.health?.root && s.connection === 'up' && (s.status?.present ?? []).includes(name);
/** Selector: something of the lab is on the host now. */
export const labIsLive = (s: Store) => !!s.health?.root && s.connection === 'up' && (s.status?.present.length ?? 0) > 0;
