import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { auth, node } from './helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const seeds = path.resolve(here, '../../../shared/seeds');
const seed = (prefix: string) =>
  fs.readFileSync(
    path.join(
      seeds,
      fs.readdirSync(seeds).find((f) => f.startsWith(prefix))!,
    ),
    'utf8',
  );

async function readInImporter(page: Page, text: string) {
  await page.goto('/');
  await page.getByRole('button', { name: /^Labs/ }).first().click();
  await page.getByRole('menuitem', { name: 'Import script…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import script' });
  await dialog.getByLabel('Shell commands').fill(text);
  await dialog.getByRole('button', { name: 'Read commands' }).click();
  return dialog;
}

test.describe('Import script', () => {
  const created: string[] = [];
  test.afterEach(async ({ request }) => {
    for (const name of created.splice(0)) await request.delete(`/api/labs/${name}`, { headers: auth });
  });

  test.skip(!fs.existsSync(seeds), 'the seed documents are not here');

  test('pasting seed 03 whole offers its four scenarios; creating one draws it', async ({ page }) => {
    const dialog = await readInImporter(page, seed('03'));
    const scenarios = dialog.getByRole('list', { name: 'Scenarios' });
    await expect(scenarios.getByRole('region')).toHaveCount(4);
    for (const title of [
      'One pod: container to container connection',
      '2 nodes, 2 pods, 2 containers — On the 1st Node',
      '2 nodes, 2 pods, 2 containers — On the 2nd Node',
    ])
      await expect(scenarios.getByRole('region', { name: title })).toBeVisible();
    const pods = scenarios.getByRole('region', { name: '2 pods, one node: connecting container in pod1 to the container in pod2' });
    await expect(pods).toContainText(/(This is|Drawn like) the template one-node-pods/);
    await expect(pods).toContainText(/1 check(\(s\))? from its pings/);
    await expect(pods.getByRole('list', { name: 'Import warnings' })).toContainText('wlo1 is not an interface of this host');
    // The diagrams are left out quietly: no warning quotes their art.
    await expect(dialog.getByRole('list', { name: 'Import warnings' }).filter({ hasText: '[ns_pod' })).toHaveCount(0);
    await expect(pods.getByLabel('Lab name')).toHaveValue('pods-one-node');
    await pods.getByRole('button', { name: 'Create lab' }).click();
    created.push('pods-one-node');
    await expect(pods.getByRole('button', { name: 'Created pods-one-node' })).toBeDisabled();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByRole('button', { name: 'Labs: pods-one-node' })).toBeVisible();
    await expect(node(page, 'br1')).toBeVisible();
    await expect(node(page, 'ns_pod1')).toContainText('10.0.0.1/24');
    await expect(node(page, 'ns_pod2')).toContainText('10.0.0.2/24');
  });

  test('a scenario with errors says so on its button; one with nothing to draw cannot be created', async ({ page }) => {
    const dialog = await readInImporter(page, seed('05'));
    const scenarios = dialog.getByRole('list', { name: 'Scenarios' });
    const vxlan = scenarios.getByRole('region', { name: 'VXLAN Overlay Network — part 1' });
    await expect(vxlan.getByRole('list', { name: 'Lab errors' })).toContainText('no bridge node named "cbr0"');
    await expect(vxlan.getByRole('button', { name: 'Create lab (has 1 error)' })).toBeEnabled();
    await expect(
      scenarios.getByRole('region', { name: 'IP-in-IP Overlay Network' }).getByRole('button', { name: 'Create lab' }),
    ).toBeDisabled();
    await expect(scenarios.getByRole('region', { name: 'Single-Host Net' })).toContainText(
      /(This is|Drawn like) the template port-publishing/,
    );
  });

  test('plain commands with one prompted ping at the end make the lab, and the ping its check', async ({ page }) => {
    const dialog = await readInImporter(
      page,
      [
        'ip netns add h14c-a',
        'ip netns add h14c-b',
        'ip link add va netns h14c-a type veth peer name vb netns h14c-b',
        'ip -n h14c-a addr add 10.77.0.1/24 dev va',
        'ip -n h14c-b addr add 10.77.0.2/24 dev vb',
        'root@host:~# ip netns exec h14c-a ping -c1 10.77.0.2',
      ].join('\n'),
    );
    await expect(dialog).toContainText('2 nodes, 1 link; 0 warnings, 1 command skipped because it only looks. 1 check from its pings.');
    await dialog.getByLabel('Lab name').fill('h14c-mix');
    await dialog.getByRole('button', { name: 'Create lab' }).click();
    created.push('h14c-mix');
    await expect(page.getByRole('button', { name: 'Labs: h14c-mix' })).toBeVisible();
    await expect(node(page, 'h14c-b')).toContainText('10.77.0.2/24');
  });
});
