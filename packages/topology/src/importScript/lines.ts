/**
 * Turns pasted text into commands: markdown code fences are unwrapped,
 * backslash continuations joined, comments dropped, and each command split
 * into words the way a shell would for these simple commands (quotes, no
 * expansion). A line after a prompt (`root@host:~# ip addr`, or `# ip netns
 * list`) is a command; so is an unprompted line that starts like one (`ip`,
 * `iptables`, `sysctl`, …), since people paste plain commands around a
 * prompted one. In a block with prompts (or marked `console`), the rest is
 * output: what cannot be a command (ping's replies, `ip addr`'s listing).
 * Diagrams (box drawing, `[a]---[b]` art) are left out quietly: a fenced
 * block with no command in it and art in it, or a run of art lines.
 */
export interface ScriptLine {
  line: number;
  text: string;
  words: string[];
  /** Output shown in a transcript, not a command. */
  output?: boolean;
  /** The first line of a diagram, left out (with the lines of art after it). */
  diagram?: boolean;
}

/** First words of lines that are commands with or without a prompt: output never starts with one of them (ping's starts with PING). */
const COMMANDS = new Set([
  'sudo',
  'ip',
  'iptables',
  'ip6tables',
  'sysctl',
  'bridge',
  'echo',
  'nsenter',
  'route',
  'modprobe',
  'tc',
  'ping',
  'ping6',
  'bash',
  'sh',
  'exit',
]);
const PROMPT =
  /^(?:[\w.-]+@[\w.-]+:\S*\s*[#$]|#|\$)\s+((?:sudo|ip|ping|ethtool|bridge|iptables|sysctl|tcpdump|nsenter|lsns|curl|route|cat|echo|pgrep|ls)\b.*)$/;
const USER_PROMPT = /^[\w.-]+@[\w.-]+:\S*\s*[#$]\s*(.*)$/;
const BOX = /[\u2500-\u257f]/;
/** Art: box drawing anywhere, or a line that starts with a bracket or a wire and is not a command. */
const ART = /^(?:[[|\\/+]|[-<>=.*\s]+$)/;

export function isCommandLike(text: string): boolean {
  return COMMANDS.has(text.split(/\s+/, 1)[0] ?? '');
}

function isArt(text: string): boolean {
  return text !== '' && !isCommandLike(text) && (BOX.test(text) || ART.test(text));
}

export function scriptLines(input: string): ScriptLine[] {
  const raw = input.replace(/\r\n/g, '\n').split('\n');
  const fenced = raw.some((l) => /^\s*```/.test(l));
  const blocks: Array<{ lines: Array<{ n: number; text: string }>; output: boolean }> = [];
  let current: (typeof blocks)[number] | undefined = fenced ? undefined : { lines: [], output: false };
  if (current) blocks.push(current);
  raw.forEach((l, i) => {
    const fence = /^\s*```\s*([A-Za-z=]*)/.exec(l);
    if (fenced && fence) {
      if (!current) blocks.push((current = { lines: [], output: /^(console|output|text)$/.test(fence[1] ?? '') }));
      else current = undefined;
      return;
    }
    current?.lines.push({ n: i + 1, text: l.trim() });
  });
  const out: ScriptLine[] = [];
  for (const b of blocks) {
    const prompted = (text: string) => PROMPT.exec(text) ?? USER_PROMPT.exec(text);
    const first = b.lines.find((l) => l.text !== '');
    if (fenced && first && b.lines.some((l) => isArt(l.text)) && !b.lines.some((l) => prompted(l.text) || isCommandLike(l.text))) {
      out.push({ line: first.n, text: first.text, words: [], diagram: true });
      continue;
    }
    const transcript = b.output || b.lines.some((l) => prompted(l.text));
    // A command continued with backslashes: its parts are joined once, at its last line.
    let pending: { line: number; parts: string[] } | undefined;
    let inArt = false;
    for (const { n, text } of b.lines) {
      const m = pending ? null : prompted(text);
      if (m) {
        // A prompt alone (`root@host:~# `) is an empty command line.
        if (m[1]) pending = { line: n, parts: [] };
        else continue;
      }
      const body = m ? m[1]!.trim() : text;
      if (!pending && !m && isArt(body)) {
        if (!inArt) out.push({ line: n, text: body, words: [], diagram: true });
        inArt = true;
        continue;
      }
      inArt = false;
      if (!pending && transcript && !isCommandLike(body)) {
        if (body !== '' && !body.startsWith('#')) out.push({ line: n, text: body, words: [], output: true });
        continue;
      }
      const start = pending?.line ?? n;
      if (body.endsWith('\\')) {
        const part = body.slice(0, -1).trim();
        pending = { line: start, parts: pending?.parts ?? [] };
        if (part) pending.parts.push(part);
        continue;
      }
      const joined = pending?.parts.length ? `${pending.parts.join(' ')} ${body}` : body;
      pending = undefined;
      if (joined === '' || joined.startsWith('#')) continue;
      out.push({ line: start, text: joined, words: splitWords(withoutComment(joined)) });
    }
    if (pending?.parts.length) {
      const text = pending.parts.join(' ');
      out.push({ line: pending.line, text, words: splitWords(text) });
    }
  }
  return out;
}

/** `text` up to a comment: a `#` after whitespace, and the whitespace before it. */
export function withoutComment(text: string): string {
  for (let at = text.indexOf('#', 1); at >= 0; at = text.indexOf('#', at + 1))
    if (/\s/.test(text[at - 1]!)) return text.slice(0, at).trimEnd();
  return text;
}

export function splitWords(s: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}
