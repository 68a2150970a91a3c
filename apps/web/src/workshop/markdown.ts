/**
 * The markdown a workshop step is written in, read into plain tokens that
 * React renders as text (so nothing in a step can become HTML): paragraphs,
 * headings (`#`…), `- ` and `1. ` lists, ``` fenced blocks ```, and inline
 * **bold** and `code`. Anything else stays literal text.
 *
 * @example parseMarkdown('Join **red** and `blue`.') // → [{ kind: 'paragraph', inline: [text, bold, text, code, text] }]
 */

export type Inline = { kind: 'text'; text: string } | { kind: 'code'; text: string } | { kind: 'bold'; children: Inline[] };

export type Block =
  | { kind: 'paragraph'; inline: Inline[] }
  | { kind: 'heading'; inline: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'code'; text: string };

const FENCE = /^\s*```/;
const HEADING = /^#{1,6}\s+(.*)$/;
const BULLET = /^\s*[-*]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  // What is still being read: a paragraph's lines, or a list's items (an indented line continues the last item).
  const open: { paragraph: string[]; list: { ordered: boolean; items: string[] } | null } = { paragraph: [], list: null };
  const end = () => {
    const { paragraph, list } = open;
    if (paragraph.length) blocks.push({ kind: 'paragraph', inline: parseInline(paragraph.join(' ')) });
    if (list) blocks.push({ kind: 'list', ordered: list.ordered, items: list.items.map((item) => parseInline(item)) });
    open.paragraph = [];
    open.list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = HEADING.exec(line);
    const item = BULLET.exec(line) ?? NUMBERED.exec(line);
    if (FENCE.test(line)) {
      end();
      const code: string[] = [];
      // An unclosed fence runs to the end of the text, as in CommonMark.
      while (++i < lines.length && !FENCE.test(lines[i]!)) code.push(lines[i]!);
      blocks.push({ kind: 'code', text: code.join('\n') });
    } else if (heading) {
      end();
      blocks.push({ kind: 'heading', inline: parseInline(heading[1]!.trim()) });
    } else if (item) {
      const ordered = !BULLET.test(line);
      if (open.paragraph.length || open.list?.ordered !== ordered) end();
      open.list ??= { ordered, items: [] };
      open.list.items.push(item[1]!.trim());
    } else if (line.trim() === '') {
      end();
    } else if (open.list && /^\s/.test(line)) {
      open.list.items[open.list.items.length - 1] += ` ${line.trim()}`;
    } else {
      if (open.list) end();
      open.paragraph.push(line.trim());
    }
  }
  end();
  return blocks;
}

/** `code` first (nothing inside it is markup), then **bold**; an unclosed marker is text. */
export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  const text = (t: string) => {
    if (!t) return;
    const last = out.at(-1);
    if (last?.kind === 'text') last.text += t;
    else out.push({ kind: 'text', text: t });
  };
  let i = 0;
  while (i < s.length) {
    if (s[i] === '`') {
      const end = s.indexOf('`', i + 1);
      if (end > i + 1) {
        out.push({ kind: 'code', text: s.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    } else if (s.startsWith('**', i)) {
      const end = s.indexOf('**', i + 2);
      if (end > i + 2) {
        out.push({ kind: 'bold', children: parseInline(s.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    const next = nextMarker(s, i + 1);
    text(s.slice(i, next));
    i = next;
  }
  return out;
}

function nextMarker(s: string, from: number): number {
  const found = [s.indexOf('`', from), s.indexOf('**', from)].filter((k) => k >= 0);
  return found.length ? Math.min(...found) : s.length;
}
