/**
 * A whole write-up, pasted entire, read as the labs it describes. A document
 * is cut into scenarios at its Markdown headings: the first heading level
 * with two or more sections that build something (a lone top heading is the
 * document's title; sections that only look or explain join the scenario
 * before them). A scenario that makes a name again (a namespace added twice,
 * a bridge created again: the same setup on a second machine) is split there.
 * Deletions at the end of a scenario are its clean-up: the lab is what was
 * built before them. Each scenario gets a lab name from its heading and the
 * template it matches, if any.
 */
import { importScript, labOf, readScript, type ImportOptions, type ImportResult, type ScriptRun } from '../importScript.js';
import { LAB_NAME } from '../names.js';
import { scriptLines, type ScriptLine } from './lines.js';
import { matchTemplate, type TemplateRef } from './template.js';

export interface ImportScenario extends ImportResult {
  /** The heading it was found under ("2 nodes, 2 pods, 2 containers — On the 2nd Node"); '' for a document without headings. */
  title: string;
  /** A lab name made from the title: unique among the scenarios, maybe not among the labs. */
  name: string;
  /** Its first and last line in the document. */
  lines: [number, number];
  /** The template with its shape and most of its names and features. */
  template?: { id: string; name: string; sameAddresses: boolean };
}

export interface DocumentImport {
  scenarios: ImportScenario[];
}

export interface DocumentOptions extends ImportOptions {
  /** The lab name when the document is one scenario. */
  name?: string;
  templates?: TemplateRef[];
}

interface Heading {
  line: number;
  level: number;
  title: string;
}

/**
 * Markdown headings outside code fences: `## Title`, or a title underlined with --- or ===.
 * Only in a document with code fences: in a plain script, `# …` is a comment.
 */
export function markdownHeadings(text: string): Heading[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const out: Heading[] = [];
  if (!lines.some((l) => /^\s*```/.test(l))) return out;
  let fence = false;
  lines.forEach((l, i) => {
    if (/^\s*```/.test(l)) fence = !fence;
    if (fence || /^\s*```/.test(l)) return;
    const atx = atxHeading(l);
    const under = /^\s*(=+|-+)\s*$/.exec(lines[i + 1] ?? '');
    if (atx) out.push({ line: i + 1, ...atx });
    else if (under && l.trim() && !/^\s*([-*+]\s|\||>)/.test(l) && !/^\s*(=+|-+)\s*$/.test(l))
      out.push({ line: i + 1, level: under[1]!.startsWith('=') ? 1 : 2, title: l.trim() });
  });
  return out;
}

/** `## Title ##`: one to six #, whitespace, the title, maybe closing #s. Read by hand: a regex for it backtracks on long runs of spaces. */
function atxHeading(l: string): { level: number; title: string } | undefined {
  let level = 0;
  while (l[level] === '#') level++;
  if (level < 1 || level > 6 || !/\s/.test(l[level] ?? '')) return undefined;
  let title = l.slice(level).trimStart().trimEnd();
  let end = title.length;
  while (end > 0 && title[end - 1] === '#') end--;
  title = title.slice(0, end).trimEnd();
  // `.` in a heading does not cross a line break (a lone \r, U+2028): such a line is no heading.
  return /[\r\u2028\u2029]/.test(title) ? undefined : { level, title };
}

type Kind = 'make' | 'delete' | 'look';

/** What a command does to a lab, roughly: enough to tell a section that builds from one that looks, and a clean-up. */
function commandKind(words: string[]): Kind {
  let w = words.filter((x, i) => !(x === 'sudo' || (words[i - 1] === 'sudo' && x.startsWith('-'))));
  if (w[0] === 'ip' && w[1] === 'netns' && w[2] === 'exec') w = w.slice(4);
  if (w[0] === 'ip') {
    const rest = w.slice(1).filter((x, i, a) => !x.startsWith('-') && a[i - 1] !== '-n' && a[i - 1] !== '-netns');
    const verb = rest[1];
    if (verb === undefined || /^(show|list|ls|get|monitor|exec)$/.test(verb) || /^neigh/.test(rest[0] ?? '')) return 'look';
    return /^(del|delete|flush)$/.test(verb) ? 'delete' : 'make';
  }
  if (w[0] === 'iptables' || w[0] === 'ip6tables')
    return w.some((x) => /^-[DFX]$/.test(x)) ? 'delete' : w.some((x) => /^-[AIP]$/.test(x)) ? 'make' : 'look';
  if (w[0] === 'sysctl') return w.some((x) => x.includes('=')) ? 'make' : 'look';
  if (w[0] === 'echo' || w[0] === 'bash' || w[0] === 'sh') return w.some((x) => x.includes('/proc/sys')) ? 'make' : 'look';
  if (w[0] === 'route') return w[1] === 'add' ? 'make' : w[1] === 'del' ? 'delete' : 'look';
  if (w[0] === 'nsenter') return w.some((x) => /^--net=\/(var\/)?run\/netns\//.test(x)) ? 'make' : 'look';
  return 'look';
}

const makes = (l: ScriptLine) => l.words.length > 0 && commandKind(l.words) === 'make';

/** More scenarios than this is no write-up: the text is read as one lab (and the reply stays small). */
const MAX_SCENARIOS = 40;

interface Section {
  title: string;
  level: number;
  from: number;
  to: number;
  /** Sections that build, when there were too many to be scenarios. */
  many?: number;
}

/** The document cut into scenario sections; see the top of this file. */
function sections(text: string, lines: ScriptLine[], headings: Heading[]): Section[] {
  const last = text.split('\n').length;
  const making = lines.filter(makes).map((l) => l.line); // in order
  const buildsIn = (s: { from: number; to: number }) => {
    const at = firstAtLeast(making, s.from);
    return at < making.length && making[at]! <= s.to;
  };
  let top: Heading | undefined;
  for (const h of headings) if (!top || h.level < top.level) top = h;
  const title = top?.title ?? '';
  for (const level of [...new Set(headings.map((h) => h.level))].sort()) {
    const at = headings.filter((h) => h.level === level);
    if (at.length < 2) continue;
    const cut = at.map((h, i) => ({
      title: h.title,
      level,
      from: i === 0 ? 1 : h.line,
      to: (at[i + 1]?.line ?? last + 1) - 1,
    }));
    const building = cut.filter(buildsIn);
    if (building.length > MAX_SCENARIOS) return [{ title, level: 0, from: 1, to: last, many: building.length }];
    if (building.length < 2) break;
    // A section that only looks joins the scenario before it (or, first, the one after).
    return building.map((s, i) => {
      const next = building[i + 1];
      return { ...s, from: i === 0 ? 1 : s.from, to: next ? next.from - 1 : last };
    });
  }
  return [{ title, level: 0, from: 1, to: last }];
}

/** The index of the first number in sorted `xs` that is at least `x` (xs.length if none). */
function firstAtLeast(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A lab name from a heading: its words before any colon, small words and leading numbers dropped, at most 20 characters (room for a `-2`). */
export function labNameOf(title: string, suffix = ''): string {
  const stop = new Set(['on', 'the', 'a', 'an', 'in', 'of', 'to', 'and', 'for', 'with']);
  const words = (text: string) =>
    text
      .split(':')[0]!
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w && !stop.has(w));
  const fit = (ws: string[], max: number) => {
    const out: string[] = [];
    for (const w of ws)
      if ([...out, w].join('-').length <= max) out.push(w);
      else break;
    return out.join('-');
  };
  const tail = suffix ? fit(words(suffix), 10) : '';
  const head = words(title);
  const first = head.findIndex((w) => /^[a-z]/.test(w));
  const name = [fit(first < 0 ? [] : head.slice(first), 20 - (tail ? tail.length + 1 : 0)), tail].filter(Boolean).join('-');
  return LAB_NAME.test(name) ? name : 'imported';
}

/** A run without the deletions at its end (its clean-up), read again; the deletions are listed as skipped. */
function withoutCleanUp(r: ScriptRun): ScriptRun {
  let end = r.lines.length;
  while (end > 0 && (r.lines[end - 1]!.words.length === 0 || commandKind(r.lines[end - 1]!.words) !== 'make')) end--;
  const tail = r.lines.slice(end).filter((l) => l.words.length > 0 && commandKind(l.words) === 'delete');
  if (tail.length === 0) return r;
  const dropped = new Set(tail);
  const kept = r.lines.filter((l) => !dropped.has(l));
  const again = readScript(kept, false)[0]!;
  for (const l of tail)
    again.skipped.push({ line: l.line, text: l.text, message: "the scenario's clean-up: the lab is what was built before it" });
  again.skipped.sort((a, b) => a.line - b.line);
  return { ...again, ...(r.reused ? { reused: r.reused } : {}) };
}

/**
 * Reads a write-up as its scenarios, one lab each.
 *
 * @example
 * importDocument(seed03).scenarios.map((s) => s.name) // ['one-pod', 'pods-one-node', 'nodes-2-1st-node', 'nodes-2-2nd-node']
 */
export function importDocument(text: string, opts: DocumentOptions = {}): DocumentImport {
  const lines = scriptLines(text);
  const lineNumbers = lines.map((l) => l.line);
  const headings = markdownHeadings(text);
  const cut = sections(text, lines, headings);
  const read = cut.map((s) => ({
    s,
    runs: readScript(lines.slice(firstAtLeast(lineNumbers, s.from), firstAtLeast(lineNumbers, s.to + 1)), true).filter(
      (r) => r.lines.length > 0,
    ),
  }));
  const count = cut[0]?.many ?? read.reduce((n, x) => n + x.runs.length, 0);
  if (count === 0 || count > MAX_SCENARIOS) {
    const r = importScript(text, opts.name ?? 'imported', opts);
    const many =
      count > MAX_SCENARIOS ? [{ line: 0, text: '', message: `${count} scenarios: more than ${MAX_SCENARIOS}, so read as one lab` }] : [];
    return {
      scenarios: [
        {
          ...r,
          warnings: [...many, ...r.warnings],
          title: cut[0]?.title ?? '',
          name: opts.name ?? 'imported',
          lines: [1, text.split('\n').length],
        },
      ],
    };
  }
  const parts = read.flatMap(({ s, runs }) => {
    // Split runs are told apart by the deeper heading each starts under, or by number.
    const subtitles = runs.map((r) => {
      const first = r.lines.find((l) => l.words.length > 0)?.line ?? s.from;
      return headings.filter((h) => h.line <= first && h.line > s.from && h.level > s.level).at(-1)?.title;
    });
    const distinct = new Set(subtitles).size === runs.length && subtitles.every(Boolean);
    return runs.map((r, i) => {
      const sub = runs.length < 2 ? '' : distinct ? subtitles[i]! : `part ${i + 1}`;
      return { run: withoutCleanUp(r), title: [s.title, sub].filter(Boolean).join(' — '), sub };
    });
  });
  const taken = new Set<string>();
  const scenarios = parts.map(({ run, title, sub }) => {
    const base = parts.length === 1 && opts.name ? opts.name : labNameOf(title.split(' — ')[0]!, sub);
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base.slice(0, 20)}-${k}`;
    taken.add(name);
    const r = labOf(run, name, opts);
    const template = opts.templates ? matchTemplate(r.topology, opts.templates) : undefined;
    let [from, to] = [Infinity, -Infinity];
    for (const l of run.lines) [from, to] = [Math.min(from, l.line), Math.max(to, l.line)];
    const scenario: ImportScenario = { ...r, title, name, lines: [from, to] };
    if (run.reused)
      scenario.skipped = [
        { line: run.lines[0]!.line, text: run.lines[0]!.text, message: `makes ${run.reused} again: a new scenario` },
        ...scenario.skipped,
      ];
    return template ? { ...scenario, template } : scenario;
  });
  return { scenarios };
}
