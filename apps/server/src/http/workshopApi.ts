/**
 * The workshop routes (docs/workshops.md): `/api/me` for everyone, the join
 * call for a join link's holder, a participant's own checks, and the
 * instructor's administration — refused (403) to anyone but the server
 * token's holder. Everything else a participant asks goes to their realm.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { MeView, WorkshopMessage } from '@nslab/topology';
import { NslabError } from '../errors.js';
import type { LabStore } from '../store.js';
import type { Workshops, PeopleRealm } from '../workshop/workshops.js';
import { apiErrors } from './api.js';
import type { Principal } from './security.js';
import { refuseUpgrade, socketServer, type UpgradeHandler } from './upgrades.js';

const whoOf = (res: Response) => res.locals.who as Principal;

/** Wraps an async handler: its value is the JSON body (status 200, or `status`). */
const h =
  (fn: (req: Request, res: Response) => Promise<unknown> | unknown, status = 200) =>
  (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .then((body) => res.status(status).json(body), next);
  };

/** The participant the credential is; anyone else is refused (403) what only a participant has. */
function participantOf(res: Response, what: string): string {
  const who = whoOf(res);
  if (who.role !== 'participant') throw new NslabError('forbidden', `only a workshop participant has ${what}`);
  return who.id;
}

const instructorOnly = (_req: Request, res: Response, next: NextFunction) => {
  if (whoOf(res).role === 'instructor') return next();
  res.status(403).json({ error: 'only the instructor (the holder of the server token) may do this' });
};

export function workshopRoutes<R extends PeopleRealm>(workshops: Workshops<R>, hostStore: LabStore): express.Router {
  const r = express.Router();
  // Only these routes' bodies are read here (small); every other body is the realm's to read.
  const json = express.json({ limit: '16kb' });
  const withFile = express.json({ limit: '300kb' }); // a workshop file is at most 256 KiB
  const id = (req: Request) => String(req.params.id);
  const pid = (req: Request) => String(req.params.pid);

  r.get(
    '/me',
    h((_req, res): MeView => {
      const who = whoOf(res);
      return who.role === 'participant' ? workshops.me(who.id) : { role: 'instructor' };
    }),
  );
  r.post(
    '/me/check',
    h(async (_req, res) => {
      const id = participantOf(res, 'step checks');
      await workshops.check(id);
      return workshops.me(id);
    }),
  );
  r.post(
    '/me/steps/:step/load',
    h((req, res) => workshops.loadStep(participantOf(res, 'steps to load'), req.params.step)),
  );
  r.post(
    '/join/:code',
    json,
    h((req) => workshops.join(String(req.params.code), (req.body as { name?: unknown } | undefined)?.name), 201),
  );

  r.use(['/workshop-templates', '/workshops'], instructorOnly);
  r.get(
    '/workshop-templates',
    h(() => workshops.templates().map(({ workshop: _w, ...t }) => t)),
  );
  r.get(
    '/workshops',
    h(() => workshops.list()),
  );
  r.post(
    '/workshops',
    withFile,
    h((req) => {
      const body = (req.body ?? {}) as { template?: unknown; title?: unknown; lab?: unknown; file?: unknown };
      const labText = typeof body.lab === 'string' && body.lab ? hostStore.get(body.lab).text : undefined;
      return workshops.create({
        template: body.template,
        title: body.title,
        ...(labText !== undefined ? { labText } : {}),
        ...(body.file !== undefined ? { file: body.file } : {}),
      });
    }, 201),
  );
  r.get(
    '/workshops/:id',
    h((req) => workshops.view(id(req))),
  );
  r.delete(
    '/workshops/:id',
    h((req) => workshops.end(id(req))),
  );
  r.post(
    '/workshops/:id/people/:pid/check',
    h(async (req) => {
      await workshops.check(workshops.participant(id(req), pid(req)).id);
      return workshops.view(id(req));
    }),
  );
  r.post(
    '/workshops/:id/people/:pid/reset',
    h(async (req) => {
      await workshops.reset(id(req), pid(req));
      return workshops.view(id(req));
    }),
  );
  r.delete(
    '/workshops/:id/people/:pid',
    h(async (req) => {
      await workshops.removeParticipant(id(req), pid(req));
      return workshops.view(id(req));
    }),
  );
  r.get(
    '/workshops/:id/people/:pid/lab',
    h((req) => workshops.labOf(id(req), pid(req))),
  );
  r.use(apiErrors);
  return r;
}

/**
 * `/api/ws/workshop`: the instructor follows `?workshop=ID` and gets the
 * whole view again on every change; a participant follows themself.
 */
export function workshopSocket<R extends PeopleRealm>(workshops: Workshops<R>): UpgradeHandler {
  const wss = socketServer();
  return (req, socket, head, url, who) => {
    let key: { workshop: string } | { participant: string };
    if (who.role === 'instructor') {
      const id = url.searchParams.get('workshop') ?? '';
      try {
        workshops.view(id);
      } catch {
        return refuseUpgrade(socket, { status: 404, message: 'follow a workshop: /api/ws/workshop?workshop=ID' });
      }
      key = { workshop: id };
    } else if (who.role === 'participant') key = { participant: who.id };
    else return refuseUpgrade(socket, { status: 403, message: 'join first' });
    wss.handleUpgrade(req, socket, head, (ws) => {
      const send = (msg: WorkshopMessage) => {
        if (ws.readyState === ws.OPEN && ws.bufferedAmount < 4 * 2 ** 20) ws.send(JSON.stringify(msg));
      };
      ws.on('error', () => ws.terminate());
      try {
        const stop = workshops.subscribe(key, send, () => ws.close(1000, 'the workshop ended, or you were removed'));
        ws.on('close', stop);
      } catch (e) {
        send({ type: 'error', message: (e as Error).message }); // ended or removed between the check and now
        ws.close(1000);
      }
    });
  };
}
