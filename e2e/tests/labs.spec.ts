import { expect, test, type Page } from '@playwright/test';
import { auth, freePort, host, isRoot, node, nslab, openImporter, OwnServer } from './helpers';

/** Two namespaces on one veth; every copy made with prefix h14d-e- unless told otherwise (the host is shared). */
const twoNamespaces = (name: string, prefix = 'h14d-e-', subnet = '10.251.40') => `name: ${name}
prefix: ${prefix}
nodes:
  ns1: { kind: netns, position: { x: 60, y: 60 } }
  ns2: { kind: netns, position: { x: 380, y: 60 } }
links:
  - endpoints: [{ node: ns1, name: eth0, addresses: [${subnet}.1/24] }, { node: ns2, name: eth0, addresses: [${subnet}.2/24] }]
`;
const LABS = [
  'h14d-one',
  'h14d-two',
  'h14d-three',
  'h14d-four',
  'h14d-fail',
  'h14d-hist',
  'h14d-new',
  'h14d-renamed',
  'h14d-copy',
  'h14d-focus',
];

/** Makes the lab afresh: an earlier test (or run) may have left one of that name, deployed or not. */
async function createLab(page: Page, text: string): Promise<void> {
  const name = /^name: (\S+)/.exec(text)![1]!;
  nslab('destroy', name);
  await page.request.delete(`/api/labs/${name}`, { headers: auth });
  expect((await page.request.post('/api/labs', { headers: auth, data: { text } })).status()).toBe(201);
}
async function openLab(page: Page, name: string): Promise<void> {
  await page.goto(`/?lab=${name}`);
  await expect(page.getByRole('button', { name: `Labs: ${name}` })).toBeVisible();
}
async function deployByApi(page: Page, name: string): Promise<void> {
  const r = await page.request.post(`/api/labs/${name}/deploy`, { headers: auth, data: {} });
  expect((await r.json()) as { ok: boolean }).toMatchObject({ ok: true });
}
/** Lab h14d-one deployed: it holds namespaces h14d-e-ns1 and h14d-e-ns2, which a copy of it then clashes with. */
async function deployOwner(page: Page): Promise<void> {
  await createLab(page, twoNamespaces('h14d-one'));
  await deployByApi(page, 'h14d-one');
}
const status = (page: Page) => page.getByRole('status', { name: 'Lab status' });
const deploy = (page: Page) => page.getByRole('button', { name: 'Deploy', exact: true });

function cleanUp(): void {
  for (const lab of LABS) nslab('destroy', lab);
}

test.describe('names that never clash', () => {
  test.skip(!isRoot, 'a clash is with what is on the host: deploying needs root');
  test.beforeAll(cleanUp);
  test.afterAll(cleanUp);

  test('a copy of a deployed lab shows the clash on its node before Deploy; one click sets a prefix and both run', async ({ page }) => {
    await deployOwner(page);
    await createLab(page, twoNamespaces('h14d-two'));
    await openLab(page, 'h14d-two');

    // On the node, through the same marks as a validation error, and on its Name field.
    await expect(node(page, 'ns1').getByLabel('1 error(s)')).toBeVisible();
    await node(page, 'ns1').click();
    const name = page.getByLabel('Name', { exact: true });
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText('namespace "h14d-e-ns1" belongs to lab "h14d-one"');
    // Deploy says why it would fail, before anything runs.
    await expect(deploy(page)).toBeDisabled();
    await expect(deploy(page)).toHaveAttribute('title', /deploy would fail: namespace "h14d-e-ns1" belongs to lab "h14d-one"/);

    await page.getByRole('button', { name: 'Set prefix h14d-two-' }).click();
    await expect(page.getByLabel('Lab YAML')).toHaveValue(/prefix: h14d-two-/);
    await expect(name).not.toHaveAttribute('aria-invalid', 'true');
    await expect(deploy(page)).toBeEnabled();
    await deploy(page).click();
    await expect(status(page)).toHaveText('Deployed', { timeout: 20_000 });
    const netns = host('ip', 'netns', 'list');
    expect(netns).toMatch(/^h14d-e-ns1\b/m);
    expect(netns).toMatch(/^h14d-two-ns1\b/m);
    expect(host('ip', 'netns', 'exec', 'h14d-two-ns1', 'ping', '-c1', '-W2', '10.251.40.2')).toContain('1 received');
  });

  test('"Rename node" renames the clashing node in a dialog of the page', async ({ page }) => {
    await deployOwner(page);
    await createLab(page, twoNamespaces('h14d-four'));
    await openLab(page, 'h14d-four');
    await node(page, 'ns2').click();
    await page.getByRole('button', { name: 'Rename node ns2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rename node ns2' });
    await dialog.getByLabel('New name').fill('ns1');
    await expect(dialog).toContainText('a node named "ns1" exists already');
    await expect(dialog.getByRole('button', { name: 'Rename' })).toBeDisabled();
    await dialog.getByLabel('New name').fill('ns2b');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await expect(node(page, 'ns2b')).toBeVisible();
    await expect(node(page, 'ns2b').getByLabel(/error/)).toHaveCount(0);
    // ns1 still clashes: Deploy still says so.
    await expect(deploy(page)).toHaveAttribute('title', /namespace "h14d-e-ns1" belongs to lab "h14d-one"/);
  });

  test('a lab whose deploy was refused, with nothing on the host, can be deleted', async ({ page }) => {
    await deployOwner(page);
    await createLab(page, twoNamespaces('h14d-three'));
    expect((await page.request.post('/api/labs/h14d-three/deploy', { headers: auth, data: {} })).status()).toBe(422);
    await openLab(page, 'h14d-three');
    await expect(status(page)).toHaveText('Failed');
    await page.getByRole('button', { name: 'Labs: h14d-three' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete lab h14d-three and its history?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Labs: h14d-three' })).toHaveCount(0);
    expect((await page.request.get('/api/labs/h14d-three', { headers: auth })).status()).toBe(404);
  });
});

test.describe('recovering from trouble', () => {
  test.beforeAll(cleanUp);
  test.afterAll(cleanUp);

  test('Destroy asks first when it would close open terminals, naming what it removes; otherwise it just destroys', async ({ page }) => {
    test.skip(!isRoot, 'deploying needs root');
    await deployOwner(page);
    await openLab(page, 'h14d-one');
    await expect(status(page)).toHaveText('Deployed');
    await node(page, 'ns1').click();
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await expect(page.getByRole('tab', { name: /ns1/ })).toBeVisible();
    await page.getByRole('button', { name: 'Destroy', exact: true }).click();
    const confirm = page.getByRole('alertdialog');
    await expect(confirm).toContainText('Destroy lab h14d-one: removes 2 namespaces (h14d-e-ns1, h14d-e-ns2)');
    await expect(confirm).toContainText('Its open terminals and captures close.');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toHaveCount(0);
    await expect(status(page)).toHaveText('Deployed');
    expect(host('ip', 'netns', 'list')).toMatch(/^h14d-e-ns1\b/m);

    await page.getByRole('button', { name: 'Destroy', exact: true }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Destroy lab' }).click();
    await expect(status(page)).toHaveText('Not deployed', { timeout: 20_000 });
    expect(host('ip', 'netns', 'list')).not.toMatch(/^h14d-e-ns[12]\b/m);

    // Nothing open that Deploy could not give back: Destroy does not ask.
    await page.getByRole('button', { name: 'Close terminal ns1' }).click();
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(status(page)).toHaveText('Deployed', { timeout: 20_000 });
    await page.getByRole('button', { name: 'Destroy', exact: true }).click();
    await expect(status(page)).toHaveText('Not deployed', { timeout: 20_000 });
    await expect(page.getByRole('alertdialog')).toHaveCount(0);
  });

  test('the whole kernel error of a failed deploy can be read, and the lab deleted', async ({ page }) => {
    test.skip(!isRoot, 'deploying needs root');
    // The parent interface does not exist: validation cannot know, the kernel refuses.
    await createLab(
      page,
      twoNamespaces('h14d-fail', 'h14d-f-', '10.251.41').replace(
        'ns1: { kind: netns,',
        'ns1: { kind: netns, macvlans: [{ name: mv0, parent: h14d-nope, addresses: [10.251.42.1/24] }],',
      ),
    );
    await openLab(page, 'h14d-fail');
    await deploy(page).click();
    await page.getByRole('button', { name: 'Error details' }).click();
    const dialog = page.getByRole('dialog', { name: 'Deploy failed' });
    const full = 'ip link add link h14d-nope name mv0 netns h14d-f-ns1 type macvlan mode bridge: Cannot find device "h14d-nope"';
    await expect(dialog.getByLabel('Error message')).toHaveText(full);
    // Selectable text: a selection of it copies.
    await dialog.getByLabel('Error message').selectText();
    expect(await page.evaluate(() => document.getSelection()?.toString())).toBe(full);
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    // With nothing selected, the inspector keeps it too.
    await expect(page.getByRole('complementary', { name: 'Inspector' }).getByLabel('Error message')).toHaveText(full);
    expect(host('ip', 'netns', 'list')).not.toMatch(/h14d-f-/);

    await page.getByRole('button', { name: 'Labs: h14d-fail' }).click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('button', { name: 'Labs: h14d-fail' })).toHaveCount(0);
  });

  test('History shows what a revision changed, and which one is deployed', async ({ page }) => {
    await createLab(page, twoNamespaces('h14d-hist', 'h14d-h-', '10.251.43'));
    if (isRoot) await deployByApi(page, 'h14d-hist');
    await openLab(page, 'h14d-hist');
    await page.getByLabel('Prefix').fill('h14d-h2-');
    // Saved as revision 2 (the "saved" mark is already there before the edit: wait for the server's word).
    await expect
      .poll(async () => (await (await page.request.get('/api/labs/h14d-hist/revisions', { headers: auth })).json()).length)
      .toBe(2);
    await page.getByRole('button', { name: 'History', exact: true }).click();
    const history = page.getByRole('dialog', { name: 'History' });
    const revisions = history.getByRole('list', { name: 'Revisions' });
    // The newest revision is open and picked; it changed the prefix.
    const newest = revisions.getByRole('button').first();
    await expect(newest).toContainText('open');
    await expect(newest).toHaveAttribute('aria-pressed', 'true');
    if (isRoot) {
      await expect(revisions.getByRole('button', { name: /^#1/ })).toContainText('deployed');
      await expect(newest).not.toContainText('deployed');
    }
    const changes = history.getByRole('region', { name: 'Changes' });
    // The first edit in the page also writes the text in the page's own format: the prefix lines are among the changes.
    await expect(changes.locator('.diff-del', { hasText: 'prefix' })).toHaveText('−removed: prefix: h14d-h-');
    await expect(changes.locator('.diff-add', { hasText: 'prefix' })).toHaveText('+added: prefix: h14d-h2-');

    await revisions.getByRole('button', { name: /^#1/ }).click();
    await changes.getByLabel(/Compare #1 with/).selectOption('open');
    await expect(changes.locator('.diff-add', { hasText: 'prefix' })).toHaveText('+added: prefix: h14d-h-');
    await history.getByRole('button', { name: 'Restore #1' }).click();
    await expect(history).toHaveCount(0);
    await expect(page.getByLabel('Prefix')).toHaveValue('h14d-h-');
    if (isRoot) await expect(status(page)).toHaveText('Deployed');
  });

  test('new lab, rename, duplicate and delete ask in dialogs of the page, never window.prompt', async ({ page }) => {
    const browserDialogs: string[] = [];
    page.on('dialog', (d) => (browserDialogs.push(d.message()), void d.dismiss()));
    await createLab(page, twoNamespaces('h14d-one'));
    await openLab(page, 'h14d-one');
    const labs = page.getByRole('button', { name: /^Labs: / });

    await labs.click();
    await page.getByRole('menuitem', { name: 'New lab…' }).click();
    let dialog = page.getByRole('dialog', { name: 'New lab' });
    await dialog.getByLabel('Lab name').fill('Bad Name');
    await expect(dialog).toContainText('lower-case letters, digits and "-"');
    await expect(dialog.getByRole('button', { name: 'Create' })).toBeDisabled();
    await dialog.getByLabel('Lab name').fill('h14d-one');
    await expect(dialog).toContainText('a lab named "h14d-one" exists already');
    await dialog.getByLabel('Lab name').fill('h14d-new');
    await dialog.getByLabel('Lab name').press('Enter');
    await expect(page.getByRole('button', { name: 'Labs: h14d-new' })).toBeVisible();
    await expect(dialog).toHaveCount(0);

    await labs.click();
    await page.getByRole('menuitem', { name: 'Rename…' }).click();
    dialog = page.getByRole('dialog', { name: 'Rename lab h14d-new' });
    // It opens on the current name, quietly: no error until the name is changed, and Rename off while it is the same.
    await expect(dialog.getByLabel('New name')).toHaveValue('h14d-new');
    await expect(dialog.getByLabel('New name')).not.toHaveAttribute('aria-invalid');
    await expect(dialog).not.toContainText('that is its name now');
    await expect(dialog.getByRole('button', { name: 'Rename' })).toBeDisabled();
    await dialog.getByLabel('New name').fill('h14d-renamed');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByRole('button', { name: 'Labs: h14d-renamed' })).toBeVisible();

    await labs.click();
    await page.getByRole('menuitem', { name: 'Duplicate…' }).click();
    dialog = page.getByRole('dialog', { name: 'Duplicate lab h14d-renamed' });
    await expect(dialog.getByLabel('Name of the copy')).toHaveValue('h14d-renamed-copy');
    await dialog.getByLabel('Name of the copy').fill('h14d-copy');
    await dialog.getByRole('button', { name: 'Duplicate' }).click();
    await expect(page.getByRole('button', { name: 'Labs: h14d-copy' })).toBeVisible();

    // Escape and Cancel leave everything as it was.
    await labs.click();
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('alertdialog')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Labs: h14d-copy' })).toBeVisible();
    for (const lab of ['h14d-copy', 'h14d-renamed']) {
      await openLab(page, lab);
      await labs.click();
      await page.getByRole('menuitem', { name: 'Delete…' }).click();
      await page
        .getByRole('alertdialog', { name: `Delete lab ${lab} and its history?` })
        .getByRole('button', { name: 'Delete' })
        .click();
      await expect(page.getByRole('button', { name: `Labs: ${lab}` })).toHaveCount(0);
    }
    expect(browserDialogs).toEqual([]);
  });

  test('the Templates menu shows each template whole', async ({ page }) => {
    await createLab(page, twoNamespaces('h14d-one'));
    await openLab(page, 'h14d-one');
    await page.getByRole('button', { name: 'Templates' }).click();
    // The end of the longest description, well past the 160 characters the menu used to keep.
    await expect(page.getByRole('menuitem', { name: /one-node-pods/ })).toContainText('would need -m physdev.');
  });

  test('a dialog keeps Tab among its own controls, closes on Escape, and gives focus back to what opened it', async ({ page }) => {
    const dialog = await openImporter(page);
    await dialog.getByLabel(/^containerlab topology/).fill('name: h14d-tab\ntopology:\n  nodes: { a: { kind: linux } }\n');
    await dialog.getByRole('button', { name: 'Read topology' }).click();
    await expect(dialog.getByRole('button', { name: 'Open as lab' })).toBeVisible();
    const inside = () => dialog.evaluate((d) => d.contains(document.activeElement));
    for (const key of ['Tab', 'Shift+Tab'])
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press(key);
        expect(await inside(), `${key} ×${i + 1}`).toBe(true);
      }
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);

    await createLab(page, twoNamespaces('h14d-focus'));
    await openLab(page, 'h14d-focus');
    const history = page.getByRole('button', { name: 'History', exact: true });
    await history.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('dialog', { name: 'History' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'History' })).toHaveCount(0);
    await expect(history).toBeFocused();
  });
});

test.describe('the first screen', () => {
  test('a first visit gets a lab to draw in, and the side panel offers the templates while it is empty', async ({ browser }) => {
    const own = new OwnServer(await freePort());
    await own.start();
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    try {
      const page = await context.newPage();
      await page.goto(own.login('/'));
      // A lab to draw in straight away: dragging from the palette works from the first second…
      await expect(page.getByRole('button', { name: 'Labs: lab1' })).toBeVisible();
      // …and, while it is empty, the side panel offers the templates with their whole descriptions.
      const welcome = page.getByRole('region', { name: 'Start from a template' });
      await expect(welcome).toBeVisible();
      const templates = welcome.getByRole('list', { name: 'Templates' });
      await expect(templates.getByRole('button', { name: 'two-nodes' })).toBeVisible();
      await expect(templates.getByRole('button', { name: 'one-node-pods' })).toHaveAccessibleDescription(/would need -m physdev\.$/);
      await expect(welcome.getByRole('list', { name: 'Exercises' }).getByRole('button', { name: 'forward-drop' })).toBeVisible();

      await templates.getByRole('button', { name: 'two-nodes' }).click();
      await expect(page.getByRole('button', { name: 'Labs: two-nodes' })).toBeVisible();
      await expect(welcome).toHaveCount(0);
      await expect(page.locator('.react-flow__node')).toHaveCount(6);

      // Back in the empty lab, the offer is there again; the first node drawn puts it away.
      await page.goto(own.login('/?lab=lab1'));
      await expect(welcome).toBeVisible();
      await page.getByRole('button', { name: 'Namespace', exact: true }).click();
      await expect(page.locator('.react-flow__node')).toHaveCount(1);
      await expect(welcome).toHaveCount(0);

      // Deleting the last lab leaves a fresh empty one open, at its own address: never a page with no lab.
      for (const lab of ['lab1', 'two-nodes']) {
        await page.getByRole('button', { name: `Labs: ${lab}` }).click();
        await page.getByRole('menuitem', { name: 'Delete…' }).click();
        await page
          .getByRole('alertdialog', { name: `Delete lab ${lab} and its history?` })
          .getByRole('button', { name: 'Delete' })
          .click();
        await expect(page.getByRole('button', { name: `Labs: ${lab}` })).toHaveCount(0);
      }
      await expect(page.getByRole('button', { name: 'Labs: lab1' })).toBeVisible();
      await expect(page).toHaveURL(/\/labs\/lab1$/);
      await expect(page.getByRole('textbox', { name: 'Lab YAML' })).toHaveValue(/^name: lab1$/m);
      await expect(page.locator('.react-flow__node')).toHaveCount(0);
      await page.reload();
      await expect(page.getByRole('button', { name: 'Labs: lab1' })).toBeVisible();
      await expect(page.getByText('there is no lab')).toHaveCount(0);
    } finally {
      await context.close();
      await own.kill('SIGTERM');
    }
  });
});
