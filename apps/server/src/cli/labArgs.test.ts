/** A lab file's digest: what a remembered parse of it is found by (deployedRecord.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** The parser build bin/nslab would report (paths.ts reads it from the topology package's build info). */
let build: string | undefined = 'build-1';
vi.mock('../paths.js', async (original) => ({ ...(await original<typeof import('../paths.js')>()), topologyBuildId: () => build }));

const { sourceDigest } = await import('./labArgs.js');
const { readDeployedSource, saveDeployedSource } = await import('../deployedRecord.js');

const TEXT = 'name: web\nnodes:\n  a: { kind: netns }\nlinks: []\n';
const design = { topology: { name: 'web', nodes: { a: { kind: 'netns' } }, links: [] }, warnings: [] } as never;

describe('the digest a deployed lab file is remembered under', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-digest-'));
    build = 'build-1';
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is the same for the same text and parser build, and another for another text', () => {
    expect(sourceDigest(TEXT)).toBe(sourceDigest(TEXT));
    expect(sourceDigest(`${TEXT}# edited\n`)).not.toBe(sourceDigest(TEXT));
  });

  it('changes with the parser’s build: what one build parsed is not used by another', () => {
    saveDeployedSource(dir, sourceDigest(TEXT)!, design);
    expect(readDeployedSource(dir, sourceDigest(TEXT)!)).toBeDefined();
    build = 'build-2';
    expect(readDeployedSource(dir, sourceDigest(TEXT)!)).toBeUndefined();
  });

  it('is none where the build is unknown: nothing is remembered then', () => {
    build = undefined;
    expect(sourceDigest(TEXT)).toBeUndefined();
  });
});
