#!/usr/bin/env node
/**
 * Refreshes the screenshots in docs/: docs/templates/NN-id.png, each template
 * of the Templates menu opened in the designer at 1280x720 (nothing deployed),
 * then the workshop and trace views, which need deployed labs: those are taken
 * by their e2e specs (workshop.spec.ts, trace.spec.ts) when NSLAB_SHOTS names a
 * directory, so they are run here with NSLAB_SHOTS=docs (as root; skipped otherwise).
 *
 *   npm run build && npm run screenshots [-- --templates-only] [-- --out DIR]
 *
 * Uses Debian's Chromium through playwright-core; starts its own `nslab serve`
 * on a free port with a throwaway data directory, and stops it at the end.
 */
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const templatesOnly = args.includes('--templates-only');
const outAt = args.indexOf('--out');
const docs = outAt >= 0 ? path.resolve(args[outAt + 1]) : path.join(root, 'docs');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function until(what, test, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await test().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The transform of the canvas viewport, once it has stopped moving (fits are animated or delayed). */
async function settled(page) {
  let last = '';
  await until('the canvas to settle', async () => {
    const now = await page.locator('.react-flow__viewport').getAttribute('style');
    const same = now === last;
    last = now ?? '';
    if (!same) await new Promise((r) => setTimeout(r, 150));
    return same;
  });
}

async function templateShots() {
  const port = Number(process.env.NSLAB_SHOTS_PORT ?? (await freePort()));
  const token = crypto.randomBytes(18).toString('base64url');
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-shots-'));
  const server = spawn(
    process.execPath,
    [path.join(root, 'apps/server/dist/cli.js'), 'serve', '--port', String(port), '--data-dir', data],
    {
      env: { ...process.env, NSLAB_TOKEN: token },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    await until('the server', async () => (await fetch(`${base}/api/templates`, { headers: { authorization: `Bearer ${token}` } })).ok);
    const templates = await (await fetch(`${base}/api/templates`, { headers: { authorization: `Bearer ${token}` } })).json();
    // Menu order: the seed labs, then the exercises.
    const ordered = [...templates.filter((t) => !t.exercise), ...templates.filter((t) => t.exercise)];
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${base}/?token=${token}`);
    fs.mkdirSync(path.join(docs, 'templates'), { recursive: true });
    for (const [i, t] of ordered.entries()) {
      const before = await page.locator('.labbar').textContent();
      await page.getByRole('button', { name: 'Templates', exact: true }).click();
      await page.getByRole('menu', { name: 'Templates' }).getByRole('menuitem').nth(i).click();
      // A template opens as a new lab: the lab bar names it.
      await until(`${t.id} opened`, async () => (await page.locator('.labbar').textContent()) !== before);
      await until(`${t.id} on the canvas`, async () => (await page.locator('.react-flow__node').count()) > 0);
      await settled(page);
      await page.locator('.react-flow__controls-fitview').click();
      await settled(page);
      // Seed labs are named NN-… already; exercises are numbered after them.
      const id = t.id.replace(/^exercises\//, '');
      const file = path.join(docs, 'templates', `${/^\d\d-/.test(id) ? id : `${String(i + 1).padStart(2, '0')}-${id}`}.png`);
      await page.screenshot({ path: file });
      console.log(path.relative(root, file));
    }
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    fs.rmSync(data, { recursive: true, force: true });
  }
}

await templateShots();
if (!templatesOnly) {
  if (process.getuid?.() !== 0) console.log('workshop and trace views: skipped (they deploy labs; run as root)');
  else
    // Test artefacts go to a directory of their own: e2e/test-results may be another run's.
    execFileSync(
      'npx',
      [
        'playwright',
        'test',
        'tests/workshop.spec.ts',
        'tests/trace.spec.ts',
        '--output',
        fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-shots-pw-')),
      ],
      {
        cwd: path.join(root, 'e2e'),
        env: { ...process.env, NSLAB_SHOTS: docs },
        stdio: 'inherit',
      },
    );
}
