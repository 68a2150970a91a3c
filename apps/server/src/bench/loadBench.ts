/**
 * npm run bench (load part): a server process with 50 websockets following a
 * lab and 20 open terminals; API latency (p50, p99 over 1000 requests, 10 at a
 * time) and the server's RSS before, during and after. Goal: p99 < 100 ms on
 * loopback, memory bounded. Needs root.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { BENCH_AUTH, BENCH_TOKEN } from './auth.js';
import { mapLimit, spawnAudited } from '../runner.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli.js');
const PORT = 7396;
const base = `http://127.0.0.1:${PORT}`;
const LAB =
  'name: load-bench\nnodes:\n  lb-a: { kind: netns }\n  lb-b: { kind: netns }\nlinks:\n  - endpoints: [{ node: lb-a, name: eth0, addresses: [10.244.0.1/24] }, { node: lb-b, name: eth0, addresses: [10.244.0.2/24] }]\n';

const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const post = (u: string, b: unknown = {}) =>
  fetch(`${base}${u}`, { method: 'POST', headers: { 'content-type': 'application/json', ...BENCH_AUTH }, body: JSON.stringify(b) });

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('load bench needs root');
    process.exit(1);
  }
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-lbench-'));
  process.env.NSLAB_TOKEN = BENCH_TOKEN;
  const server = spawnAudited([process.execPath, cli, 'serve', '--port', String(PORT), '--data-dir', data], 'load-bench', {
    stdio: 'ignore',
  });
  const sockets: WebSocket[] = [];
  try {
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${base}/api/health`, { headers: BENCH_AUTH })).ok) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 50));
    }
    await post('/api/labs', { text: LAB });
    await post('/api/labs/load-bench/deploy');
    const idle = rss(server.pid!);
    for (let i = 0; i < 50; i++)
      sockets.push(new WebSocket(`${base.replace('http', 'ws')}/api/ws?lab=load-bench`, { origin: base, headers: BENCH_AUTH }));
    for (let i = 0; i < 20; i++) {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/api/term?lab=load-bench&node=${i % 2 ? 'lb-a' : 'lb-b'}`, {
        origin: base,
        headers: BENCH_AUTH,
      });
      ws.on('message', (m, bin) => bin && ws.send(JSON.stringify({ type: 'ack', bytes: (m as Buffer).length })));
      ws.on('open', () => ws.send(JSON.stringify({ type: 'input', data: 'ping -i 0.2 10.244.0.2\r' })));
      sockets.push(ws);
    }
    await Promise.all(sockets.map((s) => new Promise((r) => (s.readyState === s.OPEN ? r(null) : s.once('open', r)))));
    await new Promise((r) => setTimeout(r, 1000));
    const urls = ['/api/labs', '/api/labs/load-bench', '/api/labs/load-bench/status', '/api/health'];
    const lat: number[] = [];
    const during: number[] = [];
    await mapLimit(
      Array.from({ length: 1000 }, (_, i) => i),
      10,
      async (i) => {
        const t0 = performance.now();
        const r = await fetch(`${base}${urls[i % urls.length]}`, { headers: BENCH_AUTH });
        await r.arrayBuffer();
        lat.push(performance.now() - t0);
        if (i % 100 === 0) during.push(rss(server.pid!));
      },
    );
    lat.sort((a, b) => a - b);
    const q = (p: number) => lat[Math.floor(lat.length * p)]!.toFixed(1);
    for (const s of sockets) s.close();
    await new Promise((r) => setTimeout(r, 1500));
    const after = rss(server.pid!);
    console.log('\nload: 50 websockets following a lab, 20 terminals running ping, 1000 API requests 10 at a time');
    console.log(
      `  API latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${lat.at(-1)!.toFixed(1)} ms (goal p99 < 100 ms; every 4th request observes the host)`,
    );
    console.log(
      `  server RSS: ${idle.toFixed(0)} MB idle, ${during.map((x) => x.toFixed(0)).join(' ')} MB under load, ${after.toFixed(0)} MB after closing`,
    );
  } finally {
    await post('/api/labs/load-bench/destroy').catch(() => {});
    server.kill();
  }
}

await main();
