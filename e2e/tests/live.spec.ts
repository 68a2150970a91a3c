import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { auth, host, isRoot, node, nslab } from './helpers';

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
    expect((await page.request.post('/api/labs', { headers: auth, data: { text: LAB } })).status()).toBe(201);
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

  test('the inspector pings and traces a path; a link capture streams what crosses it', async ({ page }) => {
    await page.request.post('/api/labs', { headers: auth, data: { text: LAB } }); // 409 when the test above made it already
    expect((await (await page.request.post('/api/labs/e2e-live/deploy', { headers: auth, data: {} })).json()).ok).toBe(true);
    await page.goto('/?lab=e2e-live');
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 20_000 });
    await node(page, 'e2e-la').click();
    await page.getByLabel('Target').fill('10.235.0.2');
    await page.getByRole('button', { name: 'Ping', exact: true }).click();
    await expect(page.getByLabel('Ping output')).toContainText('3 received', { timeout: 10_000 });
    await page.getByRole('button', { name: 'Path', exact: true }).click();
    await expect(page.getByRole('list', { name: 'Path' })).toContainText('delivers to 10.235.0.2 on the same segment');
    await page.getByRole('button', { name: 'ip route' }).click();
    // Readable text first, as `ip route` prints it; the JSON on demand.
    await expect(page.getByLabel('ip route')).toContainText('10.235.0.0/24 dev eth0');
    await page.getByRole('checkbox', { name: 'JSON' }).check();
    await expect(page.getByLabel('ip route')).toContainText('"dst": "10.235.0.0/24"');

    await page.locator('.react-flow__edge-veth').first().click({ force: true });
    await page.getByRole('button', { name: 'Capture on eth0' }).first().click();
    const capture = page.getByRole('region', { name: /^Capture e2e-l[ab] eth0$/ });
    await expect(capture).toBeVisible();
    await expect(capture).toContainText('listening on eth0', { timeout: 10_000 }); // tcpdump is ready
    host('ip', 'netns', 'exec', 'e2e-la', 'ping', '-c', '2', '-i', '0.2', '10.235.0.2');
    await expect(capture).toContainText('10.235.0.1 > 10.235.0.2: ICMP echo request', { timeout: 10_000 });
    await capture.getByRole('button', { name: 'Stop' }).click();
    await expect(capture.getByRole('button', { name: 'Stop' })).toBeDisabled();

    // Stopped, the capture stays downloadable while its tab is open (the download sends the token, a link could not).
    const downloading = page.waitForEvent('download');
    await capture.getByRole('button', { name: 'Download .pcap' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^capture-[\w-]{8}\.pcap$/);
    const magic = fs
      .readFileSync((await download.path())!)
      .subarray(0, 4)
      .toString('hex');
    expect(['d4c3b2a1', 'a1b2c3d4', '4d3cb2a1', 'a1b23c4d']).toContain(magic); // pcap, either byte order, µs or ns
  });
});
