/**
 * A workshop step that starts from a lab template (workshops/break-fix.yaml):
 * the participant's "Load this step's lab" replaces their design with the
 * template's, under their lab's name; only a participant may, and only a step
 * that has a template. Plan-only: no sandbox is made (the privileged
 * exercises test deploys the labs for real).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTopology, type MeView, type WorkshopView } from '@nslab/topology';
import { startServer, type RunningServer } from '../serve.js';
import { AUTH, TEST_TOKEN } from '../../test/client.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const SECRET = 'participant-x-secret-0123456789abcdef';
let srv: RunningServer;
let base: string;
let data: string;
let workshop: WorkshopView;

const post = (url: string, token: string, body?: unknown) =>
  fetch(`${base}${url}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

beforeAll(async () => {
  data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-loadstep-'));
  srv = await startServer({ port: 0, host: '127.0.0.1', dataDir: data, planOnly: true, watchMs: 0, token: TEST_TOKEN });
  base = srv.url.replace(/\/$/, '');
  const file = fs.readFileSync(path.join(repo, 'workshops/break-fix.yaml'), 'utf8');
  // One step of the shipped workshop with no template, to see it refused.
  const plain = file.replace(/steps:\n/, 'steps:\n  - { title: Plain, text: go, checks: [{ from: ns1, ping: 10.0.0.1 }] }\n');
  const r = await post('/api/workshops', TEST_TOKEN, { file: plain });
  expect(r.status, await r.clone().text()).toBe(201);
  workshop = (await r.json()) as WorkshopView;
  const now = new Date().toISOString();
  srv.workshops.db.addParticipant(
    { id: 'xxxxxxxxxxxx', workshop: workshop.id, name: 'x', sandbox: 'pxxxxxxxxxxxx', joinedAt: now, lastSeen: now },
    SECRET,
  );
});
afterAll(async () => {
  await srv.close();
  fs.rmSync(data, { recursive: true, force: true });
});

describe('a step that starts from a lab template', () => {
  it('shows its template, and its checks are the template’s', () => {
    expect(workshop.steps[1]).toMatchObject({ title: 'Half a firewall', template: 'exercises/forward-drop' });
    expect(workshop.steps[1]!.checks).toContain('ns1 can ping 10.61.2.2 (TTL 63)');
    expect(workshop.steps[0]!.template).toBeUndefined();
  });

  it('loads into the participant’s lab, under its name, and their designer hears of it', async () => {
    const r = await post('/api/me/steps/5/load', SECRET);
    expect(r.status).toBe(200);
    expect(((await r.json()) as MeView).role).toBe('participant');
    const lab = (await (await fetch(`${base}/api/labs/${workshop.lab}`, { headers: { authorization: `Bearer ${SECRET}` } })).json()) as {
      text: string;
    };
    const t = parseTopology(lab.text).topology!;
    expect(t.name).toBe(workshop.lab);
    expect(Object.keys(t.nodes).sort()).toEqual(['ns1', 'ns2', 'router']);
    expect(t.links[1]!.endpoints[1]).toMatchObject({ name: 'r-ns2', mtu: 1400 });
  });

  it.each([
    ['a step without a template', '0', 400],
    ['a step past the last', '7', 404],
    ['a step that is no number', '1%3Breboot', 404],
    ['a negative step', '-1', 404],
  ])('refuses %s', async (_what, step, status) => {
    expect((await post(`/api/me/steps/${step}/load`, SECRET)).status).toBe(status);
  });

  it('is a participant’s: the instructor has no steps to load', async () => {
    expect((await post('/api/me/steps/1/load', TEST_TOKEN)).status).toBe(403);
    expect((await fetch(`${base}/api/me/steps/1/load`, { method: 'POST', headers: AUTH })).status).toBe(403);
  });
});
