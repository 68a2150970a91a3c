/**
 * Kill the deploy process (SIGKILL) after each step of a 10-namespace lab, in
 * turn: after each kill, `nslab deploy` completes the lab, and `nslab destroy`
 * leaves the host exactly as it was (namespaces, links, rules, sysctls).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desiredState, emptyObserved, parseTopology, planDeploy } from '@nslab/topology';
import { destroyQuietly, isRoot, nslab, removeLabs, repoRoot } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

const N = 10;
const lines = [
  'name: fault-lab',
  'nodes:',
  '  host: { kind: host, sysctls: { net.ipv4.ip_forward: 1 }, nat: [{ type: masquerade, source: 10.238.0.0/24, notOutInterface: flt-br } ] }',
  '  flt-br: { kind: bridge, addresses: [10.238.0.1/24] }',
  ...Array.from({ length: N }, (_, i) => `  flt-${i}: { kind: netns, routes: [{ to: default, via: 10.238.0.1 }] }`),
  'links:',
  ...Array.from(
    { length: N },
    (_, i) => `  - endpoints: [{ node: flt-${i}, name: eth0, addresses: [10.238.0.${i + 10}/24] }, { node: flt-br, name: flt-v${i} }]`,
  ),
];
const LAB = `${lines.join('\n')}\n`;

function deployKilledAfter(file: string, steps: number): Promise<{ signal: string | null; code: number | null }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, 'bin/nslab'), 'deploy', file],
      { env: { ...process.env, NSLAB_CRASH_AFTER: String(steps) } },
      (err) => {
        const e = err as (Error & { signal?: string; code?: number }) | null;
        resolve({ signal: e?.signal ?? null, code: e?.code ?? 0 });
      },
    );
  });
}

describe.skipIf(!isRoot)('a deploy killed after any step', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-fault-')), 'fault-lab.yaml');
  const total = planDeploy(emptyObserved('fault-lab'), desiredState(parseTopology(LAB).topology!)).steps.length;
  let guard: HostGuard | undefined;
  beforeAll(async () => {
    fs.writeFileSync(file, LAB);
    await removeLabs(['fault-lab']);
    guard = await guardHost([parseTopology(LAB).topology!]);
  });
  afterAll(async () => {
    await destroyQuietly('fault-lab');
    await guard?.release();
  });

  it(`the lab has ${total} steps to kill after`, () => expect(total).toBeGreaterThan(50));

  it('after every kill, deploy completes the lab and destroy restores the host exactly', async () => {
    for (let k = 1; k < total; k++) {
      const killed = await deployKilledAfter(file, k);
      expect(killed.signal, `kill after step ${k}`).toBe('SIGKILL');
      const done = await nslab('deploy', file);
      expect(done.code, `deploy after a kill at step ${k}: ${done.stderr}`).toBe(0);
      const plan = await nslab('plan', file);
      expect(
        plan.stdout.split('\n').filter((l) => l && !l.startsWith('#')),
        `plan after the deploy that followed a kill at step ${k}`,
      ).toEqual([]);
      const gone = await nslab('destroy', 'fault-lab');
      expect(gone.code, gone.stderr).toBe(0);
      await guard!.expectRestored();
    }
  }, 600_000);
});
