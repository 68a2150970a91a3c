import { defineConfig } from '@playwright/test';

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PORT = Number(process.env.NSLAB_E2E_PORT ?? 7391);
// A fresh lab database for every run.
const DATA = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-e2e-'));

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  workers: 1,
  reporter: process.env.CI ? 'list' : 'line',
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: {
      // Debian's Chromium: Playwright never downloads a browser here.
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `node ../apps/server/dist/cli.js serve --port ${PORT} --data-dir ${DATA}`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 30_000,
    // SIGTERM lets the server end its terminals and remove its captures.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5000 },
  },
});
