import { expect, test, type Locator, type Page } from '@playwright/test';
import { auth, host, isRoot, node, nslab } from './helpers';

// Names of this file's own: labs h14b-*, namespaces h14b-*, addresses in 10.251.16.0/20.
const LIVE = `name: h14b-ws
nodes:
  h14b-wa: { kind: netns, position: { x: 40, y: 40 } }
  h14b-wb: { kind: netns, position: { x: 360, y: 40 } }
links:
  - endpoints: [{ node: h14b-wa, name: eth0, addresses: [10.251.16.1/24] }, { node: h14b-wb, name: eth0, addresses: [10.251.16.2/24] }]
`;
const DRAWING = `name: h14b-draw
nodes:
  h14b-d1: { kind: netns, position: { x: 0, y: 0 } }
  h14b-d2: { kind: netns, position: { x: 900, y: 0 } }
  h14b-d3: { kind: netns, position: { x: 450, y: 500 } }
links: []
`;

async function createLab(page: Page, text: string): Promise<void> {
  const r = await page.request.post('/api/labs', { headers: auth, data: { text } });
  expect([201, 409]).toContain(r.status()); // 409: an earlier test made it
}

/** The page fits the window: nothing to scroll. */
async function expectNoPageScroll(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.scrollingElement!.scrollHeight, inner: innerHeight }));
  expect(scroll).toBeLessThanOrEqual(inner);
}

/** What `stty size` prints in a terminal: its rows and columns as the shell sees them. */
async function terminalSize(page: Page, term: Locator): Promise<{ rows: number; cols: number }> {
  const marker = `size-${Date.now()}`;
  await term.click();
  await page.keyboard.type(`echo ${marker} $(stty size)\n`);
  const line = term.locator('.xterm-rows > div').filter({ hasText: new RegExp(`^${marker}\\s+\\d+\\s+\\d+`) });
  await expect(line).toHaveCount(1);
  const [, rows, cols] = (await line.innerText()).trim().split(/\s+/);
  return { rows: Number(rows), cols: Number(cols) };
}

async function openTerminal(page: Page, name: string): Promise<Locator> {
  await node(page, name).click();
  await page.getByRole('button', { name: 'Open terminal' }).click();
  const term = page.getByRole('region', { name: `Terminal ${name}` });
  await expect(term).toContainText(`[h14b-ws:${name}]`);
  return term;
}

/** The canvas's zoom, from React Flow's viewport transform. */
async function zoom(page: Page): Promise<number> {
  return page.locator('.react-flow__viewport').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);
}

test.describe('the workspace fits the window', () => {
  test('the page never scrolls at 1280x720 or 1920x1080', async ({ page }) => {
    await createLab(page, DRAWING);
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      await page.goto('/?lab=h14b-draw');
      await expect(node(page, 'h14b-d3')).toBeVisible();
      await expectNoPageScroll(page);
      await page.getByRole('button', { name: 'Maximise dock' }).click();
      await expectNoPageScroll(page);
      await page.getByRole('button', { name: 'Restore dock' }).click();
    }
  });

  test('the canvas fits the drawing again when the window is resized, unless zoomed by hand', async ({ page }) => {
    await createLab(page, DRAWING);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/?lab=h14b-draw');
    await expect(node(page, 'h14b-d3')).toBeVisible();
    await expect.poll(() => zoom(page)).toBeLessThan(1);
    const small = await zoom(page);

    await page.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(() => zoom(page)).toBeGreaterThan(small * 1.2);
    const pane = (await page.locator('.react-flow').boundingBox())!;
    for (const n of ['h14b-d1', 'h14b-d2', 'h14b-d3']) {
      const box = (await node(page, n).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(pane.x);
      expect(box.x + box.width).toBeLessThanOrEqual(pane.x + pane.width);
      expect(box.y + box.height).toBeLessThanOrEqual(pane.y + pane.height);
    }

    // Zoomed by hand: the view stays where the user put it…
    const fitted = await zoom(page);
    await page.getByRole('button', { name: 'Zoom In' }).click();
    await expect.poll(() => zoom(page)).toBeGreaterThan(fitted);
    const chosen = await zoom(page);
    const settled = () => page.evaluate(() => Number((document.querySelector('.react-flow') as HTMLElement).dataset.resizesSettled ?? 0));
    const before = await settled();
    await page.setViewportSize({ width: 1280, height: 720 });
    // The canvas marks each size change it has settled (fitted or, here, left alone): wait for that, not for a clock.
    await expect.poll(settled).toBeGreaterThan(before);
    expect(await zoom(page)).toBeCloseTo(chosen, 3);
    // …until they ask for a fit again.
    await page.getByRole('button', { name: 'Fit View' }).click();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(() => zoom(page)).toBeGreaterThan(small * 1.2);
  });

  test('the dock resizes by dragging or with the arrow keys, and keeps its size across a reload', async ({ page }) => {
    await createLab(page, DRAWING);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/?lab=h14b-draw');
    const bar = page.getByRole('separator', { name: 'Resize dock' });
    const before = Number(await bar.getAttribute('aria-valuenow'));
    await bar.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect(bar).toHaveAttribute('aria-valuenow', String(before + 4));
    await page.keyboard.press('Home');
    await expect(bar).toHaveAttribute('aria-valuenow', '15');

    // Drag the bar to the middle of the workspace: the dock takes about half of it.
    const box = (await bar.boundingBox())!;
    const workspace = (await page.locator('main.workspace').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, workspace.y + workspace.height / 2, { steps: 5 });
    await page.mouse.up();
    const dragged = Number(await bar.getAttribute('aria-valuenow'));
    expect(dragged).toBeGreaterThanOrEqual(47);
    expect(dragged).toBeLessThanOrEqual(53);
    const dock = (await page.locator('.dock').boundingBox())!;
    expect(dock.height).toBeGreaterThan(workspace.height * 0.4);

    const plan = page.getByRole('separator', { name: 'Resize plan' });
    await plan.focus();
    await page.keyboard.press('End');
    await expect(plan).toHaveAttribute('aria-valuenow', '70');

    await page.reload();
    await expect(page.getByRole('separator', { name: 'Resize dock' })).toHaveAttribute('aria-valuenow', String(dragged));
    await expect(page.getByRole('separator', { name: 'Resize plan' })).toHaveAttribute('aria-valuenow', '70');
    await expectNoPageScroll(page);
  });

  test('Present keeps the canvas and the dock only; the button, Alt+P or Escape leave it', async ({ page }) => {
    await createLab(page, DRAWING);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/?lab=h14b-draw');
    const present = page.getByRole('button', { name: 'Present' });
    const palette = page.getByRole('navigation', { name: 'Palette' });
    const plan = page.getByRole('region', { name: 'Plan' });
    const inspector = page.getByRole('complementary', { name: 'Inspector' });
    await expect(palette).toBeVisible();
    const canvasWidth = (await page.locator('.react-flow').boundingBox())!.width;

    await present.click();
    await expect(present).toHaveAttribute('aria-pressed', 'true');
    for (const hidden of [palette, plan, inspector]) await expect(hidden).toBeHidden();
    await expect(page.getByRole('tablist', { name: 'Dock' })).toBeVisible();
    expect((await page.locator('.react-flow').boundingBox())!.width).toBeGreaterThan(canvasWidth + 400);
    await expectNoPageScroll(page);

    await page.keyboard.press('Escape');
    await expect(present).toHaveAttribute('aria-pressed', 'false');
    await expect(palette).toBeVisible();

    await page.locator('body').press('Alt+KeyP');
    await expect(present).toHaveAttribute('aria-pressed', 'true');
    await present.click();
    await expect(plan).toBeVisible();
    await expect(inspector).toBeVisible();
  });
});

test.describe('the dark theme', () => {
  test.use({ colorScheme: 'dark' });

  test('follows the system: page, canvas, controls and dialogs are dark', async ({ page }) => {
    await createLab(page, DRAWING);
    await page.goto('/?lab=h14b-draw');
    await expect(node(page, 'h14b-d1')).toBeVisible();
    const lightness = (l: Locator) =>
      l.evaluate((el) => {
        const [r, g, b] = getComputedStyle(el)
          .backgroundColor.match(/[\d.]+/g)!
          .map(Number);
        return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255;
      });
    const text = await page.locator('body').evaluate((el) => getComputedStyle(el).color);
    for (const dark of [
      page.locator('body'),
      page.locator('.react-flow'),
      page.locator('.react-flow__controls-button').first(),
      page.getByRole('navigation', { name: 'Palette' }),
      page.getByRole('button', { name: 'Templates' }),
      page.getByRole('textbox', { name: 'Lab YAML' }),
    ])
      expect(await lightness(dark)).toBeLessThan(0.25);
    expect(text).not.toBe('rgb(29, 36, 48)'); // the light theme's text colour would not read here
  });
});

test.describe('terminals and captures in the dock', () => {
  test.skip(!isRoot, 'terminals and captures need root');
  test.afterAll(() => {
    nslab('destroy', 'h14b-ws');
  });

  test('a maximised terminal has 120 columns at 1280x720, and no page scrollbar with terminals open', async ({ page }) => {
    await createLab(page, LIVE);
    expect((await (await page.request.post('/api/labs/h14b-ws/deploy', { headers: auth, data: {} })).json()).ok).toBe(true);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/?lab=h14b-ws');
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 20_000 });
    const term = await openTerminal(page, 'h14b-wa');
    await expectNoPageScroll(page);
    const docked = await terminalSize(page, term);

    await page.getByRole('button', { name: 'Maximise dock' }).click();
    await expect.poll(async () => (await terminalSize(page, term)).cols).toBeGreaterThanOrEqual(120);
    expect((await terminalSize(page, term)).rows).toBeGreaterThan(docked.rows);
    await expectNoPageScroll(page);
    // ip addr fits: its longest line (the link's flags to its qlen) is on one row.
    await page.keyboard.type('clear; ip addr\n');
    await expect(term.locator('.xterm-rows > div').filter({ hasText: 'eth0@if' })).toContainText('qlen 1000');

    await page.getByRole('button', { name: 'Restore dock' }).focus();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('button', { name: 'Maximise dock' })).toBeVisible();
    await expect(node(page, 'h14b-wa')).toBeVisible();
    // Maximise, Escape, Restore again: the page stays where it is, header and all.
    await page.getByRole('button', { name: 'Maximise dock' }).click();
    await page.keyboard.press('Escape');
    const restore = page.getByRole('button', { name: 'Restore dock' });
    if (await restore.isVisible()) await restore.click();
    await expect(page.getByRole('button', { name: 'Maximise dock' })).toBeVisible();
    expect(await page.locator('.labbar').evaluate((el) => el.getBoundingClientRect().top)).toBe(0);

    await page.setViewportSize({ width: 1920, height: 1080 });
    await expect.poll(async () => (await terminalSize(page, term)).cols).toBeGreaterThan(docked.cols);
    await expectNoPageScroll(page);

    // Presentation: larger type in the terminal, so fewer columns in the same space.
    const before = await terminalSize(page, term);
    await page.getByRole('button', { name: 'Present' }).click();
    await expect(term.locator('.xterm-rows')).toHaveCSS('font-size', '18px');
    await page.getByRole('button', { name: 'Present' }).click();
    await expect(term.locator('.xterm-rows')).toHaveCSS('font-size', '13px');
    expect((await terminalSize(page, term)).cols).toBe(before.cols);
  });

  test('Split shows a terminal beside a capture whose lines lead with time, protocol and addresses', async ({ page }) => {
    await createLab(page, LIVE);
    expect((await (await page.request.post('/api/labs/h14b-ws/deploy', { headers: auth, data: {} })).json()).ok).toBe(true);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto('/?lab=h14b-ws');
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 20_000 });
    const term = await openTerminal(page, 'h14b-wb');
    await page.locator('.react-flow__edge-veth').first().click({ force: true });
    await page.getByRole('button', { name: 'Capture on eth0' }).first().click();
    const capture = page.getByRole('region', { name: /^Capture h14b-w[ab] eth0$/ });
    await expect(capture).toContainText('listening on eth0', { timeout: 10_000 });
    await expect(term).toBeHidden();

    await page.getByRole('button', { name: 'Split' }).click();
    await expect(page.getByRole('button', { name: 'Split' })).toHaveAttribute('aria-pressed', 'true');
    await expect(term).toBeVisible();
    await expect(capture).toBeVisible();
    const [c, t] = [(await capture.boundingBox())!, (await term.boundingBox())!];
    expect(c.x + c.width).toBeLessThanOrEqual(t.x + 4); // side by side, the capture on the left
    expect(Math.abs(c.y - t.y)).toBeLessThan(60);

    host('ip', 'netns', 'exec', 'h14b-wa', 'ping', '-c', '2', '-i', '0.2', '10.251.16.2');
    const echo = capture.locator('.capture-line').filter({ hasText: 'ICMP echo request' }).first();
    await expect(echo).toHaveText(/^\d\d:\d\d:\d\d\.\d{3} ICMP\s+10\.251\.16\.1 > 10\.251\.16\.2: ICMP echo request/, { timeout: 10_000 });
    await expect(echo).not.toContainText(/[0-9a-f]{2}(:[0-9a-f]{2}){5}/);
    await capture.getByLabel('Show MACs').check();
    await expect(echo).toHaveText(/ICMP echo request.*\[[0-9a-f]{2}(:[0-9a-f]{2}){5} > [0-9a-f]{2}(:[0-9a-f]{2}){5}\]$/);

    // At the bottom, new packets stay in sight; scrolled up, the pane stays where the reader is.
    const lines = capture.locator('.capture-lines');
    const fromBottom = () => lines.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
    host('ip', 'netns', 'exec', 'h14b-wa', 'ping', '-c', '30', '-i', '0.02', '10.251.16.2');
    await expect(capture.locator('.capture-line').filter({ hasText: 'seq 30,' })).toHaveCount(2, { timeout: 10_000 });
    expect(await lines.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    expect(await fromBottom()).toBeLessThanOrEqual(4);
    await lines.evaluate((el) => el.scrollTo({ top: 0 }));
    await expect.poll(() => lines.evaluate((el) => el.scrollTop)).toBe(0);
    const replies = capture.locator('.capture-line').filter({ hasText: 'ICMP echo reply' });
    const seen = await replies.count();
    host('ip', 'netns', 'exec', 'h14b-wa', 'ping', '-c', '2', '-i', '0.2', '10.251.16.2');
    await expect(replies).toHaveCount(seen + 2, { timeout: 10_000 });
    expect(await lines.evaluate((el) => el.scrollTop)).toBe(0);

    // The right pane can show another tab; the terminal still types there.
    await page.getByRole('combobox', { name: 'Right pane' }).selectOption({ label: 'YAML' });
    await expect(term).toBeHidden();
    await expect(page.getByRole('textbox', { name: 'Lab YAML' })).toBeVisible();
    await page.getByRole('combobox', { name: 'Right pane' }).selectOption({ label: '$ h14b-wb' });
    expect((await terminalSize(page, term)).cols).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'Split' }).click();
    await expect(page.getByRole('button', { name: 'Split' })).toHaveAttribute('aria-pressed', 'false');
  });
});
