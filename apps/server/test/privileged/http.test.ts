/** Deploy and destroy through the web API, with progress streamed over the websocket. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/serve.js';
import { destroyQuietly, isRoot, labFromYaml, ping, removeLabs, sh } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';
import { testServer, WebSocket, fetch } from '../client.js';

const LAB = `name: http-lab
nodes:
  hta: { kind: netns }
  htb: { kind: netns }
links:
  - endpoints: [{ node: hta, name: eth0, addresses: [10.232.0.1/24] }, { node: htb, name: eth0, addresses: [10.232.0.2/24] }]
`;

describe.skipIf(!isRoot)('deploy over HTTP, progress over websocket', () => {
  let srv: RunningServer;
  let base: string;
  let guard: HostGuard | undefined;
  const post = (url: string, body: unknown = {}) =>
    fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    await removeLabs(['http-lab']);
    guard = await guardHost([labFromYaml(LAB)]);
    srv = await testServer('http', { watchMs: 200 });
    base = srv.url.replace(/\/$/, '');
    expect((await post('/api/labs', { text: LAB })).status).toBe(201);
  });
  afterAll(async () => {
    await srv?.close();
    await destroyQuietly('http-lab');
    await guard?.release();
  });

  it('streams each step, then "deployed", to a browser following the lab', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/ws?lab=http-lab`, { origin: base });
    const events: Array<{ type: string; status?: { state: string }; state?: string; kind?: string }> = [];
    ws.on('message', (m) => events.push(JSON.parse(String(m))));
    await new Promise((r) => ws.once('open', r));

    const r = await post('/api/labs/http-lab/deploy');
    expect(r.status).toBe(200);
    const result = await r.json();
    expect(result.ok).toBe(true);

    for (let i = 0; i < 50 && !events.some((e) => e.type === 'status' && e.status?.state === 'deployed'); i++)
      await new Promise((res) => setTimeout(res, 100));
    ws.close();
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.length).toBe(result.steps);
    expect(steps[0]).toMatchObject({ kind: 'netns.add', status: 'ok' });
    expect(events.some((e) => e.type === 'operation' && e.state === 'started')).toBe(true);
    expect(events.some((e) => e.type === 'status' && e.status?.state === 'deployed')).toBe(true);
    expect((await ping('hta', '10.232.0.2')).ok).toBe(true);
  });

  it('status reads deployed, then drift when the host changes behind its back', async () => {
    expect((await (await fetch(`${base}/api/labs/http-lab/status`)).json()).label).toBe('Deployed');
    await sh(['ip', '-n', 'htb', 'addr', 'flush', 'dev', 'eth0']);
    const status = await (await fetch(`${base}/api/labs/http-lab/status`)).json();
    expect(status.label).toBe('Drift');
    expect(status.links[0]).toBe('drift');
    expect(status.nodes.hta).toBe('deployed');
  });

  it('a second deploy while one runs gets 409, never interleaves', async () => {
    const [a, b] = await Promise.all([post('/api/labs/http-lab/deploy'), post('/api/labs/http-lab/deploy')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((await (await fetch(`${base}/api/labs/http-lab/status`)).json()).label).toBe('Deployed');
  });

  it('a deployed lab cannot be deleted or renamed', async () => {
    expect((await fetch(`${base}/api/labs/http-lab`, { method: 'DELETE' })).status).toBe(409);
    expect((await post('/api/labs/http-lab/rename', { to: 'other' })).status).toBe(409);
  });

  it('destroy over HTTP leaves the host as it was', async () => {
    const r = await post('/api/labs/http-lab/destroy');
    expect((await r.json()).ok).toBe(true);
    await guard!.expectRestored();
    expect((await (await fetch(`${base}/api/labs/http-lab/status`)).json()).label).toBe('Not deployed');
  });
});
