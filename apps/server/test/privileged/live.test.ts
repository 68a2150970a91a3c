/** Terminals and live tools over websockets, against a real server and real namespaces. */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionMembers } from '../../src/live/session.js';
import { type RunningServer } from '../../src/serve.js';
import { destroyQuietly, isRoot, removeLabs } from './helpers.js';
import { testServer, WebSocket, fetch } from '../client.js';

const LAB = `name: live-lab
nodes:
  lva: { kind: netns }
  lvb: { kind: netns }
  lvr:
    kind: netns
    sysctls: { net.ipv4.ip_forward: 1 }
  lvc: { kind: netns, routes: [{ to: default, via: 10.234.1.1 }] }
links:
  - endpoints: [{ node: lva, name: eth0, addresses: [10.234.0.1/24] }, { node: lvb, name: eth0, addresses: [10.234.0.2/24] }]
  - endpoints: [{ node: lvb, name: eth1, addresses: [10.234.2.2/24] }, { node: lvr, name: eth0, addresses: [10.234.2.1/24] }]
  - endpoints: [{ node: lvr, name: eth1, addresses: [10.234.1.1/24] }, { node: lvc, name: eth0, addresses: [10.234.1.2/24] }]
`;

interface Term {
  ws: WebSocket;
  output: () => string;
  send: (m: object) => void;
  waitFor: (re: RegExp, ms?: number) => Promise<string>;
}

async function openTerm(base: string, node: string): Promise<Term> {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/term?lab=live-lab&node=${node}&cols=100&rows=30`, { origin: base });
  let out = '';
  ws.on('message', (m, binary) => {
    if (binary) {
      out += m.toString();
      ws.send(JSON.stringify({ type: 'ack', bytes: (m as Buffer).length }));
    }
  });
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const waitFor = async (re: RegExp, ms = 5000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const m = re.exec(out);
      if (m) return m[0];
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no ${re} in terminal output:\n${out.slice(-500)}`);
  };
  return { ws, output: () => out, send: (m) => ws.send(JSON.stringify(m)), waitFor };
}

/**
 * Streams a tool's lines until `until` holds; `act` runs once `ready` holds (tcpdump: once it says it is listening).
 * A capture's socket stays open after tcpdump ends (its pcap lives as long as the socket): `afterExit` runs then, before the test closes it.
 */
async function streamLines(
  url: string,
  origin: string,
  until: (lines: string[]) => boolean,
  act?: () => Promise<void>,
  ready: (lines: string[]) => boolean = () => true,
  afterExit?: (start: { capture?: string }) => Promise<void>,
) {
  const ws = new WebSocket(url, { origin });
  const lines: string[] = [];
  let start: { capture?: string } = {};
  const closed = new Promise((r) => ws.once('close', r));
  ws.on('message', (m) => {
    const msg = JSON.parse(String(m));
    if (msg.type === 'line') lines.push(msg.text);
    if (msg.type === 'start') start = msg;
    if (msg.type === 'exit') void (afterExit ?? (async () => {}))(start).finally(() => ws.close());
  });
  await new Promise((r) => ws.once('open', r));
  for (const end = Date.now() + 8000; Date.now() < end && !ready(lines);) await new Promise((r) => setTimeout(r, 25));
  await act?.();
  const end = Date.now() + 8000;
  while (Date.now() < end && !until(lines)) await new Promise((r) => setTimeout(r, 50));
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'stop' }));
  await closed;
  return { lines, start };
}

/** A test server of its own with lab `name` (its text `text`) made and deployed on it. */
async function serveDeployed(server: string, name: string, text: string): Promise<{ srv: RunningServer; base: string }> {
  await removeLabs([name]);
  const srv = await testServer(server);
  const base = srv.url.replace(/\/$/, '');
  const post = (u: string, b: unknown) =>
    fetch(`${base}${u}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
  expect((await post('/api/labs', { text })).status).toBe(201);
  expect((await (await post(`/api/labs/${name}/deploy`, {})).json()).ok).toBe(true);
  return { srv, base };
}

describe.skipIf(!isRoot)('terminals and live tools', () => {
  let srv: RunningServer;
  let base: string;
  beforeAll(async () => ({ srv, base } = await serveDeployed('live', 'live-lab', LAB)));
  afterAll(async () => {
    await srv?.close();
    await destroyQuietly('live-lab');
  });

  it('a terminal runs a shell inside the namespace, and its prompt names it', async () => {
    const t = await openTerm(base, 'lva');
    await t.waitFor(/\[live-lab:lva\]/);
    t.send({ type: 'input', data: 'ip -br addr show dev eth0\r' });
    await t.waitFor(/eth0@\S+\s+UP\s+10\.234\.0\.1\/24/);
    t.ws.close();
  });

  it('resizing the terminal resizes the pty', async () => {
    const t = await openTerm(base, 'lva');
    await t.waitFor(/\[live-lab:lva\] \/# $/);
    t.send({ type: 'resize', cols: 132, rows: 43 });
    t.send({ type: 'input', data: 'stty size\r' });
    await t.waitFor(/43 132/);
    t.ws.close();
  });

  it('closing the socket ends the shell and everything it started', async () => {
    const t = await openTerm(base, 'lva');
    await t.waitFor(/\[live-lab:lva\] \/# $/);
    t.send({ type: 'input', data: 'sleep 300 & echo "bg=$!"; echo "sid=$$"\r' });
    const sid = Number((await t.waitFor(/sid=\d+/)).slice(4));
    expect(sessionMembers(sid).length).toBeGreaterThanOrEqual(2);
    t.ws.close();
    const end = Date.now() + 3000;
    while (Date.now() < end && sessionMembers(sid).length > 0) await new Promise((r) => setTimeout(r, 50));
    expect(sessionMembers(sid)).toEqual([]);
  });

  it('a page that acknowledges output it never read cannot make the server hold it: the socket backlog pauses the shell', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/term?lab=live-lab&node=lva&cols=100&rows=30`, { origin: base });
    let prompt = false;
    ws.on('message', (m, binary) => binary && /# $/.test(m.toString()) && (prompt = true));
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    for (const end = Date.now() + 5000; !prompt && Date.now() < end;) await new Promise((r) => setTimeout(r, 25));
    // Stop reading (the server's writes back up), start a flood, and claim to have read everything, over and over.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    ws.send(JSON.stringify({ type: 'input', data: 'yes nslab-flood\r' }));
    const before = process.memoryUsage().rss;
    for (const end = Date.now() + 3000; Date.now() < end;) {
      ws.send(JSON.stringify({ type: 'ack', bytes: 1e15 }));
      await new Promise((r) => setTimeout(r, 1));
    }
    // Trusting those acks, the shell would have queued over a hundred MB here by now; paused, the server holds about the pty's watermark.
    expect((process.memoryUsage().rss - before) / 2 ** 20).toBeLessThan(48);
    ws.terminate();
  });

  it('only namespaces the lab owns can be entered', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/term?lab=live-lab&node=nope`, { origin: base });
    const msg = await new Promise<string>((r) => ws.on('message', (m) => r(String(m))));
    expect(JSON.parse(msg)).toMatchObject({ type: 'error' });
    expect(JSON.parse(msg).message).toMatch(/no node "nope"/);
  });

  it('tcpdump on a link end streams a ping the test sends, and the capture downloads as a pcap holding ICMP', async () => {
    const { execFile } = await import('node:child_process');
    const url = `${base.replace('http', 'ws')}/api/stream?lab=live-lab&tool=tcpdump&node=lvb&iface=eth0&filter=icmp`;
    let pcap = Buffer.alloc(0);
    const { lines, start } = await streamLines(
      url,
      base,
      (l) => l.some((x) => x.includes('ICMP echo reply')),
      async () => {
        await new Promise((r) => execFile('ip', ['netns', 'exec', 'lva', 'ping', '-c', '2', '-i', '0.2', '10.234.0.2'], r));
      },
      (l) => l.some((x) => x.includes('listening on eth0')),
      async (s) => {
        pcap = Buffer.from(await (await fetch(`${base}/api/captures/${s.capture}`)).arrayBuffer());
      },
    );
    expect(lines.some((l) => /10\.234\.0\.1 > 10\.234\.0\.2: ICMP echo request/.test(l))).toBe(true);
    // The pcap lived as long as its socket: gone once the page closed it.
    await expect.poll(async () => (await fetch(`${base}/api/captures/${start.capture}`)).status).toBe(404);
    expect(pcap.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(pcap.length).toBeGreaterThan(24 + 16 + 98);
    // First record: 16-byte header after the 24-byte file header; Ethernet (14) then IPv4 protocol byte at offset 9.
    expect(pcap[24 + 16 + 14 + 9]).toBe(1);
  });

  it('a ping stream from a namespace reports the replies', async () => {
    const url = `${base.replace('http', 'ws')}/api/stream?lab=live-lab&tool=ping&node=lva&target=10.234.0.2&count=2`;
    const { lines } = await streamLines(url, base, (l) => l.some((x) => /2 received/.test(x)));
    expect(lines.join('\n')).toMatch(/2 packets transmitted, 2 received/);
  });

  it('ip views come as JSON or as raw text', async () => {
    const j = await (await fetch(`${base}/api/labs/live-lab/nodes/lvc/show/route`)).json();
    expect(j.json.some((r: { dst: string; gateway?: string }) => r.dst === 'default' && r.gateway === '10.234.1.1')).toBe(true);
    const t = await (await fetch(`${base}/api/labs/live-lab/nodes/lvc/show/route?raw=1`)).json();
    expect(t.text).toMatch(/^default via 10\.234\.1\.1 dev eth0/m);
  });

  it('the path from a namespace follows gateways hop by hop', async () => {
    const { hops } = await (await fetch(`${base}/api/labs/live-lab/nodes/lvc/path?to=10.234.2.2`)).json();
    expect(hops.map((h: { node: string }) => h.node)).toEqual(['lvc', 'lvr', 'lvb']);
    expect(hops[0]).toMatchObject({ dev: 'eth0', via: '10.234.1.1' });
  });

  it('ping all gives a reachability matrix from the real kernel', async () => {
    const m = await (await fetch(`${base}/api/labs/live-lab/pingall`, { method: 'POST' })).json();
    const cell = (from: string, ip: string) =>
      m.results[m.from.indexOf(from)][m.to.findIndex((x: { address: string }) => x.address === ip)];
    expect(cell('lva', '10.234.0.2')).toBe(true);
    expect(cell('lvc', '10.234.2.1')).toBe(true); // via its gateway
    expect(cell('lva', '10.234.1.2')).toBe(false); // lva has no route there
  });

  it('link counters come from the kernel and move with traffic', async () => {
    const before = await (await fetch(`${base}/api/labs/live-lab/counters`)).json();
    const { execFileSync } = await import('node:child_process');
    execFileSync('ip', ['netns', 'exec', 'lva', 'ping', '-c', '3', '-i', '0.2', '10.234.0.2']);
    const after = await (await fetch(`${base}/api/labs/live-lab/counters`)).json();
    expect(after.links[0][0].txPackets - before.links[0][0].txPackets).toBeGreaterThanOrEqual(3);
    expect(after.links[0][1].rxPackets - before.links[0][1].rxPackets).toBeGreaterThanOrEqual(3);
  });
});

describe.skipIf(!isRoot)('destroying a lab with terminals open', () => {
  const lab = `name: live-end
prefix: lend-
nodes:
  a: { kind: netns }
  b: { kind: netns }
links:
  - endpoints: [{ node: a, name: eth0, addresses: [10.251.80.1/24] }, { node: b, name: eth0, addresses: [10.251.80.2/24] }]
`;
  let srv: RunningServer;
  let base: string;
  beforeAll(async () => ({ srv, base } = await serveDeployed('live-end', 'live-end', lab)));
  afterAll(async () => {
    await srv?.close();
    await destroyQuietly('live-end');
  });

  it('ends its shells and streams first, so no process keeps a namespace alive after it', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/term?lab=live-end&node=a&cols=100&rows=30`, { origin: base });
    let out = '';
    const messages: string[] = [];
    ws.on('message', (m, binary) => (binary ? (out += m.toString()) : messages.push(String(m))));
    const closed = new Promise<number>((r) => ws.once('close', r));
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    for (const end = Date.now() + 5000; Date.now() < end && !/\] \/# $/.test(out);) await new Promise((r) => setTimeout(r, 25));
    ws.send(JSON.stringify({ type: 'input', data: 'sleep 300 & echo "sid=$$"\r' }));
    for (const end = Date.now() + 5000; Date.now() < end && !/sid=\d+/.test(out);) await new Promise((r) => setTimeout(r, 25));
    const sid = Number(/sid=(\d+)/.exec(out)![1]);
    expect(sessionMembers(sid).length).toBeGreaterThanOrEqual(2);

    const r = await fetch(`${base}/api/labs/live-end/destroy`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(((await r.json()) as { ok: boolean }).ok).toBe(true);
    expect(await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))])).toBe(1000);
    expect(messages.join('\n')).toContain('lab live-end was destroyed');
    for (const end = Date.now() + 3000; Date.now() < end && sessionMembers(sid).length > 0;) await new Promise((r) => setTimeout(r, 50));
    expect(sessionMembers(sid)).toEqual([]);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toMatch(/^lend-/m);
  });
});
