import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatTopology, setLabName } from './labText.js';
import { parseTopology } from './parseTopology.js';
import { fullLab } from './testFixtures.js';

const labsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../labs');

describe('lab text', () => {
  const files = fs.readdirSync(labsDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
  it.each(files)('formatting %s and parsing it back gives the same topology', (file) => {
    const t = parseTopology(fs.readFileSync(path.join(labsDir, file), 'utf8')).topology!;
    expect(parseTopology(formatTopology(t)).topology).toEqual(t);
  });

  it('writes endpoints on one line each', () => {
    const text = formatTopology(fullLab());
    expect(text).toContain('- { node: a, name: eth0, addresses: [ 10.9.1.5/24 ] }');
  });

  it('renaming keeps comments', () => {
    const out = setLabName('# my lab\nname: old # the name\nnodes: {}\n', 'new');
    expect(out).toContain('# my lab');
    expect(parseTopology(out).topology?.name).toBe('new');
  });
});
