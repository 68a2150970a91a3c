import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRoot, repoRoot } from './helpers.js';
import { execFileSync } from 'node:child_process';

describe.skipIf(!isRoot)('audit log', () => {
  it('records every command a deploy and destroy run: time, lab, argv, input, exit code', () => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-audit-')), 'audit.jsonl');
    const env = { ...process.env, NSLAB_AUDIT_LOG: log };
    const file = path.join(path.dirname(log), 'lab.yaml');
    fs.writeFileSync(
      file,
      'name: audit-lab\nnodes:\n  aud-a: { kind: netns }\n  aud-b: { kind: netns }\nlinks:\n  - endpoints: [{ node: aud-a, name: e0, addresses: [10.239.0.1/24] }, { node: aud-b, name: e0, addresses: [10.239.0.2/24] }]\n',
    );
    try {
      execFileSync(process.execPath, [path.join(repoRoot, 'bin/nslab'), 'deploy', file], { env, stdio: 'pipe' });
    } finally {
      execFileSync(process.execPath, [path.join(repoRoot, 'bin/nslab'), 'destroy', 'audit-lab'], { env, stdio: 'pipe' });
    }
    const entries = fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { time: string; lab: string | null; argv: string[]; input?: string; code: number });
    const mine = entries.filter((e) => e.lab === 'audit-lab');
    expect(mine.length).toBeGreaterThan(5);
    for (const e of mine) {
      expect(Array.isArray(e.argv)).toBe(true);
      expect(typeof e.code).toBe('number');
      expect(Date.parse(e.time)).not.toBeNaN();
    }
    expect(mine.some((e) => e.input?.includes('netns add aud-a'))).toBe(true);
    expect(mine.some((e) => e.input?.includes('netns del aud-a'))).toBe(true);
  });
});
