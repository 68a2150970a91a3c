import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { auth, isRoot, node, nslab } from './helpers';

/** A lab of three namespaces in a row, a router in the middle; addresses and names of this spec's own (h14e-, 10.251.48.0/20). */
function routed(name: string, prefix = 'h14e-'): string {
  return `name: ${name}
prefix: ${prefix}
description: |
  Two subnets joined by a router: a reaches b through r.
nodes:
  a: { kind: netns, position: { x: 0, y: 0 }, routes: [{ to: default, via: 10.251.48.1 }] }
  r: { kind: netns, position: { x: 320, y: 40 }, sysctls: { net.ipv4.ip_forward: 1 } }
  b: { kind: netns, position: { x: 640, y: 80 }, routes: [{ to: default, via: 10.251.49.1 }] }
links:
  - endpoints:
      - { node: a, name: eth0, addresses: [10.251.48.2/24] }
      - { node: r, name: eth0, addresses: [10.251.48.1/24] }
  - endpoints:
      - { node: r, name: eth1, addresses: [10.251.49.1/24] }
      - { node: b, name: eth0, addresses: [10.251.49.2/24] }
`;
}

async function create(page: Page, text: string): Promise<void> {
  const r = await page.request.post('/api/labs', { headers: auth, data: { text } });
  expect([201, 409]).toContain(r.status());
}

async function openFromMenu(page: Page, current: string, lab: string): Promise<void> {
  await page.getByRole('button', { name: `Labs: ${current}` }).click();
  await page.getByRole('menu', { name: 'Labs' }).getByRole('menuitem', { name: lab, exact: true }).click();
  await expect(page.getByRole('button', { name: `Labs: ${lab}` })).toBeVisible();
}

/** The canvas's pan and zoom, as React Flow draws them. */
const viewport = (page: Page) => page.locator('.react-flow__viewport').first().getAttribute('style');

test.describe('lab addresses', () => {
  test('opening labs shows their address, and Back and Forward open them again', async ({ page }) => {
    await create(page, routed('h14e-url-a'));
    await create(page, routed('h14e-url-b'));
    await page.goto('/labs/h14e-url-a');
    await expect(page.getByRole('button', { name: 'Labs: h14e-url-a' })).toBeVisible();
    await openFromMenu(page, 'h14e-url-a', 'h14e-url-b');
    await expect(page).toHaveURL(/\/labs\/h14e-url-b$/);
    await page.goBack();
    await expect(page.getByRole('button', { name: 'Labs: h14e-url-a' })).toBeVisible();
    await expect(page).toHaveURL(/\/labs\/h14e-url-a$/);
    await page.goForward();
    await expect(page.getByRole('button', { name: 'Labs: h14e-url-b' })).toBeVisible();
  });

  test('an address naming no lab says so and opens another', async ({ page }) => {
    await create(page, routed('h14e-url-a'));
    await page.goto('/labs/h14e-nosuch');
    await expect(page.getByRole('alert').filter({ hasText: 'there is no lab "h14e-nosuch" here' })).toBeVisible();
    await expect(page.getByRole('button', { name: /^Labs: / })).toBeVisible();
    await expect(page).not.toHaveURL(/h14e-nosuch/);
    // A hostile one opens nothing and breaks nothing.
    await page.goto('/labs/..%2F..%2Fetc/rev/1e3');
    await expect(page.getByRole('button', { name: /^Labs: / })).toBeVisible();
    await expect(page.getByRole('region', { name: /^Revision / })).toHaveCount(0);
  });

  test('the old ?lab= address opens the lab and shows its /labs/ address', async ({ page }) => {
    await create(page, routed('h14e-url-a'));
    await page.goto('/?lab=h14e-url-a');
    await expect(page.getByRole('button', { name: 'Labs: h14e-url-a' })).toBeVisible();
    await expect(page).toHaveURL(/\/labs\/h14e-url-a$/);
  });

  test('a revision opens read-only at its address, is restored from there, and Back returns to it', async ({ page }) => {
    await create(page, routed('h14e-rev'));
    // Revision 2: b removed.
    const now = await (await page.request.get('/api/labs/h14e-rev', { headers: auth })).json();
    const without =
      routed('h14e-rev').split('  b: ')[0]!.trimEnd() +
      '\nlinks:\n  - endpoints:\n      - { node: a, name: eth0 }\n      - { node: r, name: eth0 }\n';
    const saved = await page.request.put('/api/labs/h14e-rev', { headers: auth, data: { text: without, baseRev: now.rev } });
    expect(saved.status()).toBe(200);

    await page.goto('/labs/h14e-rev/rev/1');
    const rev = page.getByRole('region', { name: 'Revision 1 of h14e-rev' });
    await expect(rev).toBeVisible();
    await expect(rev.locator('.react-flow__node')).toHaveCount(3);
    // Nothing of the revision can be edited: no palette over it, no inspector.
    for (const covered of [page.getByRole('button', { name: 'Namespace', exact: true }), page.locator('.canvas')]) {
      const box = (await covered.boundingBox())!;
      const onTop = await page.evaluate(
        ([x, y]) => !!document.elementFromPoint(x!, y!)?.closest('.revision-view'),
        [box.x + box.width / 2, box.y + 10],
      );
      expect(onTop).toBe(true);
    }
    await rev.getByRole('button', { name: 'Back to the current design' }).click();
    await expect(page).toHaveURL(/\/labs\/h14e-rev$/);
    await expect(rev).toBeHidden();
    await expect(page.locator('.canvas .react-flow__node')).toHaveCount(2);

    await page.goBack();
    await expect(page).toHaveURL(/\/labs\/h14e-rev\/rev\/1$/);
    await expect(rev).toBeVisible();
    await rev.getByRole('button', { name: 'Restore this revision' }).click();
    await expect(page).toHaveURL(/\/labs\/h14e-rev$/);
    await expect(page.locator('.canvas .react-flow__node')).toHaveCount(3);
    expect((await (await page.request.get('/api/labs/h14e-rev', { headers: auth })).json()).rev).toBe(3);
  });
});

test.describe('lab addresses after a delete or a rename', () => {
  test('Back never lands on a deleted or renamed lab; an address of a lab gone since is replaced by the open one', async ({ page }) => {
    for (const gone of ['h14e-hist-b', 'h14e-hist-b2', 'h14e-hist-c']) await page.request.delete(`/api/labs/${gone}`, { headers: auth });
    await create(page, routed('h14e-hist-a'));
    await create(page, routed('h14e-hist-b'));
    await create(page, routed('h14e-hist-c'));
    await page.goto('/labs/h14e-hist-a');
    await expect(page.getByRole('button', { name: 'Labs: h14e-hist-a' })).toBeVisible();
    await openFromMenu(page, 'h14e-hist-a', 'h14e-hist-b');

    // Renamed: its address is replaced, not pushed.
    await page.getByRole('button', { name: 'Labs: h14e-hist-b' }).click();
    await page.getByRole('menuitem', { name: 'Rename…' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename lab h14e-hist-b' });
    await rename.getByLabel('New name').fill('h14e-hist-b2');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByRole('button', { name: 'Labs: h14e-hist-b2' })).toBeVisible();
    await expect(page).toHaveURL(/\/labs\/h14e-hist-b2$/);

    // Deleted: the lab opened next takes its address's place.
    await page.getByRole('button', { name: 'Labs: h14e-hist-b2' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    await page
      .getByRole('alertdialog', { name: 'Delete lab h14e-hist-b2 and its history?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect(page.getByRole('button', { name: 'Labs: h14e-hist-b2' })).toHaveCount(0);
    const next = ((await page.getByRole('button', { name: /^Labs: / }).textContent()) ?? '').replace('Labs: ', '');
    await expect(page).toHaveURL(new RegExp(`/labs/${next}$`));

    // Back: the lab before, not the old names.
    await page.goBack();
    await expect(page).toHaveURL(/\/labs\/h14e-hist-a$/);
    await expect(page.getByRole('button', { name: 'Labs: h14e-hist-a' })).toBeVisible();

    // A lab deleted elsewhere since it was opened: Forward to it says so, and the address is the open lab's again.
    await openFromMenu(page, 'h14e-hist-a', 'h14e-hist-c');
    await page.goBack();
    await expect(page.getByRole('button', { name: 'Labs: h14e-hist-a' })).toBeVisible();
    expect((await page.request.delete('/api/labs/h14e-hist-c', { headers: auth })).status()).toBe(200);
    await page.goForward();
    await expect(page.getByRole('alert').filter({ hasText: 'no lab named "h14e-hist-c"' })).toBeVisible();
    await expect(page).toHaveURL(/\/labs\/h14e-hist-a$/);
    await expect(page.getByRole('button', { name: 'Labs: h14e-hist-a' })).toBeVisible();
  });
});

test.describe('view links', () => {
  test('a view link shows the diagram to a browser without the token, and nothing to edit', async ({ page, browser }) => {
    await create(page, routed('h14e-view'));
    await page.goto('/labs/h14e-view');
    await page.getByRole('button', { name: 'Labs: h14e-view' }).click();
    await page.getByRole('menuitem', { name: 'Share view link…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share a view of h14e-view' });
    await dialog.getByRole('button', { name: 'Make a view link' }).click();
    const link = await dialog.getByRole('textbox', { name: 'View link' }).inputValue();
    expect(link).toMatch(/\/view\/h14e-view\?key=[A-Za-z0-9_-]{32}$/);
    // This server listens on loopback only: the link is the page's own, and the dialog says who can open it.
    await expect(dialog).toContainText('other machines cannot open this link');
    const token = await page.evaluate(() => localStorage.getItem('nslab-token'));
    expect(link).not.toContain(token);

    const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    try {
      const view = await stranger.newPage();
      await view.goto(link);
      const diagram = view.getByRole('region', { name: 'Diagram of h14e-view' });
      await expect(diagram.locator('.react-flow__node')).toHaveCount(3);
      await expect(view.getByText('Two subnets joined by a router')).toBeVisible();
      for (const control of ['Deploy', 'Destroy', 'Namespace', 'Open terminal', 'Labs: h14e-view'])
        await expect(view.getByRole('button', { name: control })).toHaveCount(0);
      await expect(diagram.locator('.react-flow__node.draggable')).toHaveCount(0);
      expect(await view.evaluate(() => JSON.stringify(localStorage))).not.toContain(token!);
      expect((await view.request.get('/api/labs')).status()).toBe(401);

      // Stop sharing: the same link shows nothing any more.
      await dialog.getByRole('button', { name: 'Stop sharing' }).click();
      await expect(dialog.getByRole('button', { name: 'Make a view link' })).toBeVisible();
      await view.reload();
      await expect(view.getByRole('alert')).toContainText('does not open a lab');
    } finally {
      await stranger.close();
    }
  });

  test('a lab drawn without positions is laid out on the view page as in the designer: no node over another', async ({ page, browser }) => {
    await create(page, routed('h14e-view-bare').replace(/ position: \{[^}]*\},/g, ''));
    const shared = await page.request.post('/api/labs/h14e-view-bare/share', { headers: auth });
    const { key } = (await shared.json()) as { key: string };
    const stranger = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    try {
      const view = await stranger.newPage();
      await view.goto(`/view/h14e-view-bare?key=${key}`);
      const nodes = view.getByRole('region', { name: 'Diagram of h14e-view-bare' }).locator('.react-flow__node');
      await expect(nodes).toHaveCount(3);
      const boxes = await Promise.all([0, 1, 2].map(async (i) => (await nodes.nth(i).boundingBox())!));
      for (const [i, a] of boxes.entries())
        for (const b of boxes.slice(i + 1))
          expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
    } finally {
      await stranger.close();
    }
  });

  test('the view link is at the addresses the server names, the first one shown, the others listed', async ({ page }) => {
    await create(page, routed('h14e-view'));
    // The addresses a server on 0.0.0.0 would name (this one listens on loopback): the page shows what the server says.
    await page.route('**/api/labs/h14e-view/share', async (route) => {
      const answer = await route.fetch();
      const { key } = (await answer.json()) as { key: string | null };
      const urls = key ? ['192.0.2.7', '198.51.100.9'].map((a) => `http://${a}:8080/view/h14e-view?key=${key}`) : [];
      await route.fulfill({ response: answer, json: { key, urls } });
    });
    await page.goto('/labs/h14e-view');
    await page.getByRole('button', { name: 'Labs: h14e-view' }).click();
    await page.getByRole('menuitem', { name: 'Share view link…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share a view of h14e-view' });
    const make = dialog.getByRole('button', { name: 'Make a view link' });
    // The dialog first asks whether the lab is shared: wait for its answer (a link, or the button to make one).
    await expect(make.or(dialog.getByRole('textbox', { name: 'View link' }))).toBeVisible();
    if (await make.isVisible()) await make.click();
    await expect(dialog.getByRole('textbox', { name: 'View link' })).toHaveValue(/^http:\/\/192\.0\.2\.7:8080\/view\/h14e-view\?key=/);
    await expect(dialog.getByRole('list', { name: 'Also at' })).toHaveText(/^http:\/\/198\.51\.100\.9:8080\/view\/h14e-view\?key=/);
    await expect(dialog).not.toContainText('other machines cannot open this link');
    await expect(dialog).not.toContainText('127.0.0.1');
    await dialog.getByRole('button', { name: 'Stop sharing' }).click();
    await expect(make).toBeVisible();
  });
});

test.describe('lab files', () => {
  test('a downloaded lab uploads as a new lab with the same positions and description', async ({ page }) => {
    await create(page, routed('h14e-file'));
    await page.goto('/labs/h14e-file');
    await page.getByRole('button', { name: 'Labs: h14e-file' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Download lab' }).click()]);
    expect(download.suggestedFilename()).toBe('h14e-file.nslab.yaml');
    const file = await download.path();
    expect(fs.readFileSync(file, 'utf8')).toContain('position: { x: 320, y: 40 }');

    await page
      .getByLabel('Upload lab file')
      .setInputFiles({ name: 'h14e-file.nslab.yaml', mimeType: 'application/yaml', buffer: fs.readFileSync(file) });
    // The name is taken: the upload gets a free one, and says so, with what validation says.
    await expect(page.getByRole('button', { name: 'Labs: h14e-file-2' })).toBeVisible();
    await expect(page.getByRole('alert').filter({ hasText: 'uploaded h14e-file.nslab.yaml as lab "h14e-file-2"' })).toContainText(
      'it is valid',
    );
    const copy = (await (await page.request.get('/api/labs/h14e-file-2', { headers: auth })).json()).topology;
    const first = (await (await page.request.get('/api/labs/h14e-file', { headers: auth })).json()).topology;
    expect(copy.description).toBe(first.description);
    for (const n of ['a', 'r', 'b']) expect(copy.nodes[n].position).toEqual(first.nodes[n].position);
  });

  test('a file that is no lab is refused, saying why, and creates nothing', async ({ page }) => {
    await create(page, routed('h14e-file'));
    await page.goto('/labs/h14e-file');
    const before = (await (await page.request.get('/api/labs', { headers: auth })).json()).length;
    await page
      .getByLabel('Upload lab file')
      .setInputFiles({ name: 'notes.yaml', mimeType: 'application/yaml', buffer: Buffer.from('- just\n- a list\n') });
    await expect(page.getByRole('alert').filter({ hasText: 'notes.yaml is not a lab' })).toBeVisible();
    expect((await (await page.request.get('/api/labs', { headers: auth })).json()).length).toBe(before);
  });
});

test.describe('designer memory', () => {
  test('a reload keeps the selection and the zoom', async ({ page }) => {
    await create(page, routed('h14e-memo'));
    await page.goto('/labs/h14e-memo');
    await node(page, 'r').click();
    await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('r');
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => page.evaluate(() => localStorage.getItem('nslab.designer') ?? '')).toContain('"zoom"');
    const zoomed = await viewport(page);

    await page.reload();
    await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue('r');
    await expect(node(page, 'r')).toHaveClass(/selected/);
    await expect.poll(() => viewport(page)).toBe(zoomed);
  });

  test('garbage in the stored memory is ignored', async ({ page }) => {
    await create(page, routed('h14e-memo'));
    await page.goto('/labs/h14e-memo');
    await page.evaluate(() =>
      localStorage.setItem(
        'nslab.designer',
        '{"labs":{"h14e-memo":{"nodes":["nosuch",{}],"viewport":{"x":"a","zoom":1e9}},"__proto__":{}}}',
      ),
    );
    await page.reload();
    await expect(node(page, 'r')).toBeVisible();
    await expect(page.locator('.canvas .react-flow__node.selected')).toHaveCount(0);
  });
});

test.describe('tools on a deployed lab', () => {
  test.skip(!isRoot, 'deploying needs root');
  test.afterAll(() => {
    nslab('destroy', 'h14e-tools');
  });

  test('ip views read as text with JSON on demand, stay open after a reload, and Path lights the canvas', async ({ page }) => {
    await create(page, routed('h14e-tools', 'h14e-t-'));
    const r = await page.request.post('/api/labs/h14e-tools/deploy', { headers: auth, data: {} });
    expect((await r.json()).ok).toBe(true);
    await page.goto('/labs/h14e-tools');
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 20_000 });
    await node(page, 'a').click();
    await page.getByRole('button', { name: 'ip addr' }).click();
    const out = page.getByLabel('ip addr', { exact: true });
    await expect(out).toContainText('inet 10.251.48.2/24');
    await page.getByRole('checkbox', { name: 'JSON' }).check();
    await expect(out).toContainText('"local": "10.251.48.2"');
    await page.getByRole('checkbox', { name: 'JSON' }).uncheck();
    await expect(out).toContainText('inet 10.251.48.2/24');

    await page.reload();
    await expect(page.getByLabel('ip addr', { exact: true })).toContainText('inet 10.251.48.2/24');

    await page.getByRole('combobox', { name: 'Target' }).fill('10.251.49.2');
    await page.getByRole('button', { name: 'Path', exact: true }).click();
    await expect(page.getByRole('list', { name: 'Path' })).toContainText('r');
    await expect(node(page, 'a')).toHaveClass(/trace-lit/);
    await expect(node(page, 'r')).toHaveClass(/trace-lit/);
    await expect(node(page, 'b')).toHaveClass(/trace-deliver/);
    await expect(page.locator('.react-flow__edge.trace-link')).toHaveCount(2);
  });
});
