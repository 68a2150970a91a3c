/** Every invalid lab of the corpus, given to the real `nslab deploy`: exit 1, and the host is unchanged. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/runner.js';
import { badLabs } from '../corpus/badLabs.js';
import { expectHostAsBefore, hostSnapshot, isRoot, repoRoot } from './helpers.js';

describe.skipIf(!isRoot)('bad input changes nothing on the host', () => {
  it('nslab deploy refuses every lab of the corpus with exit 1 and a path', async () => {
    const before = await hostSnapshot();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-corpus-'));
    const corpus = badLabs();
    const results = await mapLimit(corpus, 8, (c, i) => {
      const file = path.join(dir, `${i}.yaml`);
      fs.writeFileSync(file, c.text);
      return new Promise<{ name: string; code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, [path.join(repoRoot, 'bin/nslab'), 'deploy', file], (err, _out, stderr) => resolve({ name: c.name, code: (err as { code?: number } | null)?.code ?? 0, stderr }));
      });
    });
    for (const r of results) {
      expect(r.code, r.name).toBe(1);
      expect(r.stderr, r.name).toMatch(/nothing was changed on the host|: /);
    }
    await expectHostAsBefore(before);
    expect(fs.existsSync('/tmp/nslab-pwned')).toBe(false);
  }, 120_000);
});
