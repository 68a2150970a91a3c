/**
 * Attacks on the workshop routes that need no root (a plan-only server): a
 * join code opens the join page and the join call, nothing else; a
 * participant's secret reaches their own realm only — never the host's labs,
 * the workshop administration, another participant's terminal, or the
 * instructor's dashboard; neither works where the token does not go (an API
 * query). Participants are made directly in the store here (joining needs
 * root to make a sandbox: test/privileged/workshop.test.ts joins for real).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PlainWebSocket from 'ws';
import type { MeView, WorkshopView } from '@nslab/topology';
import { startServer, type RunningServer } from '../serve.js';
import { AUTH, TEST_TOKEN } from '../../test/client.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let srv: RunningServer;
let base: string;
let data: string;
let workshop: WorkshopView;
const SECRET_A = 'participant-a-secret-0123456789abcdef';
const SECRET_B = 'participant-b-secret-0123456789abcdef';

beforeAll(async () => {
  process.env.NSLAB_WORKSHOPS_DIR = path.resolve(here, '../../test/fixtures/workshops');
  data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-wsec-'));
  srv = await startServer({ port: 0, host: '127.0.0.1', dataDir: data, planOnly: true, watchMs: 0, token: TEST_TOKEN });
  base = srv.url.replace(/\/$/, '');
  const r = await fetch(`${base}/api/workshops`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ template: 'mini' }),
  });
  expect(r.status).toBe(201);
  workshop = (await r.json()) as WorkshopView;
  const now = new Date().toISOString();
  for (const [id, secret] of [
    ['aaaaaaaaaaaa', SECRET_A],
    ['bbbbbbbbbbbb', SECRET_B],
  ] as const)
    srv.workshops.db.addParticipant({ id, workshop: workshop.id, name: id, sandbox: `p${id}`, joinedAt: now, lastSeen: now }, secret);
});
afterAll(async () => {
  await srv.close();
  fs.rmSync(data, { recursive: true, force: true });
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const code = () => workshop.joinPath.split('/').pop()!;

function upgrade(urlPath: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new PlainWebSocket(`${base.replace('http', 'ws')}${urlPath}`, ['nslab', `nslab.token.${token}`]);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode!);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => resolve(0));
  });
}

describe('a join link opens the join page and the join call, nothing else', () => {
  it('on a loopback server there is no join link other machines could open', () => {
    expect(workshop.joinUrls).toEqual([]);
  });

  it('serves the page (and its files) for a live code only', async () => {
    const page = await fetch(`${base}${workshop.joinPath}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toMatch(/^nslab_app=/);
    expect((await fetch(`${base}/join/${'A'.repeat(22)}`)).status).toBe(401);
    expect((await fetch(`${base}/join/${code()}x`)).status).toBe(401);
    expect((await fetch(`${base}/join/..%2f..%2fetc`)).status).toBe(401);
  });

  it('refuses the code anywhere but its own two paths: as a bearer, a subprotocol, on another route', async () => {
    expect((await fetch(`${base}/api/labs`, { headers: bearer(code()) })).status).toBe(401);
    expect((await fetch(`${base}/api/me`, { headers: bearer(code()) })).status).toBe(401);
    expect(await upgrade('/api/ws?lab=x', code())).toBe(401);
    expect((await fetch(`${base}/api/join/${code()}/../../labs`, { method: 'POST' })).status).toBe(401);
  });

  it('the join call: a wrong code is refused, a bad name is refused, and a plan-only server makes no sandbox', async () => {
    const post = (c: string, body: unknown) =>
      fetch(`${base}/api/join/${c}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('B'.repeat(22), { name: 'x' })).status).toBe(401);
    expect((await post(code(), { name: 'x' })).status).toBe(403); // plan-only
    expect(((await (await post(code(), { name: 'x' })).json()) as { error: string }).error).toMatch(/plan-only/);
    expect((await post(code(), {})).status).toBe(403);
    expect(srv.workshops.db.participants(workshop.id)).toHaveLength(2);
  });
});

describe("a participant's secret reaches their own realm only", () => {
  it('is a participant, with their workshop and no one else’s results', async () => {
    const me = (await (await fetch(`${base}/api/me`, { headers: bearer(SECRET_A) })).json()) as MeView;
    expect(me.role === 'participant' && me.participant.id).toBe('aaaaaaaaaaaa');
    expect(me.role === 'participant' && me.workshop.steps.length).toBe(2);
    expect(await (await fetch(`${base}/api/me`, { headers: AUTH })).json()).toEqual({ role: 'instructor' });
  });

  it('cannot administer workshops, nor read another participant’s lab', async () => {
    for (const [method, p] of [
      ['GET', '/api/workshops'],
      ['GET', '/api/workshop-templates'],
      ['GET', `/api/workshops/${workshop.id}`],
      ['DELETE', `/api/workshops/${workshop.id}`],
      ['GET', `/api/workshops/${workshop.id}/people/bbbbbbbbbbbb/lab`],
      ['POST', `/api/workshops/${workshop.id}/people/bbbbbbbbbbbb/reset`],
      ['DELETE', `/api/workshops/${workshop.id}/people/bbbbbbbbbbbb`],
    ] as const) {
      const r = await fetch(`${base}${p}`, { method, headers: bearer(SECRET_A) });
      expect(r.status, `${method} ${p}`).toBe(403);
    }
    expect(srv.workshops.db.participants(workshop.id)).toHaveLength(2);
  });

  it('labs it saves are its own: not the host’s, not another participant’s', async () => {
    const put = await fetch(`${base}/api/labs`, {
      method: 'POST',
      headers: { ...bearer(SECRET_A), 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'name: only-ada\nnodes:\n  x: { kind: netns }\n' }),
    });
    expect(put.status).toBe(201);
    const names = async (h: Record<string, string>) =>
      ((await (await fetch(`${base}/api/labs`, { headers: h })).json()) as Array<{ name: string }>).map((l) => l.name);
    expect(await names(bearer(SECRET_A))).toContain('only-ada');
    expect(await names(bearer(SECRET_B))).not.toContain('only-ada');
    expect(await names(AUTH)).not.toContain('only-ada');
    expect((await fetch(`${base}/api/labs/only-ada`, { headers: bearer(SECRET_B) })).status).toBe(404);
  });

  it('cannot open another participant’s terminal, nor follow the dashboard as the instructor', async () => {
    expect(await upgrade('/api/term?lab=wst-lab&node=red&participant=bbbbbbbbbbbb&mode=help', SECRET_A)).toBe(403);
    expect(await upgrade('/api/term?lab=wst-lab&node=red&participant=aaaaaaaaaaaa&mode=watch', SECRET_A)).toBe(403);
    // Its own workshop socket is about itself, whatever it asks for.
    expect(await upgrade(`/api/ws/workshop?workshop=${workshop.id}`, SECRET_A)).toBe(101);
    expect(await upgrade(`/api/ws/workshop?workshop=${workshop.id}`, TEST_TOKEN)).toBe(101);
    expect(await upgrade('/api/ws/workshop?workshop=zzzzzzzzzzzz', TEST_TOKEN)).toBe(404);
  });

  it('goes only where the token goes: not in an API query, not when removed', async () => {
    expect((await fetch(`${base}/api/me?token=${SECRET_A}`)).status).toBe(401);
    expect((await fetch(`${base}/api/me`, { headers: bearer(`${SECRET_A}x`) })).status).toBe(401);
    srv.workshops.db.removeParticipant('bbbbbbbbbbbb');
    expect((await fetch(`${base}/api/me`, { headers: bearer(SECRET_B) })).status).toBe(401);
  });
});

describe('making a workshop', () => {
  const post = (body: unknown) =>
    fetch(`${base}/api/workshops`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const saveLab = (text: string) =>
    fetch(`${base}/api/labs`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ text }) });

  it('from a saved lab alone: its checks are the one step; a lab without checks, or nothing named, is refused', async () => {
    expect((await saveLab('name: wsec-checked\nnodes:\n  a: { kind: netns }\nchecks:\n  - { in: a, route: default }\n')).status).toBe(201);
    expect((await saveLab('name: wsec-bare\nnodes:\n  a: { kind: netns }\n')).status).toBe(201);
    const made = await post({ lab: 'wsec-checked' });
    expect(made.status).toBe(201);
    const view = (await made.json()) as WorkshopView;
    expect([view.lab, view.steps.map((s) => s.checks)]).toEqual(['wsec-checked', [['a has a route to default']]]);
    const bare = await post({ lab: 'wsec-bare' });
    expect([bare.status, ((await bare.json()) as { error: string }).error]).toEqual([400, expect.stringMatching(/has no checks/)]);
    expect((await post({})).status).toBe(400);
    expect((await post({ template: 'no-such' })).status).toBe(404);
    expect((await post({ template: 'mini', title: '<b>' })).status).toBe(400);
    expect((await post({ template: 'mini', lab: 'no-such-lab' })).status).toBe(404);
  });

  it('from the instructor’s own workshop file; an invalid one is refused naming where', async () => {
    const file = fs
      .readFileSync(path.resolve(here, '../../test/fixtures/workshops/mini.yaml'), 'utf8')
      .replace('Mini workshop (tests)', 'My own');
    const made = await post({ file });
    expect(made.status).toBe(201);
    expect(((await made.json()) as WorkshopView).title).toBe('My own');
    const bad = await post({ file: file.replace('{ from: wst-red, ping: 10.237.1.2 }', '{ from: wst-red }') });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/steps\.0\.checks\.0/);
    expect((await post({ file: 42 })).status).toBe(400);
  });
});

describe('listening beyond loopback', () => {
  const remote = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it.skipIf(!remote)('accepts the token from this machine only; a participant’s secret from anywhere', async () => {
    const wide = await startServer({
      port: 0,
      host: '0.0.0.0',
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-wide-')),
      planOnly: true,
      watchMs: 0,
      token: TEST_TOKEN,
    });
    try {
      const port = new URL(wide.url).port;
      const now = new Date().toISOString();
      const made = await fetch(`http://127.0.0.1:${port}/api/workshops`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ template: 'mini' }),
      });
      expect(made.status).toBe(201); // from loopback: the instructor
      const w = (await made.json()) as WorkshopView;
      // The join link names an address other machines reach, not the loopback the instructor uses.
      expect(w.joinUrls).toContain(`http://${remote}:${port}${w.joinPath}`);
      expect(w.joinUrls.some((u) => u.includes('127.0.0.1'))).toBe(false);
      wide.workshops.db.addParticipant(
        { id: 'cccccccccccc', workshop: w.id, name: 'c', sandbox: 'pcccccccccccc', joinedAt: now, lastSeen: now },
        SECRET_A,
      );
      const far = await fetch(`http://${remote}:${port}/api/labs`, { headers: AUTH });
      expect(far.status).toBe(403);
      expect(((await far.json()) as { error: string }).error).toMatch(/from this machine only.*ssh -L/);
      expect((await fetch(`http://${remote}:${port}/api/me`, { headers: bearer(SECRET_A) })).status).toBe(200);
    } finally {
      await wide.close();
    }
  });
});
