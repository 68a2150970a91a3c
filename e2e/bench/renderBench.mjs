// npm run bench (web part): open a lab of 300 nodes and 400 links in Debian's Chromium;
// report the time to first render and frame times while panning. Goal: < 1 s, 50+ fps.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const PORT = 7393;
const base = `http://127.0.0.1:${PORT}`;
// The server needs a token for everything: the bench chooses it, sends it to the API and logs the page in with it.
const TOKEN = crypto.randomBytes(24).toString('base64url');
const auth = { authorization: `Bearer ${TOKEN}` };

function bigLab() {
  const nodes = {};
  const links = [];
  const B = 60;
  const N = 240;
  for (let b = 0; b < B; b++)
    nodes[`br${b}`] = {
      kind: 'bridge',
      addresses: [`10.${100 + Math.floor(b / 250)}.${b % 250}.1/24`],
      position: { x: (b % 12) * 260, y: Math.floor(b / 12) * 520 },
    };
  for (let i = 0; i < N; i++) {
    const b = i % B;
    nodes[`ns${i}`] = {
      kind: 'netns',
      position: { x: (b % 12) * 260 + (Math.floor(i / B) - 1.5) * 60, y: Math.floor(b / 12) * 520 + 140 + Math.floor(i / B) * 70 },
    };
    links.push({
      endpoints: [
        { node: `ns${i}`, name: 'eth0', addresses: [`10.${100 + Math.floor(b / 250)}.${b % 250}.${10 + Math.floor(i / B)}/24`] },
        { node: `br${b}`, name: `v-ns${i}` },
      ],
    });
  }
  for (let i = 0; links.length < 400; i++) {
    links.push({
      endpoints: [
        { node: `ns${i}`, name: 'p2p0', addresses: [`172.20.${i}.1/30`] },
        { node: `ns${(i + 1) % N}`, name: 'p2p1', addresses: [`172.20.${i}.2/30`] },
      ],
    });
  }
  return { name: 'render-bench', nodes, links };
}

const data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-bench-'));
const server = spawn(
  process.execPath,
  [path.resolve(here, '../../apps/server/dist/cli.js'), 'serve', '--port', String(PORT), '--data-dir', data],
  { stdio: 'ignore', env: { ...process.env, NSLAB_TOKEN: TOKEN } },
);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(`${base}/api/health`, { headers: auth })).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  const lab = bigLab();
  const r = await fetch(`${base}/api/labs`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ topology: lab }),
  });
  if (r.status !== 201) throw new Error(`create: ${r.status} ${await r.text()}`);

  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${base}/?lab=render-bench&token=${TOKEN}`); // logs in (cookie and localStorage); not timed
  const runs = [];
  for (let k = 0; k < 3; k++) {
    const t0 = Date.now();
    await page.goto(`${base}/?lab=render-bench`);
    await page.waitForFunction(
      () =>
        document.querySelectorAll('.react-flow__node').length === 300 && document.querySelectorAll('.react-flow__edge-veth').length === 400,
      null,
      { timeout: 30000, polling: 'raf' },
    );
    runs.push(Date.now() - t0);
  }
  // Frame times while panning: record every animation frame during a mouse drag of the pane.
  await page.evaluate(() => {
    window.__frames = [];
    const tick = (t) => {
      window.__frames.push(t);
      if (window.__frames.length < 100000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const pane = await page.locator('.react-flow__pane').boundingBox();
  const cx = pane.x + pane.width / 2;
  const cy = pane.y + pane.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  const start = await page.evaluate(() => performance.now());
  for (let i = 0; i < 120; i++) {
    await page.mouse.move(cx + Math.sin(i / 10) * 300, cy + Math.cos(i / 10) * 150);
  }
  await page.mouse.up();
  const end = await page.evaluate(() => performance.now());
  const frames = await page.evaluate(([s, e]) => window.__frames.filter((t) => t >= s && t <= e), [start, end]);
  const deltas = frames
    .slice(1)
    .map((t, i) => t - frames[i])
    .sort((a, b) => a - b);
  const mean = deltas.reduce((a, b) => a + b, 0) / deltas.length;
  const p95 = deltas[Math.floor(deltas.length * 0.95)];
  const firstRender = Math.min(...runs);
  console.log('\nweb: a lab of 300 nodes and 400 links in Chromium');
  console.log(`  time to first render: ${runs.map((x) => `${x} ms`).join(', ')} (best ${firstRender} ms; goal < 1000 ms)`);
  console.log(
    `  panning: ${deltas.length} frames, mean ${mean.toFixed(1)} ms (${(1000 / mean).toFixed(0)} fps), p95 ${p95.toFixed(1)} ms (goal 50+ fps)`,
  );
  fs.mkdirSync(path.resolve('bench/results'), { recursive: true });
  fs.writeFileSync(
    path.resolve('bench/results/render.json'),
    JSON.stringify(
      { at: new Date().toISOString(), firstRenderMs: runs, panFrameMeanMs: mean, panFrameP95Ms: p95, frames: deltas.length },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  server.kill();
  fs.rmSync(data, { recursive: true, force: true });
}
