import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRoot, repoRoot } from './helpers.js';
import { execFileSync } from 'node:child_process';

describe.skipIf(!isRoot)('audit log', () => {
  it('records every command and netlink change a deploy and destroy make: time, lab, argv, input or request, exit code', () => {
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
      .map(
        (l) =>
          JSON.parse(l) as {
            time: string;
            lab: string | null;
            argv: string[];
            input?: string;
            code: number;
            netlink?: { netns: string | null; op: string; args: Record<string, unknown> };
          },
      );
    const mine = entries.filter((e) => e.lab === 'audit-lab');
    expect(mine.length).toBeGreaterThan(5);
    for (const e of mine) {
      expect(Array.isArray(e.argv)).toBe(true);
      expect(typeof e.code).toBe('number');
      expect(Date.parse(e.time)).not.toBeNaN();
    }
    // Changes nslab makes itself over netlink: the request, its arguments, and the ip command it stands for.
    const made = (argv: string) => mine.find((e) => e.netlink && e.argv.join(' ') === argv);
    expect(made('ip netns add aud-a')?.netlink).toEqual({ netns: null, op: 'netns add', args: { name: 'aud-a' } });
    expect(made('ip netns del aud-a')?.netlink).toEqual({ netns: null, op: 'netns del', args: { name: 'aud-a' } });
    expect(made('ip -n aud-a addr add 10.239.0.1/24 dev e0')?.netlink).toMatchObject({
      netns: 'aud-a',
      op: 'RTM_NEWADDR',
      args: { dev: 'e0', address: '10.239.0.1/24' },
    });
    expect(made('ip -n aud-a addr add 10.239.0.1/24 dev e0')?.code).toBe(0);
  });
});
