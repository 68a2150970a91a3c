/** The lab file a deploy read, remembered for a redeploy of the same text: one per lab, gone with the lab. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTopology, type Topology } from '@nslab/topology';
import { forgetDeployed, readDeployedSource, saveDeployed, saveDeployedSource } from './deployedRecord.js';
import { labFile, templatesDir } from './paths.js';
import { listTemplates } from './templates.js';

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

  it('gives every template back as it was parsed: a remembered design passes its own check', () => {
    let read = 0;
    for (const [i, t] of listTemplates(templatesDir()).entries()) {
      const r = parseTopology(t.text);
      if (!r.ok) continue; // an exercise may be broken on purpose; never deployed as it is
      const d = i.toString(16).padStart(64, '0');
      saveDeployedSource(dir, d, { topology: r.topology!, warnings: [] });
      expect(readDeployedSource(dir, d)?.topology, t.id).toEqual(r.topology);
      read++;
    }
    expect(read).toBeGreaterThan(5);
  });

  it('gives nothing for a record that is no valid design (damaged, edited, another build’s): the file is parsed instead', () => {
    const write = (lab: string, body: unknown) => {
      fs.mkdirSync(path.join(dir, 'sources'), { recursive: true });
      fs.writeFileSync(labFile(dir, 'sources', lab, `.${digest('a')}.json`), typeof body === 'string' ? body : JSON.stringify(body));
    };
    const cases: Array<[string, string, unknown]> = [
      [
        'an error the parser would refuse',
        'web',
        { topology: { ...lab('web'), checks: [{ from: 'nosuch', ping: '10.0.0.1' }] }, warnings: [] },
      ],
      ['a kind no build knows', 'web', { topology: { name: 'web', nodes: { a: { kind: 'vm' } }, links: [] }, warnings: [] }],
      ['another lab’s design under this lab’s name', 'web', { topology: lab('other'), warnings: [] }],
      ['warnings that are not lines', 'web', { topology: lab('web'), warnings: [{ evil: 1 }] }],
      ['no design', 'web', { warnings: [] }],
      ['not JSON', 'web', '{"topology":'],
    ];
    for (const [what, name, body] of cases) {
      fs.rmSync(path.join(dir, 'sources'), { recursive: true, force: true });
      write(name, body);
      expect(readDeployedSource(dir, digest('a')), what).toBeUndefined();
    }
  });

  it('is found only by its lab’s file name: a file that names no lab is not read', () => {
    fs.mkdirSync(path.join(dir, 'sources'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'sources', `..${digest('a')}.json`), JSON.stringify({ topology: lab('web'), warnings: [] }));
    fs.writeFileSync(path.join(dir, 'sources', `Web.${digest('a')}.json`), JSON.stringify({ topology: lab('web'), warnings: [] }));
    expect(readDeployedSource(dir, digest('a'))).toBeUndefined();
  });
});
