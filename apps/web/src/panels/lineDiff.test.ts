import { describe, expect, it } from 'vitest';
import { diffHunks, lineDiff } from './lineDiff';

const show = (a: string, b: string) =>
  lineDiff(a, b)
    .map((l) => `${l.op}${l.text}`)
    .join('|');

describe('lineDiff', () => {
  it.each([
    ['identical texts keep every line', 'a\nb\n', 'a\nb\n', ' a| b'],
    ['a changed line is removed then added', 'a\nb\nc\n', 'a\nx\nc\n', ' a|-b|+x| c'],
    ['an added line in the middle', 'a\nc\n', 'a\nb\nc\n', ' a|+b| c'],
    ['a removed first line', 'a\nb\n', 'b\n', '-a| b'],
    ['from nothing, every line is added', '', 'a\nb', '+a|+b'],
    ['to nothing, every line is removed', 'a\n', '', '-a'],
    ['a moved line is one removal and one addition', 'a\nb\nc\n', 'b\nc\na\n', '-a| b| c|+a'],
    ['a missing final newline changes nothing', 'a\nb', 'a\nb\n', ' a| b'],
  ])('%s', (_, a, b, expected) => {
    expect(show(a, b)).toBe(expected);
  });

  it('keeps the common lines of two interleaved edits', () => {
    const a = ['name: x', 'nodes:', '  ns1: { kind: netns }', '  ns2: { kind: netns }', 'links: []'].join('\n');
    const b = ['name: x', 'prefix: x-', 'nodes:', '  ns1: { kind: netns }', '  ns3: { kind: netns }', 'links: []'].join('\n');
    expect(show(a, b)).toBe(
      ' name: x|+prefix: x-| nodes:|   ns1: { kind: netns }|-  ns2: { kind: netns }|+  ns3: { kind: netns }| links: []',
    );
  });

  it('a long lab with one change diffs quickly and finds just that change', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `  ns${i}: { kind: netns }`);
    const changed = [...lines];
    changed[2500] = '  renamed: { kind: netns }';
    const started = performance.now();
    const d = lineDiff(lines.join('\n'), changed.join('\n'));
    expect(performance.now() - started).toBeLessThan(500);
    expect(d.filter((l) => l.op !== ' ')).toEqual([
      { op: '-', text: '  ns2500: { kind: netns }' },
      { op: '+', text: '  renamed: { kind: netns }' },
    ]);
  });
});

describe('diffHunks', () => {
  it('shows context around each change and counts the unchanged lines left out', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const b = a.replace('l10', 'L10');
    const parts = diffHunks(lineDiff(a, b), 2);
    expect(parts).toEqual([
      { skipped: 8 },
      {
        lines: [
          { op: ' ', text: 'l8' },
          { op: ' ', text: 'l9' },
          { op: '-', text: 'l10' },
          { op: '+', text: 'L10' },
          { op: ' ', text: 'l11' },
          { op: ' ', text: 'l12' },
        ],
      },
      { skipped: 7 },
    ]);
  });

  it('no change: everything is one skipped run', () => {
    expect(diffHunks(lineDiff('a\nb\n', 'a\nb\n'))).toEqual([{ skipped: 2 }]);
  });
});
