import { describe, expect, it } from 'vitest';
import type { LabEvent, LabStatus } from '@nslab/topology';
import { EndedOps, progressOnEvent, progressOnReply, progressOnStatus, progressRequested, type Progress } from './progress';

const step = (opId: string, index: number, total = 3604): LabEvent => ({
  type: 'step',
  lab: 'big',
  opId,
  op: 'deploy',
  index,
  total,
  kind: 'addr.add',
  argv: ['ip', 'addr', 'add'],
  reason: 'r',
  status: 'ok',
  elapsedMs: 1,
});
const started = (opId: string): LabEvent => ({ type: 'operation', lab: 'big', opId, op: 'deploy', state: 'started' });
const finished = (opId: string, ok = true): LabEvent => ({
  type: 'operation',
  lab: 'big',
  opId,
  op: 'deploy',
  state: 'finished',
  ok,
  steps: 3604,
});
const status = (state: LabStatus['state'], operation?: LabStatus['operation']): LabStatus => ({
  state,
  label: state,
  nodes: {},
  links: {},
  present: [],
  differences: [],
  conflicts: [],
  checkedAt: '',
  ...(operation ? { operation } : {}),
});
const reply = (opId: string) => ({ opId, ok: true, steps: 3604, applied: 3604, elapsedMs: 900 });

function run(p: Progress | null, ended: EndedOps, ...events: LabEvent[]): Progress | null {
  return events.reduce((acc, e) => progressOnEvent(acc, e, ended), p);
}

describe('deploy progress: the page believes the server, not the order of events', () => {
  it('a step that arrives after the reply does not set the page back to Deploying', () => {
    const ended = new EndedOps();
    let p: Progress | null = progressRequested('deploy');
    p = run(p, ended, started('a-1'), step('a-1', 0), step('a-1', 1));
    p = progressOnReply(p, 'deploy', reply('a-1'), ended);
    expect(p.running).toBe(false);
    p = run(p, ended, step('a-1', 3603));
    expect(p!.running).toBe(false);
    expect(p!.done).toBe(3604);
  });

  it('the reply can come before every event: the started event and steps that follow it change nothing', () => {
    const ended = new EndedOps();
    let p: Progress | null = progressOnReply(progressRequested('deploy'), 'deploy', reply('a-1'), ended);
    p = run(p, ended, started('a-1'), step('a-1', 5), finished('a-1'));
    expect(p!.running).toBe(false);
  });

  it('a page reloaded during a deploy learns it from the status, shows progress, and ends with the finished event', () => {
    const ended = new EndedOps();
    let p = progressOnStatus(null, status('deploying', { id: 'a-1', op: 'deploy', done: 100, total: 3604 }), ended, false);
    expect(p).toMatchObject({ running: true, opId: 'a-1', done: 100, total: 3604 });
    p = run(p, ended, step('a-1', 200));
    expect(p!.done).toBe(201);
    p = run(p, ended, finished('a-1'), step('a-1', 3603));
    expect(p!.running).toBe(false);
  });

  it('a page that missed the finished event (its socket dropped) ends when the status names no operation', () => {
    const ended = new EndedOps();
    let p = run(null, ended, started('a-1'), step('a-1', 10));
    expect(p!.running).toBe(true);
    p = progressOnStatus(p, status('deployed'), ended, false);
    expect(p!.running).toBe(false);
  });

  it("the page's own request stays busy through a status computed before the server began it", () => {
    const ended = new EndedOps();
    const p = progressOnStatus(progressRequested('deploy'), status('not-deployed'), ended, true);
    expect(p!.running).toBe(true);
  });

  it('a status naming an operation that has ended does not restart it', () => {
    const ended = new EndedOps();
    const p = run(progressRequested('deploy'), ended, started('a-1'), finished('a-1'));
    expect(progressOnStatus(p, status('deploying', { id: 'a-1', op: 'deploy', done: 1, total: 2 }), ended, false)!.running).toBe(false);
  });

  it('a failed operation keeps its error once it ends', () => {
    const ended = new EndedOps();
    const p = run(progressRequested('deploy'), ended, started('a-1'), {
      ...finished('a-1', false),
      error: 'ip link add: File exists',
    } as LabEvent);
    expect(p).toMatchObject({ running: false, error: 'ip link add: File exists' });
  });

  it('after a server restart, a new operation with a new id is followed', () => {
    const ended = new EndedOps();
    let p = run(null, ended, started('a-1'), finished('a-1'));
    p = run(p, ended, started('b-1'), step('b-1', 0, 10));
    expect(p).toMatchObject({ running: true, opId: 'b-1', done: 1, total: 10 });
  });
});
