import { expect, test } from '@playwright/test';
import { auth, isRoot, node, nslab } from './helpers';

// a ── r ── b: b is two hops from a.
const LAB = `name: e2e-trc
nodes:
  e2e-trc-a: { kind: netns, position: { x: 40, y: 40 }, routes: [{ to: default, via: 10.238.11.1 }] }
  e2e-trc-r: { kind: netns, position: { x: 300, y: 40 }, sysctls: { net.ipv4.ip_forward: 1 } }
  e2e-trc-b: { kind: netns, position: { x: 560, y: 40 }, routes: [{ to: default, via: 10.238.12.1 }] }
links:
  - endpoints: [{ node: e2e-trc-a, name: eth0, addresses: [10.238.11.2/24] }, { node: e2e-trc-r, name: eth0, addresses: [10.238.11.1/24] }]
  - endpoints: [{ node: e2e-trc-r, name: eth1, addresses: [10.238.12.1/24] }, { node: e2e-trc-b, name: eth0, addresses: [10.238.12.2/24] }]
`;

test.describe('traceroute in the inspector', () => {
  test.skip(!isRoot, 'tools need root');
  test.afterAll(() => {
    nslab('destroy', 'e2e-trc');
  });

  test('tracing from a namespace shows the router, then the destination', async ({ page }) => {
    expect((await page.request.post('/api/labs', { headers: auth, data: { text: LAB } })).status()).toBe(201);
    expect((await (await page.request.post('/api/labs/e2e-trc/deploy', { headers: auth, data: {} })).json()).ok).toBe(true);
    await page.goto('/?lab=e2e-trc');
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 20_000 });
    await node(page, 'e2e-trc-a').click();
    await page.getByLabel('Target').fill('10.238.12.2');
    await page.getByRole('button', { name: 'Traceroute', exact: true }).click();
    const out = page.getByLabel('Traceroute output');
    await expect(out).toContainText(/1\s+10\.238\.11\.1/, { timeout: 20_000 });
    await expect(out).toContainText(/\d\s+10\.238\.12\.2/, { timeout: 20_000 });
  });
});
