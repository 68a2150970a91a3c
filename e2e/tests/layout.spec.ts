import { expect, test, type Page } from '@playwright/test';
import { auth, host, isRoot, node, nslab, openImporter } from './helpers';

/**
 * What a classroom sees on the projector: every template, fitted at 1280x720,
 * with no text drawn over other text or over another node's title, no cable
 * across a node's title, and no text under 12 px on screen.
 */

interface Drawing {
  /** "text A" / "text B": two labels drawn over each other. */
  overlaps: string[];
  /** A label over the title bar of a node it is not part of. */
  overTitles: string[];
  /** A cable across the title bar of a node it does not end at. */
  cablesOverTitles: string[];
  /** The smallest text on screen: font size × zoom, px. */
  minFont: { px: number; text: string };
}

/** Measures the canvas as drawn: every text run's box (a Range, tighter than its element), node titles, cables. */
async function measure(page: Page): Promise<Drawing> {
  return page.evaluate(() => {
    type Box = { l: number; t: number; r: number; b: number };
    const hit = (a: Box, b: Box, slack = 1) => a.l < b.r - slack && b.l < a.r - slack && a.t < b.b - slack && b.t < a.b - slack;
    const canvas = document.querySelector('.react-flow')!;
    const zoom = Number(
      /scale\(([\d.]+)\)/.exec((document.querySelector('.react-flow__viewport') as HTMLElement).style.transform)?.[1] ?? 1,
    );
    const texts: Array<{ text: string; box: Box; node: Element | null; px: number }> = [];
    const walker = document.createTreeWalker(canvas.querySelector('.react-flow__renderer') ?? canvas, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim() ?? '';
      const el = n.parentElement!;
      if (!text || el.closest('.react-flow__minimap, .react-flow__controls, .react-flow__panel')) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const inFlow = !el.closest('svg') || el.closest('.react-flow__viewport');
      texts.push({
        text,
        box: { l: r.left, t: r.top, r: r.right, b: r.bottom },
        node: el.closest('.react-flow__node'),
        px: parseFloat(getComputedStyle(el).fontSize) * (inFlow ? zoom : 1),
      });
    }
    const overlaps: string[] = [];
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (hit(texts[i]!.box, texts[j]!.box)) overlaps.push(`${texts[i]!.text} / ${texts[j]!.text}`);

    const titles = [...canvas.querySelectorAll('.react-flow__node')].map((n) => {
      const r = n.querySelector('.node-head')!.getBoundingClientRect();
      return { node: n, id: n.getAttribute('data-id')!, box: { l: r.left, t: r.top, r: r.right, b: r.bottom } };
    });
    const overTitles = texts.flatMap((x) =>
      titles.filter((t) => t.node !== x.node && hit(x.box, t.box)).map((t) => `${x.text} over ${t.id}`),
    );

    const cablesOverTitles: string[] = [];
    for (const edge of canvas.querySelectorAll('.react-flow__edge')) {
      const path = edge.querySelector<SVGPathElement>('path.react-flow__edge-path')!;
      const [from, to] = [edge.getAttribute('data-source'), edge.getAttribute('data-target')];
      const m = path.getScreenCTM()!;
      const len = path.getTotalLength();
      for (let d = 0; d <= len; d += 4) {
        const p = path.getPointAtLength(d);
        const x = m.a * p.x + m.c * p.y + m.e;
        const y = m.b * p.x + m.d * p.y + m.f;
        const under = titles.find(
          (t) => t.id !== from && t.id !== to && x > t.box.l + 1 && x < t.box.r - 1 && y > t.box.t + 1 && y < t.box.b - 1,
        );
        if (under) {
          cablesOverTitles.push(`${edge.getAttribute('data-id')} across ${under.id}`);
          break;
        }
      }
    }
    const smallest = texts.reduce((a, b) => (b.px < a.px ? b : a), { px: Infinity, text: '' } as { px: number; text: string });
    return { overlaps, overTitles, cablesOverTitles, minFont: { px: smallest.px, text: smallest.text } };
  });
}

/** The canvas fitted to the drawing, once it has stopped moving. */
async function fitted(page: Page): Promise<void> {
  await page.locator('.react-flow__controls-fitview').click();
  const viewport = page.locator('.react-flow__viewport');
  let last = '';
  await expect
    .poll(async () => {
      const now = (await viewport.getAttribute('style')) ?? '';
      const still = now === last;
      last = now;
      return still;
    })
    .toBe(true);
}

test.describe('the canvas reads like a diagram', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('every template: no text over text or over a foreign title, no cable across a title, text at least 12 px', async ({ page }) => {
    test.setTimeout(180_000);
    const templates = (await (await page.request.get('/api/templates', { headers: auth })).json()) as Array<{
      id: string;
      exercise?: boolean;
    }>;
    await page.goto('/');
    const problems: string[] = [];
    for (let i = 0; i < templates.length; i++) {
      await page.getByRole('button', { name: 'Templates', exact: true }).click();
      const items = page.getByRole('menu', { name: 'Templates' }).getByRole('menuitem');
      await expect(items).toHaveCount(templates.length);
      const item = items.nth(i);
      const title = (await item.locator('strong').textContent())!;
      await item.click();
      await expect(page.getByRole('button', { name: new RegExp(`^Labs: ${title}(-\\d+)?$`) })).toBeVisible();
      await expect(page.locator('.react-flow__node').first()).toBeVisible();
      await fitted(page);
      const d = await measure(page);
      for (const o of d.overlaps) problems.push(`${title}: text over text: ${o}`);
      for (const o of d.overTitles) problems.push(`${title}: text over a title: ${o}`);
      for (const o of d.cablesOverTitles) problems.push(`${title}: cable over a title: ${o}`);
      test.info().annotations.push({ type: 'smallest text', description: `${title}: ${d.minFont.px.toFixed(1)} px ("${d.minFont.text}")` });
      if (d.minFont.px < 12) problems.push(`${title}: "${d.minFont.text}" is ${d.minFont.px.toFixed(1)} px at fit zoom`);
    }
    expect(problems).toEqual([]);
  });

  test('the check finds labels drawn over each other (it can fail)', async ({ page }) => {
    // Two nodes at one spot: their titles and interfaces overlap.
    const text = [
      'name: h14a-pile',
      'nodes:',
      '  a: { kind: netns, position: { x: 0, y: 0 } }',
      '  b: { kind: netns, position: { x: 8, y: 4 } }',
      'links:',
      '  - endpoints:',
      '      - { node: a, name: eth0, addresses: [10.251.1.1/24] }',
      '      - { node: b, name: eth0, addresses: [10.251.1.2/24] }',
      '',
    ].join('\n');
    expect((await page.request.post('/api/labs', { headers: auth, data: { text } })).status()).toBe(201);
    try {
      await page.goto('/?lab=h14a-pile');
      await expect(node(page, 'b')).toBeVisible();
      await fitted(page);
      const d = await measure(page);
      expect(d.overlaps.length).toBeGreaterThan(0);
      expect(d.overTitles.length).toBeGreaterThan(0);
    } finally {
      await page.request.delete('/api/labs/h14a-pile', { headers: auth });
    }
  });

  test('Auto layout lays the drawing out again; a lab without positions is laid out when opened', async ({ page }) => {
    const text = [
      'name: h14a-auto',
      'nodes:',
      ...['a', 'b', 'c', 'd'].map((n) => `  ${n}: { kind: netns }`),
      '  br: { kind: bridge }',
      'links:',
    ]
      .concat(
        ['a', 'b', 'c', 'd'].flatMap((n, i) => [
          '  - endpoints:',
          `      - { node: ${n}, name: eth0, addresses: [10.251.2.${i + 1}/24] }`,
          `      - { node: br, name: p-${n} }`,
        ]),
      )
      .join('\n');
    expect((await page.request.post('/api/labs', { headers: auth, data: { text: `${text}\n` } })).status()).toBe(201);
    try {
      await page.goto('/?lab=h14a-auto');
      await expect(node(page, 'd')).toBeVisible();
      await fitted(page);
      await expect.poll(async () => (await measure(page)).overlaps).toEqual([]);
      // Moving one node keeps the others where the layout put them, and saves them there.
      const others = ['b', 'c', 'd', 'br'];
      const before = await Promise.all(others.map((n) => node(page, n).boundingBox()));
      const a = (await node(page, 'a').locator('.node-head').boundingBox())!;
      await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
      await page.mouse.down();
      await page.mouse.move(a.x + a.width / 2 + 40, a.y + a.height / 2 + 120, { steps: 8 });
      await page.mouse.up();
      await expect
        .poll(
          async () =>
            ((await (await page.request.get('/api/labs/h14a-auto', { headers: auth })).json()).text as string).match(/position:/g)?.length,
        )
        .toBe(5);
      const after = await Promise.all(others.map((n) => node(page, n).boundingBox()));
      after.forEach((box, i) => {
        expect(Math.abs(box!.x - before[i]!.x), others[i]).toBeLessThan(2);
        expect(Math.abs(box!.y - before[i]!.y), others[i]).toBeLessThan(2);
      });
      // Piled up by hand (every node at one spot), then laid out again.
      const piled = `${text.replace(/\{ kind: (netns|bridge) \}/g, '{ kind: $1, position: { x: 0, y: 0 } }')}\n`;
      const put = await page.request.put('/api/labs/h14a-auto', { headers: auth, data: { text: piled } });
      expect(put.ok()).toBe(true);
      await page.goto('/?lab=h14a-auto');
      await expect(node(page, 'd')).toBeVisible();
      await fitted(page);
      expect((await measure(page)).overlaps.length).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Auto layout' }).click();
      await expect.poll(async () => (await measure(page)).overlaps).toEqual([]);
    } finally {
      await page.request.delete('/api/labs/h14a-auto', { headers: auth });
    }
  });
  test('an imported containerlab lab opens laid out as Auto layout lays it out: no node over another, no text over text, no cable across a title', async ({
    page,
  }) => {
    // frr01's shape: three routers in a triangle, a host on two of them; no positions in the file.
    const clab = [
      'name: e2e-clab-frr',
      'topology:',
      '  nodes:',
      '    ckr1: { kind: linux }',
      '    ckr2: { kind: linux }',
      '    ckr3: { kind: linux }',
      '    ckpc1: { kind: linux, exec: ["ip addr add 10.252.11.2/24 dev eth1"] }',
      '    ckpc2: { kind: linux, exec: ["ip addr add 10.252.12.2/24 dev eth1"] }',
      '  links:',
      '    - endpoints: ["ckr1:eth1", "ckr2:eth1"]',
      '    - endpoints: ["ckr1:eth2", "ckr3:eth1"]',
      '    - endpoints: ["ckr2:eth2", "ckr3:eth2"]',
      '    - endpoints: ["ckpc1:eth1", "ckr1:eth3"]',
      '    - endpoints: ["ckpc2:eth1", "ckr2:eth3"]',
      '',
    ].join('\n');
    const names = ['ckr1', 'ckr2', 'ckr3', 'ckpc1', 'ckpc2'];
    await page.request.delete('/api/labs/e2e-clab-frr', { headers: auth });
    try {
      const dialog = await openImporter(page);
      await dialog.getByLabel(/^containerlab topology/).fill(clab);
      await dialog.getByRole('button', { name: 'Read topology' }).click();
      await dialog.getByRole('button', { name: 'Open as lab' }).click();
      await expect(page.getByRole('button', { name: 'Labs: e2e-clab-frr' })).toBeVisible();
      await expect(node(page, 'ckpc2')).toBeVisible();
      await fitted(page);
      const boxes = async () =>
        Object.fromEntries(await Promise.all(names.map(async (n) => [n, (await node(page, n).boundingBox())!] as const)));
      const opened = await boxes();
      const piled: string[] = [];
      for (const [i, a] of names.entries())
        for (const b of names.slice(i + 1)) {
          const [p, q] = [opened[a]!, opened[b]!];
          if (p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height) piled.push(`${a} / ${b}`);
        }
      expect(piled, 'nodes drawn over each other').toEqual([]);
      const d = await measure(page);
      expect(d.overlaps, 'text over text').toEqual([]);
      expect(d.overTitles, 'text over a title').toEqual([]);
      expect(d.cablesOverTitles, 'cable across a title').toEqual([]);
      expect(d.minFont.px, `"${d.minFont.text}"`).toBeGreaterThanOrEqual(12);
      await page.screenshot({ path: test.info().outputPath('opened.png') });
      // The lab opened as Auto layout lays it out: a node moved away, Auto layout puts every node back where it opened.
      const moved = (await node(page, 'ckpc2').locator('.node-head').boundingBox())!;
      await page.mouse.move(moved.x + moved.width / 2, moved.y + moved.height / 2);
      await page.mouse.down();
      await page.mouse.move(moved.x + moved.width / 2 + 60, moved.y + moved.height / 2 + 140, { steps: 8 });
      await page.mouse.up();
      await expect.poll(async () => (await boxes()).ckpc2).not.toEqual(opened.ckpc2);
      await page.getByRole('button', { name: 'Auto layout' }).click();
      await expect
        .poll(async () => {
          await fitted(page);
          return boxes();
        })
        .toEqual(opened);
      await page.screenshot({ path: test.info().outputPath('auto-layout.png') });
    } finally {
      await page.request.delete('/api/labs/e2e-clab-frr', { headers: auth });
    }
  });
  test('a short node name shows whole beside its badges, and nothing in a title runs past its node', async ({ page }) => {
    // Each node has an error badge: the bridge's address is given twice, and the router's gateway is on none of its subnets.
    const text = [
      'name: h14a-names',
      'nodes:',
      '  w15br: { kind: bridge, addresses: [10.251.15.1/24, 10.251.15.1/24] }',
      '  ckrouter:',
      '    kind: netns',
      '    sysctls: { net.ipv4.ip_forward: 1 }',
      '    nat: [{ type: masquerade, source: 10.251.15.0/24 }]',
      '    firewall: { forwardPolicy: drop }',
      '    routes: [{ to: 10.251.99.0/24, via: 10.251.98.1 }]',
      '  ck1: { kind: netns }',
      'links:',
      '  - endpoints: [{ node: ck1, name: eth0, addresses: [10.251.15.2/24] }, { node: w15br, name: p1 }]',
      '  - endpoints: [{ node: ckrouter, name: eth0, addresses: [10.251.15.3/24] }, { node: w15br, name: p2 }]',
      '',
    ].join('\n');
    await page.request.delete('/api/labs/h14a-names', { headers: auth });
    expect((await page.request.post('/api/labs', { headers: auth, data: { text } })).status()).toBe(201);
    try {
      await page.goto('/?lab=h14a-names');
      await expect(node(page, 'w15br').locator('.node-errors')).toBeVisible();
      await expect(node(page, 'ckrouter').locator('.node-errors')).toBeVisible();
      await fitted(page);
      await page.screenshot({ path: test.info().outputPath('short-names.png') });
      const heads = await page.evaluate(() =>
        [...document.querySelectorAll('.react-flow__node')].map((n) => {
          const name = n.querySelector<HTMLElement>('.node-name')!;
          const right = n.querySelector('.lab-node')!.getBoundingClientRect().right;
          const past = [...n.querySelector('.node-head')!.children].filter((c) => c.getBoundingClientRect().right > right + 0.5);
          return { id: n.getAttribute('data-id')!, cut: name.scrollWidth > name.clientWidth, past: past.map((c) => c.className) };
        }),
      );
      expect(heads).toEqual(['w15br', 'ckrouter', 'ck1'].map((id) => ({ id, cut: false, past: [] })));
    } finally {
      await page.request.delete('/api/labs/h14a-names', { headers: auth });
    }
  });
});

test.describe('a node whose namespace vanished', () => {
  test.skip(!isRoot, 'deploying a lab needs root');
  const LAB = 'h14a-ghost';
  test.afterAll(() => {
    nslab('destroy', LAB);
    host('ip', 'netns', 'del', 'h14a-g1');
    host('ip', 'netns', 'del', 'h14a-g2');
  });

  test('is drawn ghosted with Repair, which deploys it back', async ({ page }) => {
    const text = [
      `name: ${LAB}`,
      'prefix: h14a-',
      'nodes:',
      '  g1: { kind: netns, position: { x: 0, y: 0 } }',
      '  g2: { kind: netns, position: { x: 400, y: 0 } }',
      'links:',
      '  - endpoints:',
      '      - { node: g1, name: eth0, addresses: [10.251.3.1/24] }',
      '      - { node: g2, name: eth0, addresses: [10.251.3.2/24] }',
      '',
    ].join('\n');
    const created = await page.request.post('/api/labs', { headers: auth, data: { text } });
    expect([201, 409]).toContain(created.status());
    const r = await page.request.post(`/api/labs/${LAB}/deploy`, { headers: auth, data: {} });
    expect((await r.json()).ok).toBe(true);
    await page.goto(`/?lab=${LAB}`);
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 20_000 });
    await expect(node(page, 'g2').locator('.lab-node')).not.toHaveAttribute('data-missing', 'true');

    // Behind nslab's back: the namespace goes.
    host('ip', 'netns', 'del', 'h14a-g2');
    await expect(node(page, 'g2').locator('.lab-node')).toHaveAttribute('data-missing', 'true', { timeout: 30_000 });
    await expect(node(page, 'g1').locator('.lab-node')).not.toHaveAttribute('data-missing', 'true');
    await expect(node(page, 'g2')).toContainText('missing');

    await node(page, 'g2').getByRole('button', { name: 'Repair' }).click();
    await expect(page.getByRole('status', { name: 'Lab status' })).toHaveText('Deployed', { timeout: 30_000 });
    await expect(node(page, 'g2').locator('.lab-node')).not.toHaveAttribute('data-missing', 'true');
    await expect(node(page, 'g2').getByRole('button', { name: 'Repair' })).toHaveCount(0);
    expect(host('ip', 'netns', 'list')).toContain('h14a-g2');
  });
});
