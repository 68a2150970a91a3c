import type { ApiErrorBody, ClabImport } from '@nslab/topology';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../serve.js';
import { testServer, WebSocket, fetch } from '../../test/client.js';

const LAB = `# a two-namespace lab
name: api-lab
nodes:
  a: { kind: netns }
  b: { kind: netns }
links:
  - endpoints: [{ node: a, name: eth0, addresses: [10.231.0.1/24] }, { node: b, name: eth0, addresses: [10.231.0.2/24] }]
`;

let srv: RunningServer;
let base: string;
const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const put = (body: unknown) => ({ ...json(body), method: 'PUT' });

beforeAll(async () => {
  srv = await testServer('api', { planOnly: true });
  base = srv.url.replace(/\/$/, '');
});
afterAll(() => srv.close());

describe('labs API', () => {
  it('creates, reads, lists, updates and deletes a lab', async () => {
    let r = await fetch(`${base}/api/labs`, json({ text: LAB }));
    expect(r.status).toBe(201);
    expect((await r.json()).rev).toBe(1);
    r = await fetch(`${base}/api/labs/api-lab`);
    const lab = await r.json();
    expect(lab.text).toBe(LAB);
    expect(lab.topology.nodes.a.kind).toBe('netns');
    expect((await (await fetch(`${base}/api/labs`)).json()).map((l: { name: string }) => l.name)).toContain('api-lab');

    r = await fetch(`${base}/api/labs/api-lab`, put({ text: LAB.replace('10.231.0.2/24', '10.231.0.3/24'), message: 'move b' }));
    expect(r.status).toBe(200);
    expect((await r.json()).rev).toBe(2);

    expect((await fetch(`${base}/api/labs`, json({ text: LAB }))).status).toBe(409);
    expect((await fetch(`${base}/api/labs/api-lab`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${base}/api/labs/api-lab`)).status).toBe(404);
  });

  it('keeps every save as a revision, and restores one as a new revision', async () => {
    await fetch(`${base}/api/labs`, json({ text: LAB.replace('api-lab', 'rev-lab') }));
    await fetch(`${base}/api/labs/rev-lab`, put({ text: LAB.replace('api-lab', 'rev-lab').replace('10.231.0.1/24', '10.231.0.9/24') }));
    const revs = await (await fetch(`${base}/api/labs/rev-lab/revisions`)).json();
    expect(revs.map((r: { rev: number }) => r.rev)).toEqual([2, 1]);
    const restored = await (await fetch(`${base}/api/labs/rev-lab/revisions/1/restore`, json({}))).json();
    expect(restored.rev).toBe(3);
    expect(restored.text).toContain('10.231.0.1/24');
    expect((await (await fetch(`${base}/api/labs/rev-lab/revisions`)).json())[0].message).toBe('restored revision 1');
  });

  it('refuses a stale save (baseRev) with 409', async () => {
    await fetch(`${base}/api/labs`, json({ text: LAB.replace('api-lab', 'stale-lab') }));
    await fetch(`${base}/api/labs/stale-lab`, put({ text: LAB.replace('api-lab', 'stale-lab'), baseRev: 1 }));
    const r = await fetch(`${base}/api/labs/stale-lab`, put({ text: LAB.replace('api-lab', 'stale-lab'), baseRev: 1 }));
    expect(r.status).toBe(409);
  });

  it('renames (history kept, name rewritten, comments kept) and duplicates', async () => {
    await fetch(`${base}/api/labs`, json({ text: LAB.replace('api-lab', 'ren-a') }));
    let r = await fetch(`${base}/api/labs/ren-a/rename`, json({ to: 'ren-b' }));
    const renamed = await r.json();
    expect(renamed.name).toBe('ren-b');
    expect(renamed.text).toContain('name: ren-b');
    expect(renamed.text).toContain('# a two-namespace lab');
    expect((await (await fetch(`${base}/api/labs/ren-b/revisions`)).json()).length).toBe(2);
    r = await fetch(`${base}/api/labs/ren-b/duplicate`, json({ to: 'ren-c' }));
    expect(r.status).toBe(201);
    expect((await r.json()).topology.name).toBe('ren-c');
  });

  it('accepts a topology object and stores it as YAML', async () => {
    const r = await fetch(`${base}/api/labs`, json({ topology: { name: 'obj-lab', nodes: { x: { kind: 'netns' } }, links: [] } }));
    expect(r.status).toBe(201);
    expect((await r.json()).text).toContain('name: obj-lab');
  });

  it('saves a draft with semantic errors, but refuses text that does not parse', async () => {
    const draft = LAB.replace('api-lab', 'draft-lab').replace(
      'name: eth0, addresses: [10.231.0.1/24]',
      'name: eth0-much-too-long, addresses: [10.231.0.1/24]',
    );
    const r = await fetch(`${base}/api/labs`, json({ text: draft }));
    expect(r.status).toBe(201);
    expect((await r.json()).issues[0].path).toEqual(['links', 0, 'endpoints', 0, 'name']);
    const bad = await fetch(`${base}/api/labs`, json({ text: 'name: [unclosed' }));
    expect(bad.status).toBe(422);
    expect((await bad.json()).issues[0].code).toBe('input.syntax');
  });

  it('plans a draft without saving it, with a reason and argv per step', async () => {
    const r = await fetch(`${base}/api/plan`, json({ text: LAB }));
    const plan = await r.json();
    expect(plan.live).toBe(false);
    expect(plan.steps[0]).toMatchObject({ kind: 'netns.add', argv: ['ip', 'netns', 'add', 'a'], node: 'a' });
    expect(plan.steps.find((s: { kind: string }) => s.kind === 'addr.add').link).toBe(0);
  });

  it('plan-only mode refuses to deploy, and says why', async () => {
    await fetch(`${base}/api/labs`, json({ text: LAB.replace('api-lab', 'po-lab') }));
    const r = await fetch(`${base}/api/labs/po-lab/deploy`, json({}));
    expect(r.status).toBe(403);
    expect((await r.json()).error).toMatch(/plan-only/);
  });

  it('lists the live tools even in plan-only mode, and runs none of them', async () => {
    const tools = (await (await fetch(`${base}/api/tools`)).json()) as Array<{ name: string; mode: string }>;
    expect(tools.filter((t) => t.mode === 'stream').map((t) => t.name)).toEqual(['ping', 'traceroute', 'tcpdump']);
    for (const [method, url] of [
      ['GET', '/api/labs/api-lab/nodes/a/show/addr'],
      ['GET', '/api/labs/api-lab/nodes/a/path?to=10.231.0.2'],
      ['POST', '/api/labs/api-lab/pingall'],
      ['GET', '/api/discover'],
    ]) {
      const r = await fetch(`${base}${url}`, { method });
      expect(r.status, url).toBe(403);
      expect((await r.json()).error, url).toMatch(/plan-only/);
    }
  });

  it('answers bad input with 4xx and a reason, never 500', async () => {
    const cases: Array<[string, RequestInit]> = [
      ['/api/labs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }],
      ['/api/labs', json({})],
      ['/api/labs', json({ name: 'Bad Name!', text: LAB })],
      ['/api/labs', json({ text: 'x'.repeat(5 * 1024 * 1024) })],
      ['/api/labs/nope/revisions/1/restore', json({})],
      ['/api/labs/..%2F..%2Fetc%2Fpasswd', { method: 'GET' }],
      ['/api/labs/api-lab', put({ text: LAB.replace('api-lab', 'other-name') })],
    ];
    for (const [url, init] of cases) {
      const r = await fetch(`${base}${url}`, init);
      expect(r.status, url).toBeGreaterThanOrEqual(400);
      expect(r.status, url).toBeLessThan(500);
      expect((await r.json()).error, url).toBeTruthy();
    }
  });
});

describe('importing a containerlab file', () => {
  const CLAB = `name: ck-api
topology:
  kinds:
    linux:
      image: alpine:3
  nodes:
    a:
      kind: linux
      exec:
        - ip addr add 10.252.1.1/24 dev eth1
    b: { kind: linux, exec: [ip addr add 10.252.1.2/24 dev eth1] }
    c:
      kind: linux
      binds: [./data:/data]
  links:
    - endpoints: ["a:eth1", "b:eth1"]
`;

  it('answers the lab it makes, with what it leaves out by YAML path and line; the lab can be created as it is', async () => {
    const r = await fetch(`${base}/api/import-clab`, json({ text: CLAB }));
    expect(r.status).toBe(200);
    const body = (await r.json()) as ClabImport;
    expect(body.errors).toEqual([]);
    expect(Object.keys(body.topology!.nodes).sort()).toEqual(['a', 'b', 'c']);
    expect(body.topology!.links[0]!.endpoints.map((e) => [e.node, e.name, e.addresses])).toEqual([
      ['a', 'eth1', ['10.252.1.1/24']],
      ['b', 'eth1', ['10.252.1.2/24']],
    ]);
    expect(body.warnings.map((w) => [w.path, w.line])).toEqual(
      expect.arrayContaining([
        ['topology.kinds.linux.image', 5],
        ['topology.nodes.c.binds', 14],
      ]),
    );
    expect((await fetch(`${base}/api/labs`, json({ text: body.yaml }))).status).toBe(201);
    expect((await fetch(`${base}/api/labs/ck-api`, { method: 'DELETE' })).status).toBe(200);
  });

  it('names the lab as asked', async () => {
    const r = await fetch(`${base}/api/import-clab`, json({ text: CLAB, name: 'ck-renamed' }));
    expect(((await r.json()) as ClabImport).topology!.name).toBe('ck-renamed');
  });

  it('names a file without `name:` after `defaultName` (the chosen file’s, as the CLI does), and a file with one after that', async () => {
    const unnamed = CLAB.replace(/^name: .*\n/, '');
    const r = await fetch(`${base}/api/import-clab`, json({ text: unnamed, defaultName: 'from-file' }));
    expect(((await r.json()) as ClabImport).topology!.name).toBe('from-file');
    const own = await fetch(`${base}/api/import-clab`, json({ text: CLAB, defaultName: 'from-file' }));
    expect(((await own.json()) as ClabImport).topology!.name).toBe('ck-api');
    const none = await fetch(`${base}/api/import-clab`, json({ text: unnamed }));
    expect(((await none.json()) as ClabImport).topology!.name).toBe('imported');
    for (const bad of ['../x', 'A', 7])
      expect((await fetch(`${base}/api/import-clab`, json({ text: unnamed, defaultName: bad }))).status).toBe(400);
  });

  it("refuses a file that is no containerlab topology with 400, naming the first error's path and line, and listing every error", async () => {
    const text = 'name: ck-bad\ntopology:\n  nodes:\n    a: {}\n    b: 5\n';
    const r = await fetch(`${base}/api/import-clab`, json({ text }));
    expect(r.status).toBe(400);
    const body = (await r.json()) as ApiErrorBody;
    expect(body.error).toMatch(/^topology\.nodes\.a \(line 4\): .+ \(and 1 more\)$/);
    expect(body.notes?.map((n) => [n.path, n.line])).toEqual([
      ['topology.nodes.a', 4],
      ['topology.nodes.b', 5],
    ]);
  });
});

describe('the containerlab importer under the server’s limits', () => {
  let small: RunningServer;
  let url: string;
  const saved = { nodes: process.env.NSLAB_MAX_NODES, links: process.env.NSLAB_MAX_LINKS };
  beforeAll(async () => {
    process.env.NSLAB_MAX_NODES = '3';
    process.env.NSLAB_MAX_LINKS = '1';
    try {
      small = await testServer('api-limits', { planOnly: true });
    } finally {
      for (const [k, v] of [
        ['NSLAB_MAX_NODES', saved.nodes],
        ['NSLAB_MAX_LINKS', saved.links],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
    url = small.url.replace(/\/$/, '');
  });
  afterAll(() => small.close());

  const nodes = (n: number) => Array.from({ length: n }, (_, i) => `    n${i}: { kind: linux }`).join('\n');
  const link = (i: number) => `    - endpoints: ["n0:e${i}", "n1:e${i}"]`;

  it('refuses a file over NSLAB_MAX_NODES or NSLAB_MAX_LINKS, as it refuses such a lab, and reads one within them', async () => {
    const tooMany = await fetch(`${url}/api/import-clab`, json({ text: `name: lim\ntopology:\n  nodes:\n${nodes(4)}\n` }));
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as ApiErrorBody).error).toMatch(/^topology\.nodes.*4 nodes; .*at most 3/);
    const links = await fetch(
      `${url}/api/import-clab`,
      json({ text: `name: lim\ntopology:\n  nodes:\n${nodes(2)}\n  links:\n${link(1)}\n${link(2)}\n` }),
    );
    expect(links.status).toBe(400);
    expect(((await links.json()) as ApiErrorBody).error).toMatch(/^topology\.links.*2 links; .*at most 1/);
    const fits = await fetch(
      `${url}/api/import-clab`,
      json({ text: `name: lim\ntopology:\n  nodes:\n${nodes(3)}\n  links:\n${link(1)}\n` }),
    );
    expect(fits.status).toBe(200);
  });
});

describe('security', () => {
  it('refuses a change from a foreign Origin', async () => {
    const r = await fetch(`${base}/api/labs`, {
      ...json({ text: LAB.replace('api-lab', 'csrf-lab') }),
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
    });
    expect(r.status).toBe(403);
  });

  it('refuses a form post (not JSON)', async () => {
    const r = await fetch(`${base}/api/labs/x/deploy`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(r.status).toBe(415);
  });

  it('refuses a Host header that is not loopback (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      http.get({ host: '127.0.0.1', port: new URL(base).port, path: '/api/labs', headers: { host: 'attacker.example:80' } }, (res) =>
        resolve(res.statusCode!),
      );
    });
    expect(status).toBe(403);
  });

  it('refuses a websocket from a foreign Origin, accepts one from its own', async () => {
    const wsUrl = `${base.replace('http', 'ws')}/api/ws?lab=api-lab`;
    const foreign = await new Promise<string>((resolve) => {
      const ws = new WebSocket(wsUrl, { origin: 'http://evil.example' });
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('refused'));
    });
    expect(foreign).toBe('refused');
    const own = await new Promise<string>((resolve) => {
      const ws = new WebSocket(wsUrl, { origin: base });
      ws.on('open', () => {
        ws.close();
        resolve('open');
      });
      ws.on('error', (e) => resolve(String(e)));
    });
    expect(own).toBe('open');
  });
});
