/** nslab validate's summary line: what the file holds, each count in the right number. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from './labFiles.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nslab-validate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** What `nslab validate` prints for a file holding `text`. */
async function validate(text: string): Promise<string> {
  const file = path.join(dir, 'lab.yaml');
  fs.writeFileSync(file, text);
  const printed: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (printed.push(String(s)), true));
  await commands.validate!([file]);
  return printed.join('').replace(`${file}: `, '');
}

const node = (n: number) => `  c15n${n}: { kind: netns }`;
const link = (a: number, b: number, i: number) =>
  `  - endpoints: [{ node: c15n${a}, name: eth${i}, addresses: [10.253.${i}.1/24] }, { node: c15n${b}, name: eth${i}, addresses: [10.253.${i}.2/24] }]`;

describe('nslab validate', () => {
  it.each([
    ['one node, no link', [node(1)], [], 'valid — lab "cli15-v", 1 node, 0 links'],
    ['two nodes, one link', [node(1), node(2)], [link(1, 2, 1)], 'valid — lab "cli15-v", 2 nodes, 1 link'],
    ['three nodes, two links', [node(1), node(2), node(3)], [link(1, 2, 1), link(2, 3, 2)], 'valid — lab "cli15-v", 3 nodes, 2 links'],
  ])('%s', async (_, nodes, links, said) => {
    const text = ['name: cli15-v', 'nodes:', ...nodes, `links:${links.length ? '' : ' []'}`, ...links, ''].join('\n');
    expect(await validate(text)).toBe(`${said}\n`);
  });
});
