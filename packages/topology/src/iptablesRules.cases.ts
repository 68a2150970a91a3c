/**
 * Ways to write the same iptables rule. The unit test checks `ruleKey` calls
 * each pair equal; the privileged test (apps/server/test/privileged/ruleForms)
 * adds each form with the real iptables and checks iptables-save's line has
 * the same key — so the equivalences are the kernel's, not our guess.
 */
import type { Family } from './net.js';

export interface RuleFormCase {
  name: string;
  family: Family;
  table: 'nat' | 'filter';
  chain: string;
  /** Forms iptables stores as one rule. */
  forms: string[][];
}

const C = ['-m', 'comment', '--comment', 'nslab:forms'];

export const RULE_FORM_CASES: RuleFormCase[] = [
  {
    name: 'masquerade from any source: "-s 0.0.0.0/0" is not printed',
    family: 4,
    table: 'nat',
    chain: 'POSTROUTING',
    forms: [
      ['-s', '0.0.0.0/0', '-o', 'eth9', ...C, '-j', 'MASQUERADE'],
      ['-o', 'eth9', ...C, '-j', 'MASQUERADE'],
      ['--source', '0/0', '--out-interface', 'eth9', ...C, '--jump', 'MASQUERADE'],
    ],
  },
  {
    name: 'IPv6 masquerade from any source: "-s ::/0" is not printed',
    family: 6,
    table: 'nat',
    chain: 'POSTROUTING',
    forms: [
      ['-s', '::/0', '-o', 'eth9', ...C, '-j', 'MASQUERADE'],
      ['-o', 'eth9', ...C, '-j', 'MASQUERADE'],
    ],
  },
  {
    name: 'host bits are masked, a bare address is a /32',
    family: 4,
    table: 'filter',
    chain: 'FORWARD',
    forms: [
      ['-s', '10.9.8.7/24', '-d', '10.1.1.1', ...C, '-j', 'ACCEPT'],
      ['-s', '10.9.8.0/24', '-d', '10.1.1.1/32', ...C, '-j', 'ACCEPT'],
    ],
  },
  {
    name: 'IPv6 addresses are compressed and masked',
    family: 6,
    table: 'filter',
    chain: 'FORWARD',
    forms: [
      ['-s', 'fd00:0:0:0::5/64', '-d', 'FD00:2::1', ...C, '-j', 'DROP'],
      ['-s', 'fd00::/64', '-d', 'fd00:2::1/128', ...C, '-j', 'DROP'],
    ],
  },
  {
    name: '"-p all" is the default and not printed; protocol numbers are named',
    family: 4,
    table: 'filter',
    chain: 'FORWARD',
    forms: [
      ['-p', 'all', '-i', 'br9', ...C, '-j', 'ACCEPT'],
      ['-i', 'br9', ...C, '-j', 'ACCEPT'],
      ['-p', '0', '--in-interface', 'br9', ...C, '-j', 'ACCEPT'],
    ],
  },
  {
    name: 'port publishing: protocol by number or name, implicit tcp match, long option names',
    family: 4,
    table: 'nat',
    chain: 'PREROUTING',
    forms: [
      ['-p', 'tcp', '-m', 'tcp', '--dport', '8080', ...C, '-j', 'DNAT', '--to-destination', '10.0.0.2:80'],
      ['-p', '6', '--destination-port', '8080', ...C, '-j', 'DNAT', '--to-destination', '10.0.0.2:80'],
    ],
  },
  {
    name: 'the comment module may come anywhere; quotes around the comment do not matter',
    family: 4,
    table: 'nat',
    chain: 'OUTPUT',
    forms: [
      ['-d', '10.200.0.1/32', '-p', 'udp', '-m', 'udp', '--dport', '53', ...C, '-j', 'DNAT', '--to-destination', '10.0.0.2:53'],
      [
        '-m',
        'comment',
        '--comment',
        '"nslab:forms"',
        '-d',
        '10.200.0.1',
        '-p',
        'udp',
        '--dport',
        '53',
        '-j',
        'DNAT',
        '--to-destination',
        '10.0.0.2:53',
      ],
    ],
  },
  {
    name: 'address type matches are upper case',
    family: 4,
    table: 'nat',
    chain: 'OUTPUT',
    forms: [
      [
        '-p',
        'tcp',
        '-m',
        'tcp',
        '--dport',
        '80',
        '-m',
        'addrtype',
        '--dst-type',
        'LOCAL',
        ...C,
        '-j',
        'DNAT',
        '--to-destination',
        '10.0.0.2:80',
      ],
      ['-p', 'tcp', '--dport', '80', '-m', 'addrtype', '--dst-type', 'local', ...C, '-j', 'DNAT', '--to-destination', '10.0.0.2:80'],
    ],
  },
  {
    name: 'negated out-interface',
    family: 4,
    table: 'nat',
    chain: 'POSTROUTING',
    forms: [
      ['-s', '10.7.0.0/16', '!', '-o', 'br7', ...C, '-j', 'MASQUERADE'],
      ['!', '--out-interface', 'br7', '--source', '10.7.0.0/16', ...C, '-j', 'MASQUERADE'],
    ],
  },
];

/** Pairs that must not compare equal. */
export const RULE_FORM_DIFFERENT: Array<{ name: string; a: string[]; b: string[] }> = [
  { name: 'negated and plain out-interface', a: ['!', '-o', 'br7', '-j', 'MASQUERADE'], b: ['-o', 'br7', '-j', 'MASQUERADE'] },
  { name: 'different prefix lengths', a: ['-s', '10.0.0.0/24', '-j', 'ACCEPT'], b: ['-s', '10.0.0.0/25', '-j', 'ACCEPT'] },
  { name: 'negated any-address is not any address', a: ['!', '-s', '0.0.0.0/0', '-j', 'ACCEPT'], b: ['-j', 'ACCEPT'] },
  { name: 'different ports', a: ['-p', 'tcp', '--dport', '80', '-j', 'ACCEPT'], b: ['-p', 'tcp', '--dport', '81', '-j', 'ACCEPT'] },
  {
    name: 'different comments',
    a: ['-m', 'comment', '--comment', 'nslab:a', '-j', 'ACCEPT'],
    b: ['-m', 'comment', '--comment', 'nslab:b', '-j', 'ACCEPT'],
  },
];
