/**
 * npm run bench (terminal part): keystroke-to-echo latency through the
 * terminal websocket on loopback (p50, p99 over 1000 keystrokes), and server
 * memory while a terminal runs `yes` for 10 s, with a page that keeps up and
 * with one that stops acknowledging. Needs root.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { BENCH_AUTH, BENCH_TOKEN } from './auth.js';
import { destroyLab } from '../lab.js';
import { startServer } from '../serve.js';

const LAB = 'name: term-bench\nnodes:\n  tb1: { kind: netns }\nlinks: []\n';

async function openTerm(base: string, ack: boolean) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/api/term?lab=term-bench&node=tb1&cols=120&rows=40`, {
    origin: base,
    headers: BENCH_AUTH,
  });
  let out = '';
  let bytes = 0;
  const waiters: Array<() => void> = [];
  ws.on('message', (m, binary) => {
    if (!binary) return;
    const b = m as Buffer;
    bytes += b.length;
    out = (out + b.toString()).slice(-4096);
    if (ack) ws.send(JSON.stringify({ type: 'ack', bytes: b.length }));
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise((r) => ws.once('open', r));
  const until = async (pred: () => boolean) => {
    while (!pred()) await new Promise<void>((r) => waiters.push(r));
  };
  return { ws, until, out: () => out, bytes: () => bytes, reset: () => (out = '') };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('terminal bench needs root');
    process.exit(1);
  }
  const srv = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-tbench-')),
    watchMs: 0,
    token: BENCH_TOKEN,
  });
  const base = srv.url.replace(/\/$/, '');
  const post = (u: string, b: unknown) =>
    fetch(`${base}${u}`, { method: 'POST', headers: { 'content-type': 'application/json', ...BENCH_AUTH }, body: JSON.stringify(b) });
  try {
    await post('/api/labs', { text: LAB });
    await post('/api/labs/term-bench/deploy', {});
    // Latency: one character at a time, waiting for its echo.
    const t = await openTerm(base, true);
    await t.until(() => /# $/.test(t.out()));
    const lat: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const ch = String.fromCharCode(97 + (i % 26));
      t.reset();
      const t0 = performance.now();
      t.ws.send(JSON.stringify({ type: 'input', data: ch }));
      await t.until(() => t.out().includes(ch));
      lat.push(performance.now() - t0);
      if (i % 60 === 59) {
        t.ws.send(JSON.stringify({ type: 'input', data: '\u0015' })); // ^U: clear the line
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    lat.sort((a, b) => a - b);
    const q = (p: number) => lat[Math.floor(lat.length * p)]!.toFixed(2);
    console.log('\nterminal: keystroke to echo over the websocket, loopback, 1000 keystrokes');
    console.log(`  p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${lat.at(-1)!.toFixed(2)} ms (goal: p99 < 10 ms)`);
    t.ws.close();

    for (const ack of [true, false]) {
      const y = await openTerm(base, ack);
      await y.until(() => /# $/.test(y.out()));
      global.gc?.();
      const rss: number[] = [];
      y.ws.send(JSON.stringify({ type: 'input', data: 'yes\r' }));
      for (let s = 0; s < 10; s++) {
        await new Promise((r) => setTimeout(r, 1000));
        rss.push(process.memoryUsage().rss / 1048576);
      }
      y.ws.close();
      console.log(
        `  yes for 10 s, page ${ack ? 'keeping up' : 'not acknowledging'}: ${(y.bytes() / 1048576).toFixed(1)} MB streamed; server RSS by second: ${rss.map((r) => r.toFixed(0)).join(' ')} MB`,
      );
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    await srv.close();
    await destroyLab('term-bench');
  }
}

await main();
