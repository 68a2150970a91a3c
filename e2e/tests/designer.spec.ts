import { expect, test } from '@playwright/test';
import { connectNodes, dropFromPalette, host, isRoot, node, nslab, openNewLab } from './helpers';

test.describe('drawing a lab', () => {
  test.afterAll(() => {
    nslab('destroy', 'e2e-draw');
  });

  test('dragging two namespaces and a bridge, connecting them, and deploying makes them real', async ({ page }, testInfo) => {
    await openNewLab(page, 'e2e-draw');
    await dropFromPalette(page, 'Namespace', 150, 60);
    await dropFromPalette(page, 'Namespace', 520, 60);
    await dropFromPalette(page, 'Bridge', 340, 250);
    await expect(page.locator('.react-flow__node')).toHaveCount(3);

    // Give the namespaces names of their own (the host is shared), through the inspector.
    await node(page, 'ns1').click();
    await page.getByLabel('Name', { exact: true }).fill('e2e-red');
    await node(page, 'ns2').click();
    await page.getByLabel('Name', { exact: true }).fill('e2e-blue');
    await node(page, 'br0').click();
    await page.getByLabel('Name', { exact: true }).fill('e2e-br');

    await connectNodes(page, 'e2e-red', 'e2e-br');
    await connectNodes(page, 'e2e-blue', 'e2e-br');
    await expect(page.locator('.react-flow__edge-veth')).toHaveCount(2);

    await node(page, 'e2e-red').click();
    await page.getByLabel('Addresses').fill('10.233.0.2/24');
    await node(page, 'e2e-blue').click();
    await page.getByLabel('Addresses').fill('10.233.0.3/24');

    const plan = page.getByRole('region', { name: 'Plan' });
    await expect(plan).toContainText('ip netns add e2e-red');
    await expect(plan).toContainText('ip link add name e2e-br type bridge');
    await expect(plan).toContainText('ip -n e2e-blue addr add 10.233.0.3/24 dev eth0');
    await page.screenshot({ path: testInfo.outputPath('drawn-lab.png') });
    await testInfo.attach('drawn lab', { path: testInfo.outputPath('drawn-lab.png'), contentType: 'image/png' });

    test.skip(!isRoot, 'deploying needs root');
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 20_000 });
    await expect(plan).toContainText('Nothing to do');
    expect(host('ip', 'netns', 'list')).toMatch(/e2e-red/);
    expect(host('ip', 'netns', 'list')).toMatch(/e2e-blue/);
    expect(host('ip', 'netns', 'exec', 'e2e-red', 'ping', '-c1', '-W2', '10.233.0.3')).toContain('1 received');

    await page.getByRole('button', { name: 'Destroy', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Not deployed', { timeout: 20_000 });
    expect(host('ip', 'netns', 'list')).not.toMatch(/e2e-(red|blue)/);
  });
});

test.describe('editing', () => {
  test('the YAML view and the canvas follow each other', async ({ page }) => {
    await openNewLab(page, 'e2e-yaml');
    await dropFromPalette(page, 'Namespace', 300, 100);
    const yaml = page.getByLabel('Lab YAML');
    await expect(yaml).toHaveValue(/ns1: \{ kind: netns/);
    const text = await yaml.inputValue();
    await yaml.fill(text.replace('nodes:\n', 'nodes:\n  from-yaml: { kind: netns, position: { x: 40, y: 40 } }\n'));
    await expect(node(page, 'from-yaml')).toBeVisible();
  });

  test('a validation error shows on the node and on its field, with the message', async ({ page }) => {
    await openNewLab(page, 'e2e-invalid');
    await dropFromPalette(page, 'Namespace', 150, 60);
    await dropFromPalette(page, 'Namespace', 450, 200);
    await connectNodes(page, 'ns1', 'ns2');
    await node(page, 'ns1').click();
    await page.getByLabel('Addresses').fill('10.0.0.300/24');
    await expect(node(page, 'ns1').locator('.node-errors')).toBeVisible();
    await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText('"10.0.0.300/24" is not an address');
    await expect(page.getByRole('region', { name: 'Plan' })).toContainText('links[0].endpoints[0].addresses[0]');
  });

  test('undo and redo an added node with the keyboard', async ({ page }) => {
    await openNewLab(page, 'e2e-undo');
    await dropFromPalette(page, 'Namespace', 150, 80);
    await dropFromPalette(page, 'Namespace', 450, 80);
    await expect(page.locator('.react-flow__node')).toHaveCount(2);
    await page.locator('.react-flow__pane').click({ position: { x: 50, y: 50 } });
    await page.keyboard.press('Control+z');
    await expect(page.locator('.react-flow__node')).toHaveCount(1);
    await page.keyboard.press('Control+Shift+z');
    await expect(page.locator('.react-flow__node')).toHaveCount(2);
    await node(page, 'ns2').click();
    await page.keyboard.press('Delete');
    await expect(page.locator('.react-flow__node')).toHaveCount(1);
  });

  test('a template opens as a laid-out lab, with a bridge drawn inside its namespace', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Templates' }).click();
    await page.getByRole('menuitem', { name: /two-nodes/ }).click();
    await expect(page.getByRole('button', { name: /Labs: two-nodes/ })).toBeVisible();
    await expect(page.locator('.react-flow__node')).toHaveCount(6);
    const parent = await node(page, 'node1').boundingBox();
    const child = await node(page, 'br-node1').boundingBox();
    expect(child!.x).toBeGreaterThan(parent!.x);
    expect(child!.y + child!.height).toBeLessThan(parent!.y + parent!.height + 1);
  });

  test('the exercises are a group of their own in the Templates menu, and open as labs', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Templates' }).click();
    const exercises = page.getByRole('group', { name: 'Exercises' });
    await expect(exercises.getByRole('menuitem', { name: /forward-drop/ })).toBeVisible();
    await expect(exercises.getByRole('menuitem', { name: /two-nodes/ })).toHaveCount(0);
    await exercises.getByRole('menuitem', { name: /mtu-mismatch/ }).click();
    await expect(page.getByRole('button', { name: /Labs: mtu-mismatch/ })).toBeVisible();
    await expect(page.locator('.react-flow__node')).toHaveCount(3);
  });

  test('every save is a revision that can be restored', async ({ page }) => {
    await openNewLab(page, 'e2e-history');
    await dropFromPalette(page, 'Namespace', 200, 100);
    await expect(page.getByText('saved', { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'History', exact: true }).click();
    const history = page.getByRole('dialog', { name: 'History' });
    await history.getByRole('list', { name: 'Revisions' }).getByRole('button', { name: /^#1/ }).click();
    await history.getByRole('button', { name: 'Restore #1' }).click();
    await expect(page.locator('.react-flow__node')).toHaveCount(0);
  });

  test("pasting a seed's commands into Import script draws the lab", async ({ page }) => {
    await page.goto('/');
    await page.getByRole('button', { name: /^Labs/ }).click();
    await page.getByRole('menuitem', { name: 'Import script…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import script' });
    await dialog.getByLabel('Lab name').fill('e2e-imported');
    await dialog
      .getByLabel('Shell commands')
      .fill(
        [
          'ip netns add red',
          'ip netns add blue',
          'ip link add veth-red type veth peer name veth-blue',
          'ip link set veth-red netns red',
          'ip link set veth-blue netns blue',
          'ip netns exec red ip addr add 192.168.100.2/24 dev veth-red',
          'ip netns exec blue ip addr add 192.168.100.3/24 dev veth-blue',
          'ip netns exec red ping -c1 192.168.100.3',
          'frobnicate',
        ].join('\n'),
      );
    await dialog.getByRole('button', { name: 'Read commands' }).click();
    await expect(dialog).toContainText('2 nodes, 1 link; 1 warning, 1 command skipped');
    await expect(dialog.getByRole('list', { name: 'Import warnings' })).toContainText('line 9');
    await dialog.getByRole('button', { name: 'Create lab' }).click();
    await expect(page.getByRole('button', { name: 'Labs: e2e-imported' })).toBeVisible();
    await expect(node(page, 'red')).toBeVisible();
    await expect(node(page, 'blue')).toContainText('192.168.100.3/24');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export script' }).click()]);
    const script = await (await import('node:fs')).promises.readFile((await download.path())!, 'utf8');
    expect(script).toContain('set -euo pipefail');
    expect(script).toContain('ip link add veth-red netns red type veth peer name veth-blue netns blue');
  });
});
