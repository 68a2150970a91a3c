import { expect, test } from '@playwright/test';
import { isRoot, node, nslab } from './helpers';

const LAB = `name: e2e-live
nodes:
  e2e-la: { kind: netns, position: { x: 40, y: 40 } }
  e2e-lb: { kind: netns, position: { x: 360, y: 40 } }
links:
  - endpoints: [{ node: e2e-la, name: eth0, addresses: [10.235.0.1/24] }, { node: e2e-lb, name: eth0, addresses: [10.235.0.2/24] }]
checks:
  - { from: e2e-la, ping: 10.235.0.2, ttl: 64 }
  - { in: e2e-lb, route: 10.235.0.0/24, dev: eth0 }
`;

test.describe('live tools on a deployed lab', () => {
  test.skip(!isRoot, 'terminals and tools need root');
  test.afterAll(() => {
    nslab('destroy', 'e2e-live');
  });

  test('a terminal in one namespace pings the other; Ping all shows every pair reachable', async ({ page }) => {
    expect((await page.request.post('/api/labs', { data: { text: LAB } })).status()).toBe(201);
    await page.goto('/?lab=e2e-live');
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 20_000 });

    await node(page, 'e2e-la').click();
    await page.getByRole('button', { name: 'Open terminal' }).click();
    const term = page.getByRole('region', { name: 'Terminal e2e-la' });
    await expect(term).toContainText('[e2e-live:e2e-la]');
    await term.click();
    await page.keyboard.type('ping -c1 10.235.0.2\n');
    await expect(term).toContainText('1 received', { timeout: 10_000 });

    await page.getByRole('button', { name: 'Ping all' }).click();
    const matrix = page.getByRole('table', { name: 'Reachability matrix' });
    await expect(matrix).toBeVisible({ timeout: 10_000 });
    await expect(matrix.locator('td.ok')).toHaveCount(4);
    await expect(matrix.locator('td.no')).toHaveCount(0);
    await page.getByRole('dialog', { name: 'Reachability' }).getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const checks = page.getByRole('dialog', { name: 'Check results' });
    await expect(checks).toContainText('all 2 checks pass', { timeout: 15_000 });
    await expect(checks).toContainText('e2e-la reaches 10.235.0.2 with TTL 64');
    await expect(node(page, 'e2e-la').locator('.node-checks.pass')).toBeVisible();
    await checks.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Close terminal e2e-la' }).click();
    await expect(term).toHaveCount(0);
  });
});
