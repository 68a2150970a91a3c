/**
 * The server stopped in the middle of a deploy. SIGKILL: restarted, it shows
 * the truth, and a deploy completes the lab. SIGTERM: it finishes the deploy,
 * answers it, and exits cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { destroyQuietly, isolatedHost, isRoot, labFile, labFromYaml, nslab, removeLabs, repoRoot, type IsolatedHost } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';
import { TEST_TOKEN, WebSocket, fetch } from '../client.js';

const LAB = `name: restart-lab
nodes:
  rst-br: { kind: bridge, addresses: [10.241.0.1/24] }
${[0, 1, 2, 3, 4].map((i) => `  rst-${i}: { kind: netns }`).join('\n')}
links:
${[0, 1, 2, 3, 4].map((i) => `  - endpoints: [{ node: rst-${i}, name: eth0, addresses: [10.241.0.${i + 10}/24] }, { node: rst-br, name: rst-v${i} }]`).join('\n')}
`;

interface Served {
  child: ChildProcess;
  base: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `nslab serve` on a free port (it prints its URL once it listens). */
async function serve(data: string, env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/nslab'), 'serve', '--port', '0', '--data-dir', data], {
    env: { ...process.env, NSLAB_TOKEN: TEST_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /serving (http:\/\/\S+?)\/?\s/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((e) => reject(new Error(`nslab serve exited (${e.code ?? e.signal}): ${err}`)));
  });
  return { child, base, stderr: () => err, exited };
}

describe.skipIf(!isRoot)('server restart during a deploy', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-restart-'));
  let server: Served | undefined;
  let guard: HostGuard | undefined;
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await destroyQuietly('restart-lab');
    await guard?.release();
  });

  it('status reads Drift after the crash, and Deployed once a deploy completes; destroy restores the host', async () => {
    await removeLabs(['restart-lab']);
    guard = await guardHost([labFromYaml(LAB)]);
    server = await serve(data, { NSLAB_CRASH_AFTER: '12' });
    const post = (u: string, b: unknown = {}) =>
      fetch(`${server!.base}${u}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    expect((await post('/api/labs', { text: LAB })).status).toBe(201);
    await expect(post('/api/labs/restart-lab/deploy')).rejects.toThrow(); // the server dies mid-way
    server = await serve(data);
    const status = await (await fetch(`${server.base}/api/labs/restart-lab/status`)).json();
    expect(status.label).toBe('Drift');
    expect(status.differences.length).toBeGreaterThan(0);
    const plan = await (await post('/api/labs/restart-lab/plan')).json();
    expect(plan.steps.length, 'the Plan shows what is left to do').toBe(status.differences.length);
    expect((await (await post('/api/labs/restart-lab/deploy')).json()).ok).toBe(true);
    expect((await (await fetch(`${server.base}/api/labs/restart-lab/status`)).json()).label).toBe('Deployed');
    expect((await (await post('/api/labs/restart-lab/destroy')).json()).ok).toBe(true);
    await guard.expectRestored();
  });
});

const SIG_LAB = `name: sigterm-lab
nodes:
  sig-br: { kind: bridge, addresses: [10.240.0.1/24] }
${Array.from({ length: 30 }, (_, i) => `  sig-${i}: { kind: netns, routes: [{ to: default, via: 10.240.0.1 }] }`).join('\n')}
links:
${Array.from({ length: 30 }, (_, i) => `  - endpoints: [{ node: sig-${i}, name: eth0, addresses: [10.240.0.${i + 10}/24] }, { node: sig-br, name: sig-v${i} }]`).join('\n')}
`;

describe.skipIf(!isRoot)('SIGTERM during a deploy', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-sigterm-'));
  let server: Served | undefined;
  let guard: HostGuard | undefined;
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await destroyQuietly('sigterm-lab');
    await guard?.release();
  });

  it('the server finishes the deploy, answers it, and exits 0 without an error', async () => {
    await removeLabs(['sigterm-lab']);
    guard = await guardHost([labFromYaml(SIG_LAB)]);
    server = await serve(data);
    const { base } = server;
    const post = (u: string, b: unknown = {}) =>
      fetch(`${base}${u}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
    expect((await post('/api/labs', { text: SIG_LAB })).status).toBe(201);
    // A browser follows the lab: the status watcher and the end-of-operation status both run.
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/ws?lab=sigterm-lab`, { origin: base });
    const firstStep = new Promise<void>((r) => ws.on('message', (m) => JSON.parse(String(m)).type === 'step' && r()));
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    const reply = post('/api/labs/sigterm-lab/deploy').then((r) => r.json() as Promise<{ ok: boolean }>);
    await firstStep;
    server.child.kill('SIGTERM');
    expect((await reply).ok).toBe(true);
    const exit = await server.exited;
    expect(server.stderr()).toBe('');
    expect(exit).toEqual({ code: 0, signal: null });
    const status = await nslab('status', labFile(SIG_LAB));
    expect(status.code, status.stdout).toBe(0);
    expect((await nslab('destroy', 'sigterm-lab')).code).toBe(0);
    await guard.expectRestored();
  }, 60_000);
});

describe.skipIf(!isRoot)('nslab clean', () => {
  // clean removes every nslab mark on the host it runs on: here, a host of the test's own.
  let host: IsolatedHost | undefined;
  afterAll(() => host?.close());

  it('removes everything that carries an nslab mark, and nothing else', async () => {
    host = await isolatedHost();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-clean-'));
    expect((await host.run(['ip', 'netns', 'add', 'cln-foreign'])).code).toBe(0);
    expect((await host.run(['ip', 'link', 'add', 'cln-fbr', 'type', 'bridge'])).code).toBe(0);
    expect(
      (
        await host.run([
          'iptables',
          '-t',
          'nat',
          '-A',
          'POSTROUTING',
          '-s',
          '10.242.9.0/24',
          '-m',
          'comment',
          '--comment',
          'not-nslab',
          '-j',
          'RETURN',
        ])
      ).code,
    ).toBe(0);
    const state = async () => {
      const ns = (await host!.run(['ip', 'netns', 'list'])).stdout.trim();
      const links = (await host!.run(['ip', '-o', 'link', 'show'])).stdout
        .split('\n')
        .map((l) => l.split(':')[1]?.trim().split('@')[0])
        .filter(Boolean)
        .sort();
      const rules = (await host!.run(['iptables-save'])).stdout.split('\n').filter((l) => l.startsWith('-A'));
      const fwd = (await host!.run(['sysctl', '-n', 'net.ipv4.ip_forward'])).stdout.trim();
      return JSON.stringify({ ns, links, rules, fwd });
    };
    const before = await state();
    for (const [lab, ns] of [
      ['clean-a', 'cln-a'],
      ['clean-b', 'cln-b'],
    ]) {
      const file = path.join(dir, `${lab}.yaml`);
      fs.writeFileSync(
        file,
        `name: ${lab}\nnodes:\n  host: { kind: host, sysctls: { net.ipv4.ip_forward: 1 }, nat: [{ type: masquerade, source: 10.242.0.0/24 }] }\n  ${ns}: { kind: netns }\nlinks:\n  - endpoints: [{ node: ${ns}, name: eth0, addresses: [10.242.0.${lab === 'clean-a' ? 2 : 6}/30] }, { node: host, name: ${ns}-h, addresses: [10.242.0.${lab === 'clean-a' ? 1 : 5}/30] }]\n`,
      );
      const r = await host.nslab('deploy', file);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(await state()).not.toBe(before);
    const r = await host.nslab('clean');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/removed lab clean-a/);
    expect(r.stdout).toMatch(/removed lab clean-b/);
    let after = await state();
    for (let i = 0; i < 50 && after !== before; i++) {
      await new Promise((res) => setTimeout(res, 100)); // namespaces' veths go a little after `ip netns del`
      after = await state();
    }
    expect(after).toBe(before);
    expect((await host.nslab('clean')).stdout).toContain('nothing carries an nslab mark');
  });
});
