/**
 * The bundled CLI runs only while it is what would be bundled now: bin/nslab,
 * in a tree of its own (a stand-in bundle and tsc output that say which ran),
 * with the stamp scripts/bundleCli.mjs writes (scripts/cliStamp.mjs).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const { STAMPED, takeStamp } = (await import(path.join(repo, 'scripts/cliStamp.mjs'))) as {
  STAMPED: string[];
  takeStamp: (root: string) => Record<string, number | null>;
};

describe('the bundled CLI’s stamp', () => {
  let root: string;
  const write = (file: string, text = '') => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  /** Which CLI bin/nslab ran: the bundle or tsc's modules. */
  const ran = () => execFileSync(process.execPath, [path.join(root, 'bin/nslab'), 'templates'], { encoding: 'utf8' }).trim();
  const stamp = () => write('apps/server/dist/cli.bundle.json', JSON.stringify(takeStamp(`${root}/`)));
  /** A later modification time than the stamp's, as an install or a build gives. */
  const touch = (file: string) => {
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, file), later, later);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-stamp-'));
    fs.mkdirSync(path.join(root, 'bin'));
    fs.copyFileSync(path.join(repo, 'bin/nslab'), path.join(root, 'bin/nslab'));
    write('apps/server/dist/cli.js', "process.stdout.write('tsc\\n');\n");
    write('apps/server/dist/cli.bundle.cjs', "process.stdout.write('bundle\\n');\n");
    for (const f of STAMPED) write(f, '{}');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('covers both builds and the lockfiles: the bundle holds yaml and zod', () => {
    expect(STAMPED).toEqual(
      expect.arrayContaining([
        'apps/server/tsconfig.tsbuildinfo',
        'packages/topology/tsconfig.tsbuildinfo',
        'package-lock.json',
        'node_modules/.package-lock.json',
      ]),
    );
  });

  it('runs the bundle while the stamp holds', () => {
    stamp();
    expect(ran()).toBe('bundle');
  });

  it.each(STAMPED)('runs tsc’s modules once %s changed (a build, an npm install or update)', (file) => {
    stamp();
    touch(file);
    expect(ran()).toBe('tsc');
  });

  it('a file absent when it was stamped must stay absent (npm made its record of what is installed since)', () => {
    fs.rmSync(path.join(root, 'node_modules/.package-lock.json'));
    stamp();
    expect(ran()).toBe('bundle');
    write('node_modules/.package-lock.json', '{}');
    expect(ran()).toBe('tsc');
  });

  it('never runs a bundle without a stamp', () => {
    expect(ran()).toBe('tsc');
  });
});
