/**
 * npm run bench (workshop part): 30 participants on this machine, each
 * deploying the two-node template in their own sandbox at once, through the
 * server's API as their pages do. Reports the time to the last Deployed,
 * server RSS and memory per sandbox; then, with 30 terminals open and the
 * dashboard following everyone, API latency on loopback (p50/p99) and the
 * dashboard's latency after a participant's check result changes; then the
 * time to end the workshop (every sandbox removed). Needs root.
 * Goals (issue 12): 30 deploys done in under 20 s; dashboard under 1 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import WebSocket from 'ws';
import type { JoinResult, MeView, WorkshopMessage, WorkshopView } from '@nslab/topology';
import { BENCH_AUTH, BENCH_TOKEN } from './auth.js';
import { templatesDir } from '../paths.js';
import { sandboxUsage } from '../sandbox/sandbox.js';
import { startServer } from '../serve.js';

const PEOPLE = Number(process.env.NSLAB_BENCH_PEOPLE ?? 30);

function workshopFile(dir: string): void {
  const lab = parseDocument(fs.readFileSync(path.join(templatesDir(), '06-two-nodes.yaml'), 'utf8')).toJS() as { checks: unknown[] };
  const checks = lab.checks;
  delete (lab as { checks?: unknown }).checks;
  const text = `title: Bench\nlab: ${JSON.stringify(lab)}\nsteps:\n  - title: Two nodes\n    text: Deploy.\n    checks: ${JSON.stringify(checks)}\n`;
  fs.writeFileSync(path.join(dir, 'bench.yaml'), text);
}

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('workshop bench needs root');
    process.exit(1);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-wbench-'));
  workshopFile(dir);
  process.env.NSLAB_WORKSHOPS_DIR = dir;
  process.env.NSLAB_WORKSHOP_CHECK_MS = '600000'; // the sweep would only add noise: checks run on deploy end
  const srv = await startServer({ port: 0, host: '127.0.0.1', dataDir: path.join(dir, 'data'), watchMs: 0, token: BENCH_TOKEN });
  const base = srv.url.replace(/\/$/, '');
  const json = { 'content-type': 'application/json' };
  const call = async <T>(u: string, init: RequestInit & { auth?: string } = {}): Promise<T> => {
    const headers = { ...json, ...(init.auth ? { authorization: `Bearer ${init.auth}` } : BENCH_AUTH) };
    const r = await fetch(`${base}${u}`, { ...init, headers });
    if (!r.ok) throw new Error(`${u}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  let workshop: WorkshopView | undefined;
  const sockets: WebSocket[] = [];
  try {
    workshop = await call<WorkshopView>('/api/workshops', { method: 'POST', body: JSON.stringify({ template: 'bench' }) });
    const code = workshop.joinPath.split('/').pop()!;
    const t0 = performance.now();
    const people: JoinResult[] = [];
    for (let i = 0; i < PEOPLE; i++) {
      const r = await fetch(`${base}/api/join/${code}`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: `person ${i + 1}` }),
      });
      people.push((await r.json()) as JoinResult);
    }
    const joinMs = performance.now() - t0;

    // Everyone deploys at once.
    const rss0 = process.memoryUsage().rss;
    const d0 = performance.now();
    const done: number[] = [];
    const results = await Promise.all(
      people.map((p) =>
        call<{ ok: boolean }>(`/api/labs/${workshop!.lab}/deploy`, { method: 'POST', auth: p.secret }).then((r) => {
          done.push(performance.now() - d0);
          return r;
        }),
      ),
    );
    const deployMs = performance.now() - d0;
    const ok = results.filter((r) => r.ok).length;
    const rssPeak = process.memoryUsage().rss;
    const me = await Promise.all(people.map((p) => call<MeView>('/api/me', { auth: p.secret })));
    const sandboxes = me.flatMap((m) => (m.role === 'participant' ? [m.participant.sandbox] : []));
    const mem = sandboxes.map((s) => sandboxUsage(s).memoryBytes / 2 ** 20);
    console.log(`\nworkshop: ${PEOPLE} participants, each the two-node template in their own sandbox`);
    console.log(`  ${PEOPLE} joins (sandbox + lab copy each): ${(joinMs / 1000).toFixed(2)} s`);
    console.log(
      `  ${ok}/${PEOPLE} deployed at once; last Deployed after ${(deployMs / 1000).toFixed(2)} s (median ${(q(done, 0.5) / 1000).toFixed(2)} s; goal: < 20 s)`,
    );
    console.log(
      `  server RSS ${(rss0 / 2 ** 20).toFixed(0)} MB before, ${(rssPeak / 2 ** 20).toFixed(0)} MB after; memory per sandbox (cgroup) median ${q(mem, 0.5).toFixed(1)} MiB, max ${Math.max(...mem).toFixed(1)} MiB`,
    );

    // 30 terminals open, the dashboard following.
    const wsBase = base.replace('http', 'ws');
    for (const p of people) {
      const t = new WebSocket(`${wsBase}/api/term?lab=${workshop.lab}&node=pod1&cols=100&rows=30`, ['nslab', `nslab.token.${p.secret}`]);
      sockets.push(t);
      await new Promise((r) => t.once('message', r));
    }
    const dash = new WebSocket(`${wsBase}/api/ws/workshop?workshop=${workshop.id}`, ['nslab', `nslab.token.${BENCH_TOKEN}`]);
    sockets.push(dash);
    const seen: Array<{ at: number; view: WorkshopView }> = [];
    dash.on('message', (d) => {
      const m = JSON.parse(String(d)) as WorkshopMessage;
      if (m.type === 'workshop') seen.push({ at: Date.now(), view: m.workshop });
    });
    await new Promise((r) => dash.once('message', r));

    // Requests as pages make them, 10 at a time: reads of the server's own state, and lab status (which looks into the sandbox).
    const measure = async (paths: (p: JoinResult) => string) => {
      const lat: number[] = [];
      for (let i = 0; i < 300; i += 10)
        await Promise.all(
          Array.from({ length: 10 }, async (_, j) => {
            const p = people[(i + j) % people.length]!;
            const a = performance.now();
            await call(paths(p), { auth: p.secret });
            lat.push(performance.now() - a);
          }),
        );
      return `p50 ${q(lat, 0.5).toFixed(1)} ms, p99 ${q(lat, 0.99).toFixed(1)} ms`;
    };
    const reads = await measure((p) => (p.participant.name.endsWith('0') ? '/api/labs' : '/api/me'));
    const status = await measure(() => `/api/labs/${workshop!.lab}/status`);
    const a = performance.now();
    await call(`/api/workshops/${workshop.id}`);
    const dashMs = performance.now() - a;
    console.log(`  with ${PEOPLE} terminals open and the dashboard following, 300 requests 10 at a time on loopback:`);
    console.log(`    /api/me and /api/labs: ${reads}; lab status (observes the sandbox): ${status}; GET dashboard ${dashMs.toFixed(0)} ms`);

    // A check result changes (the instructor resets a participant: their lab destroyed, their checks run again and fail): how long until the dashboard shows it?
    const lag: number[] = [];
    for (const p of people.slice(0, 5)) {
      const name = me[people.indexOf(p)]!;
      const who = name.role === 'participant' ? name.participant.name : '';
      await call(`/api/workshops/${workshop.id}/people/${p.participant.id}/reset`, { method: 'POST' });
      const row = await new Promise<{ at: number; result: string }>((resolve) => {
        const look = () => {
          for (const s of seen) {
            const r = s.view.people.find((x) => x.name === who)?.results[0];
            if (r && !r.ok) return resolve({ at: s.at, result: r.at });
          }
          setTimeout(look, 5);
        };
        look();
      });
      lag.push(row.at - Date.parse(row.result));
    }
    console.log(
      `  dashboard latency after a check result changed (result time → dashboard message): max ${Math.max(...lag)} ms over 5 changes (goal: < 1 s)`,
    );
  } finally {
    for (const s of sockets) s.close();
    if (workshop) {
      const e0 = performance.now();
      await call(`/api/workshops/${workshop.id}`, { method: 'DELETE' }).catch((e: Error) => console.error(e.message));
      console.log(`  end workshop (every sandbox removed): ${((performance.now() - e0) / 1000).toFixed(2)} s`);
    }
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
