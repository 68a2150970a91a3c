/**
 * Observation under concurrency: while other labs (or other tools) create and
 * delete namespaces, a lab's own state must read true — no false Drift after
 * its own deploy, and destroy must find and remove everything it owns.
 *
 * The race found in CI: `ip netns add` creates /run/netns/NAME as a plain
 * file before it bind-mounts the namespace on it (and `ip netns del` unmounts
 * before it unlinks). nsenter on that file fails with a message naming no
 * namespace, and the pooled reader handed each later namespace its
 * neighbour's output.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { deployLab, destroyLab, planLab } from '../../src/lab.js';
import { type RunningServer } from '../../src/serve.js';
import { destroyQuietly, isRoot, labFromYaml, removeLabs, sh } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';
import { testServer, fetch } from '../client.js';

/** A lab of `n` namespaces in pairs, named `<p>NN`; pair k gets `<subnet(k)>.0/30`. */
function pairsLab(name: string, p: string, n: number, subnet: (k: number) => string): string {
  const nodes = Array.from({ length: n }, (_, i) => `  ${p}${String(i).padStart(2, '0')}: { kind: netns }`);
  const links = Array.from({ length: n / 2 }, (_, k) => {
    const [a, b] = [`${p}${String(2 * k).padStart(2, '0')}`, `${p}${String(2 * k + 1).padStart(2, '0')}`];
    return `  - endpoints: [{ node: ${a}, name: eth0, addresses: [${subnet(k)}.1/30] }, { node: ${b}, name: eth0, addresses: [${subnet(k)}.2/30] }]`;
  });
  return `name: ${name}\nnodes:\n${nodes.join('\n')}\nlinks:\n${links.join('\n')}\n`;
}

describe.skipIf(!isRoot)('a namespace half-made by someone else', () => {
  const t = labFromYaml(pairsLab('cc-half', 'cch', 24, (k) => `10.226.${k}`));
  // Plain files where namespaces are being made: they sort among the lab's own names.
  const halfMade = ['cch03a', 'cch11a', 'cch20a'].map((n) => `/run/netns/${n}`);
  let guard: HostGuard | undefined;
  afterAll(async () => {
    for (const f of halfMade) fs.rmSync(f, { force: true });
    await destroyQuietly(t.name);
    await guard?.release();
  });

  it("neither hides the lab's namespaces from status nor keeps destroy from removing them", async () => {
    await removeLabs([t.name]);
    guard = await guardHost([t]);
    expect((await deployLab(t)).result.ok).toBe(true);
    for (const f of halfMade) fs.writeFileSync(f, ''); // what `ip netns add` leaves for a moment
    expect(
      (await planLab(t)).steps.map((s) => s.reason),
      'right after deploy, nothing to do',
    ).toEqual([]);
    const { plan, result } = await destroyLab(t.name);
    expect(result.ok).toBe(true);
    expect(plan.steps.filter((s) => s.kind === 'netns.del')).toHaveLength(24);
    for (const f of halfMade) expect(fs.existsSync(f), `${f} is not nslab's`).toBe(true);
    for (const f of halfMade) fs.rmSync(f, { force: true });
    await guard.expectRestored();
  });
});

describe.skipIf(!isRoot)('many labs deployed at once, while other namespaces come and go', () => {
  const TEXTS = Array.from({ length: 8 }, (_, i) => pairsLab(`cc-par-${i}`, `ccp${i}x`, 4, (k) => `10.225.${i * 2 + k}`));
  const LABS = TEXTS.map(labFromYaml);
  let srv: RunningServer | undefined;
  let guard: HostGuard | undefined;
  let churning = false;
  let churn: Promise<void> | undefined;
  afterAll(async () => {
    churning = false;
    await churn;
    await srv?.close();
    for (const t of LABS) await destroyQuietly(t.name);
    await guard?.release();
  });

  it("every status read after a lab's own deploy says Deployed, and destroy leaves nothing", async () => {
    await removeLabs(LABS.map((t) => t.name));
    guard = await guardHost(LABS);
    const churnName = `${guard.tag}-churn`;
    churning = true;
    churn = (async () => {
      // Someone else's namespaces, made and deleted as fast as ip can.
      for (let i = 0; churning; i++) {
        await sh(['ip', 'netns', 'add', `${churnName}${i % 4}`]);
        await sh(['ip', 'netns', 'del', `${churnName}${(i + 2) % 4}`]);
      }
      for (let i = 0; i < 4; i++) await sh(['ip', 'netns', 'del', `${churnName}${i}`]);
    })();
    srv = await testServer('cc');
    const base = srv.url.replace(/\/$/, '');
    const post = (u: string, b: unknown = {}) =>
      fetch(`${base}${u}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    const status = async (lab: string) =>
      (await (await fetch(`${base}/api/labs/${lab}/status`)).json()) as { state: string; differences: unknown[] };
    for (const text of TEXTS) expect((await post('/api/labs', { text })).status).toBe(201);

    const wrong: string[] = [];
    await Promise.all(
      LABS.map(async (t) => {
        const r = (await (await post(`/api/labs/${t.name}/deploy`)).json()) as { ok: boolean };
        expect(r.ok, `${t.name} deployed`).toBe(true);
        // Read it again and again while the others deploy and the churn goes on.
        for (let k = 0; k < 6; k++) {
          const s = await status(t.name);
          if (s.state !== 'deployed') wrong.push(`${t.name} read ${s.state}: ${JSON.stringify(s.differences)}`);
        }
      }),
    );
    expect(wrong).toEqual([]);
    const gone = await Promise.all(
      LABS.map(async (t) => ((await (await post(`/api/labs/${t.name}/destroy`)).json()) as { ok: boolean }).ok),
    );
    expect(gone.every(Boolean)).toBe(true);
    churning = false;
    await churn;
    await guard.expectRestored();
  }, 120_000);
});
