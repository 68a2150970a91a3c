import { describe, expect, it } from 'vitest';
import { socketProtocols, takeToken } from './token';

function memory() {
  const items = new Map<string, string>();
  return { items, setItem: (k: string, v: string) => void items.set(k, v) };
}

describe('takeToken', () => {
  const cases: Array<[string, string, string | null, string | undefined]> = [
    ['a bare token leaves the root', 'http://127.0.0.1:7000/?token=abc', '/', 'abc'],
    ['other parameters and the hash are kept', 'http://127.0.0.1:7000/?lab=x&token=abc#n1', '/?lab=x#n1', 'abc'],
    ['the token first among parameters', 'http://127.0.0.1:7000/?token=abc&lab=x', '/?lab=x', 'abc'],
    ['no token: nothing changes', 'http://127.0.0.1:7000/?lab=x', null, undefined],
    ['an empty token is removed but not stored', 'http://127.0.0.1:7000/?token=', '/', undefined],
  ];
  for (const [name, href, shown, stored] of cases) {
    it(name, () => {
      const s = memory();
      expect(takeToken(href, s)).toBe(shown);
      expect(s.items.get('nslab-token')).toBe(stored);
    });
  }
});

describe('socketProtocols', () => {
  it('carries the token as a subprotocol beside nslab', () => {
    expect(socketProtocols('abc')).toEqual(['nslab', 'nslab.token.abc']);
  });
  it('asks for nslab alone without a token', () => {
    expect(socketProtocols(null)).toEqual(['nslab']);
  });
});
