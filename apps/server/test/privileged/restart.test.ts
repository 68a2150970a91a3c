/** The server killed in the middle of a deploy: restarted, it shows the truth, and a deploy completes the lab. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { destroyQuietly, isolatedHost, isRoot, labFromYaml, removeLabs, repoRoot, type IsolatedHost } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

const LAB = `name: restart-lab
nodes:
  rst-br: { kind: bridge, addresses: [10.241.0.1/24] }
${[0, 1, 2, 3, 4].map((i) => `  rst-${i}: { kind: netns }`).join('\n')}
links:
${[0, 1, 2, 3, 4].map((i) => `  - endpoints: [{ node: rst-${i}, name: eth0, addresses: [10.241.0.${i + 10}/24] }, { node: rst-br, name: rst-v${i} }]`).join('\n')}
`;

async function serve(port: number, data: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/nslab'), 'serve', '--port', String(port), '--data-dir', data], { env: { ...process.env, ...env }, stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not start');
}

describe.skipIf(!isRoot)('server restart during a deploy', () => {
  const port = 7395;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-restart-'));
  const base = `http://127.0.0.1:${port}`;
  const post = (u: string, b: unknown = {}) => fetch(`${base}${u}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
  let server: ChildProcess | undefined;
  let guard: HostGuard | undefined;
  afterAll(async () => {
    server?.kill('SIGKILL');
    await destroyQuietly('restart-lab');
    await guard?.release();
  });

  it('status reads Drift after the crash, and Deployed once a deploy completes; destroy restores the host', async () => {
    await removeLabs(['restart-lab']);
    guard = await guardHost([labFromYaml(LAB)]);
    server = await serve(port, data, { NSLAB_CRASH_AFTER: '12' });
    expect((await post('/api/labs', { text: LAB })).status).toBe(201);
    await expect(post('/api/labs/restart-lab/deploy')).rejects.toThrow(); // the server dies mid-way
    server = await serve(port, data);
    const status = await (await fetch(`${base}/api/labs/restart-lab/status`)).json();
    expect(status.label).toBe('Drift');
    expect(status.differences.length).toBeGreaterThan(0);
    expect((await (await post('/api/labs/restart-lab/deploy')).json()).ok).toBe(true);
    expect((await (await fetch(`${base}/api/labs/restart-lab/status`)).json()).label).toBe('Deployed');
    expect((await (await post('/api/labs/restart-lab/destroy')).json()).ok).toBe(true);
    await guard.expectRestored();
  });
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
    expect((await host.run(['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', '10.242.9.0/24', '-m', 'comment', '--comment', 'not-nslab', '-j', 'RETURN'])).code).toBe(0);
    const state = async () => {
      const ns = (await host!.run(['ip', 'netns', 'list'])).stdout.trim();
      const links = (await host!.run(['ip', '-o', 'link', 'show'])).stdout.split('\n').map((l) => l.split(':')[1]?.trim().split('@')[0]).filter(Boolean).sort();
      const rules = (await host!.run(['iptables-save'])).stdout.split('\n').filter((l) => l.startsWith('-A'));
      const fwd = (await host!.run(['sysctl', '-n', 'net.ipv4.ip_forward'])).stdout.trim();
      return JSON.stringify({ ns, links, rules, fwd });
    };
    const before = await state();
    for (const [lab, ns] of [['clean-a', 'cln-a'], ['clean-b', 'cln-b']]) {
      const file = path.join(dir, `${lab}.yaml`);
      fs.writeFileSync(file, `name: ${lab}\nnodes:\n  host: { kind: host, sysctls: { net.ipv4.ip_forward: 1 }, nat: [{ type: masquerade, source: 10.242.0.0/24 }] }\n  ${ns}: { kind: netns }\nlinks:\n  - endpoints: [{ node: ${ns}, name: eth0, addresses: [10.242.0.${lab === 'clean-a' ? 2 : 6}/30] }, { node: host, name: ${ns}-h, addresses: [10.242.0.${lab === 'clean-a' ? 1 : 5}/30] }]\n`);
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
