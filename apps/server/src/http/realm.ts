/**
 * A realm: one set of labs and the machinery that serves them — their store,
 * the lab service (deploy, destroy, status) over one place, the event hub,
 * terminals and tools, and the API router. The server token's realm is the
 * host's; each workshop participant has a realm of their own over their
 * sandbox. A request reaches exactly one realm, chosen from its credential,
 * so nothing in a realm can name another's labs, terminals or captures.
 */
import express from 'express';
import type { Place } from '../place.js';
import type { LabStore } from '../store.js';
import { templatesDir } from '../paths.js';
import { createApi } from './api.js';
import { Hub } from './hub.js';
import { LabService } from './labService.js';
import { LiveEndpoints } from './liveEndpoints.js';
import type { UpgradeHandler } from './upgrades.js';
import type { LiveLimits } from '../live/limits.js';

export interface Realm {
  store: LabStore;
  service: LabService;
  hub: Hub;
  live: LiveEndpoints;
  /** The /api routes of this realm's labs, tools and captures. */
  api: express.Router;
  /** Websocket endpoints by path. */
  upgrades: Record<'/api/ws' | '/api/term' | '/api/stream', UpgradeHandler>;
  /** Lets running operations finish, ends terminals and streams, closes the store. */
  close(): Promise<void>;
}

export interface RealmOptions {
  store: LabStore;
  place: Place;
  root: boolean;
  token: boolean;
  /** How often followed labs are checked for drift; 0 disables. */
  watchMs?: number;
  /** Terminals, streams and captures it may hold (default: the host's limits). */
  live?: LiveLimits;
}

export function createRealm(opts: RealmOptions): Realm {
  const { store, place, root } = opts;
  const hub = new Hub();
  const service = new LabService(store, hub, place, root);
  hub.onFollow = (lab) => void service.publishStatus(lab);
  if (opts.watchMs !== 0) service.watch(opts.watchMs ?? 5000);
  const live = new LiveEndpoints(service, opts.live);
  service.onDestroyStart = (lab) => live.endLab(lab, `lab ${lab} was destroyed: its terminals and streams ended`);
  const api = express.Router();
  api.use(live.routes());
  api.use(createApi({ store, service, hub, templatesDir: templatesDir(), mode: { root, token: opts.token } }));
  return {
    store,
    service,
    hub,
    live,
    api,
    upgrades: { '/api/ws': hub.upgrade, '/api/term': live.upgrade, '/api/stream': live.upgrade },
    async close() {
      await service.close();
      hub.close();
      live.close();
      store.close();
    },
  };
}
