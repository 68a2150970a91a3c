import { defineConfig } from '@playwright/test';

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A port nothing listens on now; chosen once, in the runner, and inherited by the workers through the environment. */
function freePort(): string {
  const probe = "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })";
  return execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).trim();
}
process.env.NSLAB_E2E_PORT ??= freePort();
const PORT = Number(process.env.NSLAB_E2E_PORT);
// The server's access token for this run, chosen like the port; every test is logged in with it by globalSetup.
process.env.NSLAB_E2E_TOKEN ??= crypto.randomBytes(24).toString('base64url');
const TOKEN = process.env.NSLAB_E2E_TOKEN;
// The browser's login (cookie and localStorage) that globalSetup saves: outside the tree, since it holds the token.
process.env.NSLAB_E2E_AUTH ??= path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-e2e-auth-')), 'storage-state.json');
// A fresh lab database for every run.
const DATA = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-e2e-'));

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  workers: 1,
  reporter: process.env.CI ? 'list' : 'line',
  outputDir: './test-results',
  globalSetup: './globalSetup.ts',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    storageState: process.env.NSLAB_E2E_AUTH,
    launchOptions: {
      // Debian's Chromium: Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-quic',
        '--no-first-run',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `node ../apps/server/dist/cli.js serve --port ${PORT} --data-dir ${DATA}`,
    // Ready when it answers at all: a 401 counts (Playwright takes any status below 404).
    url: `http://127.0.0.1:${PORT}/api/health`,
    env: { NSLAB_TOKEN: TOKEN },
    reuseExistingServer: false,
    timeout: 30_000,
    // SIGTERM lets the server end its terminals and remove its captures.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 },
  },
});
