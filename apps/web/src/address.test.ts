import { describe, expect, it } from 'vitest';
import { joinCode, labAddress, labPath } from './address';

describe('joinCode', () => {
  const cases: Array<[string, string, string | null]> = [
    ['a join path', '/join/ab12', 'ab12'],
    ['a trailing slash', '/join/ab12/', 'ab12'],
    ['the designer', '/', null],
    ['no code', '/join/', null],
    ['something under a code', '/join/ab12/x', null],
  ];
  for (const [name, path, code] of cases) it(name, () => expect(joinCode(path)).toBe(code));
});

describe('labAddress', () => {
  it('turns /labs/NAME into ?lab=NAME, keeping the rest', () => {
    expect(labAddress('http://h:7000/labs/pods?x=1#n')).toBe('/?x=1&lab=pods#n');
  });
  it('round-trips a lab name through labPath', () => {
    expect(labAddress(`http://h${labPath('pods-2')}`)).toBe('/?lab=pods-2');
  });
  it('leaves other addresses alone', () => {
    expect(labAddress('http://h:7000/?lab=pods')).toBeNull();
    expect(labAddress('http://h:7000/join/ab12')).toBeNull();
  });
});
