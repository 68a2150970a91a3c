/**
 * A workshop on the real kernel, through the server's API as the web app
 * uses it: the instructor makes one; two participants join with its link,
 * each getting a sandbox and their own copy of the lab; one deploys and
 * passes step 1, and the dashboard hears it; every route and websocket of a
 * participant is scoped to them (another's workshop administration, lab,
 * terminal or capture is refused); a participant's terminal is the sandbox's
 * root, refused everything outside; the instructor watches and helps in a
 * participant's terminal; a restarted server finds everyone again; ending
 * the workshop removes every sandbox.
 * Workshop fixture test/fixtures/workshops/mini.yaml (lab `wst-lab`,
 * 10.237.1.0/24, inside sandboxes only).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PlainWebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import type { JoinResult, MeView, WorkshopMessage, WorkshopView } from '@nslab/topology';
import { listSandboxes, removeSandbox } from '../../src/sandbox/sandbox.js';
import type { RunningServer } from '../../src/serve.js';
import { fetch as instructorFetch, testServer, TEST_TOKEN, WebSocket as InstructorSocket } from '../client.js';
import { fixtures, isRoot, labFromYaml, sh } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

process.env.NSLAB_WORKSHOPS_DIR = path.join(fixtures, 'workshops');

const SOLVED = `name: wst-lab
nodes:
  wst-red: { kind: netns }
  wst-blue: { kind: netns }
links:
  - endpoints:
      - { node: wst-red, name: eth0, addresses: [10.237.1.1/24] }
      - { node: wst-blue, name: eth0, addresses: [10.237.1.2/24] }
`;

async function waitFor<T>(what: string, get: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A participant's client: their secret as the bearer token and websocket subprotocol. */
function as(secret: string) {
  const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  return {
    fetch: (url: string, init: RequestInit = {}) =>
      globalThis.fetch(url, { ...init, headers: { ...headers, ...(init.headers as object) } }),
    socket: (url: string) => new PlainWebSocket(url, ['nslab', `nslab.token.${secret}`]),
  };
}

/** Collects a terminal socket's output; `until(re)` waits for it. */
function terminal(ws: PlainWebSocket) {
  let out = '';
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  ws.on('message', (data, isBinary) => {
    out += isBinary ? data.toString() : `[${String(data)}]`;
  });
  return {
    opened,
    type: (s: string) => ws.send(JSON.stringify({ type: 'input', data: s })),
    until: (re: RegExp) =>
      waitFor(`terminal output ${re} (got: ${JSON.stringify(out.slice(-300))})`, () => (re.test(out) ? out : undefined), 15_000),
    get out() {
      return out;
    },
  };
}

/** The HTTP status an upgrade is refused with (undefined: it opened). */
function upgradeStatus(ws: PlainWebSocket): Promise<number | undefined> {
  return new Promise((resolve) => {
    ws.once('open', () => {
      ws.close();
      resolve(undefined);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
    ws.once('error', () => resolve(-1));
  });
}

describe.skipIf(!isRoot)('workshops: participants in sandboxes, one instructor view', () => {
  let server: RunningServer | undefined;
  let guard: HostGuard | undefined;
  let dataDir = '';
  const made = new Set<string>();

  afterAll(async () => {
    await server?.close();
    for (const s of made) await removeSandbox(s).catch(() => {});
    await guard?.release();
  });

  it('instructor makes a workshop; two join; one deploys and passes step 1 live on the dashboard; scoping holds; restart finds everyone; end removes every sandbox', async () => {
    guard = await guardHost([labFromYaml(SOLVED)]);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-wst-'));
    server = await testServer('wst', { dataDir });
    const base = server.url.replace(/\/$/, '');

    // The instructor: templates, then a workshop.
    const templates = (await (await instructorFetch(`${base}/api/workshop-templates`)).json()) as Array<{ id: string; steps: number }>;
    expect(templates.find((t) => t.id === 'mini')?.steps).toBe(2);
    const created = await instructorFetch(`${base}/api/workshops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ template: 'mini' }),
    });
    expect(created.status).toBe(201);
    const ws0 = (await created.json()) as WorkshopView;
    expect(ws0.joinPath).toMatch(/^\/join\/[A-Za-z0-9_-]{22}$/);
    expect(ws0.steps.map((s) => s.checks)).toEqual([['wst-red can ping 10.237.1.2'], ['wst-red has a route to default via 10.237.1.2']]);

    // The join page opens with the link alone; a wrong code does not.
    expect((await globalThis.fetch(`${base}${ws0.joinPath}`)).status).toBe(200);
    expect((await globalThis.fetch(`${base}/join/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(401);
    // The join link opens nothing else.
    const code = ws0.joinPath.split('/').pop()!;
    expect((await globalThis.fetch(`${base}/api/labs`, { headers: { authorization: `Bearer ${code}` } })).status).toBe(401);

    const join = async (name: string): Promise<JoinResult> => {
      const r = await globalThis.fetch(`${base}/api/join/${code}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      expect(r.status, await r.clone().text()).toBe(201);
      return (await r.json()) as JoinResult;
    };
    const bad = await globalThis.fetch(`${base}/api/join/${code}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '<script>' }),
    });
    expect(bad.status).toBe(400);
    const ada = await join('Ada');
    const bob = await join('Bob');
    const A = as(ada.secret);
    const B = as(bob.secret);

    // Each is a participant with their own copy and sandbox; the instructor's own labs are not theirs.
    const me = (await (await A.fetch(`${base}/api/me`)).json()) as MeView;
    const meB = (await (await B.fetch(`${base}/api/me`)).json()) as MeView;
    if (me.role !== 'participant' || meB.role !== 'participant') throw new Error('not participants');
    made.add(me.participant.sandbox).add(meB.participant.sandbox);
    expect(listSandboxes().filter((s) => made.has(s.name))).toHaveLength(2);
    expect(me.participant.name).toBe('Ada');
    expect(((await (await A.fetch(`${base}/api/labs`)).json()) as Array<{ name: string }>).map((l) => l.name)).toEqual(['wst-lab']);
    expect(((await (await instructorFetch(`${base}/api/labs`)).json()) as Array<{ name: string }>).map((l) => l.name)).not.toContain(
      'wst-lab',
    );

    // The dashboard follows the workshop.
    const dash = new InstructorSocket(`${base.replace('http', 'ws')}/api/ws/workshop?workshop=${ws0.id}`, ['nslab']);
    const views: WorkshopView[] = [];
    dash.on('message', (d) => {
      const m = JSON.parse(String(d)) as WorkshopMessage;
      if (m.type === 'workshop') views.push(m.workshop);
    });

    // Ada solves step 1 in the designer and deploys; her checks run when the deploy ends.
    expect((await A.fetch(`${base}/api/labs/wst-lab`, { method: 'PUT', body: JSON.stringify({ text: SOLVED }) })).status).toBe(200);
    const deployed = await A.fetch(`${base}/api/labs/wst-lab/deploy`, { method: 'POST' });
    expect(deployed.status, await deployed.clone().text()).toBe(200);
    const passed = await waitFor('step 1 passed on the dashboard', () =>
      views.find((v) => v.people.find((p) => p.name === 'Ada')?.results[0]?.ok === true),
    );
    const adaRow = passed.people.find((p) => p.name === 'Ada')!;
    expect(adaRow.results[0]!.detail).toEqual([expect.stringMatching(/^PASS wst-red can ping 10\.237\.1\.2: reachable/)]);
    expect(adaRow.results[1]?.ok).toBe(false); // no default route yet
    const bobRow = passed.people.find((p) => p.name === 'Bob')!;
    expect(bobRow.results.every((r) => !r.ok)).toBe(true);
    dash.close();

    // Ada's lab is in her sandbox only: Bob's copy is not deployed, the host has none of it.
    const bobStatus = (await (await B.fetch(`${base}/api/labs/wst-lab/status`)).json()) as { label: string };
    expect(bobStatus.label).not.toBe('Deployed');
    await guard.expectRestored();

    // Scoping: a participant cannot administer, nor reach another's lab, terminal or capture.
    expect((await A.fetch(`${base}/api/workshops`)).status).toBe(403);
    expect((await A.fetch(`${base}/api/workshops/${ws0.id}/people/${bob.participant.id}/lab`)).status).toBe(403);
    expect((await A.fetch(`${base}/api/workshops/${ws0.id}`, { method: 'DELETE' })).status).toBe(403);
    const wsBase = base.replace('http', 'ws');
    expect(await upgradeStatus(A.socket(`${wsBase}/api/term?lab=wst-lab&node=wst-red&participant=${bob.participant.id}&mode=help`))).toBe(
      403,
    );
    // Bob's capture (his lab deployed in his sandbox): its id is useless to Ada, and to the host's realm.
    expect((await B.fetch(`${base}/api/labs/wst-lab/deploy`, { method: 'POST' })).status).toBe(200);
    const capture = B.socket(`${wsBase}/api/stream?lab=wst-lab&node=wst-red&tool=tcpdump&iface=lo`);
    let captureStart: string | undefined;
    capture.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; capture?: string };
      if (m.type === 'start' && m.capture) captureStart = m.capture;
    });
    const id = await waitFor<string>('the capture id', () => captureStart);
    expect((await B.fetch(`${base}/api/captures/${id}`)).status).toBe(200);
    expect((await A.fetch(`${base}/api/captures/${id}`)).status).toBe(404);
    expect((await instructorFetch(`${base}/api/captures/${id}`)).status).toBe(404);
    capture.close();

    // Ada's terminal is her sandbox's root: her namespaces, nothing outside.
    const term = terminal(A.socket(`${wsBase}/api/term?lab=wst-lab&node=wst-red&cols=120&rows=40`));
    await term.opened;
    term.type('id -u; ip -br addr show dev eth0; ip netns list\n');
    await term.until(/10\.237\.1\.1\/24/);
    expect(term.out).toMatch(/^0\r?$/m);
    for (const [cmd, tag] of [
      ['touch /etc/nslab-wst', 'etc'],
      ['touch /root/nslab-wst', 'root'],
      ['cat /etc/shadow', 'shadow'],
      ['sysctl -w vm.swappiness=3', 'vm'],
      ['ls /run/nslab/sandboxes', 'others'],
      ['sysctl -w kernel.domainname=wst', 'kernel'],
      ['ip link set eth0 netns 1', 'netns1'],
      ['nsenter --net=/proc/1/ns/net true', 'hostnet'],
    ]) {
      term.type(`${cmd} >/dev/null 2>&1; echo ${tag}=$?\n`);
      const out = await term.until(new RegExp(`${tag}=\\d+`));
      expect(out.match(new RegExp(`${tag}=(\\d+)`))![1], cmd).not.toBe('0');
    }
    expect(fs.existsSync('/etc/nslab-wst')).toBe(false);

    // Bob, through his real terminal: a memory hog is killed at his sandbox's limit, and a fork bomb stops at its
    // process limit while the host and Ada keep answering (the bomb runs until Bob is removed, below).
    const bobTerm = terminal(B.socket(`${wsBase}/api/term?lab=wst-lab&node=wst-red&cols=120&rows=40`));
    await bobTerm.opened;
    bobTerm.type('bash -c \'x=$(head -c 400M /dev/zero | tr "\\\\0" a); echo ${#x}\'; echo "hog=$?"\n');
    const hog = await bobTerm.until(/hog=\d+/);
    expect(hog.match(/hog=(\d+)/)![1]).not.toBe('0');
    bobTerm.type('f() { f | f & }; f\n');
    const bobPids = `/sys/fs/cgroup/pids/nslab/${meB.participant.sandbox}`;
    await waitFor('the fork bomb to meet its limit', () =>
      /max [1-9]/.test(fs.readFileSync(`${bobPids}/pids.events`, 'utf8')) ? true : undefined,
    );
    expect(Number(fs.readFileSync(`${bobPids}/pids.current`, 'utf8'))).toBeLessThanOrEqual(256);
    expect((await sh(['ip', '-o', 'link', 'show', 'dev', 'lo'])).code).toBe(0);
    term.type('echo ada-still-$((40+2))\n');
    await term.until(/ada-still-42/);

    // The instructor watches Ada's terminal, then helps in it.
    const watch = terminal(
      new InstructorSocket(`${wsBase}/api/term?lab=wst-lab&node=wst-red&participant=${ada.participant.id}&mode=watch`, ['nslab']),
    );
    await watch.opened;
    term.type('echo seen-by-$((20+22))\n');
    await watch.until(/seen-by-42/);
    watch.type('echo typed-by-watcher\n'); // a watcher cannot type
    const help = terminal(
      new InstructorSocket(`${wsBase}/api/term?lab=wst-lab&node=wst-red&participant=${ada.participant.id}&mode=help`, ['nslab']),
    );
    await help.opened;
    help.type('echo help-$((1+1))\n');
    await term.until(/help-2/);
    expect(term.out).not.toContain('typed-by-watcher');

    // Restart: the new server finds the workshop, Ada's secret, her results, her deployed lab.
    await server.close();
    server = await testServer('wst', { dataDir });
    const base2 = server.url.replace(/\/$/, '');
    const again = (await (
      await globalThis.fetch(`${base2}/api/me`, { headers: { authorization: `Bearer ${ada.secret}` } })
    ).json()) as MeView;
    expect(again.role === 'participant' && again.results[0]?.ok).toBe(true);
    const status = (await (
      await globalThis.fetch(`${base2}/api/labs/wst-lab/status`, { headers: { authorization: `Bearer ${ada.secret}` } })
    ).json()) as { label: string };
    expect(status.label).toBe('Deployed');
    expect((await globalThis.fetch(`${base2}/api/me`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status).toBe(200);

    // Remove Bob; then end the workshop: every sandbox goes, nothing is left on the host.
    const removed = await globalThis.fetch(`${base2}/api/workshops/${ws0.id}/people/${bob.participant.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
    });
    expect(((await removed.json()) as WorkshopView).people.map((p) => p.name)).toEqual(['Ada']);
    expect((await globalThis.fetch(`${base2}/api/me`, { headers: { authorization: `Bearer ${bob.secret}` } })).status).toBe(401);
    const end = await globalThis.fetch(`${base2}/api/workshops/${ws0.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
    });
    expect(await end.json()).toEqual({ ended: true, removed: 1 });
    expect(listSandboxes().filter((s) => made.has(s.name))).toEqual([]);
    expect((await globalThis.fetch(`${base2}${ws0.joinPath}`)).status).toBe(401);
    await guard.expectRestored();
  });
});
