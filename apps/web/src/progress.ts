/**
 * What the page shows of a deploy or destroy, from three sources that arrive
 * in no fixed order: websocket events (started, steps, finished), the status
 * (which names the operation running, if any) and the HTTP reply to the
 * page's own request. Each operation has an id; once it has ended — by its
 * `finished` event, its reply or a status without it — nothing about it can
 * set the page busy again. Pure: the store keeps the state and the ended ids.
 */
import type { LabEvent, LabStatus, OperationKind, OperationResult } from '@nslab/topology';

export interface Progress {
  opId?: string;
  op: OperationKind;
  running: boolean;
  done: number;
  total: number;
  current?: string;
  error?: string;
  elapsedMs?: number;
}

/** Ids of operations that have ended, newest last (a few dozen are plenty). */
export class EndedOps {
  private readonly ids: string[] = [];
  add(id: string): void {
    if (this.ids.includes(id)) return;
    this.ids.push(id);
    if (this.ids.length > 64) this.ids.shift();
  }
  has(id: string | undefined): boolean {
    return id !== undefined && this.ids.includes(id);
  }
}

/** The page asked for an operation and waits for its reply. */
export function progressRequested(op: OperationKind): Progress {
  return { op, running: true, done: 0, total: 0 };
}

export function progressOnEvent(p: Progress | null, e: LabEvent, ended: EndedOps): Progress | null {
  if (e.type === 'operation' && e.state === 'finished') {
    ended.add(e.opId);
    if (!p || (p.opId !== undefined && p.opId !== e.opId)) return p;
    return {
      ...p,
      opId: e.opId,
      running: false,
      ...(e.ok ? {} : { error: e.error ?? 'failed' }),
      ...(e.elapsedMs !== undefined ? { elapsedMs: e.elapsedMs } : {}),
    };
  }
  if (e.type !== 'operation' && e.type !== 'step') return p;
  if (ended.has(e.opId)) return p; // a late event of an operation that has ended
  const mine = p?.running && (p.opId === undefined || p.opId === e.opId);
  const base: Progress = mine ? { ...p!, opId: e.opId } : { opId: e.opId, op: e.op, running: true, done: 0, total: 0 };
  if (e.type === 'operation') return base;
  return {
    ...base,
    done: Math.max(base.done, e.status === 'ok' ? e.index + 1 : 0),
    total: Math.max(base.total, e.total),
    current: e.argv.join(' '),
    ...(e.status === 'failed' ? { error: `${e.argv.join(' ')}: ${e.error ?? ''}` } : {}),
  };
}

/**
 * The status is the server's word: an operation it names is running (unless
 * it ended already); none named means none runs — except the page's own
 * request, which the server may not have begun when it computed the status.
 */
export function progressOnStatus(p: Progress | null, status: LabStatus, ended: EndedOps, requestPending: boolean): Progress | null {
  const op = status.operation;
  if (op && !ended.has(op.id)) {
    const same = p?.running && (p.opId === undefined || p.opId === op.id);
    return {
      ...(same ? p! : { op: op.op, current: undefined }),
      opId: op.id,
      op: op.op,
      running: true,
      done: Math.max(same ? p!.done : 0, op.done),
      total: Math.max(same ? p!.total : 0, op.total),
    };
  }
  if (p?.running && !requestPending) return { ...p, running: false };
  return p;
}

/** The reply to the page's own request. */
export function progressOnReply(p: Progress | null, op: OperationKind, r: OperationResult, ended: EndedOps): Progress {
  ended.add(r.opId);
  return {
    ...(p ?? progressRequested(op)),
    opId: r.opId,
    op,
    running: false,
    done: r.applied,
    total: r.steps,
    elapsedMs: r.elapsedMs,
    ...(r.ok ? { error: undefined } : { error: `${r.failure?.argv.join(' ') ?? ''}: ${r.failure?.message ?? 'failed'}` }),
  };
}
