/** The traceroute tool over the websocket, through a real router namespace. */
import type { StreamMessage } from '@nslab/topology';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/serve.js';
import { destroyQuietly, isRoot, labFromYaml, removeLabs } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';
import { testServer, WebSocket, fetch } from '../client.js';

// a ── r ── b: two subnets, r forwards between them, so b is two hops from a.
const LAB = `name: trc-lab
prefix: trc-
nodes:
  a: { kind: netns, routes: [{ to: default, via: 10.238.1.1 }] }
  r:
    kind: netns
    sysctls: { net.ipv4.ip_forward: 1 }
  b: { kind: netns, routes: [{ to: default, via: 10.238.2.1 }] }
links:
  - endpoints: [{ node: a, name: eth0, addresses: [10.238.1.2/24] }, { node: r, name: eth0, addresses: [10.238.1.1/24] }]
  - endpoints: [{ node: r, name: eth1, addresses: [10.238.2.1/24] }, { node: b, name: eth0, addresses: [10.238.2.2/24] }]
`;

/** Every frame a stream sends until it closes (or `exit`, then the test closes it). */
async function streamAll(url: string, origin: string): Promise<StreamMessage[]> {
  const ws = new WebSocket(url, { origin });
  const msgs: StreamMessage[] = [];
  let closed = false;
  ws.on('message', (m) => msgs.push(JSON.parse(String(m)) as StreamMessage));
  ws.on('close', () => (closed = true));
  ws.on('error', () => {});
  await expect.poll(() => closed || msgs.some((m) => m.type === 'exit'), { timeout: 45_000, interval: 50 }).toBe(true);
  ws.close();
  return msgs;
}

describe.skipIf(!isRoot)('traceroute from a namespace', () => {
  let srv: RunningServer;
  let base: string;
  let wsBase: string;
  let guard: HostGuard | undefined;
  const post = (u: string, b: unknown = {}) =>
    fetch(`${base}${u}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });

  beforeAll(async () => {
    await removeLabs(['trc-lab']);
    guard = await guardHost([labFromYaml(LAB)]);
    srv = await testServer('trc');
    base = srv.url.replace(/\/$/, '');
    wsBase = base.replace('http', 'ws');
    expect((await post('/api/labs', { text: LAB })).status).toBe(201);
    expect((await (await post('/api/labs/trc-lab/deploy')).json()).ok).toBe(true);
  });
  afterAll(async () => {
    await srv?.close();
    await destroyQuietly('trc-lab');
    try {
      await guard?.expectRestored();
    } finally {
      await guard?.release();
    }
  });

  it('is offered in the list of tools, as a stream on a node that takes a target', async () => {
    const tools = (await (await fetch(`${base}/api/tools`)).json()) as Array<{
      name: string;
      mode: string;
      on: string;
      params: Array<{ name: string; kind: string }>;
    }>;
    expect(tools.find((t) => t.name === 'traceroute')).toMatchObject({
      mode: 'stream',
      on: 'node',
      params: [{ name: 'target', kind: 'ip' }],
    });
  });

  it('streams the router, then the destination, hop by hop', async () => {
    const msgs = await streamAll(`${wsBase}/api/stream?lab=trc-lab&node=a&tool=traceroute&target=10.238.2.2`, base);
    const start = msgs.find((m) => m.type === 'start');
    expect(start && start.type === 'start' && start.argv.slice(-2)).toEqual(['--', '10.238.2.2']);
    const out = msgs.flatMap((m) => (m.type === 'line' ? [m.text] : [])).join('\n');
    expect(out).toMatch(/^\s*1\s+10\.238\.1\.1\b/m);
    expect(out).toMatch(/^\s*\d+\s+10\.238\.2\.2\b/m);
    expect(msgs.at(-1)).toMatchObject({ type: 'exit', code: 0 });
  });

  it('a target that is not an IP address is refused before anything runs, naming the parameter', async () => {
    for (const target of ['-f', ';rm -rf /', '$(id)']) {
      const msgs = await streamAll(`${wsBase}/api/stream?lab=trc-lab&node=a&tool=traceroute&target=${encodeURIComponent(target)}`, base);
      expect(msgs, target).toEqual([{ type: 'error', message: expect.stringMatching(/^target: .* is not an IP address$/) }]);
    }
  });
});
