/**
 * Turns pasted text into commands: markdown code fences are unwrapped (blocks
 * marked `console` are output), backslash continuations joined, comments
 * dropped, and each command split into words the way a shell would for
 * these simple commands (quotes, no expansion). A block with prompts
 * (`root@host:~# ip addr`, or `# ip netns list`) is a transcript: the
 * prompted lines are its commands, the rest is their output.
 */
export interface ScriptLine {
  line: number;
  text: string;
  words: string[];
  /** Output shown in a transcript, not a command. */
  output?: boolean;
}

const PROMPT =
  /^(?:[\w.-]+@[\w.-]+:\S*\s*[#$]|#|\$)\s+((?:sudo|ip|ping|ethtool|bridge|iptables|sysctl|tcpdump|nsenter|lsns|curl|route|cat|echo|pgrep|ls)\b.*)$/;
const USER_PROMPT = /^[\w.-]+@[\w.-]+:\S*\s*[#$]\s*(.*)$/;

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
    const transcript = b.output || b.lines.some((l) => PROMPT.test(l.text) || USER_PROMPT.test(l.text));
    let pending: { line: number; text: string } | undefined;
    for (const { n, text } of b.lines) {
      if (transcript) {
        const m = PROMPT.exec(text) ?? USER_PROMPT.exec(text);
        if (m && m[1]) out.push({ line: n, text: m[1], words: splitWords(m[1]) });
        else if (text !== '' && !m) out.push({ line: n, text, words: [], output: true });
        continue;
      }
      const joined = pending ? `${pending.text} ${text}` : text;
      const start = pending?.line ?? n;
      if (joined.endsWith('\\')) {
        pending = { line: start, text: joined.slice(0, -1).trim() };
        continue;
      }
      pending = undefined;
      if (joined === '' || joined.startsWith('#')) continue;
      out.push({ line: start, text: joined, words: splitWords(joined.replace(/\s+#.*$/, '')) });
    }
    if (pending) out.push({ line: pending.line, text: pending.text, words: splitWords(pending.text) });
  }
  return out;
}

export function splitWords(s: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}
