import { expect, test } from '@playwright/test';
import { auth, host, isRoot, node, nslab, freePort, OwnServer } from './helpers';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test.describe('the page never tells a state that is not true', () => {
  test.skip(!isRoot, 'deploying needs root');

  test('the page recovers by itself from a server restart: unreachable while down, fresh status and plan when back', async ({ page }) => {
    const server = new OwnServer(await freePort());
    const lab = 'name: e2e-restart\nnodes:\n  e2e-rs-a: { kind: netns, position: { x: 80, y: 80 } }\n';
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-e2e-')), 'lab.yaml');
    fs.writeFileSync(file, lab);
    try {
      await server.start();
      expect((await page.request.post(`${server.url}/api/labs`, { headers: auth, data: { text: lab } })).status()).toBe(201);
      await page.goto(server.login('/?lab=e2e-restart'));
      const status = page.getByRole('status', { name: 'Lab status' });
      const plan = page.getByRole('region', { name: 'Plan' });
      await expect(status).toHaveText('Not deployed');
      await expect(plan).toContainText('ip netns add e2e-rs-a');

      await server.kill('SIGKILL');
      await expect(page.getByRole('alert').filter({ hasText: 'Server unreachable' })).toBeVisible();
      await expect(status).toHaveText('Server unreachable');
      await expect(page.getByRole('button', { name: 'Deploy', exact: true })).toBeDisabled();

      // While it is down, the lab is deployed from the command line: the page must learn it.
      expect(nslab('deploy', file)).toContain('deployed lab e2e-restart');
      await server.start();
      await expect(page.getByRole('alert').filter({ hasText: 'Server unreachable' })).toHaveCount(0, { timeout: 15_000 });
      await expect(status).toHaveText('Deployed');
      await expect(plan).toContainText('Nothing to do');
      await expect(page.getByRole('button', { name: 'Deploy', exact: true })).toBeEnabled();
    } finally {
      nslab('destroy', 'e2e-restart');
      await server.kill();
    }
  });

  test('reloading during a long deploy shows it running, then Deployed, with Deploy and Destroy usable again', async ({ page }) => {
    const n = 150;
    const lines = ['name: e2e-long', 'nodes:', '  e2e-lg-br: { kind: bridge, addresses: [10.230.0.1/22], position: { x: 40, y: 40 } }'];
    for (let i = 0; i < n; i++)
      lines.push(`  e2e-lg-${i}: { kind: netns, position: { x: ${40 + (i % 15) * 120}, y: ${160 + Math.floor(i / 15) * 90} } }`);
    lines.push('links:');
    for (let i = 0; i < n; i++)
      lines.push(
        `  - endpoints: [{ node: e2e-lg-${i}, name: eth0, addresses: [10.230.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}/22] }, { node: e2e-lg-br, name: e2e-lgv${i} }]`,
      );
    try {
      expect((await page.request.post('/api/labs', { headers: auth, data: { text: `${lines.join('\n')}\n` } })).status()).toBe(201);
      await page.goto('/?lab=e2e-long');
      const status = page.getByRole('status', { name: 'Lab status' });
      await page.getByRole('button', { name: 'Deploy', exact: true }).click();
      await expect(status).toHaveText(/Deploying…|Deployed/); // a fast machine may be done before a look
      await page.reload();
      // The server is busy deploying 150 namespaces on two cores: the reloaded page may take a while to load.
      await expect(status).toHaveText(/Deploying…|Deployed/, { timeout: 30_000 });
      await expect(status).toHaveText('Deployed', { timeout: 60_000 });
      await expect(page.getByRole('button', { name: 'Deploy', exact: true })).toBeEnabled();
      await expect(page.getByRole('button', { name: 'Destroy', exact: true })).toBeEnabled();

      await page.getByRole('button', { name: 'Destroy', exact: true }).click();
      await expect(status).toHaveText('Not deployed', { timeout: 60_000 });
      await expect(page.getByRole('button', { name: 'Deploy', exact: true })).toBeEnabled();
      expect(host('ip', 'netns', 'list')).not.toMatch(/e2e-lg-/);
    } finally {
      nslab('destroy', 'e2e-long');
    }
  });

  test('Failed ends once the host matches the design again, and terminals work on namespaces that exist', async ({ page }) => {
    const good = `name: e2e-fail
nodes:
  host: { kind: host, position: { x: 40, y: 40 } }
  e2e-fl-a: { kind: netns, position: { x: 300, y: 40 } }
links:
  - endpoints: [{ node: e2e-fl-a, name: eth0, addresses: [10.229.0.2/24] }, { node: host, name: e2e-fl-h, addresses: [10.229.0.1/24] }]
`;
    // Someone else's interface already routes 10.229.9.0/24: the lab's route to it will collide.
    host('ip', 'link', 'add', 'e2e-flf', 'type', 'veth', 'peer', 'name', 'e2e-flf2');
    host('ip', 'link', 'set', 'e2e-flf', 'up');
    host('ip', 'route', 'add', '10.229.9.0/24', 'dev', 'e2e-flf');
    try {
      expect((await page.request.post('/api/labs', { headers: auth, data: { text: good } })).status()).toBe(201);
      await page.goto('/?lab=e2e-fail');
      const status = page.getByRole('status', { name: 'Lab status' });
      const plan = page.getByRole('region', { name: 'Plan' });
      await page.getByRole('button', { name: 'Deploy', exact: true }).click();
      await expect(status).toHaveText('Deployed', { timeout: 20_000 });

      const rev = (await (await page.request.get('/api/labs/e2e-fail', { headers: auth })).json()).rev as number;
      const bad = good.replace(
        '  host: { kind: host, position: { x: 40, y: 40 } }',
        '  host: { kind: host, position: { x: 40, y: 40 }, routes: [{ to: 10.229.9.0/24, via: 10.229.0.2 }] }',
      );
      expect((await page.request.put('/api/labs/e2e-fail', { headers: auth, data: { text: bad, baseRev: rev } })).status()).toBe(200);
      await expect(plan).toContainText('route add 10.229.9.0/24 via 10.229.0.2');
      await page.getByRole('button', { name: 'Deploy', exact: true }).click();
      await expect(status).toHaveText('Failed', { timeout: 20_000 });
      await expect(page.locator('.progress-text')).toContainText('File exists');
      // The namespace is still there (the failed deploy rolled back only what it did): its terminal works.
      await node(page, 'e2e-fl-a').click();
      await expect(page.getByRole('button', { name: 'Open terminal' })).toBeEnabled();

      // Fix the lab back: the host matches it, so it is Deployed, not Failed.
      expect((await page.request.put('/api/labs/e2e-fail', { headers: auth, data: { text: good, baseRev: rev + 1 } })).status()).toBe(200);
      await expect(page.getByLabel('Lab YAML')).not.toHaveValue(/routes/); // the page follows the save made elsewhere
      await expect(plan).toContainText('Nothing to do');
      await expect(status).toHaveText('Deployed');
      await node(page, 'e2e-fl-a').click();
      await expect(page.getByRole('button', { name: 'Open terminal' })).toBeEnabled();
    } finally {
      nslab('destroy', 'e2e-fail');
      host('ip', 'link', 'del', 'e2e-flf');
    }
  });
});
