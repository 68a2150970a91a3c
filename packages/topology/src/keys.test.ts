import { describe, expect, it } from 'vitest';
import {
  compareScopeKeys,
  holdKey,
  holdName,
  HOST_KEY,
  parseHoldKey,
  parsePolicyKey,
  parseScopeKey,
  policyKey,
  scopeKeyOf,
  type HoldRef,
} from './keys.js';
import { labMark, labOfMark } from './names.js';

describe('keys: scope keys', () => {
  it.each([null, 'red', 'pp-netns0', 'cni-5a457186-93e6-ad40-54b3-2310eafdf4f8', 'a.b', 'ns:inner', 'host'])(
    '[K1] %s round-trips',
    (netns) => {
      expect(parseScopeKey(scopeKeyOf(netns))).toBe(netns);
    },
  );

  it('[K1] the host is `host`, a namespace `ns:<name>`', () => {
    expect(scopeKeyOf(null)).toBe(HOST_KEY);
    expect(scopeKeyOf('red')).toBe('ns:red');
  });

  it.each([
    ['', 'empty'],
    ['ns:', 'no name'],
    ['ns:.', 'the directory itself'],
    ['ns:..', 'the parent directory'],
    ['ns:../etc', 'a path'],
    ['ns:a/b', 'a slash'],
    ['ns:a\0b', 'a NUL'],
    ['Host', 'case matters'],
    ['host ', 'a trailing blank'],
    ['netns:red', 'another prefix'],
    ['red', 'a bare name'],
    ['__proto__', 'an object key trap'],
  ])('[K2] %j is not a scope key (%s)', (text) => {
    expect(parseScopeKey(text)).toBeUndefined();
  });

  it('[K1] orders the host first, then namespaces by name', () => {
    expect(['ns:b', 'host', 'ns:a', 'ns:B'].sort(compareScopeKeys)).toEqual(['host', 'ns:B', 'ns:a', 'ns:b']);
    expect(compareScopeKeys('host', 'host')).toBe(0);
  });
});

describe('keys: policy keys', () => {
  it.each([
    [4, 'FORWARD', 'filter'],
    [6, 'FORWARD', 'filter'],
    [4, 'POSTROUTING', 'nat'],
    [6, 'DOCKER-USER', 'filter'],
  ] as const)('[K1] v%s %s/%s round-trips', (family, chain, table) => {
    expect(parsePolicyKey(policyKey(family, chain, table))).toEqual({ family, table, chain });
  });

  it('[K1] the table defaults to filter', () => {
    expect(policyKey(4, 'FORWARD')).toBe('v4:filter/FORWARD');
  });

  it.each([
    '',
    'v4',
    'v5:filter/FORWARD',
    'v4:filter',
    'v4:/FORWARD',
    'v4:filter/',
    'v4:FILTER/FORWARD',
    'v4:filter/FORWARD/x',
    'v4:filter/a b',
    'v4:filter/FORWARD\n',
    'policy:v4:filter/FORWARD',
    'v4:filter/' + 'X'.repeat(29),
  ])('[K2] %j is not a policy key', (text) => {
    expect(parsePolicyKey(text)).toBeUndefined();
  });
});

describe('keys: hold keys', () => {
  const refs: HoldRef[] = [
    { type: 'sysctl', key: 'net.ipv4.ip_forward' },
    { type: 'sysctl', key: 'net.ipv4.conf.eth0/100.proxy_arp' },
    { type: 'policy', family: 4, table: 'filter', chain: 'FORWARD' },
    { type: 'policy', family: 6, table: 'filter', chain: 'FORWARD' },
  ];

  it.each(refs)('[K1] %j round-trips', (ref) => {
    expect(parseHoldKey(holdKey.of(ref))).toEqual(ref);
  });

  it('[K1] spells them `sysctl:<key>` and `policy:<policy key>`', () => {
    expect(holdKey.sysctl('net.ipv4.ip_forward')).toBe('sysctl:net.ipv4.ip_forward');
    expect(holdKey.policy(4, 'FORWARD')).toBe('policy:v4:filter/FORWARD');
    expect(holdKey.ofPolicy(parsePolicyKey('v6:filter/FORWARD')!)).toBe('policy:v6:filter/FORWARD');
  });

  it('[K1] names a hold the way the plan says it', () => {
    expect(refs.map(holdName)).toEqual([
      'net.ipv4.ip_forward',
      'net.ipv4.conf.eth0/100.proxy_arp',
      'v4:filter/FORWARD',
      'v6:filter/FORWARD',
    ]);
  });

  it.each([
    ['', 'empty'],
    ['sysctl:', 'no key'],
    ['sysctl:net.ipv4.ip_forward x', 'a blank inside'],
    ['sysctl:net.ipv4.ip_forward\n', 'a newline (one more line in a batch)'],
    ['sysctl:a\0b', 'a NUL'],
    ['policy:', 'no policy'],
    ['policy:v5:filter/FORWARD', 'no such family'],
    ['policy:v4:filter', 'no chain'],
    ['policy:sysctl:net.ipv4.ip_forward', 'a sysctl disguised as a policy'],
    ['Sysctl:net.ipv4.ip_forward', 'case matters'],
    ['net.ipv4.ip_forward', 'no type'],
    ['__proto__', 'an object key trap'],
  ])('[K2] %j is not a hold key (%s)', (text) => {
    expect(parseHoldKey(text)).toBeUndefined();
  });

  it('[K2] leaves judging a sysctl key to sysctlKeyProblem (checked again before any command runs)', () => {
    expect(parseHoldKey('sysctl:kernel.panic')).toEqual({ type: 'sysctl', key: 'kernel.panic' });
  });
});

describe('names: the ownership mark', () => {
  it.each(['a', 'seed-04', 'x'.repeat(24)])('[K1] %s round-trips', (lab) => {
    expect(labOfMark(labMark(lab))).toBe(lab);
  });

  it.each([
    undefined,
    null,
    '',
    'nslab:',
    'nslab:Bad',
    'nslab:1ab',
    'NSLAB:lab',
    ' nslab:lab',
    'nslab:lab ',
    `nslab:${'x'.repeat(25)}`,
    'docker:lab',
    '"nslab:lab"',
  ])('[K2] %j names no lab', (mark) => {
    expect(labOfMark(mark)).toBeUndefined();
  });
});
