/**
 * The server's JSON API and websockets. Every call carries the token (see
 * token.ts). Every body, event and frame is a type of
 * packages/topology/src/apiTypes.ts, the one the server sends.
 */
import type {
  ApiErrorBody,
  CheckReply,
  ClabImport,
  ClabNote,
  DiscoverResult,
  DocumentImport,
  FollowMessage,
  Health,
  JoinResult,
  LabEvent,
  LabStatus,
  LabSummary,
  LabView,
  LinkCounters,
  MeView,
  Ok,
  ParticipantLab,
  OperationResult,
  PathResult,
  PingMatrix,
  PlanView,
  RevisionSummary,
  RevisionText,
  SharedLab,
  ShareState,
  ShowResult,
  Template,
  ToolInfo,
  Topology,
  TopologyIssue,
  TraceProto,
  TraceResult,
  WorkshopSummary,
  WorkshopTemplate,
  WorkshopView,
} from '@nslab/topology';
import { socketProtocols, token } from './token';

export type {
  ElementState,
  Health,
  Hop,
  LabEvent,
  LabStatus,
  LabSummary,
  LabView,
  OperationResult,
  PingMatrix,
  PlannedStep,
  PlanView,
  SocketError,
  StreamMessage,
  Template,
  ToolInfo,
  MeView,
  ParticipantView,
  ParticipantLab,
  StepResult,
  WorkshopMessage,
  WorkshopStepView,
  WorkshopSummary,
  WorkshopTemplate,
  WorkshopView,
} from '@nslab/topology';
export type Counters = LinkCounters;
export type Revision = RevisionSummary;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: TopologyIssue[] = [],
    /** Where in a refused file, by its YAML path and line (a containerlab file's errors). */
    readonly notes: ClabNote[] = [],
  ) {
    super(message);
  }
}

let unauthorized: () => void = () => {};
/** Called whenever the server answers 401: the page has no token, or not the server's. */
export function onUnauthorized(f: () => void): void {
  unauthorized = f;
}

/** `anonymous`: send no token (joining a workshop, where the page has none yet, or only someone else's). */
interface RequestOptions {
  anonymous?: boolean;
}

/** fetch with the token; a 401 or any other failure becomes an ApiError with the server's `error` text. */
async function request(method: string, url: string, body?: unknown, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const t = opts.anonymous ? null : token();
  if (t) headers.authorization = `Bearer ${t}`;
  const r = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (r.ok) return r;
  if (r.status === 401 && !opts.anonymous) unauthorized();
  const data = (await r.json().catch(() => ({}))) as Partial<ApiErrorBody>;
  throw new ApiError(r.status, data.error ?? `${r.status} ${r.statusText}`, data.issues ?? [], data.notes ?? []);
}

async function call<T>(method: string, url: string, body?: unknown, opts?: RequestOptions): Promise<T> {
  const r = await request(method, url, body, opts);
  return (await r.json().catch(() => ({}))) as T;
}

export const api = {
  health: () => call<Health>('GET', '/api/health'),
  labs: () => call<LabSummary[]>('GET', '/api/labs'),
  lab: (name: string) => call<LabView>('GET', `/api/labs/${encodeURIComponent(name)}`),
  create: (text: string, name?: string) => call<LabView>('POST', '/api/labs', { text, ...(name ? { name } : {}) }),
  save: (name: string, text: string, baseRev: number) => call<LabView>('PUT', `/api/labs/${encodeURIComponent(name)}`, { text, baseRev }),
  remove: (name: string) => call<Ok>('DELETE', `/api/labs/${encodeURIComponent(name)}`),
  rename: (name: string, to: string) => call<LabView>('POST', `/api/labs/${encodeURIComponent(name)}/rename`, { to }),
  duplicate: (name: string, to: string) => call<LabView>('POST', `/api/labs/${encodeURIComponent(name)}/duplicate`, { to }),
  revisions: (name: string) => call<Revision[]>('GET', `/api/labs/${encodeURIComponent(name)}/revisions`),
  revision: (name: string, rev: number) => call<RevisionText>('GET', `/api/labs/${encodeURIComponent(name)}/revisions/${rev}`),
  /** The lab's read-only view key (docs/security.md): `share` makes it, `unshare` stops every link given out. */
  shareState: (name: string) => call<ShareState>('GET', `/api/labs/${encodeURIComponent(name)}/share`),
  share: (name: string) => call<ShareState>('POST', `/api/labs/${encodeURIComponent(name)}/share`),
  unshare: (name: string) => call<ShareState>('DELETE', `/api/labs/${encodeURIComponent(name)}/share`),
  /** A shared lab, with its view key and not the token: a view link's page has none. */
  view: (name: string, key: string) =>
    call<SharedLab>('GET', `/api/view/${encodeURIComponent(name)}?key=${encodeURIComponent(key)}`, undefined, { anonymous: true }),
  restore: (name: string, rev: number) => call<LabView>('POST', `/api/labs/${encodeURIComponent(name)}/revisions/${rev}/restore`, {}),
  plan: (name: string, topology: Topology) => call<PlanView>('POST', `/api/labs/${encodeURIComponent(name)}/plan`, { topology }),
  deploy: (name: string) => call<OperationResult>('POST', `/api/labs/${encodeURIComponent(name)}/deploy`, {}),
  destroy: (name: string) => call<OperationResult>('POST', `/api/labs/${encodeURIComponent(name)}/destroy`, {}),
  status: (name: string) => call<LabStatus>('GET', `/api/labs/${encodeURIComponent(name)}/status`),
  templates: () => call<Template[]>('GET', '/api/templates'),
  importScript: (text: string, name: string) => call<DocumentImport>('POST', '/api/import-script', { text, name }),
  /**
   * A containerlab file as a lab: named `name`, else after the file's `name:`, else `defaultName` (a chosen
   * file's name); its errors are an ApiError with `notes`.
   */
  importClab: (text: string, name?: string, defaultName?: string) =>
    call<ClabImport>('POST', '/api/import-clab', { text, ...(name ? { name } : {}), ...(defaultName ? { defaultName } : {}) }),
  discover: (all: boolean, name: string) =>
    call<DiscoverResult>('GET', `/api/discover?all=${all ? 1 : 0}&name=${encodeURIComponent(name)}`),
};

export const tools = {
  /** The live tools the server offers; the page renders its tool buttons from it. */
  list: () => call<ToolInfo[]>('GET', '/api/tools'),
  show: (lab: string, node: string, what: string, raw: boolean) =>
    call<ShowResult>('GET', `/api/labs/${encodeURIComponent(lab)}/nodes/${encodeURIComponent(node)}/show/${what}${raw ? '?raw=1' : ''}`),
  path: (lab: string, node: string, to: string) =>
    call<PathResult>('GET', `/api/labs/${encodeURIComponent(lab)}/nodes/${encodeURIComponent(node)}/path?to=${encodeURIComponent(to)}`),
  /** One packet's path to an address or a node, hop by hop, and the verdict; `live` also sends a real one. */
  trace: (lab: string, node: string, p: { to: string; proto: TraceProto; port?: number; live: boolean }) =>
    call<TraceResult>(
      'POST',
      `/api/labs/${encodeURIComponent(lab)}/nodes/${encodeURIComponent(node)}/trace?${new URLSearchParams({
        to: p.to,
        proto: p.proto,
        ...(p.port !== undefined ? { port: String(p.port) } : {}),
        ...(p.live ? { live: '1' } : {}),
      })}`,
      {},
    ),
  pingAll: (lab: string) => call<PingMatrix>('POST', `/api/labs/${encodeURIComponent(lab)}/pingall`, {}),
  counters: (lab: string) => call<Counters>('GET', `/api/labs/${encodeURIComponent(lab)}/counters`),
  check: (lab: string) => call<CheckReply>('POST', `/api/labs/${encodeURIComponent(lab)}/check`, {}),
  /** A capture's .pcap as a blob: a plain link cannot send the token. */
  capture: async (id: string) => (await request('GET', `/api/captures/${encodeURIComponent(id)}`)).blob(),
};

/**
 * A participant's lab as the instructor sees it (GET /api/workshops/ID/people/PID/lab): `status` is
 * its status label ("Deployed", "No lab", …). Not in apiTypes.ts yet: made of its types where it can be.
 */

const person = (id: string, pid: string) => `/api/workshops/${encodeURIComponent(id)}/people/${encodeURIComponent(pid)}`;

/** Workshops (docs/workshops.md): who the page is, a participant's own checks, the instructor's administration, and joining. */
export const workshops = {
  me: () => call<MeView>('GET', '/api/me'),
  checkMe: () => call<MeView>('POST', '/api/me/check', {}),
  /** Loads the lab a step starts from into the participant's lab (their design replaced; they deploy it). */
  loadStep: (step: number) => call<MeView>('POST', `/api/me/steps/${step}/load`, {}),
  templates: () => call<WorkshopTemplate[]>('GET', '/api/workshop-templates'),
  list: () => call<WorkshopSummary[]>('GET', '/api/workshops'),
  get: (id: string) => call<WorkshopView>('GET', `/api/workshops/${encodeURIComponent(id)}`),
  create: (body: { template?: string; title?: string; lab?: string; file?: string }) => call<WorkshopView>('POST', '/api/workshops', body),
  end: (id: string) => call<unknown>('DELETE', `/api/workshops/${encodeURIComponent(id)}`),
  check: (id: string, pid: string) => call<WorkshopView>('POST', `${person(id, pid)}/check`, {}),
  reset: (id: string, pid: string) => call<WorkshopView>('POST', `${person(id, pid)}/reset`, {}),
  remove: (id: string, pid: string) => call<WorkshopView>('DELETE', person(id, pid)),
  lab: (id: string, pid: string) => call<ParticipantLab>('GET', `${person(id, pid)}/lab`),
  /** With the join code only: whatever token this page holds is not sent (it may be the instructor's). */
  join: (code: string, name: string) => call<JoinResult>('POST', `/api/join/${encodeURIComponent(code)}`, { name }, { anonymous: true }),
};

/** A websocket URL on this server. Never with the token: URLs end up in logs. */
function wsUrl(path: string, params: Record<string, string | number>): string {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  const q = new URLSearchParams(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])));
  const query = String(q);
  return `${proto}://${location.host}${path}${query ? `?${query}` : ''}`;
}

/** Every websocket of the page opens here: the token goes as a subprotocol (see token.ts). */
export function openSocket(path: string, params: Record<string, string | number>): WebSocket {
  return new WebSocket(wsUrl(path, params), socketProtocols(token()));
}

export interface FollowHandlers {
  onEvent(e: LabEvent): void;
  /** The socket is open; `again` after it had been lost. */
  onUp(again: boolean): void;
  /** The socket was lost; it is being reopened. */
  onDown(): void;
  /** The server refused the socket with a reason (a limit reached, say) before closing it. */
  onRefused(message: string): void;
}

/**
 * Follows a lab's events over the websocket, and reopens it when it is lost
 * (a server restart, a network blip), waiting longer each time up to 4 s.
 * Returns a stop function.
 */
export function follow(lab: string, h: FollowHandlers): () => void {
  return keepOpen<FollowMessage>(
    '/api/ws',
    { lab },
    {
      onMessage: (msg) => (msg.type === 'error' ? h.onRefused(msg.message) : h.onEvent(msg)),
      onUp: h.onUp,
      onDown: h.onDown,
    },
    '/api/labs',
  );
}

export interface KeepOpenHandlers<T> {
  onMessage(m: T): void;
  /** The socket is open; `again` after it had been lost. */
  onUp?(again: boolean): void;
  /** The socket was lost; it is being reopened. */
  onDown?(): void;
}

/**
 * A websocket of JSON messages that reopens when lost (a server restart, a
 * network blip), waiting longer each time, up to 4 s. A socket refused before
 * it opened looks like a network error to the page: `probe` is then asked
 * over HTTP, where a 401 is seen. Returns a stop function.
 */
export function keepOpen<T>(path: string, params: Record<string, string>, h: KeepOpenHandlers<T>, probe = '/api/me'): () => void {
  let ws: WebSocket | undefined;
  let stopped = false;
  let lost = false;
  let delay = 250;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    let opened = false;
    ws = openSocket(path, params);
    ws.onopen = () => {
      opened = true;
      delay = 250;
      h.onUp?.(lost);
      lost = false;
    };
    ws.onmessage = (m) => {
      let msg: T;
      try {
        msg = JSON.parse(String(m.data)) as T;
      } catch {
        return;
      }
      h.onMessage(msg);
    };
    ws.onclose = () => {
      if (stopped) return;
      if (!lost) h.onDown?.();
      if (!opened) void call('GET', probe).catch(() => {});
      lost = true;
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, 4000);
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    ws?.close();
  };
}
