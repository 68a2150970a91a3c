/**
 * Attacks on read-only view links (docs/security.md): a lab's view key opens
 * GET /api/view/LAB and the view page, nothing else; a wrong, missing,
 * stopped or other lab's key is refused the same way whether the lab exists
 * or not; only the token's holder shares and stops sharing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShareState, SharedLab } from '@nslab/topology';
import { startServer, type RunningServer } from '../serve.js';
import { reachableOrigins } from '../origins.js';
import { AUTH, TEST_TOKEN, testServer } from '../../test/client.js';

let srv: RunningServer;
let base: string;

const lab = (name: string) =>
  `name: ${name}\ndescription: shared for a class\nnodes:\n  a: { kind: netns, position: { x: 10, y: 20 } }\n  b: { kind: netns, position: { x: 300, y: 20 } }\nlinks:\n  - endpoints: [{ node: a, name: eth0 }, { node: b, name: eth0 }]\n`;
const asInstructor = (method: string, url: string, body?: unknown) =>
  fetch(`${base}${url}`, {
    method,
    headers: { ...AUTH, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
const share = async (name: string) => ((await (await asInstructor('POST', `/api/labs/${name}/share`)).json()) as ShareState).key!;
const view = (name: string, key?: string) => fetch(`${base}/api/view/${name}${key === undefined ? '' : `?key=${encodeURIComponent(key)}`}`);

beforeAll(async () => {
  srv = await testServer('view', { planOnly: true });
  base = srv.url.replace(/\/$/, '');
  for (const name of ['shown', 'other', 'gone', 'moved'])
    expect((await asInstructor('POST', '/api/labs', { text: lab(name) })).status).toBe(201);
});
afterAll(() => srv.close());

describe('a view link', () => {
  it('shows its lab’s design, positions and description included, without the token', async () => {
    const key = await share('shown');
    expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const r = await view('shown', key);
    expect(r.status).toBe(200);
    const body = (await r.json()) as SharedLab;
    expect(Object.keys(body).sort()).toEqual(['name', 'topology']);
    expect(body.topology?.description).toBe('shared for a class');
    expect(body.topology?.nodes.b?.position).toEqual({ x: 300, y: 20 });
  });

  it('serves the view page and its files, and sharing again keeps the same key', async () => {
    const key = await share('shown');
    expect(await share('shown')).toBe(key);
    const page = await fetch(`${base}/view/shown?key=${key}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toMatch(/^nslab_app=/);
  });

  it('opens nothing else: no other lab, no API call, no websocket', async () => {
    const key = await share('shown');
    const withKey = (p: string, init: RequestInit = {}) => fetch(`${base}${p}${p.includes('?') ? '&' : '?'}key=${key}`, init);
    expect((await view('other', key)).status).toBe(401);
    for (const p of ['/api/labs', '/api/labs/shown', '/api/labs/shown/status', '/api/labs/shown/share', '/api/health', '/api/me'])
      expect((await withKey(p)).status).toBe(401);
    // The key in the path's query makes the request a viewer's; everything but GET of its view is refused.
    expect((await withKey('/api/view/shown', { method: 'DELETE' })).status).toBe(403);
    expect((await fetch(`${base}/api/view/shown?key=${key}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await fetch(`${base}/api/labs/shown`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
    const status = await new Promise<number>((resolve) => {
      void import('ws').then(({ default: Ws }) => {
        const ws = new Ws(`${base.replace('http', 'ws')}/api/view/shown?key=${key}`, ['nslab']);
        ws.on('unexpected-response', (_req, res) => (resolve(res.statusCode!), ws.terminate()));
        ws.on('open', () => (resolve(101), ws.close()));
        ws.on('error', () => resolve(0));
      });
    });
    expect(status).toBe(404);
  });

  it('is refused alike for no key, a wrong key, an empty one, a huge one, and a lab that does not exist', async () => {
    const key = await share('shown');
    const answers = await Promise.all([
      view('shown'),
      view('shown', ''),
      view('shown', `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`),
      view('shown', key.toLowerCase() === key ? key.toUpperCase() : key.toLowerCase()),
      view('shown', 'k'.repeat(4000)),
      view('nosuchlab', key),
    ]);
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect((await view('shown', 'k'.repeat(100_000))).status).toBe(431); // Node refuses the header before nslab sees it
    expect((await fetch(`${base}/view/shown?key=wrong`)).status).toBe(401);
  });

  it('refuses hostile lab names: traversal, prototype keys, encoded slashes', async () => {
    const key = await share('shown');
    for (const name of ['..%2Fshown', '%2e%2e', '__proto__', 'constructor', 'prototype', 'shown%00', 'SHOWN', '%E0%A4%A', 'x'.repeat(70)])
      expect((await view(name, key)).status, name).toBe(401);
    for (const name of ['__proto__', '..%2Fx', 'A']) expect((await asInstructor('POST', `/api/labs/${name}/share`)).status, name).toBe(400);
    expect((await asInstructor('POST', '/api/labs/constructor/share')).status).toBe(404);
  });

  it('stops working when sharing stops, the lab is deleted, or renamed; a new lab of the same name is not shared', async () => {
    const key = await share('other');
    expect((await view('other', key)).status).toBe(200);
    expect(await (await asInstructor('DELETE', '/api/labs/other/share')).json()).toEqual({ key: null, urls: [] });
    expect((await view('other', key)).status).toBe(401);
    expect(await (await asInstructor('GET', '/api/labs/other/share')).json()).toEqual({ key: null, urls: [] });

    const goneKey = await share('gone');
    expect((await asInstructor('DELETE', '/api/labs/gone')).status).toBe(200);
    expect((await asInstructor('POST', '/api/labs', { text: lab('gone') })).status).toBe(201);
    expect((await view('gone', goneKey)).status).toBe(401);
    expect(await (await asInstructor('GET', '/api/labs/gone/share')).json()).toEqual({ key: null, urls: [] });

    const movedKey = await share('moved');
    expect((await asInstructor('POST', '/api/labs/moved/rename', { to: 'moved-2' })).status).toBe(200);
    expect((await view('moved', movedKey)).status).toBe(401);
    expect((await view('moved-2', movedKey)).status).toBe(401);
  });

  it('gives its page a cookie that opens static files only: not the API under another spelling, not a socket', async () => {
    const key = await share('shown');
    const page = await fetch(`${base}/view/shown?key=${key}`);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const withCookie = (method: string, p: string, body?: unknown) =>
      fetch(`${base}${p}`, {
        method,
        headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    expect((await withCookie('GET', '/')).status).toBe(200); // the app's files: what the cookie is for
    for (const p of ['/api/labs', '/API/labs', '/Api/labs/shown', '/aPi/labs/shown/status', '/API/health', '/api/LABS'])
      expect((await withCookie('GET', p)).status, p).toBe(401);
    expect((await withCookie('POST', '/API/labs', { text: lab('sneaked') })).status).toBe(401);
    expect((await withCookie('POST', '/API/labs/shown/share')).status).toBe(401);
    expect((await withCookie('DELETE', '/API/labs/shown')).status).toBe(401);
    expect((await asInstructor('GET', '/api/labs/sneaked')).status).toBe(404);
    expect((await asInstructor('GET', '/api/labs/shown')).status).toBe(200);
  });

  it('is made and stopped by the token’s holder only', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      expect((await fetch(`${base}/api/labs/shown/share`, { method })).status).toBe(401);
      expect((await asInstructor(method, '/api/labs/nosuchlab/share')).status).toBe(404);
    }
  });
});

describe('the view link’s addresses', () => {
  it('are none from a server on loopback only: the page says other machines cannot open it', async () => {
    const r = (await (await asInstructor('POST', '/api/labs/shown/share')).json()) as ShareState;
    expect(r).toEqual({ key: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), urls: [] });
    expect(reachableOrigins('127.0.0.1', 8080)).toEqual([]);
    expect(reachableOrigins('localhost', 8080)).toEqual([]);
    expect(reachableOrigins('::1', 8080)).toEqual([]);
    expect(reachableOrigins('192.0.2.7', 8080)).toEqual(['http://192.0.2.7:8080']);
    expect(reachableOrigins('2001:db8::7', 8080)).toEqual(['http://[2001:db8::7]:8080']);
  });

  const remote = Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it.skipIf(!remote)('name the addresses other machines reach, never the loopback the instructor is on, as join links do', async () => {
    const wide = await startServer({
      port: 0,
      host: '0.0.0.0',
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-wide-view-')),
      planOnly: true,
      watchMs: 0,
      token: TEST_TOKEN,
    });
    try {
      const port = Number(new URL(wide.url).port);
      const at = (method: string, url: string, body?: unknown) =>
        fetch(`http://127.0.0.1:${port}${url}`, {
          method,
          headers: { ...AUTH, 'content-type': 'application/json' },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      expect((await at('POST', '/api/labs', { text: lab('wide') })).status).toBe(201);
      const shared = (await (await at('POST', '/api/labs/wide/share')).json()) as ShareState;
      expect(shared.urls).toContain(`http://${remote}:${port}/view/wide?key=${shared.key}`);
      expect(shared.urls.some((u) => u.includes('127.0.0.1'))).toBe(false);
      // The same origins as a workshop's join links: one function makes both.
      expect(shared.urls.map((u) => new URL(u).origin)).toEqual(reachableOrigins('0.0.0.0', port));
      expect(await (await at('GET', '/api/labs/wide/share')).json()).toEqual(shared);
      // Opened from another machine's address, without the token.
      expect((await fetch(shared.urls.find((u) => u.includes(remote!))!.replace('/view/', '/api/view/'))).status).toBe(200);
      expect(await (await at('DELETE', '/api/labs/wide/share')).json()).toEqual({ key: null, urls: [] });
    } finally {
      await wide.close();
    }
  });
});
