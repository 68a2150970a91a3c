import { describe, expect, it } from 'vitest';
import { formatPath, isError, type TopologyIssue } from '../issues.js';
import { LIMITS, parseTopology, parseTopologyData, type ParseResult } from '../parseTopology.js';
import { utf8Length } from './limits.js';

const codes = (r: ParseResult) => r.issues.filter(isError).map((i) => i.code);
const limitCodes = (r: ParseResult) => codes(r).filter((c) => c.startsWith('limits.'));
/** Refused with exactly one error of this code, and nothing thrown. */
function refused(r: ParseResult, code: string): TopologyIssue {
  expect(r.ok).toBe(false);
  expect(r.topology).toBeUndefined();
  expect(codes(r)).toEqual([code]);
  return r.issues[0]!;
}

const LAB = 'name: x\nnodes:\n  a: { kind: netns }\n';
/** `a: ` then `n` nested flow sequences: depth n + 1 (the top mapping counts). */
const flowDepth = (n: number) => `name: x\nnodes: {}\na: ${'['.repeat(n - 1)}${']'.repeat(n - 1)}\n`;
/** Block mappings nested to depth n, one key per level, two spaces each. */
const blockDepth = (n: number) =>
  ['name: x', 'nodes: {}', ...Array.from({ length: n - 1 }, (_, i) => `${'  '.repeat(i)}k${i}:`), `${'  '.repeat(n - 1)}leaf: 1`].join(
    '\n',
  );
/** Nested objects to depth n (the outer object is 1). */
const dataDepth = (n: number) => {
  const root: Record<string, unknown> = { name: 'x', nodes: {} };
  let cur = root;
  for (let i = 1; i < n; i++) cur = (cur[`k${i}`] = {}) as Record<string, unknown>;
  return root;
};
const netnsNodes = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`n${i}`, { kind: 'netns' }]));
const links = (n: number) => Array.from({ length: n }, () => ({ endpoints: [] }));

describe('limits: the defaults', () => {
  it('are 1 MiB, 32 levels, 2000 nodes, 4000 links, 100 aliases', () => {
    expect(LIMITS).toEqual({ maxBytes: 1048576, maxDepth: 32, maxNodes: 2000, maxLinks: 4000, maxAliases: 100 });
    expect(Object.isFrozen(LIMITS)).toBe(true);
  });
});

describe('limits.size: UTF-8 bytes, before anything is parsed', () => {
  const padded = (bytes: number, fill = 'x') => `${LAB}#${fill.repeat(Math.floor((bytes - LAB.length - 2) / utf8Length(fill)))}\n`;

  it('a file of exactly 1 MiB is read; one byte more is refused, naming both sizes', () => {
    const text = padded(LIMITS.maxBytes);
    expect(utf8Length(text)).toBe(1048576);
    expect(parseTopology(text).ok).toBe(true);
    const issue = refused(parseTopology(`${text} `), 'limits.size');
    expect(issue.message).toContain('1048577 bytes');
    expect(issue.message).toContain('1048576');
  });

  it('counts bytes, not characters: 2-, 3- and 4-byte characters', () => {
    expect(utf8Length('aé€😀')).toBe(1 + 2 + 3 + 4);
    expect(utf8Length('\ud800')).toBe(3); // a lone surrogate is written as U+FFFD
    const text = `${LAB}#${'é'.repeat(100)}\n`; // 201 bytes of comment and newline
    const bytes = utf8Length(text);
    expect(text.length).toBeLessThan(bytes);
    expect(parseTopology(text, { limits: { maxBytes: bytes } }).ok).toBe(true);
    refused(parseTopology(text, { limits: { maxBytes: bytes - 1 } }), 'limits.size');
  });

  it('a 100 MB string is refused without being parsed', () => {
    refused(parseTopology('['.repeat(100 * 1024 * 1024)), 'limits.size');
  });
});

describe('limits.depth in text: flow and block nesting, outside strings and comments', () => {
  it('flow nesting at exactly 32 levels is read; 33 is refused with its line', () => {
    expect(limitCodes(parseTopology(flowDepth(32)))).toEqual([]);
    const issue = refused(parseTopology(flowDepth(33)), 'limits.depth');
    expect(issue.message).toBe('line 3: nested 33 levels deep; nslab reads at most 32 (limit maxDepth)');
  });

  it('block nesting at exactly 32 levels is read; 33 is refused with its line', () => {
    expect(limitCodes(parseTopology(blockDepth(32)))).toEqual([]);
    const issue = refused(parseTopology(blockDepth(33)), 'limits.depth');
    expect(issue.message).toMatch(/^line 35: nested 33 levels deep/);
  });

  it('a smaller maxDepth is honoured at its boundary', () => {
    expect(limitCodes(parseTopology(flowDepth(5), { limits: { maxDepth: 5 } }))).toEqual([]);
    refused(parseTopology(flowDepth(6), { limits: { maxDepth: 5 } }), 'limits.depth');
    expect(limitCodes(parseTopology(blockDepth(5), { limits: { maxDepth: 5 } }))).toEqual([]);
    refused(parseTopology(blockDepth(6), { limits: { maxDepth: 5 } }), 'limits.depth');
  });

  it.each([
    ['nested block sequences on one line', (n: number) => `a:\n${'- '.repeat(n - 1)}x\n`],
    ['explicit keys on one line', (n: number) => `${'? '.repeat(n)}x\n`],
    [
      'block sequences under keys',
      (n: number) => Array.from({ length: Math.ceil(n / 2) }, (_, i) => `${'  '.repeat(i)}- k${i}:`).join('\n'),
    ],
    ['flow mappings', (n: number) => `a: ${'{b: '.repeat(n - 1)}1${'}'.repeat(n - 1)}\n`],
    ['a JSON document', (n: number) => `${'{"a": '.repeat(n)}1${'}'.repeat(n)}`],
  ])('counts %s', (_name, make) => {
    expect(limitCodes(parseTopology(make(10), { limits: { maxDepth: 10 } }))).toEqual([]);
    refused(parseTopology(make(12), { limits: { maxDepth: 10 } }), 'limits.depth');
  });

  it.each([
    ['a double-quoted string', `a: "${'['.repeat(100)}"`],
    ['a single-quoted string', `a: '${'{'.repeat(100)}'`],
    ['a plain scalar', `a: b${'['.repeat(100)}`],
    ['a comment', `a: 1 # ${'['.repeat(100)}`],
    ['a block scalar', `a: |\n  ${'['.repeat(100)}\n  - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -\nb: 1`],
  ])('does not count brackets inside %s', (_name, body) => {
    expect(limitCodes(parseTopology(`name: x\nnodes: {}\n${body}\n`))).toEqual([]);
  });

  it.each([
    ['an apostrophe in a plain scalar', `a: it's\nb: ${'['.repeat(40)}`],
    ['a quote inside a plain scalar', `a: x"\nb: ${'['.repeat(40)}\nc: "`],
    ['a hash with no space before it', `a: x#${'['.repeat(3)}\nb: ${'['.repeat(40)}`],
    ['a block scalar header inside a string', `a: "|"\nb: ${'['.repeat(40)}`],
  ])('is not fooled by %s', (_name, body) => {
    refused(parseTopology(`name: x\nnodes: {}\n${body}\n`), 'limits.depth');
  });
});

describe('limits.depth, hostile text: refused as an issue, never thrown', () => {
  it.each([
    ['1 MB of "["', () => '['.repeat(1 << 20)],
    ['1 MB of "{"', () => '{'.repeat(1 << 20)],
    ['1 MB of "{a: " nests', () => `a: ${'{a: '.repeat(262000)}`],
    ['1 MB of "- "', () => '- '.repeat(500000)],
    ['1 MB of ": "', () => ': '.repeat(500000)],
    ['1 MB of "? "', () => '? '.repeat(500000)],
    ['deeply indented block maps', () => Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i)}a${i}:`).join('\n')],
    ['block sequences one column deeper each line', () => Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i)}- a:`).join('\n')],
    ['20 000 "[" inside a flow mapping', () => `{a: ${'['.repeat(20000)}`],
    ['brackets after a broken flow collection', () => `a: [\nb: ${'['.repeat(1000)}`],
  ])('%s', (_name, make) => {
    const r = parseTopology(make());
    expect(r.ok).toBe(false);
    expect(codes(r)).toContain('limits.depth');
  });
});

describe('limits.depth in data', () => {
  it('an object nested exactly 32 deep is read; 33 is refused at its path', () => {
    expect(limitCodes(parseTopologyData(dataDepth(32)))).toEqual([]);
    const issue = refused(parseTopologyData(dataDepth(33)), 'limits.depth');
    expect(formatPath(issue.path)).toBe(Array.from({ length: 32 }, (_, i) => `k${i + 1}`).join('.'));
    expect(issue.message).toMatch(/nested 33 levels deep; nslab reads at most 32/);
  });

  it('arrays count as levels, and paths name their indexes', () => {
    const t = { name: 'x', nodes: {}, links: [[[[1]]]] };
    expect(limitCodes(parseTopologyData(t, { limits: { maxDepth: 5 } }))).toEqual([]);
    const issue = refused(parseTopologyData(t, { limits: { maxDepth: 4 } }), 'limits.depth');
    expect(issue.path).toEqual(['links', 0, 0, 0]);
  });

  it('a cycle is refused, not walked forever', () => {
    const t: Record<string, unknown> = { name: 'x', nodes: {} };
    t.self = { back: t };
    const issue = refused(parseTopologyData(t), 'limits.depth');
    expect(issue.message).toMatch(/cycle/);
  });

  it('a shared object is walked once: 40 levels of two references to one child', () => {
    let shared: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) shared = { l: shared, r: shared };
    expect(limitCodes(parseTopologyData({ name: 'x', nodes: {}, s: shared }))).toEqual([]);
    for (let i = 0; i < 10; i++) shared = { l: shared, r: shared };
    refused(parseTopologyData({ name: 'x', nodes: {}, s: shared }), 'limits.depth');
  });

  it('YAML aliases that nest what they refer to are measured after expansion', () => {
    const text = `name: x\nnodes: {}\na: &a ${'['.repeat(20)}${']'.repeat(20)}\nb: &b [*a, *a]\nc: [[[[[[[[[[[[*b]]]]]]]]]]]]\n`;
    refused(parseTopology(text), 'limits.depth');
  });
});

describe('limits.nodes and limits.links', () => {
  it('2000 nodes are read; 2001 are refused at "nodes", naming the count', () => {
    expect(limitCodes(parseTopologyData({ name: 'x', nodes: netnsNodes(2000) }))).toEqual([]);
    const issue = refused(parseTopologyData({ name: 'x', nodes: netnsNodes(2001) }), 'limits.nodes');
    expect(issue.path).toEqual(['nodes']);
    expect(issue.message).toBe('2001 nodes; a lab has at most 2000 (limit maxNodes)');
  });

  it('4000 links are counted, not refused; 4001 are refused at "links"', () => {
    expect(limitCodes(parseTopologyData({ name: 'x', nodes: {}, links: links(4000) }))).toEqual([]);
    const issue = refused(parseTopologyData({ name: 'x', nodes: {}, links: links(4001) }), 'limits.links');
    expect(issue.path).toEqual(['links']);
    expect(issue.message).toBe('4001 links; a lab has at most 4000 (limit maxLinks)');
  });

  it('apply to text too, before the schema is checked, with overrides', () => {
    const text = (n: number) =>
      `name: x\nnodes:\n${Array.from({ length: n }, (_, i) => `  n${i}: { kind: netns }\n`).join('')}links: [${Array.from({ length: n }, () => '{bad: 1}').join(', ')}]\n`;
    expect(limitCodes(parseTopology(text(3), { limits: { maxNodes: 3, maxLinks: 3 } }))).toEqual([]);
    refused(parseTopology(text(4), { limits: { maxNodes: 3, maxLinks: 4 } }), 'limits.nodes');
    refused(parseTopology(text(4), { limits: { maxNodes: 4, maxLinks: 3 } }), 'limits.links');
  });

  it('count nodes reached through an alias', () => {
    const text = `name: x\nx: &n\n${Array.from({ length: 4 }, (_, i) => `  n${i}: { kind: netns }\n`).join('')}nodes: *n\n`;
    refused(parseTopology(text, { limits: { maxNodes: 3 } }), 'limits.nodes');
  });
});

describe('limits.aliases: alias bombs', () => {
  const laughs = (levels: number) => {
    const lines = ['name: x', 'nodes: {}', 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= levels; i++) lines.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
    return `${lines.join('\n')}\n`;
  };

  it('a billion laughs (10⁹ strings from 10 levels of 10 aliases) is refused', () => {
    const issue = refused(parseTopology(laughs(9)), 'limits.aliases');
    expect(issue.message).toMatch(/alias bomb/);
  });

  it('a few aliases are fine; maxAliases 0 forbids them', () => {
    const text = 'name: x\nnodes:\n  a: &n { kind: netns }\n  b: *n\n';
    expect(parseTopology(text).ok).toBe(true);
    refused(parseTopology(text, { limits: { maxAliases: 0 } }), 'limits.aliases');
  });
});

describe('duplicate keys, found in linear time', () => {
  it('reports each duplicate with its line and column', () => {
    const r = parseTopology('name: x\nnodes:\n  a: { kind: netns }\n  a: { kind: netns }\nname: y\n');
    expect(r.issues.map((i) => `${i.code} ${i.message}`)).toEqual([
      'input.syntax line 5, column 1: Map keys must be unique: "name" appears twice',
      'input.syntax line 4, column 3: Map keys must be unique: "a" appears twice',
    ]);
  });

  it("50 000 distinct keys parse (yaml's own check compares every pair), and one duplicate among them is found", () => {
    const keys = Array.from({ length: 50000 }, (_, i) => `k${i}: 1`);
    const r = parseTopology(`name: x\nnodes: {}\nextra:\n  ${keys.join('\n  ')}\n  k7: 2\n`);
    expect(r.issues.map((i) => i.message)).toEqual([`line ${50000 + 4}, column 3: Map keys must be unique: "k7" appears twice`]);
  });

  it('reports at most 20 syntax errors, then how many more', () => {
    const r = parseTopology('"" '.repeat(100));
    expect(r.issues).toHaveLength(21);
    expect(r.issues[20]!.message).toMatch(/^… and \d+ more syntax errors$/);
  });
});
