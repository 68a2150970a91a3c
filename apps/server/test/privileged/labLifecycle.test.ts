/**
 * A lab whose deploy left nothing on the host (refused, or rolled back) can be
 * deleted and renamed; one with something there cannot. History names the
 * revision that is deployed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/serve.js';
import { destroyQuietly, isRoot, labFromYaml, removeLabs, sh } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';
import { testServer, fetch } from '../client.js';

const OWNER = `name: h14d-owner
nodes:
  h14d-ns1: { kind: netns }
links: []
`;
const clash = (name: string) => `name: ${name}
nodes:
  h14d-ns1: { kind: netns }
  h14d-ns2: { kind: netns }
links:
  - endpoints: [{ node: h14d-ns1, name: eth0, addresses: [10.251.32.1/24] }, { node: h14d-ns2, name: eth0, addresses: [10.251.32.2/24] }]
`;

describe.skipIf(!isRoot)('deleting a lab whose deploy failed', () => {
  let srv: RunningServer;
  let base: string;
  let guard: HostGuard | undefined;
  const post = (url: string, body: unknown = {}) =>
    fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const status = async (lab: string) => (await (await fetch(`${base}/api/labs/${lab}/status`)).json()) as { state: string; error?: string };

  beforeAll(async () => {
    await removeLabs(['h14d-owner', 'h14d-clash', 'h14d-clash2']);
    guard = await guardHost([labFromYaml(OWNER), labFromYaml(clash('h14d-clash'))]);
    srv = await testServer('h14d-delete');
    base = srv.url.replace(/\/$/, '');
    expect((await post('/api/labs', { text: OWNER })).status).toBe(201);
    expect((await post('/api/labs/h14d-owner/deploy')).status).toBe(200);
  });
  afterAll(async () => {
    await srv?.close();
    for (const lab of ['h14d-clash', 'h14d-clash2', 'h14d-owner']) await destroyQuietly(lab);
    await guard?.expectRestored();
    await guard?.release();
  });

  it('a deploy refused for a namespace another lab owns leaves the lab Failed, and it can be renamed and deleted', async () => {
    expect((await post('/api/labs', { text: clash('h14d-clash') })).status).toBe(201);
    const r = await post('/api/labs/h14d-clash/deploy');
    expect(r.status).toBe(422);
    expect(((await r.json()) as { error: string }).error).toContain('namespace "h14d-ns1" belongs to lab "h14d-owner"');
    expect(await status('h14d-clash')).toMatchObject({ state: 'failed' });
    // Nothing of it reached the host: its second namespace was never made.
    expect((await sh(['ip', 'netns', 'list'])).stdout).not.toMatch(/h14d-ns2/);

    expect((await post('/api/labs/h14d-clash/rename', { to: 'h14d-clash2' })).status).toBe(200);
    expect((await fetch(`${base}/api/labs/h14d-clash2`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${base}/api/labs/h14d-clash2`)).status).toBe(404);
  });

  it('a lab made again under a deleted name does not inherit its failure', async () => {
    expect((await post('/api/labs', { text: clash('h14d-clash') })).status).toBe(201);
    expect((await post('/api/labs/h14d-clash/deploy')).status).toBe(422);
    expect((await fetch(`${base}/api/labs/h14d-clash`, { method: 'DELETE' })).status).toBe(200);
    expect((await post('/api/labs', { text: clash('h14d-clash') })).status).toBe(201);
    expect(await status('h14d-clash')).toMatchObject({ state: 'not-deployed' });
    expect((await fetch(`${base}/api/labs/h14d-clash`, { method: 'DELETE' })).status).toBe(200);
  });

  it('a lab with namespaces on the host is still refused', async () => {
    expect((await fetch(`${base}/api/labs/h14d-owner`, { method: 'DELETE' })).status).toBe(409);
    expect((await post('/api/labs/h14d-owner/rename', { to: 'h14d-owner2' })).status).toBe(409);
  });

  it('History marks the newest revision whose design is deployed, moved nodes or not', async () => {
    type Rev = { rev: number; deployed?: boolean };
    const revisions = async () => (await (await fetch(`${base}/api/labs/h14d-owner/revisions`)).json()) as Rev[];
    const put = (text: string) =>
      fetch(`${base}/api/labs/h14d-owner`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    expect((await revisions()).filter((r) => r.deployed)).toEqual([expect.objectContaining({ rev: 1 })]);
    // Moving a node changes no part of what is deployed: the new revision is the deployed one.
    expect((await put(OWNER.replace('{ kind: netns }', '{ kind: netns, position: { x: 10, y: 20 } }'))).status).toBe(200);
    expect((await revisions()).filter((r) => r.deployed).map((r) => r.rev)).toEqual([2]);
    // A new namespace not deployed yet: the deployed revision stays the one before.
    expect((await put(OWNER.replace('links: []', '  h14d-ns3: { kind: netns }\nlinks: []'))).status).toBe(200);
    const now = await revisions();
    expect(now[0]).toMatchObject({ rev: 3 });
    expect(now.filter((r) => r.deployed).map((r) => r.rev)).toEqual([2]);
    // Destroyed: no revision is deployed.
    expect((await post('/api/labs/h14d-owner/destroy')).status).toBe(200);
    expect((await revisions()).some((r) => r.deployed)).toBe(false);
  });

  it('a name that is no lab name is refused before the host is looked at', async () => {
    for (const bad of ['__proto__', 'constructor', 'UPPER', 'a'.repeat(200), '..%2F..']) {
      const r = await fetch(`${base}/api/labs/${bad}`, { method: 'DELETE' });
      expect(r.status, bad).toBeGreaterThanOrEqual(400);
      expect(r.status, bad).toBeLessThan(500);
    }
    expect((await globalThis.fetch(`${base}/api/labs/h14d-owner`, { method: 'DELETE' })).status).toBe(401);
  });
});

/** A lab of this describe's own (h14f-, 10.251.64.0/20). */
const pair = (name: string) => `name: ${name}
prefix: h14f-
nodes:
  a: { kind: netns }
  b: { kind: netns }
links:
  - endpoints: [{ node: a, name: eth0, addresses: [10.251.64.1/24] }, { node: b, name: eth0, addresses: [10.251.64.2/24] }]
`;

describe.skipIf(!isRoot)('deleting a lab: the host decides, under the lab’s operation slot', () => {
  let srv: RunningServer;
  let base: string;
  const post = (url: string, body: unknown = {}) =>
    fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const del = (lab: string) => fetch(`${base}/api/labs/${lab}`, { method: 'DELETE' });
  const deployedRevs = async (lab: string) =>
    ((await (await fetch(`${base}/api/labs/${lab}/revisions`)).json()) as Array<{ rev: number; deployed?: boolean }>)
      .filter((r) => r.deployed)
      .map((r) => r.rev);
  const netns = async () => (await sh(['ip', 'netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith('h14f-'));

  beforeAll(async () => {
    await removeLabs(['h14f-gone', 'h14f-race']);
    srv = await testServer('h14f-delete');
    base = srv.url.replace(/\/$/, '');
  });
  afterAll(async () => {
    await srv?.close();
    for (const lab of ['h14f-gone', 'h14f-race']) await destroyQuietly(lab);
    expect(await netns()).toEqual([]);
  });

  it('namespaces removed by hand, then Delete, then the same lab again: no revision is marked deployed', async () => {
    expect((await post('/api/labs', { text: pair('h14f-gone') })).status).toBe(201);
    expect((await post('/api/labs/h14f-gone/deploy')).status).toBe(200);
    expect(await deployedRevs('h14f-gone')).toEqual([1]);
    expect((await del('h14f-gone')).status).toBe(409);

    for (const ns of ['h14f-a', 'h14f-b']) expect((await sh(['ip', 'netns', 'del', ns])).code).toBe(0);
    // The deployed record is still there, but the host has nothing: History marks nothing.
    expect(await deployedRevs('h14f-gone')).toEqual([]);
    expect((await del('h14f-gone')).status).toBe(200);
    expect((await post('/api/labs', { text: pair('h14f-gone') })).status).toBe(201);
    expect(await deployedRevs('h14f-gone')).toEqual([]);
    expect((await del('h14f-gone')).status).toBe(200);
  });

  it('a deploy and a delete at once: never a deleted lab with namespaces left on the host', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await post('/api/labs', { text: pair('h14f-race') })).status).toBe(201);
      const [deploy, remove] = await Promise.all([post('/api/labs/h14f-race/deploy'), del('h14f-race')]);
      if (remove.status === 200) {
        expect([404, 409], await deploy.text()).toContain(deploy.status);
        expect(await netns()).toEqual([]);
      } else {
        expect(remove.status).toBe(409);
        expect((await fetch(`${base}/api/labs/h14f-race`)).status).toBe(200);
        if (deploy.status === 200) expect((await post('/api/labs/h14f-race/destroy')).status).toBe(200);
        expect((await del('h14f-race')).status).toBe(200);
      }
      expect(await netns()).toEqual([]);
    }
  });
});
