/**
 * Domain code does not know about HTTP: nothing outside http/ imports from
 * it, except serve.ts, which puts the server together. Domain code throws
 * NslabError; http/ turns it into a status.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = path.dirname(fileURLToPath(import.meta.url));
const EDGE = ['serve.ts'];
const FROM_HTTP = /from\s+['"](\.\/|\.\.\/)+http\//;

describe('layers', () => {
  it('only http/ and serve.ts import from http/', () => {
    const hits = fs
      .readdirSync(src, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.test.ts'))
      .map((d) => path.relative(src, path.join(d.parentPath, d.name)))
      .filter((f) => !f.startsWith(`http${path.sep}`) && !EDGE.includes(f))
      .filter((f) => FROM_HTTP.test(fs.readFileSync(path.join(src, f), 'utf8')));
    expect(hits).toEqual([]);
  });
});
