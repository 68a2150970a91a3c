/**
 * Attacks on the server that need no root: the token on every address and
 * path, Host and Origin compared exactly, framing, names in paths, and
 * documents meant to hold the event loop. The attacks that reach the host
 * (terminals, captures, sysctls, destroy) are in test/privileged/attacks.test.ts.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PlainWebSocket from 'ws';
import { startServer, type RunningServer } from '../serve.js';
import { AUTH, TEST_TOKEN } from '../../test/client.js';
import { routeOf } from '../live/tool.js';
import { TOOLS } from '../live/toolList.js';

const LAB = 'name: sec-unit\nnodes:\n  a: { kind: netns }\n';

let srv: RunningServer;
let base: string;
let port: number;
let data: string;

beforeAll(async () => {
  data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-sec-'));
  srv = await startServer({ port: 0, host: '127.0.0.1', dataDir: data, planOnly: true, watchMs: 0 });
  base = srv.url.replace(/\/$/, '');
  port = Number(new URL(base).port);
});
afterAll(async () => {
  await srv.close();
  fs.rmSync(data, { recursive: true, force: true });
});

/** A raw request, so Host, Origin and the path are sent exactly as given. */
function raw(opts: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  host?: string;
}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: opts.host ?? '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (b: Buffer) => (body += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A websocket upgrade: the HTTP status it got (101 when it opened). */
function upgrade(
  urlPath: string,
  opts: { headers?: Record<string, string>; protocols?: string[]; origin?: string } = {},
): Promise<{ status: number; protocol?: string }> {
  return new Promise((resolve) => {
    const ws = new PlainWebSocket(`ws://127.0.0.1:${port}${urlPath}`, opts.protocols ?? [], {
      headers: opts.headers ?? {},
      ...(opts.origin ? { origin: opts.origin } : {}),
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode! });
      ws.terminate();
    });
    ws.on('open', () => {
      resolve({ status: 101, protocol: ws.protocol });
      ws.close();
    });
    ws.on('error', () => resolve({ status: 0 }));
  });
}

describe('a token on every address, loopback included', () => {
  it('generates a token and writes it to <data dir>/token, readable by its owner only', () => {
    expect(srv.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const file = path.join(data, 'token');
    expect(srv.tokenFile).toBe(file);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(srv.token);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(srv.openUrl).toBe(`${base}/?token=${srv.token}`);
  });

  it('refuses every API route, page and websocket without it, on 127.0.0.1', async () => {
    for (const p of [
      '/api/health',
      '/api/labs',
      '/api/labs/sec-unit',
      '/api/templates',
      '/api/discover',
      '/api/captures/0123456789abcdef0123456789abcdef',
      '/',
      '/index.html',
      '/assets/x.js',
    ]) {
      expect((await raw({ path: p })).status, p).toBe(401);
    }
    expect(
      (
        await raw({
          method: 'POST',
          path: '/api/labs',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: LAB }),
        })
      ).status,
    ).toBe(401);
    for (const p of [
      '/api/ws?lab=sec-unit',
      '/api/term?lab=sec-unit&node=a',
      '/api/stream?lab=sec-unit&node=a&tool=ping&target=127.0.0.1',
      ...TOOLS.filter((t) => t.mode === 'stream').map((t) => `/api/stream?lab=sec-unit&node=a&tool=${t.name}&target=127.0.0.1`),
    ]) {
      expect((await upgrade(p)).status, p).toBe(401);
    }
    // The tool list, and every one-shot tool's route, from the list itself (a new tool is covered by this test).
    expect((await raw({ path: '/api/tools' })).status).toBe(401);
    for (const t of TOOLS) {
      if (t.mode !== 'once') continue;
      const path = `/api${routeOf(t)
        .replace(':name', 'sec-unit')
        .replace(':node', 'a')
        .replace(/:(\w+)/g, 'addr')}`;
      expect((await raw({ method: t.method.toUpperCase(), path })).status, `${t.method} ${path}`).toBe(401);
    }
  });

  it('refuses a wrong token, a token in the query of an API call, and one in a cookie', async () => {
    expect((await raw({ path: '/api/labs', headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    expect((await raw({ path: '/api/labs', headers: { authorization: `Bearer ${srv.token}x` } })).status).toBe(401);
    expect((await raw({ path: '/api/labs', headers: { authorization: `Basic ${srv.token}` } })).status).toBe(401);
    expect((await raw({ path: `/api/labs?token=${srv.token}` })).status).toBe(401);
    expect((await raw({ path: '/api/labs', headers: { cookie: `nslab_token=${srv.token}; nslab_app=${srv.token}` } })).status).toBe(401);
    expect((await upgrade(`/api/ws?lab=sec-unit&token=${srv.token}`)).status).toBe(401);
  });

  it('accepts Authorization: Bearer, and a browser websocket naming the token as a subprotocol (answered with "nslab" only)', async () => {
    expect((await raw({ path: '/api/labs', headers: { authorization: `Bearer ${srv.token}` } })).status).toBe(200);
    expect((await upgrade('/api/ws?lab=sec-unit', { headers: { authorization: `Bearer ${srv.token}` } })).status).toBe(101);
    const browser = await upgrade('/api/ws?lab=sec-unit', { protocols: ['nslab', `nslab.token.${srv.token}`], origin: base });
    expect(browser).toEqual({ status: 101, protocol: 'nslab' });
    expect(
      (await upgrade('/api/ws?lab=sec-unit', { protocols: ['nslab', 'nslab.token.wrong-token-wrong-token'], origin: base })).status,
    ).toBe(401);
  });

  it('opening /?token= logs a browser in with a cookie that opens the app but not the API, and is not the token', async () => {
    const r = await raw({ path: `/?token=${srv.token}` });
    expect(r.status).toBe(200);
    const cookie = String(r.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(/^nslab_app=/);
    expect(cookie).not.toContain(srv.token!);
    expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly/i);
    expect(String(r.headers['set-cookie'])).toMatch(/SameSite=Strict/i);
    expect((await raw({ path: '/', headers: { cookie } })).status).toBe(200);
    expect((await raw({ path: '/api/labs', headers: { cookie } })).status).toBe(401);
    expect((await upgrade('/api/ws?lab=sec-unit', { headers: { cookie } })).status).toBe(401);
  });

  it('the page for a browser without the token says how to get in', async () => {
    const r = await raw({ path: '/' });
    expect(r.status).toBe(401);
    expect(r.body).toContain('nslab needs its access token');
    expect(r.body).toContain('sudo nslab token');
  });

  it('refuses over IPv6 loopback too', async () => {
    const v6 = await new Promise<boolean>((resolve) => {
      const s = net.createServer().listen(0, '::1', () => s.close(() => resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (!v6) return; // no IPv6 loopback on this machine
    const s6 = await startServer({
      port: 0,
      host: '::1',
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-sec6-')),
      planOnly: true,
      watchMs: 0,
    });
    try {
      const p6 = Number(new URL(s6.url).port);
      const get = (headers: Record<string, string>) =>
        new Promise<number>((resolve) =>
          http.get({ host: '::1', port: p6, path: '/api/labs', headers: { host: `[::1]:${p6}`, ...headers } }, (res) =>
            resolve(res.statusCode!),
          ),
        );
      expect(await get({})).toBe(401);
      expect(await get({ authorization: `Bearer ${s6.token}` })).toBe(200);
    } finally {
      await s6.close();
    }
  });

  it('takes NSLAB_TOKEN-style tokens as given, refuses weak or unsafe ones, and --no-token turns it off', async () => {
    await expect(startServer({ port: 0, host: '127.0.0.1', token: 'short', planOnly: true, watchMs: 0 })).rejects.toThrow(/16–512/);
    await expect(startServer({ port: 0, host: '127.0.0.1', token: 'a'.repeat(20) + '\r\nx', planOnly: true, watchMs: 0 })).rejects.toThrow(
      /16–512/,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-notok-'));
    fs.writeFileSync(path.join(dir, 'token'), 'stale\n');
    const open = await startServer({ port: 0, host: '127.0.0.1', noToken: true, dataDir: dir, planOnly: true, watchMs: 0 });
    try {
      expect(open.token).toBeUndefined();
      expect(fs.existsSync(path.join(dir, 'token'))).toBe(false);
      expect((await fetch(`${open.url}api/labs`)).status).toBe(200);
    } finally {
      await open.close();
    }
    const given = await startServer({ port: 0, host: '127.0.0.1', token: TEST_TOKEN, dataDir: dir, planOnly: true, watchMs: 0 });
    try {
      expect(fs.readFileSync(path.join(dir, 'token'), 'utf8').trim()).toBe(TEST_TOKEN);
      expect((await fetch(`${given.url}api/labs`, { headers: AUTH })).status).toBe(200);
    } finally {
      await given.close();
    }
  });
});

describe('Host and Origin compared exactly', () => {
  const auth = () => ({ authorization: `Bearer ${srv.token}` });
  const post = (headers: Record<string, string>) =>
    raw({
      method: 'POST',
      path: '/api/labs',
      headers: { 'content-type': 'application/json', ...auth(), ...headers },
      body: JSON.stringify({ text: LAB.replace('sec-unit', 'sec-origin') }),
    });

  it('refuses a Host that is not this server on loopback: another name, another port, no port (DNS rebinding)', async () => {
    for (const host of [
      'attacker.example',
      `attacker.example:${port}`,
      '127.0.0.1',
      `127.0.0.1:${port + 1}`,
      `localhost:${port + 1}`,
      `[::1]:${port + 1}`,
      `127.0.0.1:${port}.evil`,
    ]) {
      expect((await raw({ path: '/api/labs', headers: { ...auth(), host } })).status, host).toBe(403);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await raw({ path: '/api/labs', headers: { ...auth(), host } })).status, host).toBe(200);
    }
  });

  it('refuses a change from another port, scheme or host of this machine, even with the token', async () => {
    for (const origin of [
      `http://127.0.0.1:${port + 1}`,
      'http://127.0.0.1:8888',
      `https://127.0.0.1:${port}`,
      `http://localhost:${port}`,
      'http://127.0.0.1',
      `http://[::1]:${port}`,
      'null',
      `http://127.0.0.1:${port}.evil.example`,
      'http://evil.example',
    ]) {
      const r = await post({ origin });
      expect(r.status, origin).toBe(403);
    }
    expect((await raw({ path: '/api/labs', headers: auth() })).body).not.toContain('sec-origin');
    expect((await post({ origin: `http://127.0.0.1:${port}` })).status).toBe(201);
    expect(
      (await raw({ method: 'DELETE', path: '/api/labs/sec-origin', headers: { ...auth(), origin: `http://127.0.0.1:${port + 1}` } }))
        .status,
    ).toBe(403);
    expect(
      (await raw({ method: 'DELETE', path: '/api/labs/sec-origin', headers: { ...auth(), origin: `http://127.0.0.1:${port}` } })).status,
    ).toBe(200);
  });

  it('refuses a websocket from another port or scheme, even with the token', async () => {
    for (const origin of [`http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, 'http://localhost:1', 'null']) {
      const r = await upgrade('/api/ws?lab=sec-unit', { protocols: ['nslab', `nslab.token.${srv.token}`], origin });
      expect(r.status, origin).toBe(403);
    }
  });

  it('closes an upgrade to a path that is no websocket at once', async () => {
    for (const p of ['/api/nothing', '/', '/API/WS']) {
      expect((await upgrade(p, { headers: auth() })).status, p).toBe(404);
    }
  });
});

describe('responses forbid framing, sniffing and referrers', () => {
  it('on the page, the API and errors alike', async () => {
    for (const [p, headers] of [
      ['/', {}],
      [`/?token=${srv.token}`, {}],
      ['/api/labs', { authorization: `Bearer ${srv.token}` }],
      ['/api/labs', {}],
    ] as const) {
      const r = await raw({ path: p, headers });
      expect(r.headers['content-security-policy'], p).toContain("frame-ancestors 'none'");
      expect(r.headers['x-frame-options'], p).toBe('DENY');
      expect(r.headers['x-content-type-options'], p).toBe('nosniff');
      expect(r.headers['referrer-policy'], p).toBe('no-referrer');
    }
  });
});

describe('names in paths', () => {
  const auth = () => ({ authorization: `Bearer ${srv.token}`, 'content-type': 'application/json' });
  it('refuses a lab name that is not one, in every encoding, before anything runs', async () => {
    const names = [
      '..%2Fvictim',
      '..%2fvictim',
      '%2e%2e%2fvictim',
      '..%252Fvictim',
      '%2E%2E',
      '..',
      '.',
      'a%2Fb',
      'A-Upper',
      '-rf',
      'x'.repeat(25),
      '%00',
      'a%00b',
      'lab%20x',
      '..%5Cvictim',
    ];
    for (const n of names) {
      for (const [method, suffix] of [
        ['POST', '/destroy'],
        ['POST', '/deploy'],
        ['GET', '/status'],
        ['GET', ''],
        ['DELETE', ''],
        ['GET', '/revisions'],
        ['POST', '/check'],
        ['GET', '/counters'],
        ['GET', '/nodes/a/show/addr'],
      ] as const) {
        const r = await raw({ method, path: `/api/labs/${n}${suffix}`, headers: auth(), ...(method === 'POST' ? { body: '{}' } : {}) });
        expect([400, 404], `${method} ${n}${suffix}: ${r.status}`).toContain(r.status);
        if (r.status === 400) expect(JSON.parse(r.body).error, n).toMatch(/not a valid lab name/);
      }
    }
  });

  it('refuses bad names in bodies and queries: create, rename, duplicate, import, follow', async () => {
    const post = (p: string, body: unknown) => raw({ method: 'POST', path: p, headers: auth(), body: JSON.stringify(body) });
    expect((await post('/api/labs', { text: LAB, name: '../victim' })).status).toBe(400);
    expect([400, 422]).toContain((await post('/api/labs', { text: LAB.replace('sec-unit', '../victim') })).status);
    expect((await post('/api/labs', { text: LAB })).status).toBe(201);
    expect((await post('/api/labs/sec-unit/rename', { to: '../victim' })).status).toBe(400);
    expect((await post('/api/labs/sec-unit/duplicate', { to: '..' })).status).toBe(400);
    expect((await post('/api/import-script', { text: 'ip netns add a', name: '../x' })).status).toBe(400);
    expect((await raw({ path: '/api/discover?name=..%2Fx', headers: auth() })).status).toBe(403); // plan-only: no tools; the root server refuses the name (privileged tests)
    expect((await upgrade('/api/ws?lab=..%2Fvictim', { headers: { authorization: `Bearer ${srv.token}` } })).status).toBe(400);
    expect((await raw({ method: 'DELETE', path: '/api/labs/sec-unit', headers: auth() })).status).toBe(200);
  });

  it('an unknown `show` view is a 400, not a property of an object', async () => {
    for (const what of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const r = await raw({ path: `/api/labs/sec-unit/nodes/a/show/${what}`, headers: auth() });
      expect(r.status, what).toBeLessThan(500);
    }
  });
});

describe('bounded work', () => {
  const auth = () => ({ authorization: `Bearer ${srv.token}`, 'content-type': 'application/json' });
  const health = () => raw({ path: '/api/health', headers: { authorization: `Bearer ${srv.token}` } });

  it('refuses a 4 MB document with 413, and answers health while it does', async () => {
    const body = JSON.stringify({ text: `a: ${'['.repeat(4 * 1048576)}` });
    const [hostile, ok] = await Promise.all([raw({ method: 'POST', path: '/api/plan', headers: auth(), body }), health()]);
    expect(hostile.status).toBe(413);
    expect(ok.status).toBe(200);
  });

  it('refuses a deeply nested document under the size limit as a clear error, not a crash', async () => {
    for (const text of [
      `a: ${'['.repeat(500_000)}`,
      `a: ${'{a: '.repeat(200_000)}`,
      Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
    ]) {
      const r = await raw({ method: 'POST', path: '/api/plan', headers: auth(), body: JSON.stringify({ text }) });
      expect([400, 413, 422]).toContain(r.status);
      expect(JSON.parse(r.body).error).toBeTruthy();
    }
    expect((await health()).status).toBe(200);
  });

  it('refuses a lab over the node cap with a message naming the cap', async () => {
    const nodes = Array.from({ length: 2001 }, (_, i) => `  n${i}: { kind: netns }`).join('\n');
    const r = await raw({
      method: 'POST',
      path: '/api/labs',
      headers: auth(),
      body: JSON.stringify({ text: `name: sec-big\nnodes:\n${nodes}\n` }),
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error).toMatch(/2001.*2000|2000.*2001/);
  });

  it('answers health while a large valid lab is read (in a worker), and reads it once', async () => {
    const n = 1500;
    const nodes = Array.from({ length: n }, (_, i) => `  n${i}: { kind: netns }`).join('\n');
    const links = Array.from(
      { length: n - 1 },
      (_, i) => `  - endpoints: [{ node: n${i}, name: e${i}a }, { node: n${i + 1}, name: e${i}b }]`,
    ).join('\n');
    const text = `name: sec-large\nnodes:\n${nodes}\nlinks:\n${links}\n`;
    expect(text.length).toBeGreaterThan(64 * 1024);
    const create = raw({ method: 'POST', path: '/api/labs', headers: auth(), body: JSON.stringify({ text }) });
    const answered = await health();
    expect(answered.status).toBe(200);
    expect((await create).status).toBe(201);
    const view = JSON.parse((await raw({ path: '/api/labs/sec-large', headers: auth() })).body);
    expect(Object.keys(view.topology.nodes)).toHaveLength(n);
    expect((await raw({ method: 'DELETE', path: '/api/labs/sec-large', headers: auth() })).status).toBe(200);
  });
});

describe('the script importer', () => {
  const auth = () => ({ authorization: `Bearer ${srv.token}`, 'content-type': 'application/json' });
  const post = (body: string, headers: Record<string, string> = auth()) =>
    raw({ method: 'POST', path: '/api/import-script', headers, body });

  it('needs the token', async () => {
    const r = await post(JSON.stringify({ text: 'ip netns add a' }), { 'content-type': 'application/json' });
    expect(r.status).toBe(401);
    expect(r.body).not.toContain('scenarios');
  });

  it('refuses a text that is no string, a bad name, and a text over the size limit', async () => {
    for (const body of [{ text: 7 }, { text: ['ip netns add a'] }, { text: { __proto__: { x: 1 } } }, {}])
      expect((await post(JSON.stringify(body))).status, JSON.stringify(body)).toBe(400);
    for (const name of ['__proto__', '../x', 'A', 'x'.repeat(25), 7])
      expect((await post(JSON.stringify({ text: 'ip netns add a', name }))).status, String(name)).toBe(400);
    expect((await post(JSON.stringify({ text: `ip netns add a\n${'#'.repeat(1_100_000)}` }))).status).toBe(413);
  });

  it('reads prototype keys in the body and the document as plain data', async () => {
    const body =
      '{"text":"## __proto__\\n```\\nip netns add a\\n```\\n## constructor\\n```\\nip netns add b\\n```\\n","__proto__":{"polluted":1},"name":"constructor"}';
    const r = await post(body);
    expect(r.status).toBe(200);
    const { scenarios } = JSON.parse(r.body) as { scenarios: Array<{ title: string; name: string }> };
    expect(scenarios.map((s) => [s.title, s.name])).toEqual([
      ['__proto__', 'proto'],
      ['constructor', 'constructor'],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers health while a 1 MB document of 20000 sections is read', async () => {
    const doc = Array.from({ length: 20_000 }, (_, i) => `## s${i}\n\`\`\`\nip netns add n${i % 7}\n\`\`\``)
      .join('\n')
      .slice(0, 900_000);
    const reading = post(JSON.stringify({ text: doc }));
    const answered = await raw({ path: '/api/health', headers: { authorization: `Bearer ${srv.token}` } });
    expect(answered.status).toBe(200);
    const r = await reading;
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body) as { scenarios: unknown[] }).scenarios).toHaveLength(1);
  });
});

describe('the containerlab importer', () => {
  const auth = () => ({ authorization: `Bearer ${srv.token}`, 'content-type': 'application/json' });
  const post = (body: string, headers: Record<string, string> = auth()) => raw({ method: 'POST', path: '/api/import-clab', headers, body });
  const CLAB =
    'name: sec\ntopology:\n  nodes:\n    a: { kind: linux }\n    b: { kind: linux }\n  links:\n    - endpoints: ["a:eth1", "b:eth1"]\n';
  const refusal = (r: { body: string }) => JSON.parse(r.body) as { error: string; notes?: Array<{ path: string; line: number }> };

  it('needs the token', async () => {
    const r = await post(JSON.stringify({ text: CLAB }), { 'content-type': 'application/json' });
    expect(r.status).toBe(401);
    expect(r.body).not.toContain('warnings');
  });

  it('refuses a text that is no string, a bad name, and a text over the size limit', async () => {
    for (const body of [{ text: 7 }, { text: [CLAB] }, { text: { __proto__: { x: 1 } } }, {}])
      expect((await post(JSON.stringify(body))).status, JSON.stringify(body)).toBe(400);
    for (const name of ['__proto__', '../x', 'A', 'x'.repeat(25), 7, '$(reboot)'])
      expect((await post(JSON.stringify({ text: CLAB, name }))).status, String(name)).toBe(400);
    expect((await post(JSON.stringify({ text: `${CLAB}${'#'.repeat(1_100_000)}` }))).status).toBe(413);
  });

  it('refuses an alias bomb, deep nesting and too many nodes or links with a 400 that says where', async () => {
    const bomb =
      'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\nname: x\ntopology: { nodes: { a: { kind: linux } } }\n';
    const nodes = (n: number) => Array.from({ length: n }, (_, i) => `    n${i}: { kind: linux }`).join('\n');
    const links = Array.from({ length: 4001 }, (_, i) => `    - endpoints: ["n0:e${i}", "n1:e${i}"]`).join('\n');
    for (const [what, text] of [
      ['an alias bomb', bomb],
      ['500 000 brackets', `name: x\ntopology: ${'['.repeat(500_000)}`],
      ['200 000 open maps', `name: x\ntopology: ${'{a: '.repeat(200_000)}`],
      ['2001 nodes', `name: x\ntopology:\n  nodes:\n${nodes(2001)}\n`],
      ['4001 links', `name: x\ntopology:\n  nodes:\n${nodes(2)}\n  links:\n${links}\n`],
    ]) {
      const r = await post(JSON.stringify({ text }));
      expect(r.status, what).toBe(400);
      const body = refusal(r);
      expect(body.error, what).toMatch(/alias|nested|at most/);
      expect(body.notes?.length, what).toBeGreaterThan(0);
    }
  });

  it('bounds a short file that asks for much (a kind exec list run on every node) by the command bound, and answers health meanwhile', async () => {
    // Distinct lines: the importer runs a repeated line once.
    const exec = Array.from({ length: 5000 }, (_, i) => `      - ip l ${i}`).join('\n');
    const nodes = Array.from({ length: 2000 }, (_, i) => `    n${i}: { kind: linux }`).join('\n');
    const text = `name: amp\ntopology:\n  kinds:\n    linux:\n      exec:\n${exec}\n  nodes:\n${nodes}\n`;
    expect(text.length).toBeLessThan(200_000); // 10 million commands asked for by 140 KB
    const reading = post(JSON.stringify({ text }));
    const started = Date.now();
    const answered = await raw({ path: '/api/health', headers: { authorization: `Bearer ${srv.token}` } });
    expect(answered.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    const r = await reading;
    expect(r.status).toBe(400);
    // Refused by the importer's bound, at the list that asks for it: not by the worker's time or memory limit.
    const body = refusal(r);
    expect(body.error).toMatch(/^topology\.kinds\.linux\.exec \(line 5\): more than 20000 exec lines and sysctls in all/);
    expect(body.notes).toEqual([expect.objectContaining({ path: 'topology.kinds.linux.exec', line: 5 })]);
    expect((await post(JSON.stringify({ text: CLAB }))).status).toBe(200);
  }, 40_000);

  it('reads hostile names and exec lines as data: nothing runs, nothing is polluted', async () => {
    const text = [
      'name: "../../etc/passwd"',
      '__proto__: { kind: linux }',
      'topology:',
      '  nodes:',
      '    constructor: { kind: linux, exec: ["sh -c \\"ip addr add 10.252.9.1/24 dev eth1; rm -rf /\\""] }',
      '    b: { kind: linux, __proto__: { kind: linux, polluted: 1 } }',
      '  links:',
      '    - endpoints: ["constructor:eth1", "b:eth1"]',
      '',
    ].join('\n');
    const r = await post(`{"text":${JSON.stringify(text)},"__proto__":{"polluted":1}}`);
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as { topology: { name: string; nodes: Record<string, unknown> }; warnings: Array<{ path: string }> };
    expect(body.topology.name).toMatch(/^[a-z][a-z0-9-]{0,23}$/);
    expect(Object.keys(body.topology.nodes).sort()).toEqual(['b', 'constructor']);
    expect(body.warnings.map((w) => w.path)).toContain('topology.nodes.constructor.exec[0]');
    // The request body is read by the server in this process (the test's): its __proto__ reached no object here.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The YAML is read in the worker, a thread with its own objects: ask it. Had the file's __proto__ keys set
    // Object.prototype.kind there, a node with no kind in the next file (the same worker) would have one.
    const next = await post(JSON.stringify({ text: 'name: x\ntopology:\n  nodes:\n    c: {}\n' }));
    expect(next.status).toBe(400);
    expect(refusal(next).notes).toEqual([expect.objectContaining({ path: 'topology.nodes.c', line: 4 })]);
    expect(refusal(next).error).toMatch(/no kind/);

    const bad = await post(
      JSON.stringify({ text: 'name: x\ntopology:\n  nodes:\n    "$(reboot)": { kind: linux }\n    "../b": { kind: linux }\n' }),
    );
    expect(bad.status).toBe(400);
    expect(refusal(bad).notes?.map((n) => n.path)).toEqual(['topology.nodes.$(reboot)', 'topology.nodes.../b']);
  });
});
