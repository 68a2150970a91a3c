/**
 * Bounds on what `parseTopology` and `parseTopologyData` will read, checked
 * before the expensive work. The yaml library composes documents by recursion
 * (1 MB of `[` overflows the stack after ~0.4 s) and its cost grows with the
 * number of nodes, so text is measured first with yaml's own `Lexer` — O(n),
 * iterative, and it sees exactly the tokens the parser will see, so a quote
 * or comment cannot hide a bracket — and the scan stops at the first token
 * past the limit.
 */
import { Lexer } from 'yaml';
import type { Path, TopologyIssue } from '../issues.js';

export interface ParseLimits {
  /** Size of the text, in UTF-8 bytes. */
  maxBytes: number;
  /** Nesting of collections: the top mapping is 1, `a: [[1]]` is 3. */
  maxDepth: number;
  /** Entries under `nodes`. */
  maxNodes: number;
  /** Entries under `links`. */
  maxLinks: number;
  /** yaml's `maxAliasCount`: how far `*alias` expansion may multiply the document (alias bombs). */
  maxAliases: number;
}

/**
 * The defaults. A lab file is ~120 bytes a node, so 2000 nodes is ~250 KB
 * and parses in about 0.3 s; 1 MiB leaves room for comments and long
 * descriptions. 2000 nodes is twice the largest benchmarked lab (1000
 * namespaces on one bridge); links are capped at two per node, which covers
 * a star, a chain and a ring of that size. Real labs nest 6 levels deep.
 */
export const LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxDepth: 32,
  maxNodes: 2000,
  maxLinks: 4000,
  maxAliases: 100,
});

/** The defaults with any overrides applied. */
export function limitsWith(overrides: Partial<ParseLimits> | undefined): ParseLimits {
  return { ...LIMITS, ...overrides };
}

function issue(code: string, path: Path, message: string): TopologyIssue {
  return { code, path, message };
}

const fmt = (n: number) => String(n);

/** The text is over `maxBytes` (UTF-8), or undefined. */
export function sizeLimitIssue(text: string, limits: ParseLimits): TopologyIssue | undefined {
  const bytes = utf8Length(text);
  if (bytes <= limits.maxBytes) return undefined;
  return issue('limits.size', [], `the file is ${fmt(bytes)} bytes; nslab reads at most ${fmt(limits.maxBytes)} bytes (limit maxBytes)`);
}

/** The text nests deeper than `maxDepth`, or undefined. Check the size first: this lexes the whole text. */
export function depthLimitIssue(text: string, limits: ParseLimits): TopologyIssue | undefined {
  const deep = textDepth(text, limits.maxDepth);
  if (!deep) return undefined;
  return issue(
    'limits.depth',
    [],
    `line ${deep.line}: nested ${deep.depth} levels deep; nslab reads at most ${limits.maxDepth} (limit maxDepth)`,
  );
}

/** Exact UTF-8 length without allocating (TextEncoder would copy a 100 MB string to measure it). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3; // a lone surrogate is written as U+FFFD
  }
  return n;
}

interface Level {
  col: number;
  kind: 'map' | 'seq';
}

const CONTROL = /^[\x02\x18\x1f\ufeff]$/;

/**
 * The first place the text nests deeper than `max`, or undefined. Depth is
 * the open flow collections (`[`, `{`) plus the open block collections, which
 * are tracked as a stack of (column, kind) like Python's INDENT tokens: a key
 * or a `-`/`?` indicator opens a collection at its column unless one of that
 * kind is already open there; a line's first token closes every collection
 * at a greater column. It over-counts rather than under-counts: every `:`,
 * `-`, `?` that could open a level does.
 */
function textDepth(text: string, max: number): { line: number; depth: number } | undefined {
  const stack: Level[] = [];
  let flow = 0;
  let line = 1;
  let col = 0;
  let lineStart = true; // no content token yet on this line
  let nodeCol: number | undefined; // where the current node on this line began
  let expectNode = false; // an indicator was just seen: the next content token starts a node
  let blockBody = false; // a block scalar header was just seen: its text comes next
  const open = (c: number, kind: Level['kind']): number => {
    while (stack.length > 0 && stack.at(-1)!.col > c) stack.pop();
    const top = stack.at(-1);
    if (top && top.col === c && top.kind === kind) return stack.length;
    if (top && top.col === c && kind === 'map' && top.kind === 'seq') {
      stack.pop(); // `a:\n- x\nb: 1` — the key ends the sequence at its column
      const under = stack.at(-1);
      if (under && under.col === c && under.kind === 'map') return stack.length;
    }
    stack.push({ col: c, kind });
    return stack.length;
  };
  for (const tok of new Lexer().lex(text)) {
    const startCol = col;
    const nl = tok.lastIndexOf('\n');
    if (nl >= 0) {
      for (let i = 0; i < tok.length; i++) if (tok.charCodeAt(i) === 10) line++;
      col = tok.length - nl - 1;
    } else if (!CONTROL.test(tok)) col += tok.length;
    if (tok === '\n' || tok === '\r\n') {
      lineStart = true;
      nodeCol = undefined;
      expectNode = false;
      continue;
    }
    if (CONTROL.test(tok)) {
      if (tok === '\x18') flow = 0; // the lexer gave up on a flow collection; so does the parser
      continue;
    }
    if (blockBody) {
      // The text of a `|` or `>` scalar: raw lines, whatever they look like.
      blockBody = false;
      if (nl >= 0) lineStart = tok.endsWith('\n');
      continue;
    }
    const c0 = tok.charCodeAt(0);
    if (c0 === 32 || c0 === 9 || c0 === 35 /* # */ || tok === ',') continue;
    if (tok === '---' || tok === '...') {
      stack.length = 0;
      continue;
    }
    let depth = 0;
    if (flow > 0) {
      if (tok === '[' || tok === '{') depth = stack.length + ++flow;
      else if (tok === ']' || tok === '}') flow--;
    } else {
      if (lineStart) {
        while (stack.length > 0 && stack.at(-1)!.col > startCol) stack.pop();
        nodeCol = startCol;
        lineStart = false;
      } else if (expectNode) nodeCol = startCol;
      expectNode = false;
      if (tok === '-') depth = open(startCol, 'seq');
      else if (tok === '?') depth = open(startCol, 'map');
      else if (tok === ':') depth = open(nodeCol !== undefined && nodeCol < startCol ? nodeCol : startCol, 'map');
      if (tok === '-' || tok === '?' || tok === ':') expectNode = true;
      else if (tok === '[' || tok === '{') depth = stack.length + ++flow;
      else if (c0 === 124 /* | */ || c0 === 62 /* > */) blockBody = true;
    }
    if (nl >= 0 && flow === 0) lineStart = tok.endsWith('\n'); // a block scalar's text ends its line
    if (depth > max) return { line, depth }; // indicators and brackets hold no newline: `line` is theirs
  }
  return undefined;
}

/** The first limit decoded data breaks (node and link counts, then nesting), or undefined. */
export function dataLimitIssue(data: object, limits: ParseLimits): TopologyIssue | undefined {
  const { nodes, links } = data as { nodes?: unknown; links?: unknown };
  if (nodes !== null && typeof nodes === 'object') {
    const n = Object.keys(nodes).length;
    if (n > limits.maxNodes)
      return issue('limits.nodes', ['nodes'], `${fmt(n)} nodes; a lab has at most ${fmt(limits.maxNodes)} (limit maxNodes)`);
  }
  if (Array.isArray(links) && links.length > limits.maxLinks) {
    return issue('limits.links', ['links'], `${fmt(links.length)} links; a lab has at most ${fmt(limits.maxLinks)} (limit maxLinks)`);
  }
  const deep = dataDepth(data, limits.maxDepth);
  if (deep) {
    const what = deep.cycle ? 'refers back to itself (a cycle)' : `is nested ${deep.depth} levels deep`;
    return issue('limits.depth', deep.path, `${what}; nslab reads at most ${limits.maxDepth} levels (limit maxDepth)`);
  }
  return undefined;
}

interface Frame {
  node: object;
  entries: Array<[string, unknown]>;
  i: number;
  height: number;
}

/**
 * Where `root` nests deeper than `max`, or undefined. Iterative, and each
 * object is walked once: yaml aliases make shared (even cyclic) structures,
 * which a naive walk would visit exponentially often or forever.
 */
function dataDepth(root: object, max: number): { depth: number; path: Path; cycle?: true } | undefined {
  const height = new Map<object, number>();
  const onPath = new Set<object>();
  const stack: Frame[] = [];
  // The path to the child being looked at: each open frame's current key.
  const pathOf = (): Path =>
    stack.map((f) => {
      const k = f.entries[f.i - 1]![0];
      return Array.isArray(f.node) ? Number(k) : k;
    });
  const enter = (o: object) => {
    onPath.add(o);
    stack.push({ node: o, entries: Object.entries(o), i: 0, height: 1 });
  };
  enter(root);
  if (max < 1) return { depth: 1, path: [] };
  while (stack.length > 0) {
    const f = stack.at(-1)!;
    if (f.i < f.entries.length) {
      const child = f.entries[f.i++]![1];
      if (child === null || typeof child !== 'object') continue;
      if (onPath.has(child)) return { depth: Infinity, path: pathOf(), cycle: true };
      const h = height.get(child);
      if (h !== undefined) {
        if (stack.length + h > max) return { depth: stack.length + h, path: pathOf() };
        f.height = Math.max(f.height, h + 1);
        continue;
      }
      if (stack.length + 1 > max) return { depth: stack.length + 1, path: pathOf() };
      enter(child);
    } else {
      stack.pop();
      onPath.delete(f.node);
      height.set(f.node, f.height);
      const parent = stack.at(-1);
      if (parent) parent.height = Math.max(parent.height, f.height + 1);
    }
  }
  return undefined;
}
