/** 20 labs deployed in parallel through the API: all succeed, none sees another's, all destroyed cleanly. */
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/serve.js';
import { destroyQuietly, isRoot, labFromYaml, removeLabs, sh } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';
import { testServer, fetch } from '../client.js';

const LABS = Array.from({ length: 20 }, (_, i) => `load-${i}`);
const lab = (i: number) => `name: load-${i}
nodes:
  ld${i}-a: { kind: netns }
  ld${i}-b: { kind: netns }
links:
  - endpoints: [{ node: ld${i}-a, name: eth0, addresses: [10.243.${i}.1/24] }, { node: ld${i}-b, name: eth0, addresses: [10.243.${i}.2/24] }]
`;

describe.skipIf(!isRoot)('load', () => {
  let srv: RunningServer;
  let guard: HostGuard | undefined;
  afterAll(async () => {
    await srv?.close();
    for (const l of LABS) await destroyQuietly(l);
    await guard?.release();
  });

  it('deploys 20 labs in parallel through the API without cross-talk, then destroys them', async () => {
    await removeLabs(LABS);
    guard = await guardHost(LABS.map((_, i) => labFromYaml(lab(i))));
    srv = await testServer('load');
    const base = srv.url.replace(/\/$/, '');
    const post = (u: string, b: unknown = {}) =>
      fetch(`${base}${u}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    await Promise.all(LABS.map((_, i) => post('/api/labs', { text: lab(i) })));
    const results = await Promise.all(LABS.map((l) => post(`/api/labs/${l}/deploy`).then((r) => r.json() as Promise<{ ok: boolean }>)));
    expect(results.every((r) => r.ok)).toBe(true);
    for (const [i, l] of LABS.entries()) {
      const status = await (await fetch(`${base}/api/labs/${l}/status`)).json();
      expect(status.label, l).toBe('Deployed');
      const addrs = (await sh(['ip', '-n', `ld${i}-a`, '-br', 'addr'])).stdout;
      expect(addrs).toContain(`10.243.${i}.1/24`);
      expect(addrs.split('\n').filter(Boolean)).toHaveLength(2); // lo and its own eth0: nothing of another lab
    }
    const gone = await Promise.all(LABS.map((l) => post(`/api/labs/${l}/destroy`).then((r) => r.json() as Promise<{ ok: boolean }>)));
    expect(gone.every((r) => r.ok)).toBe(true);
    await guard.expectRestored();
  }, 120_000);
});
