import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Locator, type Page } from '@playwright/test';

const here = path.dirname(fileURLToPath(import.meta.url));
export const isRoot = process.getuid?.() === 0;

/** The run's access token (playwright.config.ts chooses it; the pages get it from the stored login). */
export const TOKEN = process.env.NSLAB_E2E_TOKEN!;
/** Headers for calling the API directly, as the page does: `page.request.post(url, { headers: auth, data })`. */
export const auth = { authorization: `Bearer ${TOKEN}` };

/** Runs a host command (argv, no shell); returns stdout, or '' when it fails. */
export function host(...argv: string[]): string {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return '';
  }
}

export function nslab(...args: string[]): string {
  return host(process.execPath, path.resolve(here, '../../bin/nslab'), ...args);
}

/** Opens the app and Labs → Import containerlab…; the dialog. */
export async function openImporter(page: Page): Promise<Locator> {
  await page.goto('/');
  await page.getByRole('button', { name: /^Labs/ }).first().click();
  await page.getByRole('menuitem', { name: 'Import containerlab…' }).click();
  return page.getByRole('dialog', { name: 'Import containerlab' });
}

/** Opens the designer on a fresh lab of this name. */
export async function openNewLab(page: Page, name: string): Promise<void> {
  const r = await page.request.post('/api/labs', { headers: auth, data: { text: `name: ${name}\nnodes: {}\nlinks: []\n` } });
  expect(r.status()).toBe(201);
  await page.goto(`/?lab=${name}`);
  await expect(page.getByRole('button', { name: `Labs: ${name}` })).toBeVisible();
}

export function node(page: Page, name: string): Locator {
  return page.locator(`.react-flow__node[data-id="${name}"]`);
}

/** Drags a palette item onto the canvas at a point of the pane. */
export async function dropFromPalette(page: Page, item: 'Namespace' | 'Bridge' | 'Host', x: number, y: number): Promise<void> {
  await page.getByRole('button', { name: item, exact: true }).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x, y } });
}

/** Drags from one node's handle to another's: a veth link. */
export async function connectNodes(page: Page, from: string, to: string): Promise<void> {
  await node(page, from).locator('.react-flow__handle-bottom').dragTo(node(page, to).locator('.react-flow__handle-top'));
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * An `nslab serve` of the test's own (for tests that stop and restart it),
 * with its own data directory and the run's token; `start()` again after
 * `kill()` brings it back on the same port and data. The stored login holds
 * the token for the main server's origin only (localStorage is per port):
 * open pages here with `login()`.
 */
export class OwnServer {
  readonly data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-e2e-own-'));
  private child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The address of a page here that logs the browser in, as the one `nslab serve` prints does. */
  login(pathAndQuery: string): string {
    const url = new URL(pathAndQuery, this.url);
    url.searchParams.set('token', TOKEN);
    return url.href;
  }

  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [path.resolve(here, '../../apps/server/dist/cli.js'), 'serve', '--port', String(this.port), '--data-dir', this.data],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, NSLAB_TOKEN: TOKEN },
      },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('nslab serving')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`nslab serve exited with ${code}`)));
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }
}
