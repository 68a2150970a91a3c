import { expect, test } from '@playwright/test';
import { auth, isRoot, node, nslab } from './helpers';

// Two namespaces and a bridge with a port: the macvlans are added in the inspector, not in the file.
const LAB = `name: e2e-mv
nodes:
  e2e-mvbr: { kind: bridge, position: { x: 300, y: 20 } }
  e2e-mv-a: { kind: netns, position: { x: 40, y: 220 } }
  e2e-mv-b: { kind: netns, position: { x: 300, y: 220 } }
  e2e-mv-c: { kind: netns, position: { x: 560, y: 220 } }
links:
  - endpoints: [{ node: e2e-mvbr, name: e2e-mvc0 }, { node: e2e-mv-c, name: eth0, addresses: [10.238.21.3/24] }]
`;

test.describe('macvlan in the inspector', () => {
  test.skip(!isRoot, 'deploys a lab');
  test.afterAll(() => {
    nslab('destroy', 'e2e-mv');
  });

  test('a macvlan added on a namespace shows in the YAML and on the canvas, deploys, and reaches its sibling', async ({ page }) => {
    expect((await page.request.post('/api/labs', { headers: auth, data: { text: LAB } })).status()).toBe(201);
    await page.goto('/?lab=e2e-mv');
    for (const [ns, name, ip] of [
      ['e2e-mv-a', 'mva', '10.238.21.1/24'],
      ['e2e-mv-b', 'mvb', '10.238.21.2/24'],
    ] as const) {
      await node(page, ns).click();
      await page.getByRole('button', { name: 'Add macvlan' }).click();
      const row = page.getByRole('group', { name: 'macvlan 1' });
      // A new row asks for its parent before anything else.
      await expect(row).toContainText('choose its parent');
      await row.getByLabel('Macvlan interface').fill(name);
      await row.getByLabel('Parent').selectOption('e2e-mvbr');
      await row.getByLabel('Macvlan IPs').fill(ip);
      await expect(page.getByText(`macvlan ${name}`)).toBeVisible();
    }
    await expect(page.getByRole('textbox', { name: 'Lab YAML' })).toHaveValue(
      /macvlans:\s*\[\s*\{ name: mvb, parent: e2e-mvbr, addresses:\s*\[\s*10\.238\.21\.2\/24\s*\] \}/,
    );
    await page.getByRole('button', { name: 'Deploy' }).click();
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 20_000 });
    await node(page, 'e2e-mv-a').click();
    await page.getByLabel('Target').fill('10.238.21.2');
    await page.getByRole('button', { name: 'Ping', exact: true }).click();
    await expect(page.getByLabel('Ping output')).toContainText('bytes from 10.238.21.2', { timeout: 20_000 });
  });
});
