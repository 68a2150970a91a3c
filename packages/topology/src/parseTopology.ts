import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { IssueList, isError, type Path, type TopologyIssue } from './issues.js';
import { duplicateKeys } from './parseTopology/duplicateKeys.js';
import { dataLimitIssue, depthLimitIssue, limitsWith, sizeLimitIssue, type ParseLimits } from './parseTopology/limits.js';
import { LIST_KINDS, NAMESPACE_LIST_FIELDS } from './kinds/index.js';
import { topologySchema, type Topology } from './schema.js';
import { validateTopology } from './validateTopology.js';

export { LIMITS, type ParseLimits } from './parseTopology/limits.js';

const MAX_SYNTAX_ISSUES = 20;

export interface ParseOptions {
  /** Overrides of the defaults in `LIMITS` (a test, or a server that wants less). */
  limits?: Partial<ParseLimits>;
}

export interface ParseResult {
  /** Present when the text has the right shape (it may still have semantic errors). */
  topology?: Topology;
  /** Every problem found, errors and warnings, each with its path. */
  issues: TopologyIssue[];
  /** True when there are no errors (warnings allowed): safe to plan and deploy. */
  ok: boolean;
}

/**
 * Untrusted text (YAML or JSON) → a validated `Topology` and every issue found.
 * Never throws on bad input. Text over `LIMITS` (size, nesting, nodes, links,
 * alias expansion) is refused with one `limits.*` issue before it is parsed
 * or validated.
 *
 * @example
 * const { ok, topology, issues } = parseTopology('name: demo\nnodes: { a: { kind: netns } }\n');
 * // ok === true, topology.nodes.a.kind === 'netns'
 * parseTopology(text, { limits: { maxNodes: 50 } }); // a stricter caller
 */
export function parseTopology(text: string, options: ParseOptions = {}): ParseResult {
  if (typeof text !== 'string') return fail('input.type', [], 'expected the text of a YAML or JSON file');
  const limits = limitsWith(options.limits);
  const tooBig = sizeLimitIssue(text, limits);
  if (tooBig) return { issues: [tooBig], ok: false };
  if (text.trim() === '') return fail('input.empty', [], 'the file is empty; a lab needs at least "name" and "nodes"');
  const tooDeep = depthLimitIssue(text, limits);
  if (tooDeep) return { issues: [tooDeep], ok: false };

  let data: unknown;
  try {
    // Not yaml's uniqueKeys (it compares every key with every other: 25 000 keys take 5 s) nor
    // prettyErrors (it copies the whole line for each error: quadratic on one long line).
    const lines = new LineCounter();
    const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter: lines });
    const errors = [...doc.errors, ...duplicateKeys(doc)];
    if (errors.length > 0) {
      const list = new IssueList();
      for (const e of errors.slice(0, MAX_SYNTAX_ISSUES))
        list.error('input.syntax', [], `${syntaxWhere(lines.linePos(e.pos[0]))}${firstLine(e.message)}`);
      if (errors.length > MAX_SYNTAX_ISSUES)
        list.error('input.syntax', [], `… and ${errors.length - MAX_SYNTAX_ISSUES} more syntax errors`);
      return { issues: list.items, ok: false };
    }
    data = doc.toJS({ maxAliasCount: limits.maxAliases });
  } catch (e) {
    if (e instanceof RangeError) return fail('limits.depth', [], 'the document is nested too deeply to read (limit maxDepth)');
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      return fail(
        'limits.aliases',
        [],
        `aliases (*name) expand the document too much: refused as an alias bomb (limit maxAliases ${limits.maxAliases})`,
      );
    }
    return fail('input.syntax', [], firstLine((e as Error).message));
  }
  return parseTopologyData(data, options);
}

/**
 * Same as parseTopology, for data already decoded (an API body, say): the
 * node, link and nesting limits apply; there is no text to measure.
 *
 * @example
 * parseTopologyData({ name: 'demo', nodes: { a: { kind: 'netns' } } }).ok // true
 */
export function parseTopologyData(data: unknown, options: ParseOptions = {}): ParseResult {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return fail('input.type', [], `expected a mapping with "name", "nodes" and "links", got ${describe(data)}`);
  }
  const tooBig = dataLimitIssue(data, limitsWith(options.limits));
  if (tooBig) return { issues: [tooBig], ok: false };
  if (Object.hasOwn(data, 'topology') && !Object.hasOwn(data, 'nodes'))
    return fail(
      'input.containerlab',
      ['topology'],
      'this is a containerlab topology, not an nslab lab: import it with nslab import-clab FILE (in the designer: Labs → Import containerlab…)',
    );
  const parsed = topologySchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((i) => zodIssue(i, data));
    return { issues: dedupe(issues), ok: false };
  }
  const issues = validateTopology(parsed.data);
  return { topology: parsed.data, issues, ok: !issues.some(isError) };
}

function fail(code: string, path: Path, message: string): ParseResult {
  return { issues: [{ code, path, message }], ok: false };
}

function zodIssue(issue: z.core.$ZodIssue, root: unknown): TopologyIssue[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const at = (code: string, message: string, p: Path = path): TopologyIssue => ({ code: `shape.${code}`, path: p, message });
  const input = valueAt(root, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => at('unknown-key', unknownKeyMessage(k), [...path, k]));
    case 'invalid_type':
      if (input === undefined) return [at('missing', `is required (${issue.expected})`)];
      return [at('type', `expected ${issue.expected}, got ${describe(input)}`)];
    case 'invalid_union': {
      const disc = (issue as { discriminator?: string }).discriminator;
      if (disc) {
        const discPath = path.at(-1) === disc ? path : [...path, disc];
        const value = valueAt(root, discPath);
        const allowed = disc === 'kind' ? 'netns, host, bridge' : 'masquerade, dnat';
        const what = value === undefined ? `"${disc}" is required` : `unknown ${disc} ${JSON.stringify(value)}`;
        return [at('unknown-kind', `${what}; expected one of ${allowed}`, discPath)];
      }
      if (path[0] === 'checks') {
        return [at('check', 'not a valid check: expected {from, ping}, {from, tcp}, {in, neighbor, state} or {in, route}')];
      }
      return [at('union', issue.message)];
    }
    case 'too_small':
    case 'too_big': {
      const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      if (issue.origin === 'array' && path.at(-1) === 'endpoints') return [at('endpoints', 'a link has exactly two endpoints')];
      if (issue.origin === 'number') {
        const bound = issue.code === 'too_small' ? 'at least' : 'at most';
        return [at('range', `${JSON.stringify(input)} is out of range: must be ${bound} ${limit}`)];
      }
      if (issue.origin === 'string') return [at('length', `is too long (at most ${limit} characters)`)];
      return [at('size', issue.message)];
    }
    case 'invalid_value':
      return [at('value', `${JSON.stringify(input)} is not allowed; expected one of ${issue.values.map((v) => String(v)).join(', ')}`)];
    case 'invalid_format':
      return [at('format', issue.message)];
    default:
      return [at('invalid', issue.message)];
  }
}

const KNOWN_KEYS = [
  'name',
  'prefix',
  'description',
  'nodes',
  'links',
  'checks',
  'kind',
  'routes',
  'sysctls',
  'nat',
  'firewall',
  'vxlans',
  'position',
  'label',
  'netns',
  'addresses',
  'stp',
  'endpoints',
  'node',
  'mac',
  'mtu',
  'to',
  'via',
  'dev',
  'metric',
  'type',
  'source',
  'outInterface',
  'notOutInterface',
  'proto',
  'port',
  'destination',
  'forwardPolicy',
  'forward',
  'in',
  'out',
  'action',
  'vni',
  'remote',
  'local',
  'group',
  'dstport',
  'bridge',
  'from',
  'ping',
  'expect',
  'ttl',
  'tcp',
  'neighbor',
  'state',
  'route',
  'x',
  'y',
  'impair',
  'up',
  'delay',
  'jitter',
  'loss',
  'rate',
  // The list kinds' own fields (macvlans: parent, mode, …).
];
/** The list kinds' own fields (macvlans: parent, mode, …), read when first needed. */
const kindKeys = () => [...Object.keys(NAMESPACE_LIST_FIELDS), ...LIST_KINDS.flatMap((k) => k.list!.form.map((f) => f.key))];

function unknownKeyMessage(key: string): string {
  const near = [...KNOWN_KEYS, ...kindKeys()]
    .map((k) => [k, editDistance(k.toLowerCase(), key.toLowerCase())] as const)
    .filter(([, d]) => d <= 2)
    .sort((a, b) => a[1] - b[1])[0];
  return `unknown key ${JSON.stringify(key)}${near ? `; did you mean "${near[0]}"?` : ''}`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function valueAt(root: unknown, path: Path): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function dedupe(issues: TopologyIssue[]): TopologyIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path.join('\u0000')}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function syntaxWhere(p: { line: number; col: number }): string {
  return `line ${p.line}, column ${p.col}: `;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300);
}
