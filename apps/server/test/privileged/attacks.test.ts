/**
 * The attacks of docs/security.md that reach the host, tried against a real
 * root server with a deployed lab: an unprivileged local user without the
 * token, tcpdump option injection, sysctl keys that climb out of net.*, lab
 * names that climb out of the run directory, tools driven by an invalid lab,
 * and terminals, streams and captures past their limits. Each asserts the
 * attack fails and the host is unchanged.
 * Lab "atk-lab", namespaces "atk-*", addresses 10.239.0.0/24.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/serve.js';
import { runDir } from '../../src/paths.js';
import { capturesDir } from '../../src/live/captures.js';
import { destroyQuietly, isRoot, removeLabs, sh } from './helpers.js';
import { TEST_TOKEN, testServer, WebSocket, fetch } from '../client.js';

const LAB = `name: atk-lab
prefix: atk-
nodes:
  a: { kind: netns }
  b: { kind: netns }
links:
  - endpoints: [{ node: a, name: eth0, addresses: [10.239.0.1/24] }, { node: b, name: eth0, addresses: [10.239.0.2/24] }]
`;

/** What a socket said before it closed (or until `done` holds). */
async function converse(
  url: string,
  origin: string,
  opts: { done?: (msgs: Array<Record<string, unknown>>) => boolean; onOpen?: (ws: WebSocket) => void } = {},
) {
  const ws = new WebSocket(url, { origin });
  const msgs: Array<Record<string, unknown>> = [];
  let closeCode = 0;
  const closed = new Promise<void>((r) =>
    ws.once('close', (code) => {
      closeCode = code;
      r();
    }),
  );
  ws.on('message', (m, binary) => {
    if (!binary) msgs.push(JSON.parse(String(m)) as Record<string, unknown>);
  });
  ws.on('error', () => {});
  ws.once('open', () => opts.onOpen?.(ws));
  if (opts.done) {
    for (const end = Date.now() + 10_000; Date.now() < end && !opts.done(msgs) && ws.readyState !== ws.CLOSED;)
      await new Promise((r) => setTimeout(r, 25));
    ws.close();
  }
  await closed;
  return { msgs, closeCode, ws };
}

describe.skipIf(!isRoot)('attacks on a root server', () => {
  let srv: RunningServer;
  let base: string;
  let wsBase: string;
  let data: string;
  const post = (u: string, b: unknown = {}) =>
    fetch(`${base}${u}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });

  beforeAll(async () => {
    await removeLabs(['atk-lab']);
    data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-atk-'));
    fs.chmodSync(data, 0o755); // as /var/lib/nslab would be: the directory is listable, the token in it is not readable
    srv = await startServer({ port: 0, token: TEST_TOKEN, host: '127.0.0.1', dataDir: data, watchMs: 0 });
    base = srv.url.replace(/\/$/, '');
    wsBase = base.replace('http', 'ws');
    expect((await post('/api/labs', { text: LAB })).status).toBe(201);
    const deployed = await (await post('/api/labs/atk-lab/deploy')).json();
    expect(deployed.ok).toBe(true);
  });
  afterAll(async () => {
    await srv?.close();
    await destroyQuietly('atk-lab');
    fs.rmSync(data, { recursive: true, force: true });
  });

  it('a local user (nobody) cannot read the token, and without it gets no lab and no root shell', async () => {
    const asNobody = (argv: string[]) => sh(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', ...argv]);
    const read = await asNobody(['cat', srv.tokenFile!]);
    expect(read.code).not.toBe(0);
    expect(read.stderr).toMatch(/Permission denied/);
    const port = new URL(base).port;
    // The attack of the report: create a lab with a host node, then a terminal on it, as uid 65534.
    const script = `
      const http = require('node:http');
      (async () => {
        const r = await fetch('http://127.0.0.1:${port}/api/labs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'name: atk-x\\nnodes: {h: {kind: host}}' }) });
        const up = await new Promise((resolve) => {
          const req = http.request({ host: '127.0.0.1', port: ${port}, path: '/api/term?lab=atk-lab&node=a', headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
          req.on('response', (res) => resolve(res.statusCode));
          req.on('upgrade', () => resolve(101));
          req.on('error', (e) => resolve(e.message));
          req.end();
        });
        console.log(JSON.stringify({ create: r.status, term: up }));
      })();`;
    const r = await asNobody([process.execPath, '-e', script]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ create: 401, term: 401 });
    expect((await fetch(`${base}/api/labs/atk-x`)).status).toBe(404);
  });

  it('a capture filter that starts with "-" is refused, never read as a tcpdump option', async () => {
    const victim = path.join(os.tmpdir(), `nslab-atk-victim-${process.pid}`);
    for (const filter of [
      `-w${victim}`,
      `-w ${victim}`,
      ` -w${victim}`,
      '-V/etc/shadow',
      '-Zroot',
      '--version',
      '-r/etc/shadow',
      '-F/etc/shadow',
      '-',
      '--',
      '-z/bin/sh',
    ]) {
      const url = `${wsBase}/api/stream?lab=atk-lab&node=a&tool=tcpdump&iface=eth0&filter=${encodeURIComponent(filter)}`;
      const { msgs } = await converse(url, base);
      expect(msgs, filter).toEqual([{ type: 'error', message: expect.stringMatching(/cannot start with "-"|characters/) }]);
    }
    expect(fs.existsSync(victim)).toBe(false);
    // Words that look like options inside a filter stay part of the one filter argument, after "--".
    const { msgs } = await converse(
      `${wsBase}/api/stream?lab=atk-lab&node=a&tool=tcpdump&iface=eth0&filter=${encodeURIComponent(`icmp -w ${victim}`)}`,
      base,
      { done: (m) => m.some((x) => x.type === 'exit') },
    );
    const start = msgs.find((m) => m.type === 'start') as { argv: string[] };
    expect(start.argv.slice(-2)).toEqual(['--', `icmp -w ${victim}`]);
    expect(fs.existsSync(victim)).toBe(false);
  });

  it('captures are 0600 in a 0700 directory and are removed when their socket closes', async () => {
    const ws = new WebSocket(`${wsBase}/api/stream?lab=atk-lab&node=b&tool=tcpdump&iface=eth0&filter=icmp`, { origin: base });
    const msgs: Array<{ type: string; text?: string; capture?: string }> = [];
    ws.on('message', (m) => msgs.push(JSON.parse(String(m))));
    const seen = (f: (m: { type: string; text?: string }) => boolean) => expect.poll(() => msgs.some(f), { timeout: 10_000 }).toBe(true);
    await seen((m) => m.type === 'line' && /listening on eth0/.test(m.text ?? ''));
    const capture = msgs.find((m) => m.type === 'start')!.capture!;
    const file = path.join(capturesDir(), `${capture}.pcap`);
    expect(fs.statSync(capturesDir()).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await sh(['ip', 'netns', 'exec', 'atk-a', 'ping', '-c', '2', '-i', '0.2', '10.239.0.2']);
    await seen((m) => m.type === 'line' && /ICMP echo reply/.test(m.text ?? ''));
    ws.send(JSON.stringify({ type: 'stop' }));
    await seen((m) => m.type === 'exit');
    // tcpdump ended; the socket is open, so the capture is still there to download.
    expect(ws.readyState).toBe(ws.OPEN);
    expect((await fetch(`${base}/api/captures/${capture}`)).status).toBe(200);
    ws.close();
    await expect.poll(() => fs.existsSync(file)).toBe(false);
    expect((await fetch(`${base}/api/captures/${capture}`)).status).toBe(404);
  });

  it('a sysctl key that climbs out of net.* is refused and the kernel keeps its value', async () => {
    const before = fs.readFileSync('/proc/sys/kernel/randomize_va_space', 'utf8');
    for (const key of [
      'net.//.kernel.randomize_va_space',
      'net/../kernel/randomize_va_space',
      'net.ipv4.conf.eth0/../../../kernel.randomize_va_space',
      'kernel.randomize_va_space',
      'net..kernel.randomize_va_space',
    ]) {
      const text = `name: atk-sysctl\nnodes:\n  host: { kind: host, sysctls: { ${JSON.stringify(key)}: 0 } }\n`;
      const r = await post('/api/plan', { text });
      expect(r.status, key).toBe(422);
      expect(
        (await r.json()).issues.some((i: { code: string }) => i.code === 'sysctl.key'),
        key,
      ).toBe(true);
    }
    expect(fs.readFileSync('/proc/sys/kernel/randomize_va_space', 'utf8')).toBe(before);
  });

  it('a lab name that climbs out of the run directory deletes and reads nothing there', async () => {
    // What the report did: an intent-shaped file beside the run directory's areas, naming a namespace nslab did not make.
    const victimFile = path.join(runDir(), 'atk-victim.json');
    fs.mkdirSync(runDir(), { recursive: true });
    fs.writeFileSync(victimFile, JSON.stringify({ netns: ['atk-victim'], hostLinks: [] }));
    await sh(['ip', 'netns', 'add', 'atk-victim']);
    try {
      for (const name of ['..%2Fatk-victim', '..%2fatk-victim', '%2e%2e%2fatk-victim', '..%252Fatk-victim', '%2E%2E%2Fatk-victim']) {
        for (const op of ['destroy', 'deploy', 'status']) {
          const r = op === 'status' ? await fetch(`${base}/api/labs/${name}/${op}`) : await post(`/api/labs/${name}/${op}`);
          expect([400, 404], `${op} ${name}`).toContain(r.status);
        }
      }
      expect((await fetch(`${base}/api/discover?name=..%2Fx`)).status).toBe(400);
      expect(fs.existsSync(victimFile)).toBe(true);
      expect((await sh(['ip', 'netns', 'list'])).stdout).toMatch(/^atk-victim\b/m);
    } finally {
      fs.rmSync(victimFile, { force: true });
      await sh(['ip', 'netns', 'del', 'atk-victim']);
    }
  });

  it('a saved lab with errors drives no tool: its strings reach no argv', async () => {
    const bad = LAB.replace('name: atk-lab', 'name: atk-bad') + 'checks:\n  - { from: a, ping: "-f" }\n';
    expect((await post('/api/labs', { text: bad })).status).toBe(201); // saved, so the designer can show its errors
    for (const [method, url] of [
      ['POST', '/api/labs/atk-bad/check'],
      ['POST', '/api/labs/atk-bad/pingall'],
      ['GET', '/api/labs/atk-bad/counters'],
      ['GET', '/api/labs/atk-bad/nodes/a/show/addr'],
    ]) {
      const r = await fetch(`${base}${url}`, { method });
      expect(r.status, url).toBe(422);
    }
    const { msgs } = await converse(`${wsBase}/api/term?lab=atk-bad&node=a`, base);
    expect(msgs[0]).toMatchObject({ type: 'error' });
    expect((await fetch(`${base}/api/labs/atk-bad`, { method: 'DELETE' })).status).toBe(200);
  });

  it('an unknown show view is a 400', async () => {
    for (const what of ['toString', 'constructor', '__proto__', 'valueOf']) {
      expect((await fetch(`${base}/api/labs/atk-lab/nodes/a/show/${what}`)).status, what).toBe(400);
    }
  });

  it('terminals and streams are logged to the audit log (0600) with their lab', async () => {
    const log = process.env.NSLAB_AUDIT_LOG;
    if (!log || log === 'off') return; // scripts/test.sh sets one
    await converse(`${wsBase}/api/stream?lab=atk-lab&node=a&tool=ping&target=10.239.0.2&count=1`, base);
    const term = new WebSocket(`${wsBase}/api/term?lab=atk-lab&node=b`, { origin: base });
    await new Promise((r) => term.once('message', r)); // the shell is running
    term.close();
    const entries = () =>
      fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { lab: string | null; argv: string[] });
    expect(entries().some((e) => e.lab === 'atk-lab' && e.argv.includes('ping') && e.argv.includes('10.239.0.2'))).toBe(true);
    expect(entries().some((e) => e.lab === 'atk-lab' && e.argv.includes('bash') && e.argv.some((a) => a.endsWith('/atk-b')))).toBe(true);
    expect(fs.statSync(log).mode & 0o777).toBe(0o600);
  });
});

describe.skipIf(!isRoot)('limits on a root server', () => {
  let srv: RunningServer;
  let base: string;
  let wsBase: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    await removeLabs(['atk-lim']);
    Object.assign(process.env, {
      NSLAB_MAX_TERMINALS_PER_CLIENT: '2',
      NSLAB_MAX_STREAMS: '1',
      NSLAB_CAPTURE_MAX_MB: '0.02',
      NSLAB_CAPTURE_MAX_SECONDS: '20',
    });
    srv = await testServer('lim');
    base = srv.url.replace(/\/$/, '');
    wsBase = base.replace('http', 'ws');
    const post = (u: string, b: unknown = {}) =>
      fetch(`${base}${u}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    expect(
      (
        await post('/api/labs', {
          text: LAB.replace('atk-lab', 'atk-lim').replace('prefix: atk-', 'prefix: atl-').replaceAll('10.239.0', '10.239.1'),
        })
      ).status,
    ).toBe(201);
    expect((await (await post('/api/labs/atk-lim/deploy')).json()).ok).toBe(true);
  });
  afterAll(async () => {
    process.env = saved;
    await srv?.close();
    await destroyQuietly('atk-lim');
  });

  it('a third terminal from one client is refused with a clear message; closing one frees a place', async () => {
    const open = () =>
      new Promise<{ ws: WebSocket; first: string }>((resolve) => {
        const ws = new WebSocket(`${wsBase}/api/term?lab=atk-lim&node=a`, { origin: base });
        ws.once('message', (m, binary) => resolve({ ws, first: binary ? 'output' : String(m) }));
      });
    const one = await open();
    const two = await open();
    expect([one.first, two.first]).toEqual(['output', 'output']);
    const three = await open();
    expect(JSON.parse(three.first)).toMatchObject({ type: 'error', message: expect.stringMatching(/too many terminals.*at most 2/) });
    one.ws.close();
    await new Promise((r) => one.ws.once('close', r));
    await expect
      .poll(async () => {
        const again = await open();
        again.ws.close();
        return again.first;
      })
      .toBe('output');
    two.ws.close();
  });

  it('a second stream on the server is refused while the first runs', async () => {
    const first = new WebSocket(`${wsBase}/api/stream?lab=atk-lim&node=a&tool=ping&target=10.239.1.2&count=100`, { origin: base });
    await new Promise((r) => first.once('message', r));
    const { msgs } = await converse(`${wsBase}/api/stream?lab=atk-lim&node=a&tool=ping&target=10.239.1.2&count=1`, base);
    expect(msgs).toEqual([{ type: 'error', message: expect.stringMatching(/too many tool streams open on this server \(at most 1\)/) }]);
    first.close();
  });

  it('a capture stops at its byte cap and says so', async () => {
    const { msgs } = await converse(`${wsBase}/api/stream?lab=atk-lim&node=b&tool=tcpdump&iface=eth0&filter=icmp`, base, {
      done: (m) => {
        if (m.some((x) => x.type === 'line' && /listening on eth0/.test(String(x.text))) && !pinging) {
          pinging = true;
          execFile('ip', ['netns', 'exec', 'atl-a', 'ping', '-c', '50', '-i', '0.01', '-s', '1000', '10.239.1.2'], () => {});
        }
        return m.some((x) => x.type === 'exit');
      },
    });
    expect(msgs.some((m) => m.type === 'line' && /capture stopped at 20 KB, the largest nslab keeps/.test(String(m.text)))).toBe(true);
  });
  let pinging = false;
});
