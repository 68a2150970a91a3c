/**
 * Hostile pastes: a megabyte (the server's limit) built to make a regex
 * backtrack, a loop go quadratic, a spread overflow the stack, or the reply
 * balloon. Each must be read correctly and give a bounded reply. No timings
 * are asserted: the inputs are big enough that the old code took from 5 s to
 * minutes on each (past vitest's 5 s timeout), where this code takes well
 * under a second.
 */
import { describe, expect, it } from 'vitest';
import { importDocument } from '../importScript.js';
import { markdownHeadings } from './document.js';
import { scriptLines } from './lines.js';

const MB = 1_000_000;
const fill = (unit: string) => unit.repeat(Math.floor(MB / unit.length));
const sizeOf = (x: unknown) => JSON.stringify(x).length;

describe('hostile pastes', () => {
  it('a heading with 5,000 spaces in a document with code fences', () => {
    const text = '```\nip netns add a\n```\n# a' + ' '.repeat(5000) + 'x  ##  \n';
    expect(markdownHeadings(text)).toEqual([{ line: 4, level: 1, title: `a${' '.repeat(5000)}x` }]);
    expect(importDocument(text).scenarios.map((s) => s.title)).toEqual([`a${' '.repeat(5000)}x`]);
  });

  it('a line of a megabyte of spaces, then a comment', () => {
    const text = 'ip' + ' '.repeat(MB) + 'x # a comment';
    expect(scriptLines(text).map((l) => l.words)).toEqual([['ip', 'x']]);
    const [s, ...more] = importDocument(text).scenarios;
    expect(more).toEqual([]);
    expect(s!.skipped).toHaveLength(1);
    expect(sizeOf(s)).toBeLessThan(text.length + 10_000);
  });

  it('a megabyte of backslash continuations is one command', () => {
    const text = 'ip ' + fill('a \\\n');
    const lines = scriptLines(text);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.line).toBe(1);
    expect(lines[0]!.words).toHaveLength(MB / 4 + 1);
    const [s] = importDocument(text).scenarios;
    expect(s!.warnings.map((w) => w.message)).toEqual(['ip addr a: not understood']);
    expect(sizeOf(s)).toBeLessThan(2 * text.length);
  });

  it('200,000 lines of `ip a`: skipped, and counted past the first 200', () => {
    const [s, ...more] = importDocument('ip a\n'.repeat(200_000)).scenarios;
    expect(more).toEqual([]);
    expect(s!.lines).toEqual([1, 200_000]);
    expect(s!.skipped).toHaveLength(201);
    expect(s!.skipped.at(-1)!.message).toBe('and 199800 more skipped lines');
    expect(sizeOf(s)).toBeLessThan(50_000);
  });

  it('a megabyte of underlined headings', () => {
    const text = '```\n```\n' + fill('a\n-\n');
    expect(markdownHeadings(text)).toHaveLength(MB / 4);
    const [s, ...more] = importDocument(text).scenarios;
    expect(more).toEqual([]);
    expect(s!.title).toBe('a');
    expect(sizeOf(s)).toBeLessThan(10_000);
  });

  it('a megabyte of FORWARD rules on interfaces a 500-interface host lacks', () => {
    const rules = Array.from({ length: 40_000 }, (_, k) => `iptables -A FORWARD -i e${k} -j DROP`);
    const joined = rules.join('\n');
    const text = joined.slice(0, joined.lastIndexOf('\n', MB)); // whole lines
    const host = { interfaces: ['lo', ...Array.from({ length: 500 }, (_, i) => `veth-lab${i}-x`)] };
    const [s, ...more] = importDocument(text, { host }).scenarios;
    expect(more).toEqual([]);
    const count = s!.topology.nodes.host!.kind === 'host' ? (s!.topology.nodes.host!.firewall?.forward?.length ?? 0) : 0;
    expect(s!.warnings).toHaveLength(21);
    expect(s!.warnings[0]).toEqual({
      line: 1,
      text: 'iptables -A FORWARD -i e0 -j DROP',
      message: `e0 is not an interface of this host, so what the lab does on it matches nothing here; this host has ${host.interfaces
        .slice(1, 21)
        .join(', ')} and 480 more`,
    });
    expect(s!.warnings[1]!.message).toContain('listed with e0');
    expect(s!.warnings[20]!.message).toMatch(new RegExp(`^and ${count - 20} more interfaces this host lacks: e20, e21, .*, e39, …$`));
    expect(sizeOf(s!.warnings)).toBeLessThan(10_000);
    expect(sizeOf(s)).toBeLessThan(10 * MB); // the lab itself: 26,000 rules, as a topology and as YAML
  });

  it('a megabyte of digits after a ping, in a transcript', () => {
    const text = '$ ping -c1 10.0.0.1\n' + '1'.repeat(MB) + ' x\n1 received\n';
    const [s] = importDocument(text).scenarios;
    expect(s!.skipped.map((n) => n.message)).toEqual(['ping only looks (or runs a program): left out']);
  });
});
