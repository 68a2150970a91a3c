/**
 * nslab serve as users start it (bin/nslab, a process): input it cannot take
 * is said in one line, with exit 1, before anything starts (shared/DESIGN.md).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-serve-'));
afterAll(() => fs.rmSync(data, { recursive: true, force: true }));

/** Runs `nslab serve` with `token` as NSLAB_TOKEN; a server that starts after all is stopped within seconds. */
function serve(token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(repoRoot, 'bin/nslab'), 'serve', '--port', '0', '--data-dir', data], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NSLAB_TOKEN: token, NSLAB_AUDIT_LOG: path.join(data, 'audit.jsonl') },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const stop = setTimeout(() => p.kill('SIGTERM'), 10_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(stop);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('nslab serve with a token it cannot take', () => {
  it.each([
    ['too short', 'walk15token', '(this one is 11 long)'],
    ['a character a header cannot carry', `${'a'.repeat(20)} b`, '(this one has others too)'],
  ])(
    '%s: one line saying the rule, exit 1, nothing served',
    async (_, token, why) => {
      const r = await serve(token);
      expect([r.code, r.stdout]).toEqual([1, '']);
      expect(r.stderr).toBe(`nslab serve: the token (NSLAB_TOKEN) must be 16–512 characters of A–Z a–z 0–9 . _ ~ - ${why}\n`);
      expect(fs.existsSync(path.join(data, 'token'))).toBe(false);
    },
    15_000,
  );
});
