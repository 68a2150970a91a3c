/** The server: its health, whether the websocket to it is up, whether it took our token. */
import { api, type Health } from '../api';
import type { SliceCreator } from './types';

export interface ConnectionSlice {
  health: Health | null;
  /** The websocket to the server: down while the server is unreachable (restarting, say). */
  connection: 'up' | 'down';
  /** Bumped each time the connection comes back: views that asked the server something ask again. */
  epoch: number;
  /** The server answered 401: the page has no token, or not the one the server has now. */
  needsToken: boolean;
  connectionLost(): void;
  /** The connection is back: read health and the lab again (the status comes over the socket); retry a failed save. */
  reconnected(): Promise<void>;
}

export const createConnectionSlice: SliceCreator<ConnectionSlice> = (set, get) => ({
  health: null,
  connection: 'up',
  epoch: 0,
  needsToken: false,

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
    if (get().saving === 'error') get().scheduleSave();
    else if (view && view.rev > get().rev && get().saving === 'saved') await get().openLab(view.name, view);
  },
});
