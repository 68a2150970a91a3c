import { describe, expect, it } from 'vitest';
import { addressFor, joinCode, labPath, parseAddress, revPath, viewPath, type Address } from './address';

describe('joinCode', () => {
  const cases: Array<[string, string, string | null]> = [
    ['a join path', '/join/ab12', 'ab12'],
    ['a trailing slash', '/join/ab12/', 'ab12'],
    ['the designer', '/', null],
    ['no code', '/join/', null],
    ['something under a code', '/join/ab12/x', null],
    ['a broken escape', '/join/%E0%A4%A', null],
  ];
  for (const [name, path, code] of cases) it(name, () => expect(joinCode(path)).toBe(code));
});

describe('parseAddress', () => {
  const designer = (lab: string | null, rev: number | null = null): Address => ({ page: 'designer', lab, rev });
  const cases: Array<[string, string, Address]> = [
    ['the designer with no lab', 'http://h/', designer(null)],
    ['a lab', 'http://h/labs/pods', designer('pods')],
    ['a lab with a trailing slash, a query and a hash', 'http://h/labs/pods-2/?x=1#n', designer('pods-2')],
    ['a revision', 'http://h/labs/pods/rev/3', designer('pods', 3)],
    ['the old ?lab= address', 'http://h/?lab=pods&token=t', designer('pods')],
    ['a view link', 'http://h/view/pods?key=abc', { page: 'view', lab: 'pods', key: 'abc' }],
    ['a view link without its key', 'http://h/view/pods', { page: 'view', lab: 'pods', key: '' }],
    ['a join link', 'http://h/join/ab12', { page: 'join', code: 'ab12' }],
    // Hostile or broken: no lab, never an exception.
    ['an encoded traversal', 'http://h/labs/..%2Fetc', designer(null)],
    ['a dot-dot segment', 'http://h/labs/%2e%2e', designer(null)],
    ['a prototype key', 'http://h/labs/__proto__', designer(null)],
    ['upper case', 'http://h/labs/Pods', designer(null)],
    ['a name too long', `http://h/labs/${'a'.repeat(25)}`, designer(null)],
    ['a broken escape', 'http://h/labs/%E0%A4%A', designer(null)],
    ['a NUL byte', 'http://h/labs/pods%00', designer(null)],
    ['a double-encoded name', 'http://h/labs/pod%2573', designer(null)],
    ['a negative revision', 'http://h/labs/pods/rev/-1', designer('pods')],
    ['revision zero', 'http://h/labs/pods/rev/0', designer('pods')],
    ['a revision with a leading zero', 'http://h/labs/pods/rev/03', designer('pods')],
    ['a revision in exponent form', 'http://h/labs/pods/rev/1e3', designer('pods')],
    ['a huge revision', 'http://h/labs/pods/rev/99999999999999999999', designer('pods')],
    ['something under a revision', 'http://h/labs/pods/rev/3/x', designer(null)],
    ['a revision of no lab', 'http://h/labs/..%2F/rev/3', designer(null)],
    ['?lab= off the root', 'http://h/other?lab=pods', designer(null)],
    ['a bad ?lab=', 'http://h/?lab=__proto__', designer(null)],
    ['a view link for a bad name', 'http://h/view/..%2Fx?key=k', designer(null)],
  ];
  for (const [name, href, want] of cases) it(name, () => expect(parseAddress(href)).toEqual(want));
});

describe('lab, revision and view paths', () => {
  it('round-trip through parseAddress', () => {
    expect(parseAddress(`http://h${labPath('pods-2')}`)).toEqual({ page: 'designer', lab: 'pods-2', rev: null });
    expect(parseAddress(`http://h${revPath('pods-2', 12)}`)).toEqual({ page: 'designer', lab: 'pods-2', rev: 12 });
    expect(parseAddress(`http://h${viewPath('pods', 'a+b/c=')}`)).toEqual({ page: 'view', lab: 'pods', key: 'a+b/c=' });
  });
  it('keep other parameters and the hash, and drop ?lab= and ?token=', () => {
    expect(addressFor('http://h:7000/?lab=a&x=1&token=t#n', '/labs/b')).toBe('/labs/b?x=1#n');
  });
});
