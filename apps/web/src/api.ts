/** The server's JSON API. The token (when the server needs one) comes from ?token= once and is kept for the tab. */
import type { CheckResult, Hop, ImportResult, LabEvent, LabStatus, LinkCounters, OperationResult, PingMatrix, PlannedStep, Topology, TopologyIssue } from '@nslab/topology';

export type { ElementState, Hop, LabEvent, LabStatus, OperationResult, PingMatrix, PlannedStep } from '@nslab/topology';
export type Counters = LinkCounters;

const params = new URLSearchParams(location.search);
if (params.get('token')) sessionStorage.setItem('nslab-token', params.get('token')!);
const token = () => sessionStorage.getItem('nslab-token');

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: TopologyIssue[] = [],
  ) {
    super(message);
  }
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token()) headers.authorization = `Bearer ${token()}`;
  const r = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const data = (await r.json().catch(() => ({}))) as { error?: string; issues?: TopologyIssue[] };
  if (!r.ok) throw new ApiError(r.status, data.error ?? `${r.status} ${r.statusText}`, data.issues ?? []);
  return data as T;
}

export interface Health {
  root: boolean;
  mode: 'full' | 'plan-only';
}
export interface LabSummary {
  name: string;
  rev: number;
  updatedAt: string;
}
export interface LabView extends LabSummary {
  text: string;
  topology: Topology | null;
  issues: TopologyIssue[];
  busy: boolean;
}
export interface PlanView {
  steps: PlannedStep[];
  conflicts: TopologyIssue[];
  live: boolean;
}
export interface Revision {
  rev: number;
  createdAt: string;
  message: string;
}
export interface Template {
  id: string;
  name: string;
  description: string;
  text: string;
}

export const api = {
  health: () => call<Health>('GET', '/api/health'),
  labs: () => call<LabSummary[]>('GET', '/api/labs'),
  lab: (name: string) => call<LabView>('GET', `/api/labs/${encodeURIComponent(name)}`),
  create: (text: string, name?: string) => call<LabView>('POST', '/api/labs', { text, ...(name ? { name } : {}) }),
  save: (name: string, text: string, baseRev: number) => call<LabView>('PUT', `/api/labs/${encodeURIComponent(name)}`, { text, baseRev }),
  remove: (name: string) => call<{ ok: true }>('DELETE', `/api/labs/${encodeURIComponent(name)}`),
  rename: (name: string, to: string) => call<LabView>('POST', `/api/labs/${encodeURIComponent(name)}/rename`, { to }),
  duplicate: (name: string, to: string) => call<LabView>('POST', `/api/labs/${encodeURIComponent(name)}/duplicate`, { to }),
  revisions: (name: string) => call<Revision[]>('GET', `/api/labs/${encodeURIComponent(name)}/revisions`),
  restore: (name: string, rev: number) => call<LabView>('POST', `/api/labs/${encodeURIComponent(name)}/revisions/${rev}/restore`, {}),
  plan: (name: string, topology: Topology) => call<PlanView>('POST', `/api/labs/${encodeURIComponent(name)}/plan`, { topology }),
  deploy: (name: string) => call<OperationResult>('POST', `/api/labs/${encodeURIComponent(name)}/deploy`, {}),
  destroy: (name: string) => call<OperationResult>('POST', `/api/labs/${encodeURIComponent(name)}/destroy`, {}),
  status: (name: string) => call<LabStatus>('GET', `/api/labs/${encodeURIComponent(name)}/status`),
  templates: () => call<Template[]>('GET', '/api/templates'),
  importScript: (text: string, name: string) => call<ImportResult>('POST', '/api/import-script', { text, name }),
  discover: (all: boolean, name: string) => call<ImportResult>('GET', `/api/discover?all=${all ? 1 : 0}&name=${encodeURIComponent(name)}`),
};


export const tools = {
  show: (lab: string, node: string, what: string, raw: boolean) =>
    call<{ json?: unknown; text?: string; argv: string[] }>('GET', `/api/labs/${encodeURIComponent(lab)}/nodes/${encodeURIComponent(node)}/show/${what}${raw ? '?raw=1' : ''}`),
  path: (lab: string, node: string, to: string) => call<{ hops: Hop[] }>('GET', `/api/labs/${encodeURIComponent(lab)}/nodes/${encodeURIComponent(node)}/path?to=${encodeURIComponent(to)}`),
  pingAll: (lab: string) => call<PingMatrix>('POST', `/api/labs/${encodeURIComponent(lab)}/pingall`, {}),
  counters: (lab: string) => call<Counters>('GET', `/api/labs/${encodeURIComponent(lab)}/counters`),
  check: (lab: string) => call<{ results: CheckResult[] }>('POST', `/api/labs/${encodeURIComponent(lab)}/check`, {}),
};

/** A websocket URL on this server, with the token when there is one. */
export function wsUrl(path: string, params: Record<string, string | number>): string {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  const q = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), ...(token() ? { token: token()! } : {}) });
  return `${proto}://${location.host}${path}?${q}`;
}

export interface FollowHandlers {
  onEvent(e: LabEvent): void;
  /** The socket is open; `again` after it had been lost. */
  onUp(again: boolean): void;
  /** The socket was lost; it is being reopened. */
  onDown(): void;
}

/**
 * Follows a lab's events over the websocket, and reopens it when it is lost
 * (a server restart, a network blip), waiting longer each time up to 4 s.
 * Returns a stop function.
 */
export function follow(lab: string, h: FollowHandlers): () => void {
  let ws: WebSocket | undefined;
  let stopped = false;
  let lost = false;
  let delay = 250;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    ws = new WebSocket(wsUrl('/api/ws', { lab }));
    ws.onopen = () => {
      delay = 250;
      h.onUp(lost);
      lost = false;
    };
    ws.onmessage = (m) => h.onEvent(JSON.parse(String(m.data)) as LabEvent);
    ws.onclose = () => {
      if (stopped) return;
      if (!lost) h.onDown();
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
