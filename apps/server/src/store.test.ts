import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LabStore } from './store.js';

const storeModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/store.js');

describe('lab store', () => {
  it('keeps every save as a revision', () => {
    const s = new LabStore(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-store-')));
    s.create('a-lab', 'name: a-lab\nnodes: {}\n');
    s.save('a-lab', 'name: a-lab\nnodes: { x: { kind: netns } }\n');
    expect(s.revisions('a-lab').map((r) => r.rev)).toEqual([2, 1]);
    expect(s.restore('a-lab', 1).rev).toBe(3);
    s.close();
  });

  it('survives SIGKILL in the middle of saving: no corruption, every acknowledged save is there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-kill-'));
    // A writer that saves as fast as it can and prints each revision once save() has returned.
    const code = `
      const { LabStore } = await import(${JSON.stringify(storeModule)});
      const s = new LabStore(${JSON.stringify(dir)});
      s.create('k-lab', 'name: k-lab\\nnodes: {}\\n');
      for (let i = 0; ; i++) {
        const r = s.save('k-lab', 'name: k-lab\\nnodes: {}\\n# ' + 'x'.repeat(4000) + i + '\\n');
        process.stdout.write(r.rev + '\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let acked = 0;
    child.stdout.on('data', (b: Buffer) => {
      const revs = b.toString().trim().split('\n').map(Number).filter(Number.isFinite);
      if (revs.length) acked = Math.max(acked, ...revs);
    });
    // Kill it in the middle of saving, once it has saved a good number of revisions.
    for (let i = 0; i < 600 && acked < 50; i++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(acked).toBeGreaterThan(10);
    const db = new Database(path.join(dir, 'labs.sqlite'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const s = new LabStore(dir);
    const head = s.get('k-lab').rev;
    expect(head).toBeGreaterThanOrEqual(acked);
    expect(s.revisions('k-lab').length).toBe(head);
    s.close();
  });
});

describe('a quota (a workshop participant’s store)', () => {
  const lab = (name: string, pad = 0) => `name: ${name}\nnodes: {}\n${'#'.repeat(pad)}\n`;

  it('refuses a lab past maxLabs and text past maxBytes, and keeps only the last revisions', () => {
    const s = new LabStore(fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-quota-')), { maxLabs: 2, maxBytes: 4096, keepRevisions: 3 });
    s.create('a', lab('a'));
    s.create('b', lab('b'));
    expect(() => s.create('c', lab('c'))).toThrow(/at most 2 labs/);
    for (let i = 0; i < 6; i++) s.save('a', lab('a', i));
    expect(
      s
        .revisions('a')
        .map((r) => r.rev)
        .sort((x, y) => x - y),
    ).toEqual([5, 6, 7]);
    expect(s.get('a').rev).toBe(7);
    expect(() => s.save('b', lab('b', 5000))).toThrow(/more than/);
    expect(s.get('b').rev).toBe(1); // refused: nothing saved
    s.close();
  });
});
