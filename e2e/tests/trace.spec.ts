import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { auth, isRoot, node, nslab } from './helpers';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the pods and the host are drawn: a V, the host below, so the path reads left to right. */
const AT: Record<string, string> = { ns1: '{ x: 0, y: 0 }', ns2: '{ x: 480, y: 0 }', host: '{ x: 240, y: 200 }' };

/**
 * A seed lab as this spec's own: lab `name`, namespaces prefixed `prefix`,
 * and host-side interfaces and addresses of its own (the seeds' `veth-ns1`
 * and 172.30.30.0/24 live in the host namespace, where a copy of the seed
 * deployed by someone else would clash with them); its nodes placed as AT says.
 */
function seedCopy(file: string, name: string, prefix: string, subnet: string): string {
  return fs
    .readFileSync(path.resolve(here, '../../labs', file), 'utf8')
    .replace(/^name: .*$/m, `name: ${name}\nprefix: ${prefix}`)
    .replace(/\bveth-ns(\d)\b(?!-pod)/g, `${prefix}h$1`)
    .replaceAll('172.30.30.', subnet)
    .replace(
      /^ {2}(ns\d|host): \{ kind: (netns|host)(?:, position: \{[^}]*\})? \}$/gm,
      (_, n: string, k: string) => `  ${n}: { kind: ${k}, position: ${AT[n]} }`,
    )
    .replace(/^ {2}host:\n {4}kind: host$/m, `  host:\n    kind: host\n    position: ${AT.host}`);
}

const L3 = { name: 'e2etr-l3', text: seedCopy('03-l3-only.yaml', 'e2etr-l3', 'e2etr3-', '10.227.3.') };
const PROXY = { name: 'e2etr-parp', text: seedCopy('04-proxy-arp.yaml', 'e2etr-parp', 'e2etr4-', '10.227.4.') };

/** Saves and deploys a lab through the API, then opens it in the designer. */
async function deployed(page: Page, lab: { name: string; text: string }): Promise<void> {
  const created = await page.request.post('/api/labs', { headers: auth, data: { text: lab.text } });
  expect([201, 409]).toContain(created.status()); // 409: a retry finds it made
  const r = await page.request.post(`/api/labs/${lab.name}/deploy`, { headers: auth, data: {} });
  expect((await r.json()).ok).toBe(true);
  await page.goto(`/?lab=${lab.name}`);
  await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 20_000 });
}

/** "Hop 2 of 3" → [2, 3]. */
async function hopCount(page: Page): Promise<[number, number]> {
  const m = /Hop (\d+) of (\d+)/.exec((await page.getByRole('region', { name: 'Trace' }).locator('.trace-count').textContent()) ?? '');
  return [Number(m?.[1]), Number(m?.[2])];
}

async function shot(page: Page, file: string): Promise<void> {
  // NSLAB_SHOTS=DIR: the canvas as a classroom sees it, for the docs.
  if (process.env.NSLAB_SHOTS) await page.screenshot({ path: path.join(process.env.NSLAB_SHOTS, file) });
}

test.describe('canvas trace', () => {
  test.skip(!isRoot, 'tracing a deployed lab needs root');
  test.use({ viewport: { width: 1440, height: 900 } });
  test.afterAll(() => {
    nslab('destroy', L3.name);
    nslab('destroy', PROXY.name);
  });

  test('tracing to a pod on another L2 segment ends red where ARP fails, with the verdict', async ({ page }) => {
    await deployed(page, L3);
    await node(page, 'ns1').click();
    await page.getByRole('button', { name: 'Trace', exact: true }).click();
    const banner = page.getByRole('form', { name: 'Trace from ns1' });
    await expect(banner).toContainText('Trace from ns1: click the destination node, or type an address');
    await expect(banner.getByLabel('Port')).toHaveCount(0); // ICMP has none
    await banner.getByLabel('Protocol').selectOption('udp');
    await expect(banner.getByLabel('Port')).toBeVisible();
    await banner.getByLabel('Protocol').selectOption('icmp');
    await page.keyboard.press('Escape'); // leaves pick mode, back to ns1's inspector…
    await expect(banner).toHaveCount(0);
    await page.getByRole('button', { name: 'Trace', exact: true }).click(); // …where Trace enters it again

    await node(page, 'ns2').click(); // picks the destination, and traces at once
    await expect(banner).toHaveCount(0);
    const panel = page.getByRole('region', { name: 'Trace' });
    const verdict = panel.getByRole('status', { name: 'Trace verdict' });
    await expect(verdict).toContainText('10.227.3.12');
    await expect(verdict).toHaveClass(/verdict-dropped/);
    await expect(panel.getByRole('list', { name: 'Hops' }).getByRole('listitem').last()).toContainText('drops');

    // The playback reaches the drop: its node turns red with the verdict beside it.
    const dropAt = page.locator('.react-flow__node.trace-drop');
    await expect(dropAt).toHaveCount(1, { timeout: 10_000 });
    await expect(dropAt.getByRole('note')).toHaveText(`✗ ${(await verdict.textContent())!.replace(/^✗ /, '')}`);
    await shot(page, 'trace-dropped.png');

    await panel.getByRole('button', { name: 'Previous hop' }).click();
    await expect(dropAt).toHaveCount(0);
    await page.keyboard.press('ArrowRight');
    await expect(dropAt).toHaveCount(1);

    await panel.getByRole('button', { name: 'Clear trace' }).click();
    await expect(panel).toHaveCount(0);
    await expect(page.locator('.react-flow__node[class*="trace-"]')).toHaveCount(0);
    await expect(page.getByRole('complementary', { name: 'Inspector' }).getByRole('form', { name: 'ns1 settings' })).toBeVisible();
  });

  test('tracing through proxy ARP lights the path hop by hop, delivered with TTL 63', async ({ page }) => {
    await deployed(page, PROXY);
    await node(page, 'ns1').click();
    await page.getByRole('button', { name: 'Trace', exact: true }).click();
    const banner = page.getByRole('form', { name: 'Trace from ns1' });
    await banner.getByLabel('Destination').fill('10.227.4.12');
    await banner.getByLabel('Live probe').check();
    await banner.getByRole('button', { name: 'Run trace' }).click();

    const panel = page.getByRole('region', { name: 'Trace' });
    await expect(panel.getByRole('status', { name: 'Trace verdict' })).toHaveClass(/verdict-delivered/, { timeout: 20_000 });
    await expect(panel).toContainText('Live probe:');
    const delivered = node(page, 'ns2');
    await expect(delivered).toHaveClass(/trace-deliver/, { timeout: 10_000 });
    await expect(page.locator('.react-flow__edge.trace-link')).toHaveCount(2);
    const hops = panel.getByRole('list', { name: 'Hops' }).getByRole('listitem');
    const arrival = hops.filter({ hasText: 'ns2 delivers' });
    await expect(arrival).toHaveAttribute('class', /decisive/);
    await expect(arrival.locator('dt:text-is("TTL") + dd')).toHaveText('63'); // one router on the way
    await expect(panel).toContainText('The reply, back to ns1');
    // The playback goes on with the reply, back to ns1, and stops at its last hop.
    await expect(panel.getByRole('button', { name: 'Next hop' })).toBeDisabled({ timeout: 10_000 });
    const [shown, total] = await hopCount(page);
    expect(shown).toBe(total);

    // A hop picked in the list is the one shown: the path lit up to it, its detail opened.
    await arrival.getByRole('button').click();
    await expect(arrival).toHaveAttribute('aria-current', 'step');
    await expect(arrival).toContainText('packet');
    await expect(node(page, 'ns2')).toHaveClass(/trace-current/);
    await shot(page, 'trace-delivered.png');

    // Back to the first hop, then forward one hop at a time, by button and by key.
    for (let i = 1; i < 3; i++) await panel.getByRole('button', { name: 'Previous hop' }).click();
    expect(await hopCount(page)).toEqual([1, total]);
    await expect(node(page, 'ns1')).toHaveClass(/trace-current/);
    await expect(page.locator('.react-flow__edge.trace-link')).toHaveCount(0);
    await expect(delivered).not.toHaveClass(/trace-deliver/);
    await panel.getByRole('button', { name: 'Next hop' }).click();
    await expect(page.locator('.react-flow__edge.trace-link')).toHaveCount(1);
    await expect(hops.nth(1)).toHaveAttribute('aria-current', 'step');
    for (let i = 2; i < total; i++) await page.keyboard.press('ArrowRight');
    await expect(delivered).toHaveClass(/trace-deliver/);
    await expect(panel.getByRole('button', { name: 'Next hop' })).toBeDisabled();

    // A node on the path, clicked, shows its hop.
    await node(page, 'ns1').click();
    expect(await hopCount(page)).toEqual([1, total]);
  });
});
