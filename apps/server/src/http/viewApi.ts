/**
 * Read-only view links (docs/security.md): `/view/LAB?key=K` shows a lab's
 * diagram to someone who must not hold the token (the token is root). The
 * key is random, per lab, kept in the host's store, and revocable ("Stop
 * sharing"); it opens `GET /api/view/LAB` and the page's static files,
 * nothing else (Security refuses every other call of a viewer). Only the
 * instructor shares the host's labs.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { LAB_NAME, type ShareState, type SharedLab } from '@nslab/topology';
import { NslabError } from '../errors.js';
import type { LabStore } from '../store.js';
import { apiErrors, checkNameParams } from './api.js';
import type { LabParser } from './labParser.js';
import { safeEqual, type Principal } from './security.js';

/** Whether `key` opens lab `lab`'s view; an unknown lab is compared too, so timing says nothing about which labs exist. */
export function viewKeyOpens(store: LabStore, lab: string, key: string): boolean {
  const known = LAB_NAME.test(lab) ? store.viewKey(lab) : undefined;
  const same = safeEqual(key, known ?? 'x'.repeat(32));
  return known !== undefined && same;
}

/** A shared lab's state: its key, and its view link at each of `origins` (where other machines reach this server). */
function shareState(origins: readonly string[], lab: string, key: string | null): ShareState {
  if (key === null) return { key, urls: [] };
  return { key, urls: origins.map((o) => `${o}/view/${encodeURIComponent(lab)}?key=${encodeURIComponent(key)}`) };
}

const h = (fn: (req: Request, res: Response) => Promise<unknown> | unknown) => (req: Request, res: Response, next: NextFunction) => {
  Promise.resolve()
    .then(() => fn(req, res))
    .then((body) => res.json(body), next);
};

/** `origins`: where other machines reach this server now (none on loopback only), as for workshop join links. */
export function viewRoutes(store: LabStore, parser: LabParser, origins: () => readonly string[]): express.Router {
  const r = express.Router();
  checkNameParams(r);
  const instructor = (res: Response) => {
    if ((res.locals.who as Principal).role !== 'instructor')
      throw new NslabError('forbidden', 'only the instructor (the holder of the server token) shares labs');
  };

  r.get(
    '/view/:name',
    h(async (req): Promise<SharedLab> => {
      const name = String(req.params.name);
      // Checked here again, whoever the request speaks for: the key is this route's credential. Same answer for a wrong key and no lab.
      if (!viewKeyOpens(store, name, String(req.query.key ?? '')))
        throw new NslabError('not-found', 'no such view link (or it was stopped)');
      const parsed = await parser.parse(store.get(name).text);
      return { name, topology: parsed.topology ?? null };
    }),
  );
  r.get(
    '/labs/:name/share',
    h((req, res): ShareState => {
      instructor(res);
      const name = String(req.params.name);
      store.get(name);
      return shareState(origins(), name, store.viewKey(name) ?? null);
    }),
  );
  r.post(
    '/labs/:name/share',
    h((req, res): ShareState => {
      instructor(res);
      const name = String(req.params.name);
      return shareState(origins(), name, store.share(name));
    }),
  );
  r.delete(
    '/labs/:name/share',
    h((req, res): ShareState => {
      instructor(res);
      store.get(String(req.params.name));
      store.unshare(String(req.params.name));
      return shareState(origins(), String(req.params.name), null);
    }),
  );
  r.use(apiErrors);
  return r;
}
