import { describe, expect, it } from 'vitest';
import { desiredState } from './desiredState.js';
import { importScript } from './importScript.js';
import { formatPath, isError } from './issues.js';
import { dottedSysctlKey, isNetSysctlKey, labNameFromFile, sysctlInterface, sysctlKeyProblem, sysctlPath } from './names.js';
import { parseTopology, parseTopologyData } from './parseTopology.js';
import { planDeploy } from './planDeploy.js';
import { emptyObserved } from './state.js';
import { toArgv, type Step } from './step.js';
import { fullLab } from './testFixtures.js';

/** Keys that must never reach `sysctl -w`, each with why. */
const HOSTILE: Array<[string, string]> = [
  ['net.//.kernel.randomize_va_space', 'procps turns it into /proc/sys/net/../kernel/…'],
  ['net/../kernel/x', 'path form climbing out of net'],
  ['net/../../kernel', 'path form climbing out of /proc/sys'],
  ['net.ipv4.conf.../x', 'an interface segment that is all dots and slashes'],
  ['net..ipv4.ip_forward', 'an empty segment'],
  ['net.ipv4.ip_forward.', 'a trailing dot'],
  ['.net.ipv4.ip_forward', 'a leading dot'],
  ['net.ipv4.conf.eth0/../../kernel.x', 'an interface name hiding ../..'],
  ['net.ipv4.conf./.x', 'an interface segment that is only "/"'],
  ['net.ipv4.conf.//.x', 'an interface segment that becomes ".."'],
  ['net.ipv4.conf.eth0//x.forwarding', 'an interface name with ".."'],
  ['net.ipv4.conf./eth0.forwarding', 'an interface segment starting with "/"'],
  ['net.ipv4.conf.eth0/.forwarding', 'an interface segment ending with "/"'],
  ['net.ipv4.conf.-x.forwarding', 'an interface name starting with "-"'],
  ['net.ipv4.conf.this-is-too-long0.forwarding', 'an interface name over 15 characters'],
  ['net.ipv4.conf.eth0', 'an interface with no setting'],
  ['net.ipv4.conf', 'the per-interface directory itself'],
  ['net.core/somaxconn', '"/" outside an interface segment'],
  ['net.ipv4/conf.all.forwarding', '"/" in a fixed segment'],
  ['net.bridge.-bridge-nf-call-iptables', 'a segment starting with "-"'],
  ['net.ipv4.IP_FORWARD', 'upper case outside an interface name'],
  ['kernel.x', 'not a network sysctl'],
  ['kernel.randomize_va_space', 'not a network sysctl'],
  ['vm.x', 'not a network sysctl'],
  ['fs.x', 'not a network sysctl'],
  ['Net.ipv4.x', 'upper-case N'],
  ['net', 'no setting at all'],
  ['net.', 'a trailing dot after net'],
  ['', 'empty'],
  ['net.ipv4.ip_forwаrd', 'a Cyrillic а'],
  ['nеt.ipv4.ip_forward', 'a Cyrillic е in net'],
  ['net\u2024ipv4.ip_forward', 'a one-dot leader for a dot'],
  ['net.ipv4\uff0eip_forward', 'a full-width dot'],
  ['net.ipv4.conf.eth0\u2215x.forwarding', 'a division slash for "/"'],
  ['net.ipv4.ip_forward\n', 'a trailing newline'],
  ['net.ipv4.ip_forward kernel.x', 'a space'],
  ['net.ipv4.ip_forward=1', 'an "=" that would split key=value'],
  ['net.ipv4.ip_forward\0', 'a NUL'],
  ['net.ipv4.conf.eth 0.forwarding', 'a space in an interface name'],
  ['net.ipv4.conf.eth:0.forwarding', 'a colon in an interface name'],
  [`net.${'a'.repeat(300)}`, 'over 255 characters'],
];

/** Real kernel keys, with the file each names. */
const REAL: Array<[string, string]> = [
  ['net.ipv4.ip_forward', '/proc/sys/net/ipv4/ip_forward'],
  ['net.ipv4.conf.all.rp_filter', '/proc/sys/net/ipv4/conf/all/rp_filter'],
  ['net.ipv6.conf.default.disable_ipv6', '/proc/sys/net/ipv6/conf/default/disable_ipv6'],
  ['net.bridge.bridge-nf-call-iptables', '/proc/sys/net/bridge/bridge-nf-call-iptables'],
  ['net.netfilter.nf_conntrack_max', '/proc/sys/net/netfilter/nf_conntrack_max'],
  ['net.ipv4.tcp_rmem', '/proc/sys/net/ipv4/tcp_rmem'],
  ['net.core.somaxconn', '/proc/sys/net/core/somaxconn'],
  ['net.ipv4.ping_group_range', '/proc/sys/net/ipv4/ping_group_range'],
  ['net.ipv4.neigh.eth0.proxy_delay', '/proc/sys/net/ipv4/neigh/eth0/proxy_delay'],
  ['net.ipv6.neigh.default.gc_thresh1', '/proc/sys/net/ipv6/neigh/default/gc_thresh1'],
  ['net.ipv4.conf.eth0/100.forwarding', '/proc/sys/net/ipv4/conf/eth0.100/forwarding'],
  ['net.ipv6.conf.veth-A_1.forwarding', '/proc/sys/net/ipv6/conf/veth-A_1/forwarding'],
  ['net.ipv4.conf.a/b/c.proxy_arp', '/proc/sys/net/ipv4/conf/a.b.c/proxy_arp'],
  ['net.netfilter.nf_log.2', '/proc/sys/net/netfilter/nf_log/2'],
];

describe('[V14] sysctl keys: canonical net.* only', () => {
  it.each(HOSTILE)('refuses %j (%s)', (key) => {
    expect(isNetSysctlKey(key)).toBe(false);
    expect(sysctlKeyProblem(key)).toBeTruthy();
    expect(() => sysctlPath(key)).toThrow(/refusing sysctl key/);
    expect(sysctlInterface(key)).toBeUndefined();
  });

  it.each(HOSTILE)('a lab setting %j is refused at its path and never planned', (key) => {
    const t = structuredClone(fullLab()) as any;
    t.nodes.c.sysctls[key] = 0;
    const r = parseTopologyData(t);
    expect(r.ok).toBe(false);
    const issue = r.issues.filter(isError).find((i) => i.code === 'sysctl.key');
    expect(issue && formatPath(issue.path)).toBe(formatPath(['nodes', 'c', 'sysctls', key]));
    expect(issue!.message).toMatch(/only canonical net\.\* keys/);
  });

  it.each(HOSTILE.filter(([k]) => !k.includes('\n') && !k.includes('\0')))('the same key in YAML text is refused: %j', (key) => {
    const r = parseTopology(`name: x\nnodes:\n  a:\n    kind: netns\n    sysctls:\n      ${JSON.stringify(key)}: 0\n`);
    expect(r.ok).toBe(false);
    expect(r.issues.filter(isError).map((i) => [i.code, formatPath(i.path)])).toContainEqual([
      'sysctl.key',
      formatPath(['nodes', 'a', 'sysctls', key]),
    ]);
  });

  it.each(REAL)('accepts %s, the file %s', (key, file) => {
    expect(sysctlKeyProblem(key)).toBeUndefined();
    expect(sysctlPath(key)).toBe(file);
  });

  it('names the interface of a per-interface key, "/" read as "."', () => {
    expect(sysctlInterface('net.ipv4.conf.eth0/100.forwarding')).toBe('eth0.100');
    expect(sysctlInterface('net.ipv4.neigh.eth0.proxy_delay')).toBe('eth0');
    expect(sysctlInterface('net.ipv4.conf.all.forwarding')).toBeUndefined();
    expect(sysctlInterface('net.ipv6.conf.default.forwarding')).toBeUndefined();
    expect(sysctlInterface('net.ipv4.ip_forward')).toBeUndefined();
  });

  it('says what is wrong', () => {
    expect(sysctlKeyProblem('kernel.x')).toMatch(/network sysctls/);
    expect(sysctlKeyProblem('net..x')).toMatch(/empty segment/);
    expect(sysctlKeyProblem('net.co/re.x')).toMatch(/segment "co\/re"/);
    expect(sysctlKeyProblem('net.ipv4.conf.//.x')).toMatch(/not an interface name/);
  });

  it('a lab with a VLAN interface sets its sysctl through eth0/100, planned with "--"', () => {
    const t = {
      name: 'vlan',
      nodes: { a: { kind: 'netns', sysctls: { 'net.ipv4.conf.eth0/100.forwarding': 1 } }, b: { kind: 'netns' } },
      links: [
        {
          endpoints: [
            { node: 'a', name: 'eth0.100' },
            { node: 'b', name: 'eth0' },
          ],
        },
      ],
    };
    const r = parseTopologyData(t);
    expect(r.issues.filter(isError)).toEqual([]);
    const argv = planDeploy(emptyObserved('vlan'), desiredState(r.topology!))
      .steps.filter((s) => s.kind === 'sysctl.set')
      .map(toArgv);
    expect(argv).toEqual([['ip', 'netns', 'exec', 'a', 'sysctl', '-w', '--', 'net.ipv4.conf.eth0/100.forwarding=1']]);
  });

  it('a VLAN interface key naming an interface the namespace lacks is a reference error', () => {
    const t = structuredClone(fullLab()) as any;
    t.nodes.c.sysctls['net.ipv4.conf.eth0/100.forwarding'] = 1;
    expect(
      parseTopologyData(t)
        .issues.filter(isError)
        .map((i) => i.code),
    ).toEqual(['ref.sysctl-interface']);
  });

  it.each(HOSTILE.slice(0, 12))('toArgv refuses a forged sysctl step for %j (a tampered hold, say)', (key) => {
    const step: Step = { kind: 'sysctl.set', netns: null, key, value: '0', reason: '' };
    expect(() => toArgv(step)).toThrow(/refusing sysctl key/);
  });

  it('[S5] sysctl values are integers that fit the kernel', () => {
    const codesOf = (value: unknown) => {
      const t = structuredClone(fullLab()) as any;
      t.nodes.c.sysctls['net.core.somaxconn'] = value;
      return parseTopologyData(t)
        .issues.filter(isError)
        .map((i) => `${i.code} ${formatPath(i.path)}`);
    };
    expect(codesOf(2 ** 31)).toEqual(['sysctl.value nodes.c.sysctls["net.core.somaxconn"]']);
    expect(codesOf(-(2 ** 31) - 1)).toEqual(['sysctl.value nodes.c.sysctls["net.core.somaxconn"]']);
    expect(codesOf(2 ** 31 - 1)).toEqual([]);
    expect(codesOf(1.5)).toEqual(['shape.type nodes.c.sysctls["net.core.somaxconn"]']);
    expect(codesOf('1')).toEqual(['shape.type nodes.c.sysctls["net.core.somaxconn"]']);
  });
});

describe('reading sysctl keys from scripts', () => {
  it.each([
    ['net.ipv4.ip_forward', 'net.ipv4.ip_forward'],
    ['net/ipv4/ip_forward', 'net.ipv4.ip_forward'],
    ['net/ipv4/conf/eth0.100/forwarding', 'net.ipv4.conf.eth0/100.forwarding'],
    ['net.ipv4.conf.eth0/100.forwarding', 'net.ipv4.conf.eth0/100.forwarding'],
    ['net/../kernel/x', 'net.//.kernel.x'],
  ])('spells %s as %s, the way procps does', (text, key) => {
    expect(dottedSysctlKey(text)).toBe(key);
  });

  it('imports good keys in either spelling, and leaves out hostile ones with a warning', () => {
    const r = importScript(
      [
        'sysctl -w -- net.ipv4.ip_forward=1',
        'sysctl -w net.//.kernel.randomize_va_space=0',
        'sysctl -w kernel.panic=1',
        'echo 0 > /proc/sys/net/../kernel/randomize_va_space',
        'echo 1 > /proc/sys/net/ipv4/conf/all/forwarding',
        'sysctl -w net/ipv6/conf/all/forwarding=1',
      ].join('\n'),
    );
    expect(r.topology.nodes.host).toMatchObject({
      sysctls: { 'net.ipv4.ip_forward': 1, 'net.ipv4.conf.all.forwarding': 1, 'net.ipv6.conf.all.forwarding': 1 },
    });
    expect(Object.keys((r.topology.nodes.host as { sysctls: object }).sysctls)).toHaveLength(3);
    expect(r.warnings.map((w) => w.line)).toEqual([2, 3, 4]);
    expect(r.warnings[0]!.message).toMatch(/not a sysctl nslab sets \(segment "\/\/"/);
  });
});

describe('a lab named after its file', () => {
  it.each([
    ['Pods Lab.nslab.yaml', 'pods-lab'],
    ['srl02.clab.yml', 'srl02'],
    ['seeds/01-veth.sh', 'veth'],
    ['../../etc/passwd.json', 'passwd'],
    ['C:\\labs\\Two Hosts.yaml', 'two-hosts'],
    ['__proto__.yaml', 'proto'],
    ['a-very-long-file-name-indeed.clab.yaml', 'a-very-long-file-nam'],
    ['twenty-chars-exactl-.yaml', 'twenty-chars-exactl'],
    ['plain', 'plain'],
  ])('%s → %s', (file, name) => expect(labNameFromFile(file)).toBe(name));

  it('is the fallback when nothing of the name is left', () => {
    expect(labNameFromFile('123.yaml')).toBe('imported');
    expect(labNameFromFile('.yaml', 'uploaded')).toBe('uploaded');
    expect(labNameFromFile('-')).toBe('imported');
  });
});
