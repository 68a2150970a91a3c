import { expect, test, type APIRequestContext } from '@playwright/test';
import { ForeignServer } from './foreignServer';
import { auth, TOKEN } from './helpers';

// Nothing here deploys: these labs are only names in the database, all `sec-e2e-…`.

/** A browser that has never opened nslab's address with the token. */
const NO_LOGIN = { cookies: [], origins: [] };

async function createLab(request: APIRequestContext, name: string): Promise<void> {
  const r = await request.post('/api/labs', { headers: auth, data: { text: `name: ${name}\nnodes: {}\nlinks: []\n` } });
  expect([201, 409]).toContain(r.status()); // 409: a retry made it already
}

async function labNames(request: APIRequestContext): Promise<string[]> {
  const r = await request.get('/api/labs', { headers: auth });
  expect(r.status()).toBe(200);
  return ((await r.json()) as Array<{ name: string }>).map((l) => l.name);
}

/** Runs in a page: opens a websocket and says whether the server let it open. */
function trySocket({ url, protocols }: { url: string; protocols?: string[] }): Promise<'opened' | 'refused'> {
  return new Promise((resolve) => {
    const s = new WebSocket(url, protocols);
    s.onopen = () => {
      s.close();
      resolve('opened');
    };
    s.onclose = () => resolve('refused');
  });
}

test.describe('the access token', () => {
  test('opening nslab without its token shows how to get it, not the designer', async ({ browser, baseURL }) => {
    const context = await browser.newContext({ baseURL, storageState: NO_LOGIN });
    try {
      const page = await context.newPage();
      const r = await page.goto('/');
      expect(r!.status()).toBe(401);
      await expect(page.getByRole('heading', { name: 'nslab needs its access token' })).toBeVisible();
      await expect(page.getByText('sudo nslab token')).toBeVisible();
      await expect(page.getByRole('button', { name: /^Labs/ })).toHaveCount(0);
      // The API: no token, a wrong one, or the token in the URL (no longer accepted there) are all 401.
      expect((await context.request.get('/api/labs')).status()).toBe(401);
      expect((await context.request.get('/api/labs', { headers: { authorization: 'Bearer not-the-token-not-the-token' } })).status()).toBe(
        401,
      );
      expect((await context.request.get(`/api/labs?token=${TOKEN}`)).status()).toBe(401);
    } finally {
      await context.close();
    }
  });

  test('a page holding a token the server no longer has says so instead of showing a broken designer', async ({ page }) => {
    // The app cookie still loads the page; the API refuses the stale token.
    await page.addInitScript(() => localStorage.setItem('nslab-token', 'an-old-token-an-old-token'));
    await page.goto('/');
    const alert = page.getByRole('alert').filter({ hasText: 'nslab needs its access token' });
    await expect(alert).toBeVisible();
    await expect(alert).toContainText('sudo nslab token');
    await expect(page.getByRole('button', { name: /^Labs/ })).toHaveCount(0);
  });

  test('opening the printed address logs in: the token leaves the address bar, and nslab opens again without it', async ({
    browser,
    baseURL,
    request,
  }) => {
    await createLab(request, 'sec-e2e-login');
    const context = await browser.newContext({ baseURL, storageState: NO_LOGIN });
    try {
      const page = await context.newPage();
      await page.goto(`/?lab=sec-e2e-login&token=${TOKEN}`);
      await expect(page.getByRole('button', { name: 'Labs: sec-e2e-login' })).toBeVisible();
      await expect(page).toHaveURL((url) => url.pathname === '/labs/sec-e2e-login' && !url.searchParams.has('token'));
      expect(page.url()).not.toContain(TOKEN);

      await page.goto('/?lab=sec-e2e-login');
      await expect(page.getByRole('button', { name: 'Labs: sec-e2e-login' })).toBeVisible();
      await page.reload();
      await expect(page.getByRole('button', { name: 'Labs: sec-e2e-login' })).toBeVisible();
      // History holds the address without the token too.
      await page.goBack();
      expect(page.url()).not.toContain(TOKEN);
    } finally {
      await context.close();
    }
  });

  test("a logged-in page sends the token in no URL, not even a websocket's, and keeps it in no cookie", async ({
    page,
    context,
    request,
  }) => {
    await createLab(request, 'sec-e2e-ws');
    const urls: string[] = [];
    let framesFromFollower = 0;
    page.on('request', (r) => urls.push(r.url()));
    page.on('websocket', (ws) => {
      urls.push(ws.url());
      if (ws.url().includes('/api/ws')) ws.on('framereceived', () => framesFromFollower++);
    });
    await page.goto('/?lab=sec-e2e-ws');
    await expect(page.getByRole('button', { name: 'Labs: sec-e2e-ws' })).toBeVisible();
    // The server sends a new follower the lab's status: it took the token from the subprotocol.
    await expect.poll(() => framesFromFollower).toBeGreaterThan(0);
    expect(urls.some((u) => u.includes('/api/ws?lab=sec-e2e-ws'))).toBe(true);
    for (const u of urls) expect(u).not.toContain(TOKEN);

    const cookies = await context.cookies();
    for (const c of cookies) expect(c.value).not.toContain(TOKEN);
    expect(cookies.find((c) => c.name === 'nslab_app')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => localStorage.getItem('nslab-token'))).toBe(TOKEN);
  });
});

test.describe('another web server on this host', () => {
  test('its page cannot create labs or open nslab websockets, even with a stolen token, and never receives the token', async ({
    page,
    baseURL,
    request,
  }) => {
    await createLab(request, 'sec-e2e-foreign');
    const ws = `${baseURL!.replace(/^http/, 'ws')}/api/ws?lab=sec-e2e-foreign`;
    const stolen = ['nslab', `nslab.token.${TOKEN}`];
    // Control: from nslab's own page, this socket opens.
    await page.goto('/?lab=sec-e2e-foreign');
    await expect(page.getByRole('button', { name: 'Labs: sec-e2e-foreign' })).toBeVisible();
    expect(await page.evaluate(trySocket, { url: ws, protocols: stolen })).toBe('opened');

    const foreign = new ForeignServer({ '/': '<!doctype html><title>elsewhere</title><p>another local web server</p>' });
    await foreign.start();
    try {
      await page.goto(foreign.url);
      const posts = await page.evaluate(
        async ({ nslab, token }) => {
          const body = (name: string) => JSON.stringify({ text: `name: ${name}\nnodes: {}\nlinks: []\n` });
          const outcome = (p: Promise<Response>) =>
            p.then(
              (r) => (r.type === 'opaque' ? 'sent, reply unreadable' : `status ${r.status}`),
              () => 'failed',
            );
          return {
            json: await outcome(
              fetch(`${nslab}/api/labs`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: body('sec-e2e-foreign-json'),
              }),
            ),
            // A "simple" request needs no CORS preflight: the server itself must refuse it (no token).
            simple: await outcome(
              fetch(`${nslab}/api/labs`, {
                method: 'POST',
                mode: 'no-cors',
                headers: { 'content-type': 'text/plain' },
                body: body('sec-e2e-foreign-simple'),
              }),
            ),
            stolen: await outcome(
              fetch(`${nslab}/api/labs`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
                body: body('sec-e2e-foreign-stolen'),
              }),
            ),
          };
        },
        { nslab: baseURL!, token: TOKEN },
      );
      expect(posts.json).toBe('failed');
      expect(posts.stolen).toBe('failed');

      // Websockets have no CORS: the server checks their Origin itself.
      expect(await page.evaluate(trySocket, { url: ws })).toBe('refused');
      expect(await page.evaluate(trySocket, { url: ws, protocols: stolen })).toBe('refused');

      // The token alone is not enough from another origin: the server compares Origin exactly.
      const r = await request.post('/api/labs', {
        headers: { ...auth, origin: foreign.url },
        data: { text: 'name: sec-e2e-foreign-origin\nnodes: {}\nlinks: []\n' },
      });
      expect(r.status()).toBe(403);

      const names = await labNames(request);
      for (const n of ['sec-e2e-foreign-json', 'sec-e2e-foreign-simple', 'sec-e2e-foreign-stolen', 'sec-e2e-foreign-origin'])
        expect(names).not.toContain(n);

      // Cookies for 127.0.0.1 go to every port: whatever nslab's cookie holds reached this server, and it is not the token.
      expect(foreign.requests.length).toBeGreaterThan(0);
      expect(JSON.stringify(foreign.requests)).not.toContain(TOKEN);
    } finally {
      await foreign.stop();
    }
  });

  test('nslab cannot be framed, not even by a page that knows the token', async ({ page, baseURL }) => {
    const index = await page.request.get('/'); // the app cookie of the stored login opens the page
    expect(index.status()).toBe(200);
    expect(index.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers()['x-frame-options']).toBe('DENY');

    const foreign = new ForeignServer({
      '/frame': `<!doctype html><title>framing</title><iframe title="nslab" src="${baseURL}/?token=${TOKEN}" onload="document.body.dataset.framed = 'loaded'"></iframe>`,
    });
    await foreign.start();
    try {
      await page.goto(`${foreign.url}/frame`);
      // Once the frame has loaded, a rendered nslab would have its #root (it is in index.html itself).
      await expect(page.locator('body')).toHaveAttribute('data-framed', 'loaded');
      const frame = page.frameLocator('iframe[title="nslab"]');
      await expect(frame.locator('#root')).toHaveCount(0);
      await expect(frame.getByRole('button', { name: /^Labs/ })).toHaveCount(0);
    } finally {
      await foreign.stop();
    }
  });
});
