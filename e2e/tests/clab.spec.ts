import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { auth, host, isRoot, node, nslab, openImporter } from './helpers';

/** Two linux nodes linked, their addresses in exec lines, and a node that asks for what a namespace cannot give (an image, binds). */
const CLAB = `name: e2e-clab
topology:
  kinds:
    linux:
      image: ghcr.io/srl-labs/network-multitool
  nodes:
    ck-a:
      kind: linux
      exec:
        - ip addr add 10.252.0.1/24 dev eth1
    ck-b:
      kind: linux
      exec:
        - ip addr add 10.252.0.2/24 dev eth1
    ck-c:
      kind: linux
      image: alpine:3
      binds:
        - ./data:/data
  links:
    - endpoints: ["ck-a:eth1", "ck-b:eth1"]
`;

/** Every lab these tests make: destroyed on the host and deleted, whatever happened. */
const LABS = ['e2e-clab', 'e2e-clab-dl'];

test.describe('Import containerlab', () => {
  const cleanUp = async (request: Page['request']) => {
    for (const lab of LABS) {
      if (isRoot) nslab('destroy', lab);
      await request.delete(`/api/labs/${lab}`, { headers: auth });
    }
  };
  test.beforeAll(async ({ request }) => cleanUp(request));
  test.afterEach(async ({ request }) => cleanUp(request));

  test('choosing a containerlab file lists what it leaves out by YAML path and line; Open as lab draws it; deployed, its nodes ping', async ({
    page,
  }) => {
    const dialog = await openImporter(page);
    await dialog
      .getByLabel('containerlab file')
      .setInputFiles({ name: 'e2e-clab.clab.yml', mimeType: 'application/yaml', buffer: Buffer.from(CLAB) });
    await expect(dialog.getByLabel(/^containerlab topology/)).toHaveValue(CLAB);
    await expect(dialog).toContainText('3 nodes, 1 link; 3 warnings');
    const warnings = dialog.getByRole('list', { name: 'Import warnings' });
    await expect(warnings.getByRole('listitem')).toHaveCount(3);
    await expect(warnings.getByRole('listitem').filter({ hasText: 'topology.kinds.linux.image' })).toContainText('(line 5)');
    await expect(warnings.getByRole('listitem').filter({ hasText: 'topology.nodes.ck-c.image' })).toContainText('(line 17)');
    await expect(warnings.getByRole('listitem').filter({ hasText: 'topology.nodes.ck-c.binds' })).toContainText('(line 18): binds:');
    await expect(dialog.getByLabel('Lab name')).toHaveValue('e2e-clab');
    await dialog.getByRole('button', { name: 'Open as lab' }).click();
    await expect(dialog).toHaveCount(0);

    await expect(page.getByRole('button', { name: 'Labs: e2e-clab' })).toBeVisible();
    await expect(node(page, 'ck-a')).toContainText('10.252.0.1/24');
    await expect(node(page, 'ck-b')).toContainText('10.252.0.2/24');
    await expect(node(page, 'ck-c')).toBeVisible();
    await expect(page.locator('.react-flow__edge-veth')).toHaveCount(1);

    test.skip(!isRoot, 'deploying needs root');
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 20_000 });
    await node(page, 'ck-a').click();
    await page.getByLabel('Target').fill('10.252.0.2');
    await page.getByRole('button', { name: 'Ping', exact: true }).click();
    await expect(page.getByLabel('Ping output')).toContainText('3 received', { timeout: 10_000 });

    await page.getByRole('button', { name: 'Destroy', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Not deployed', { timeout: 20_000 });
    expect(host('ip', 'netns', 'list')).not.toMatch(/\bck-[abc]\b/);
  });

  test('the dialog opens ready to paste; the summary counts the checks its pings make and the lab’s errors', async ({ page }) => {
    const dialog = await openImporter(page);
    const text = dialog.getByLabel(/^containerlab topology/);
    await expect(text).toBeFocused();
    // A ping of an address of the lab is a check; an address given twice and an unreachable gateway are errors of the lab.
    await page.keyboard.insertText(
      [
        'name: e2e-clab',
        'topology:',
        '  nodes:',
        '    ck-a: { kind: linux, exec: ["ip addr add 10.252.5.1/24 dev eth1", "ip addr add 10.252.6.1/24 dev eth2", "ping -c1 10.252.6.2"] }',
        '    ck-b: { kind: linux, exec: ["ip addr add 10.252.5.1/24 dev eth1", "ip route add 10.252.9.0/24 via 10.252.7.1"] }',
        '    ck-c: { kind: linux, image: "alpine:3", exec: ["ip addr add 10.252.6.2/24 dev eth1"] }',
        '  links:',
        '    - endpoints: ["ck-a:eth1", "ck-b:eth1"]',
        '    - endpoints: ["ck-a:eth2", "ck-c:eth1"]',
        '',
      ].join('\n'),
    );
    await dialog.getByRole('button', { name: 'Read topology' }).click();
    await expect(dialog.locator('.import-summary')).toHaveText(
      '3 nodes, 2 links, 1 check; 2 errors in the lab; 1 warning: what nslab leaves out or cannot do.',
    );
    await expect(dialog.getByRole('list', { name: 'Lab errors' }).getByRole('listitem')).toHaveCount(2);
    await expect(dialog.getByRole('button', { name: 'Open as lab (has 2 errors)' })).toBeVisible();
  });

  test('a pasted file that is no containerlab topology shows each error with its path and line, and opens nothing', async ({ page }) => {
    const dialog = await openImporter(page);
    await dialog.getByLabel(/^containerlab topology/).fill('name: e2e-clab\ntopology:\n  nodes:\n    ck-a: {}\n    ck-b: 5\n');
    await dialog.getByRole('button', { name: 'Read topology' }).click();
    await expect(dialog.getByRole('alert')).toHaveText('Not a containerlab topology nslab can read: 2 errors, nothing was made.');
    const errors = dialog.getByRole('list', { name: 'Import errors' });
    await expect(errors.getByRole('listitem')).toHaveCount(2);
    await expect(errors.getByRole('listitem').nth(0)).toContainText('topology.nodes.ck-a (line 4): no kind');
    await expect(errors.getByRole('listitem').nth(1)).toContainText('topology.nodes.ck-b (line 5): ');
    await expect(dialog.getByRole('button', { name: /^Open as lab/ })).toHaveCount(0);

    // Fixed and named by hand, it opens under that name.
    await dialog.getByLabel(/^containerlab topology/).fill(CLAB);
    await dialog.getByLabel('Lab name').fill('e2e-clab-dl');
    await dialog.getByRole('button', { name: 'Read topology' }).click();
    await expect(dialog.getByRole('list', { name: 'Import errors' })).toHaveCount(0);
    await expect(dialog.getByLabel('Lab name')).toHaveValue('e2e-clab-dl');
    await dialog.getByRole('button', { name: 'Open as lab' }).click();
    await expect(page.getByRole('button', { name: 'Labs: e2e-clab-dl' })).toBeVisible();
  });

  test('a reply to an earlier read never replaces a later one: Open as lab opens the text shown', async ({ page }) => {
    // Two nodes and a link, no warnings: told apart from CLAB (three nodes, three warnings) at a glance.
    const other =
      'name: e2e-clab-dl\ntopology:\n  nodes:\n    ck-a: { kind: linux }\n    ck-b: { kind: linux }\n  links:\n    - endpoints: ["ck-a:eth1", "ck-b:eth1"]\n';
    // Every read of CLAB is answered late: only when the test lets it through.
    const held: Array<() => void> = [];
    await page.route('**/api/import-clab', async (route) => {
      const response = await route.fetch();
      if (route.request().postData()?.includes('ck-c')) await new Promise<void>((go) => held.push(go));
      await route.fulfill({ response });
    });
    /** Lets the held reply reach the page, and gives the page time to act on it. */
    const letThrough = async () => {
      await expect.poll(() => held.length).toBe(1);
      const arrived = page.waitForResponse((r) => r.url().endsWith('/api/import-clab') && !!r.request().postData()?.includes('ck-c'));
      held.shift()!();
      await arrived;
      await page.waitForTimeout(300);
    };
    const dialog = await openImporter(page);
    const text = dialog.getByLabel(/^containerlab topology/);
    const read = dialog.getByRole('button', { name: 'Read topology' });

    // Edited while its read was under way: the late reply is for a text no longer shown.
    await text.fill(CLAB);
    await read.click();
    await text.fill(other);
    await letThrough();
    await expect(dialog.locator('.import-result')).toHaveCount(0);
    await expect(dialog.getByRole('button', { name: /^Open as lab/ })).toHaveCount(0);
    await expect(dialog.getByLabel('Lab name')).toHaveValue('');

    // Read again before the first reply came: the second reply stays, whatever arrives after it.
    await text.fill(CLAB);
    await read.click();
    await text.fill(other);
    await read.click();
    await expect(dialog).toContainText('2 nodes, 1 link; 0 warnings.');
    await letThrough();
    await expect(dialog).toContainText('2 nodes, 1 link; 0 warnings.');
    await expect(dialog.getByLabel('Lab name')).toHaveValue('e2e-clab-dl');
    await dialog.getByRole('button', { name: 'Open as lab' }).click();
    await expect(page.getByRole('button', { name: 'Labs: e2e-clab-dl' })).toBeVisible();
    await expect(node(page, 'ck-b')).toBeVisible();
    await expect(node(page, 'ck-c')).toHaveCount(0);
  });

  test('a chosen file without name: is named after the file, as nslab import-clab names it', async ({ page }) => {
    const dialog = await openImporter(page);
    await dialog
      .getByLabel('containerlab file')
      .setInputFiles({ name: 'E2E Clab DL.clab.yml', mimeType: 'application/yaml', buffer: Buffer.from(CLAB.replace(/^name: .*\n/, '')) });
    await expect(dialog).toContainText('3 nodes, 1 link');
    await expect(dialog.getByLabel('Lab name')).toHaveValue('e2e-clab-dl');
  });

  test('Download as containerlab is off while the lab has errors, and says why', async ({ page }) => {
    const lab = 'name: e2e-clab-dl\nnodes:\n  ck-a: { kind: netns }\nlinks: []\nchecks:\n  - { from: nosuch, ping: 10.252.2.1 }\n';
    expect((await page.request.post('/api/labs', { headers: auth, data: { text: lab } })).status()).toBe(201);
    await page.goto('/?lab=e2e-clab-dl');
    await page.getByRole('button', { name: 'Labs: e2e-clab-dl' }).click();
    const item = page.getByRole('menuitem', { name: 'Download as containerlab' });
    await expect(item).toBeDisabled();
    await expect(item).toHaveAttribute('title', /^fix the error first: a lab with errors is not exported \(checks\[0\]\.from: /);
  });

  test('Download as containerlab saves NAME.clab.yml, which imports back as the same lab', async ({ page }) => {
    const lab =
      'name: e2e-clab-dl\nnodes:\n  ck-a: { kind: netns }\n  ck-b: { kind: netns }\nlinks:\n  - endpoints: [{ node: ck-a, name: eth1, addresses: [10.252.1.1/24] }, { node: ck-b, name: eth1, addresses: [10.252.1.2/24] }]\n';
    expect((await page.request.post('/api/labs', { headers: auth, data: { text: lab } })).status()).toBe(201);
    await page.goto('/?lab=e2e-clab-dl');
    await page.getByRole('button', { name: 'Labs: e2e-clab-dl' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: 'Download as containerlab' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('e2e-clab-dl.clab.yml');
    const text = fs.readFileSync((await download.path())!, 'utf8');
    expect(text).toContain('kind: linux');
    expect(text).toContain('ip addr add 10.252.1.1/24 dev eth1');

    const back = await page.request.post('/api/import-clab', { headers: auth, data: { text } });
    expect(back.status()).toBe(200);
    const { topology } = (await back.json()) as { topology: { name: string; nodes: Record<string, unknown>; links: unknown[] } };
    expect(topology.name).toBe('e2e-clab-dl');
    expect(Object.keys(topology.nodes).sort()).toEqual(['ck-a', 'ck-b']);
    expect(topology.links).toHaveLength(1);
  });
});
