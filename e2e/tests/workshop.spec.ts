/**
 * A workshop from start to end, as its three people see it: the instructor
 * (the run's logged-in browser) and two participants, each a browser that
 * has never seen the token. It proves that
 *   - the instructor creates a workshop from "Pod networking from scratch"
 *     and shares its join link;
 *   - a participant joins by name and lands in their own designer, where a
 *     deploy runs in their own sandbox (the only deploys here);
 *   - passing step 1 shows in the participant's Steps panel and, live, in the
 *     instructor's Participants table, while the other participant's does not;
 *   - a participant's secret opens neither another participant's terminal
 *     nor the workshop administration (403);
 *   - ending the workshop removes every participant's sandbox.
 * Names: participants "Ada" and "Bob"; their lab is the workshop's "pods";
 * sandboxes are the server's (GET /api/me → participant.sandbox).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import type { MeView } from '@nslab/topology';
import { auth, isRoot, nslab } from './helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The instructor's answer to step 1: red and blue joined by one veth pair. */
const STEP_1 = fs.readFileSync(path.resolve(here, '../../workshops/pod-networking/step-1.yaml'), 'utf8');
/** A browser that has never opened nslab's address with the token (the config's storageState would log it in). */
const NO_LOGIN = { cookies: [], origins: [] };

/** Runs in a page: opens a websocket and says whether the server let it open. */
function trySocket({ url, protocols }: { url: string; protocols: string[] }): Promise<'opened' | 'refused'> {
  return new Promise((resolve) => {
    const s = new WebSocket(url, protocols);
    s.onopen = () => {
      s.close();
      resolve('opened');
    };
    s.onclose = () => resolve('refused');
  });
}

/** The HTTP status a websocket upgrade of `url` (http://…) with this token gets: 101 when it opens (the socket is then dropped at once). */
function upgradeStatus(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': crypto.randomBytes(16).toString('base64'),
        'sec-websocket-protocol': `nslab, nslab.token.${token}`,
      },
    });
    req.on('upgrade', (_res, socket) => (socket.destroy(), resolve(101)));
    req.on('response', (res) => (res.resume(), resolve(res.statusCode!)));
    req.on('error', reject);
    req.end();
  });
}

/** A fresh browser opens the join link, types a name and joins: it lands in the designer as that participant. */
async function join(browser: Browser, baseURL: string, link: string, name: string, contexts: BrowserContext[]) {
  const context = await browser.newContext({ baseURL, storageState: NO_LOGIN });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByText(`${name} · Participant`)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Labs: pods' })).toBeVisible();
  const token = (await page.evaluate(() => localStorage.getItem('nslab-token')))!;
  expect(token).toBeTruthy();
  const me = (await (await page.request.get('/api/me', { headers: { authorization: `Bearer ${token}` } })).json()) as MeView;
  expect(me.role).toBe('participant');
  return { page, token, who: (me as Extract<MeView, { role: 'participant' }>).participant };
}

/** A participant's cell under a step's column in the instructor's Participants table. */
async function stepCell(table: Locator, name: string, step: string): Promise<Locator> {
  const column = (await table.getByRole('columnheader').allTextContents()).indexOf(step);
  expect(column, `a column "${step}"`).toBeGreaterThan(0);
  const row = table.getByRole('row').filter({ has: table.page().getByRole('rowheader', { name, exact: true }) });
  return row.locator('th, td').nth(column);
}

test.describe('workshops', () => {
  test.skip(!isRoot, 'participants deploy in sandboxes');
  let workshop: string | undefined;
  const contexts: BrowserContext[] = [];

  test.afterEach(async ({ request }) => {
    for (const c of contexts.splice(0)) await c.close();
    // Whatever failed, the workshop ends: that removes every participant's sandbox.
    if (workshop) expect([200, 404]).toContain((await request.delete(`/api/workshops/${workshop}`, { headers: auth })).status());
    workshop = undefined;
  });

  test('two participants join, one passes step 1, the instructor follows it live and ending the workshop removes their sandboxes', async ({
    page,
    browser,
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const instructor: Page = page;
    let link = '';
    await test.step('the instructor creates a workshop and reads its join link', async () => {
      await instructor.goto('/');
      await instructor.getByRole('button', { name: 'Workshops' }).click();
      const panel = instructor.getByRole('region', { name: 'Workshops' });
      await panel.getByRole('button', { name: 'New workshop' }).click();
      await panel.getByLabel('Workshop', { exact: true }).selectOption({ label: 'Pod networking from scratch' });
      const created = instructor.waitForResponse((r) => r.url().endsWith('/api/workshops') && r.request().method() === 'POST');
      await panel.getByRole('button', { name: 'Create' }).click();
      const r = await created;
      expect(r.status()).toBe(201);
      workshop = ((await r.json()) as { id: string }).id;
      await expect(panel.getByLabel('Join link')).toHaveValue(/\/join\/[^/]+$/);
      link = await panel.getByLabel('Join link').inputValue();
      await expect(panel.getByRole('table', { name: 'Participants' })).toContainText('Nobody has joined yet');
    });

    const ada = await test.step('Ada joins', () => join(browser, baseURL!, link, 'Ada', contexts));
    const bob = await test.step('Bob joins', () => join(browser, baseURL!, link, 'Bob', contexts));
    const sandboxes = [ada.who.sandbox, bob.who.sandbox];
    expect(new Set(sandboxes).size).toBe(2);
    const listed = nslab('sandbox', 'list');
    for (const s of sandboxes) expect(listed).toContain(s);

    await test.step("Ada builds step 1's answer and deploys it in her sandbox", async () => {
      const put = await ada.page.request.put('/api/labs/pods', {
        headers: { authorization: `Bearer ${ada.token}` },
        data: { text: STEP_1 },
      });
      expect(put.status()).toBe(200);
      await ada.page.reload();
      await expect(ada.page.getByRole('textbox', { name: 'Lab YAML' })).toHaveValue(/veth-red/);
      await ada.page.getByRole('button', { name: 'Deploy' }).click();
      await expect(ada.page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 30_000 });
    });

    await test.step("Ada's Steps panel shows step 1 passed", async () => {
      const steps = ada.page.getByRole('region', { name: 'Steps' });
      await steps.getByRole('button', { name: 'Check now' }).click();
      const step1 = steps.getByRole('listitem').filter({ has: ada.page.getByRole('heading', { name: 'A virtual cable' }) });
      await expect(step1).toContainText('passed', { timeout: 30_000 });
      await expect(steps).toContainText('1 of 7 steps done');
    });

    await test.step("the instructor's table shows Ada's step 1 passed and Bob's not", async () => {
      const table = instructor.getByRole('table', { name: 'Participants' });
      await expect(await stepCell(table, 'Ada', '1. A virtual cable')).toHaveText(/passed/, { timeout: 30_000 });
      await expect(await stepCell(table, 'Bob', '1. A virtual cable')).toHaveText(/not run|not yet/);
      // NSLAB_SHOTS=DIR: the two views as a classroom sees them, for the docs.
      if (process.env.NSLAB_SHOTS) {
        await instructor.screenshot({ path: path.join(process.env.NSLAB_SHOTS, 'workshop-dashboard.png') });
        await ada.page.screenshot({ path: path.join(process.env.NSLAB_SHOTS, 'workshop-participant.png') });
      }
    });

    await test.step("the instructor views Ada's canvas, then helps in a shell on her red", async () => {
      const table = instructor.getByRole('table', { name: 'Participants' });
      await table.getByRole('button', { name: 'View Ada' }).click();
      const view = instructor.getByRole('dialog', { name: 'Lab of Ada' });
      await expect(view.getByRole('region', { name: 'Canvas of Ada' })).toBeVisible();
      await expect(view).toContainText('Deployed');
      if (process.env.NSLAB_SHOTS) await instructor.screenshot({ path: path.join(process.env.NSLAB_SHOTS, 'workshop-view.png') });
      await instructor.keyboard.press('Escape');
      await expect(view).toHaveCount(0);
      await table.getByRole('button', { name: 'Help Ada' }).click();
      const picker = instructor.getByRole('dialog', { name: 'Help Ada' });
      await picker.getByLabel('Node').selectOption('red');
      await picker.getByRole('button', { name: 'Open' }).click();
      const term = instructor.getByRole('region', { name: /Terminal red of Ada/ });
      await expect(term).toContainText(':pods:red]', { timeout: 15_000 });
      await term.click();
      await instructor.keyboard.type('ip -br addr show dev veth-red; echo helped-$((6*7))\n');
      await expect(term).toContainText('helped-42', { timeout: 10_000 });
      await expect(term).toContainText('192.168.100.2/24');
      if (process.env.NSLAB_SHOTS) await instructor.screenshot({ path: path.join(process.env.NSLAB_SHOTS, 'workshop-help.png') });
    });

    await test.step("Ada's secret opens her own terminal but not Bob's, nor the workshop administration", async () => {
      const bobs = `/api/term?lab=pods&node=red&participant=${bob.who.id}&mode=help`;
      const protocols = ['nslab', `nslab.token.${ada.token}`];
      expect(await ada.page.evaluate(trySocket, { url: baseURL!.replace(/^http/, 'ws') + bobs, protocols })).toBe('refused');
      expect(await upgradeStatus(baseURL + bobs, ada.token)).toBe(403);
      // The same socket to her own lab opens: the refusal above is about whose terminal it is.
      expect(await upgradeStatus(`${baseURL}/api/term?lab=pods&node=red`, ada.token)).toBe(101);
      expect((await ada.page.request.get('/api/workshops', { headers: { authorization: `Bearer ${ada.token}` } })).status()).toBe(403);
    });

    await test.step("ending the workshop removes both participants' sandboxes", async () => {
      await instructor.getByRole('button', { name: 'End workshop' }).click();
      await instructor.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
      await expect(instructor.getByRole('table', { name: 'Participants' })).toHaveCount(0, { timeout: 30_000 });
      await expect.poll(() => sandboxes.filter((s) => nslab('sandbox', 'list').includes(s)), { timeout: 30_000 }).toEqual([]);
      workshop = undefined;
    });
  });
});
