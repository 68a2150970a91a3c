/**
 * The JSON API under /api. Errors are `ApiErrorBody` with a fitting status;
 * every reply body is a type of packages/topology/src/apiTypes.ts, named on
 * its handler, so the page and the server cannot drift apart.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  formatTopology,
  importDocument,
  NODE_NAME,
  parseTopology,
  parseTopologyData,
  setLabName,
  type ApiErrorBody,
  type ClabImport,
  type ClabNote,
  type DocumentImport,
  type Health,
  type LabStatus,
  type LabSummary,
  type LabView,
  type Ok,
  type OperationResult,
  type PlanView,
  type RevisionSummary,
  type RevisionText,
  type Template,
  type Topology,
} from '@nslab/topology';
import { NslabError, type NslabErrorReason } from '../errors.js';
import { readHostInterfaces } from '../hostInterfaces.js';
import { BadLabName, checkLabName } from '../paths.js';
import { StoreError, type LabStore } from '../store.js';
import { listTemplates } from '../templates.js';
import type { Hub } from './hub.js';
import { HttpError, type LabService } from './labService.js';

export interface ApiDeps {
  store: LabStore;
  service: LabService;
  hub: Hub;
  templatesDir: string;
  mode: { root: boolean; token: boolean };
}

type Handler = (req: Request, res: Response) => Promise<unknown> | unknown;

/** Wraps a handler: its return value is the JSON body; thrown errors get their status. */
const h = (fn: Handler) => async (req: Request, res: Response, next: NextFunction) => {
  try {
    const body = await fn(req, res);
    if (!res.headersSent) res.json(body ?? { ok: true });
  } catch (e) {
    next(e);
  }
};

/** Request bodies: a lab's text (at most the parse limit, 1 MiB by default) JSON-encoded, with room for escapes. */
const BODY_LIMIT = '2mb';

/** A lab's text from a request body: `{ text }` (YAML/JSON) or `{ topology }`. */
async function textOf(body: unknown, service: LabService): Promise<string> {
  const b = (body ?? {}) as { text?: unknown; topology?: unknown };
  if (typeof b.text === 'string') return b.text;
  if (b.topology !== undefined) {
    const r = parseTopologyData(b.topology, { limits: service.parser.limits });
    if (!r.topology) throw new HttpError(422, 'the topology has errors', r.issues);
    return formatTopology(r.topology);
  }
  throw new HttpError(400, 'send { "text": "<lab YAML>" } or { "topology": { … } }');
}

/** A draft to plan: `{ topology }` as is (no YAML round trip), or `{ text }`; it must be valid. */
async function draftOf(body: unknown, service: LabService): Promise<Topology> {
  const b = (body ?? {}) as { text?: unknown; topology?: unknown };
  if (b.topology !== undefined) {
    const r = parseTopologyData(b.topology, { limits: service.parser.limits });
    if (!r.ok || !r.topology) throw new HttpError(422, 'the lab has errors', r.issues);
    return r.topology;
  }
  if (typeof b.text === 'string') return (await service.parse(b.text, true)).topology;
  throw new HttpError(400, 'send { "text": "<lab YAML>" } or { "topology": { … } }');
}

/** An importer's request, `{ text, name?, defaultName? }`: the text within the parse limit (413), each name a lab name (400) when given. */
function importRequest(
  body: unknown,
  service: LabService,
  what: { send: string; noun: string },
): { text: string; name?: string; defaultName?: string } {
  const { text, name, defaultName } = (body ?? {}) as { text?: unknown; name?: unknown; defaultName?: unknown };
  if (typeof text !== 'string') throw new HttpError(400, `send { "text": "<${what.send}>" }`);
  const max = service.parser.limits.maxBytes;
  if (Buffer.byteLength(text) > max) throw new HttpError(413, `the ${what.noun} is larger than ${max} bytes`);
  const named = (n: unknown) => (n === undefined || n === '' ? undefined : checkLabName(n));
  const [n, d] = [named(name), named(defaultName)];
  return { text, ...(n ? { name: n } : {}), ...(d ? { defaultName: d } : {}) };
}

/** Where a note is in the containerlab file: `topology.nodes.r1.kind (line 7)`. */
const clabPlace = (n: ClabNote) => `${n.path || '(top)'}${n.line > 0 ? ` (line ${n.line})` : ''}`;

function nameOf(req: Request): string {
  return String(req.params.name);
}

/** Every `:name` (a lab) and `:node` in a router's routes is checked before any handler sees it. */
export function checkNameParams(router: express.Router): void {
  router.param('name', (_req, _res, next, name: unknown) => {
    try {
      checkLabName(name);
      next();
    } catch (e) {
      next(e);
    }
  });
  router.param('node', (_req, _res, next, node: unknown) => {
    next(
      typeof node === 'string' && NODE_NAME.test(node)
        ? undefined
        : new HttpError(400, `${JSON.stringify(String(node)).slice(0, 80)} is not a node name`),
    );
  });
}

export function createApi(deps: ApiDeps): express.Router {
  const { store, service, hub } = deps;
  const api = express.Router();
  checkNameParams(api);
  api.use(express.json({ limit: BODY_LIMIT }));

  /** A lab as the page gets it; `parsed` is the parse of exactly the stored text, when the caller has it already. */
  const view = async (name: string): Promise<LabView> => {
    const rec = store.get(name);
    const r = await service.parser.parse(rec.text);
    return { ...rec, topology: r.topology ?? null, issues: r.issues, busy: service.isBusy(name) };
  };

  api.get(
    '/health',
    h((): Health => ({ ok: true, root: deps.mode.root, mode: deps.mode.root ? 'full' : 'plan-only', token: deps.mode.token })),
  );

  api.get(
    '/labs',
    h((): LabSummary[] => store.list()),
  );

  api.post(
    '/labs',
    h(async (req, res) => {
      const text = await textOf(req.body, service);
      const parsed = await service.parse(text, false);
      const requested = (req.body as { name?: unknown }).name;
      const name = requested === undefined ? parsed.topology.name : checkLabName(requested);
      store.create(name, name === parsed.topology.name ? text : setLabName(text, name));
      res.status(201);
      return view(name);
    }),
  );

  api.get(
    '/labs/:name',
    h((req) => view(nameOf(req))),
  );

  api.put(
    '/labs/:name',
    h(async (req) => {
      const name = nameOf(req);
      const text = await textOf(req.body, service);
      const { topology } = await service.parse(text, false);
      if (topology.name !== name)
        throw new HttpError(400, `the text names lab "${topology.name}", not "${name}"; use rename to change a lab's name`);
      const { message, baseRev } = req.body as { message?: string; baseRev?: number };
      const rec = store.save(name, text, { message: message ?? '', ...(typeof baseRev === 'number' ? { baseRev } : {}) });
      hub.publish({ type: 'saved', lab: name, rev: rec.rev });
      service.invalidate(name);
      void service.publishStatus(name);
      return view(name);
    }),
  );

  api.delete(
    '/labs/:name',
    h(async (req): Promise<Ok> => {
      await service.remove(nameOf(req));
      return { ok: true };
    }),
  );

  api.post(
    '/labs/:name/rename',
    h(async (req) => {
      const from = nameOf(req);
      const to = checkLabName((req.body as { to?: unknown }).to);
      await service.rename(from, to);
      return view(to);
    }),
  );

  api.post(
    '/labs/:name/duplicate',
    h((req, res) => {
      const from = nameOf(req);
      const to = checkLabName((req.body as { to?: unknown }).to);
      store.create(to, setLabName(store.get(from).text, to), `duplicated from ${from}`);
      res.status(201);
      return view(to);
    }),
  );

  api.get(
    '/labs/:name/revisions',
    h(async (req): Promise<RevisionSummary[]> => {
      const name = nameOf(req);
      const revisions = store.revisions(name);
      const deployed = deps.mode.root ? await service.deployedRev(name) : undefined;
      return revisions.map((r) => (r.rev === deployed ? { ...r, deployed: true } : r));
    }),
  );
  api.get(
    '/labs/:name/revisions/:rev',
    h((req): RevisionText => store.revision(nameOf(req), Number(req.params.rev))),
  );
  api.post(
    '/labs/:name/revisions/:rev/restore',
    h((req) => {
      store.restore(nameOf(req), Number(req.params.rev));
      return view(nameOf(req));
    }),
  );

  /** Plans the saved lab, or a draft sent in the body, against the live host. */
  api.post(
    '/labs/:name/plan',
    h(async (req): Promise<PlanView> => {
      const body = (req.body ?? {}) as { text?: string; topology?: unknown };
      if (body.text === undefined && body.topology === undefined) return service.plan(await service.valid(nameOf(req)));
      return service.plan(await draftOf(body, service));
    }),
  );

  /** Plans a design that is not saved anywhere. */
  api.post(
    '/plan',
    h(async (req): Promise<PlanView> => service.plan(await draftOf(req.body, service))),
  );

  api.post(
    '/labs/:name/deploy',
    h((req): Promise<OperationResult> => service.deploy(nameOf(req))),
  );
  api.post(
    '/labs/:name/destroy',
    h((req): Promise<OperationResult> => service.destroy(nameOf(req))),
  );
  api.get(
    '/labs/:name/status',
    h((req): Promise<LabStatus> => service.status(nameOf(req))),
  );

  api.get(
    '/templates',
    h((): Template[] => listTemplates(deps.templatesDir)),
  );

  /** A block of shell commands, or a whole write-up → its scenarios, a lab each, with the warnings and skipped lines; checked against this host's interfaces and the templates. */
  api.post(
    '/import-script',
    h(async (req): Promise<DocumentImport> => {
      const { text, name } = importRequest(req.body, service, { send: 'shell commands', noun: 'script' });
      const templates = listTemplates(deps.templatesDir).flatMap((t) => {
        const topology = t.exercise ? undefined : parseTopology(t.text).topology;
        return topology ? [{ id: t.id, name: t.name, topology }] : [];
      });
      const host = await readHostInterfaces(service.place.runner);
      return importDocument(text, { name: name ?? 'imported', templates, ...(host ? { host } : {}) });
    }),
  );

  /**
   * A containerlab topology file → the lab it makes, with what nslab leaves out
   * (images, binds…) as warnings by YAML path and line; read in the parse worker,
   * which bounds its time and memory, under the server's limits. `name` names
   * the lab; `defaultName` (the chosen file's, as the CLI gives) names a file without `name:`. A file that is not a containerlab topology
   * is a 400 naming its first error, with every error in `notes`.
   */
  api.post(
    '/import-clab',
    h(async (req): Promise<ClabImport> => {
      const { text, name, defaultName } = importRequest(req.body, service, { send: 'containerlab topology YAML', noun: 'file' });
      const host = await readHostInterfaces(service.place.runner);
      const r = await service.parser.importClab(text, {
        ...(name ? { name } : {}),
        ...(defaultName ? { defaultName } : {}),
        ...(host ? { host } : {}),
      });
      const first = r.errors[0];
      if (first) {
        const more = r.errors.length > 1 ? ` (and ${r.errors.length - 1} more)` : '';
        throw new HttpError(400, `${clabPlace(first)}: ${first.message}${more}`, undefined, r.errors);
      }
      return r;
    }),
  );

  api.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'no such API endpoint' } satisfies ApiErrorBody);
  });
  api.use(apiErrors);
  return api;
}

/** The HTTP status of each kind of domain refusal: the one place it is decided. */
const STATUS: Record<NslabErrorReason, number> = { invalid: 400, forbidden: 403, 'not-found': 404, conflict: 409, limit: 429 };

/** Errors as `ApiErrorBody` with a fitting status; anything unexpected is a 500 and logged. */
export function apiErrors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const send = (status: number, body: ApiErrorBody) => res.status(status).json(body);
  if (err instanceof NslabError) send(STATUS[err.reason], { error: err.message, ...(err.issues ? { issues: err.issues } : {}) });
  else if (err instanceof HttpError)
    send(err.status, { error: err.message, ...(err.issues ? { issues: err.issues } : {}), ...(err.notes ? { notes: err.notes } : {}) });
  else if (err instanceof StoreError) send(err.status, { error: err.message });
  else if ((err as { type?: string }).type === 'entity.parse.failed') send(400, { error: 'the body is not valid JSON' });
  else if (err instanceof BadLabName) send(400, { error: err.message });
  else if ((err as { type?: string }).type === 'entity.too.large') send(413, { error: `the body is too large (${BODY_LIMIT} at most)` });
  else {
    console.error(err);
    send(500, { error: (err as Error).message });
  }
}
