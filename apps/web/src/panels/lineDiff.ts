/**
 * A line diff of two texts, for History: a longest common subsequence over
 * the lines that differ (the common head and tail are cut off first, so an
 * edit in a long lab costs only its changed middle), then grouped into hunks
 * with a few lines of context around each change. Small and dependency-free:
 * the `diff` package is not among ours.
 */

export interface DiffLine {
  op: ' ' | '+' | '-';
  text: string;
}

/** A run of lines to show, or a count of unchanged lines left out between runs. */
export type DiffPart = { lines: DiffLine[] } | { skipped: number };

/** Above this many cells the middle is shown as all removed then all added, rather than hold a huge table. */
const MAX_CELLS = 4_000_000;

/**
 * Every line of `a` and `b`, marked kept, removed or added.
 *
 * @example lineDiff('a\nb\n', 'a\nc\n') // [{op:' ',text:'a'}, {op:'-',text:'b'}, {op:'+',text:'c'}]
 */
export function lineDiff(a: string, b: string): DiffLine[] {
  const x = splitLines(a);
  const y = splitLines(b);
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const xm = x.slice(head, x.length - tail);
  const ym = y.slice(head, y.length - tail);
  const keep = (t: string): DiffLine => ({ op: ' ', text: t });
  return [...x.slice(0, head).map(keep), ...middle(xm, ym), ...x.slice(x.length - tail).map(keep)];
}

/** Changed lines with `context` unchanged lines around them; longer unchanged runs become a count. */
export function diffHunks(lines: DiffLine[], context = 3): DiffPart[] {
  const near = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.op === ' ') return;
    for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) near[k] = true;
  });
  const parts: DiffPart[] = [];
  let run: DiffLine[] = [];
  let skipped = 0;
  lines.forEach((l, i) => {
    if (near[i]) {
      if (skipped > 0) parts.push({ skipped });
      skipped = 0;
      run.push(l);
    } else {
      if (run.length > 0) parts.push({ lines: run });
      run = [];
      skipped++;
    }
  });
  if (run.length > 0) parts.push({ lines: run });
  if (skipped > 0) parts.push({ skipped });
  return parts;
}

function splitLines(s: string): string[] {
  const lines = s.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function middle(x: string[], y: string[]): DiffLine[] {
  const removed = x.map((text): DiffLine => ({ op: '-', text }));
  const added = y.map((text): DiffLine => ({ op: '+', text }));
  if (x.length === 0 || y.length === 0 || x.length * y.length > MAX_CELLS) return [...removed, ...added];
  // lcs[i][j]: the longest common subsequence of x[i..] and y[j..], one flat row-major table.
  const w = y.length + 1;
  const lcs = new Uint32Array((x.length + 1) * w);
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i * w + j] = x[i] === y[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      out.push({ op: ' ', text: x[i++]! });
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) out.push(removed[i++]!);
    else out.push(added[j++]!);
  }
  return [...out, ...removed.slice(i), ...added.slice(j)];
}
