import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown';

describe('parseInline', () => {
  it('reads bold and code between text', () => {
    expect(parseInline('Join **red** and `blue` now')).toEqual([
      { kind: 'text', text: 'Join ' },
      { kind: 'bold', children: [{ kind: 'text', text: 'red' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'code', text: 'blue' },
      { kind: 'text', text: ' now' },
    ]);
  });

  it('keeps markup inside code literal', () => {
    expect(parseInline('`**not bold**`')).toEqual([{ kind: 'code', text: '**not bold**' }]);
  });

  it('reads code inside bold', () => {
    expect(parseInline('**`ip link`**')).toEqual([{ kind: 'bold', children: [{ kind: 'code', text: 'ip link' }] }]);
  });

  it('leaves unclosed and empty markers as text', () => {
    expect(parseInline('a ** b and ` c')).toEqual([{ kind: 'text', text: 'a ** b and ` c' }]);
    expect(parseInline('`` and ****')).toEqual([{ kind: 'text', text: '`` and ****' }]);
  });

  it('keeps HTML as text: React escapes it', () => {
    expect(parseInline('<img src=x onerror=alert(1)>')).toEqual([{ kind: 'text', text: '<img src=x onerror=alert(1)>' }]);
  });
});

describe('parseMarkdown', () => {
  it('splits paragraphs on blank lines and joins their lines', () => {
    expect(parseMarkdown('one\ntwo\n\nthree')).toEqual([
      { kind: 'paragraph', inline: [{ kind: 'text', text: 'one two' }] },
      { kind: 'paragraph', inline: [{ kind: 'text', text: 'three' }] },
    ]);
  });

  it('keeps a fenced block verbatim, language line dropped', () => {
    expect(parseMarkdown('Run:\n```sh\nip netns add red\n  ip -n red link\n```\nafter')).toEqual([
      { kind: 'paragraph', inline: [{ kind: 'text', text: 'Run:' }] },
      { kind: 'code', text: 'ip netns add red\n  ip -n red link' },
      { kind: 'paragraph', inline: [{ kind: 'text', text: 'after' }] },
    ]);
  });

  it('runs an unclosed fence to the end', () => {
    expect(parseMarkdown('```\na\nb')).toEqual([{ kind: 'code', text: 'a\nb' }]);
  });

  it('groups "- " items into one list, and numbered items into an ordered one', () => {
    expect(parseMarkdown('- a\n- **b**\n\n1. x\n2. y')).toEqual([
      {
        kind: 'list',
        ordered: false,
        items: [[{ kind: 'text', text: 'a' }], [{ kind: 'bold', children: [{ kind: 'text', text: 'b' }] }]],
      },
      { kind: 'list', ordered: true, items: [[{ kind: 'text', text: 'x' }], [{ kind: 'text', text: 'y' }]] },
    ]);
  });

  it('continues a list item on an indented line', () => {
    expect(parseMarkdown('- first\n  more')).toEqual([{ kind: 'list', ordered: false, items: [[{ kind: 'text', text: 'first more' }]] }]);
  });

  it('reads a heading', () => {
    expect(parseMarkdown('## Why')).toEqual([{ kind: 'heading', inline: [{ kind: 'text', text: 'Why' }] }]);
  });

  it('gives nothing for empty text', () => {
    expect(parseMarkdown('')).toEqual([]);
    expect(parseMarkdown('\n\n')).toEqual([]);
  });
});
