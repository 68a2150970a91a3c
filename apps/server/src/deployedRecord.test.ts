/** The lab file a deploy read, remembered for a redeploy of the same text: one per lab, gone with the lab. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Topology } from '@nslab/topology';
import { forgetDeployed, readDeployedSource, saveDeployed, saveDeployedSource } from './deployedRecord.js';

const lab = (name: string): Topology => ({ name, nodes: { a: { kind: 'netns' } }, links: [] }) as unknown as Topology;
const digest = (c: string) => c.repeat(64);

describe('deployed sources', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-src-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives back the design and warnings of the same digest, nothing for another', () => {
    saveDeployedSource(dir, digest('a'), { topology: lab('web'), warnings: ['nodes.a: a warning'] });
    expect(readDeployedSource(dir, digest('a'))).toEqual({ topology: lab('web'), warnings: ['nodes.a: a warning'] });
    expect(readDeployedSource(dir, digest('b'))).toBeUndefined();
  });

  it('keeps one per lab: a new text of the lab replaces the old one', () => {
    saveDeployedSource(dir, digest('a'), { topology: lab('web'), warnings: [] });
    saveDeployedSource(dir, digest('b'), { topology: lab('web'), warnings: [] });
    expect(readDeployedSource(dir, digest('a'))).toBeUndefined();
    expect(readDeployedSource(dir, digest('b'))?.topology.name).toBe('web');
    expect(fs.readdirSync(path.join(dir, 'sources'))).toHaveLength(1);
  });

  it('is forgotten with its lab (destroy, clean), and only with its lab', () => {
    saveDeployed(dir, lab('web'));
    saveDeployedSource(dir, digest('a'), { topology: lab('web'), warnings: [] });
    saveDeployedSource(dir, digest('c'), { topology: lab('web-2'), warnings: [] });
    forgetDeployed(dir, 'web');
    expect(readDeployedSource(dir, digest('a'))).toBeUndefined();
    expect(readDeployedSource(dir, digest('c'))?.topology.name).toBe('web-2');
  });

  it('nothing remembered yet: nothing found, nothing to forget', () => {
    expect(readDeployedSource(dir, digest('a'))).toBeUndefined();
    expect(() => forgetDeployed(dir, 'web')).not.toThrow();
  });
});
