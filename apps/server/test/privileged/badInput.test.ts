/**
 * Every invalid lab of the corpus, given to the real `nslab deploy`: exit 1,
 * and nothing ran on the host — each process's own audit log holds no command
 * at all (every command nslab runs is audited) — and foreign objects planted
 * beside it are untouched.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/runner.js';
import { badLabs } from '../corpus/badLabs.js';
import { isRoot, repoRoot } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

describe.skipIf(!isRoot)('bad input changes nothing on the host', () => {
  let guard: HostGuard | undefined;
  afterAll(() => guard?.release());

  it('nslab deploy refuses every lab of the corpus with exit 1 and a path, and runs no command', async () => {
    guard = await guardHost([]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-corpus-'));
    const corpus = badLabs();
    const results = await mapLimit(corpus, 8, (c, i) => {
      const file = path.join(dir, `${i}.yaml`);
      const auditLog = path.join(dir, `${i}.audit.jsonl`);
      fs.writeFileSync(file, c.text);
      return new Promise<{ name: string; code: number; stderr: string; commands: string }>((resolve) => {
        execFile(
          process.execPath,
          [path.join(repoRoot, 'bin/nslab'), 'deploy', file],
          { env: { ...process.env, NSLAB_AUDIT_LOG: auditLog } },
          (err, _out, stderr) =>
            resolve({
              name: c.name,
              code: (err as { code?: number } | null)?.code ?? 0,
              stderr,
              commands: fs.existsSync(auditLog) ? fs.readFileSync(auditLog, 'utf8') : '',
            }),
        );
      });
    });
    for (const r of results) {
      expect(r.code, r.name).toBe(1);
      expect(r.stderr, r.name).toMatch(/nothing was changed on the host|: /);
      expect(r.commands, `${r.name}: commands run`).toBe('');
    }
    await guard.expectRestored();
    expect(fs.existsSync('/tmp/nslab-pwned')).toBe(false);
  }, 120_000);
});
