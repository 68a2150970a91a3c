/**
 * The break-it/fix-it exercises (labs/exercises/) on the real kernel: each,
 * deployed as shipped, fails `nslab check` (exit 1) on the check its fault
 * breaks; fixed the way a learner would — the lab edited and deployed again
 * (the canvas), or a command in the node (`nslab exec`, the terminal) — every
 * check passes; destroy leaves none of its namespaces. Lab names start
 * `bfx-`, namespaces `bfxN-`; nothing is made in the host namespace.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { destroyQuietly, isRoot, labFile, nslab, removeLabs, sh, templateCopy } from './helpers.js';

interface Exercise {
  file: string;
  /** The FAIL line `nslab check` prints as shipped. */
  fails: RegExp;
  /** The learner's fix: an edit of the lab, then deploy; or a command in a node's terminal. */
  fix: { edit: [string | RegExp, string] } | { exec: [string, ...string[]] };
}

const EXERCISES: Exercise[] = [
  {
    file: 'forward-drop',
    fails: /FAIL {2}ns1 can ping 10\.61\.2\.2 \(TTL 63\): unreachable/,
    fix: {
      edit: [
        '- { in: r-ns2, out: r-ns1, action: accept }',
        '- { in: r-ns2, out: r-ns1, action: accept }\n        - { in: r-ns1, out: r-ns2, action: accept }',
      ],
    },
  },
  {
    file: 'rp-filter',
    fails: /FAIL {2}ns1 can ping 10\.62\.2\.2 \(TTL 63\): unreachable/,
    fix: { edit: ['net.ipv4.conf.r-b.rp_filter: 1', 'net.ipv4.conf.r-b.rp_filter: 2'] },
  },
  {
    file: 'no-forwarding',
    fails: /FAIL {2}client can ping 10\.63\.2\.2 \(TTL 63\): unreachable/,
    fix: { exec: ['router', 'sysctl', '-w', 'net.ipv4.ip_forward=1'] },
  },
  {
    file: 'missing-route',
    fails: /FAIL {2}ns1 can ping 10\.64\.2\.2 \(TTL 62\): unreachable/,
    fix: { exec: ['router2', 'ip', 'route', 'add', '10.64.1.0/24', 'via', '10.64.0.1'] },
  },
  {
    file: 'mtu-mismatch',
    fails: /FAIL {2}ns1 can ping 10\.65\.2\.2 with 1472-byte payloads, unfragmented: unreachable\n.*the path says its MTU is 1400/,
    fix: { edit: ['mtu: 1400', 'mtu: 1500'] },
  },
  {
    file: 'link-down',
    fails: /FAIL {2}ns2 can ping 10\.66\.2\.1: unreachable/,
    fix: { edit: [', up: false }', ' }'] },
  },
];

const cases = EXERCISES.map((e, i) => ({ ...e, lab: `bfx-${e.file}`, prefix: `bfx${i + 1}-` }));

/** Namespaces on the host whose names start with the prefix. */
async function namespacesOf(prefix: string): Promise<string[]> {
  return (await sh(['ip', 'netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(prefix));
}

describe.skipIf(!isRoot)('break-it/fix-it exercises: fail as shipped, pass once fixed', () => {
  afterAll(async () => {
    for (const c of cases) await destroyQuietly(c.lab);
  });

  it.each(cases)('$file: the check fails, the learner’s fix makes every check pass', async (c) => {
    const { text, topology } = templateCopy(`exercises/${c.file}.yaml`, c.lab, c.prefix);
    await removeLabs([c.lab]);
    expect(await namespacesOf(c.prefix), 'nothing of ours on the host before').toEqual([]);
    const file = labFile(text, c.lab);
    expect((await nslab('deploy', file)).code).toBe(0);

    const broken = await nslab('check', file);
    expect(broken.code, broken.stdout).toBe(1);
    expect(broken.stdout).toMatch(c.fails);

    if ('edit' in c.fix) {
      const [from, to] = c.fix.edit;
      const fixed = text.replace(from, to);
      expect(fixed, 'the fix applies').not.toBe(text);
      fs.writeFileSync(file, fixed);
      const deployed = await nslab('deploy', file);
      expect(deployed.code, deployed.stderr).toBe(0);
    } else {
      const [node, ...argv] = c.fix.exec;
      const r = await nslab('exec', c.lab, node, '--', ...argv);
      expect(r.code, r.stderr).toBe(0);
    }

    const working = await nslab('check', file);
    expect(working.code, working.stdout).toBe(0);
    expect(working.stdout).toMatch(new RegExp(`all ${topology.checks!.length} checks pass`));

    expect((await nslab('destroy', c.lab)).code).toBe(0);
    // `ip netns del` returns before the kernel is done: wait a little for the names to go.
    for (let i = 0; i < 20 && (await namespacesOf(c.prefix)).length > 0; i++) await new Promise((r) => setTimeout(r, 250));
    expect(await namespacesOf(c.prefix)).toEqual([]);
  });
});
