/**
 * Sandboxes on the real kernel, through the CLI as users run it: two
 * sandboxes deploy the same lab at once and the real host changes by nothing;
 * from inside one, every attack the workshop promise names fails with the
 * kernel's error and leaves the host and the neighbour as they were; a fork
 * bomb and a memory hog stop at the sandbox's limits while the host and the
 * neighbour keep answering; `sandbox rm` leaves nothing and touches no other
 * sandbox.
 * Sandboxes `sbxt-a`, `sbxt-b`, `sbxt-c`; labs `sbxt-nat`, `sbxt-pair`
 * (inside the sandboxes only); the host guard plants its own objects.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDir } from '../../src/paths.js';
import { spawnPty } from '../../src/runner.js';
import { isRoot, labFile, labFromYaml, nslab, repoRoot, sh, templateCopy } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

const SANDBOXES = ['sbxt-a', 'sbxt-b', 'sbxt-c'];
/** The bridge-NAT template with host link names of its own, so the host guard claims only names no other test uses. */
const nat = (() => {
  const copy = templateCopy('02-bridge-nat.yaml', 'sbxt-nat', 'sbxt-');
  const text = copy.text.replaceAll('cnio0', 'sbxt0').replace(/veth-(red|blue|orange)-br/g, 'sbxt-$1b');
  return { text, topology: labFromYaml(text) };
})();
const pair = templateCopy('01-veth-pair.yaml', 'sbxt-pair', 'sbxt-');

const inA = (...cmd: string[]) => nslab('exec', '--sandbox', 'sbxt-a', 'sbxt-nat', 'red', '--', ...cmd);
const inB = (...cmd: string[]) => nslab('exec', '--sandbox', 'sbxt-b', 'sbxt-nat', 'red', '--', ...cmd);
const onHostA = (...cmd: string[]) => nslab('exec', '--sandbox', 'sbxt-a', 'sbxt-nat', 'host', '--', ...cmd);

async function waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cgroupDir = (ctrl: string, name: string) => `/sys/fs/cgroup/${ctrl}/nslab/${name}`;
const mountsOf = (name: string) =>
  fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(`/sandboxes/${name}/`));

describe.skipIf(!isRoot)('sandboxes: labs the kernel keeps apart', () => {
  let guard: HostGuard | undefined;
  const natFile = labFile(nat.text, 'sbxt-nat');
  const pairFile = labFile(pair.text, 'sbxt-pair');

  afterAll(async () => {
    for (const s of SANDBOXES) await nslab('sandbox', 'rm', s);
    await guard?.release();
  });

  it('two sandboxes deploy the same lab at once; it works in each; the real host changes by nothing', async () => {
    for (const s of SANDBOXES) await nslab('sandbox', 'rm', s);
    guard = await guardHost([nat.topology, pair.topology]);
    const [a, b] = await Promise.all([nslab('deploy', '--sandbox', 'sbxt-a', natFile), nslab('deploy', '--sandbox', 'sbxt-b', natFile)]);
    expect(a.stderr + a.stdout).toContain('deployed lab sbxt-nat in sandbox sbxt-a');
    expect([a.code, b.code]).toEqual([0, 0]);
    for (const s of ['sbxt-a', 'sbxt-b']) {
      const check = await nslab('check', '--sandbox', s, natFile);
      expect(check.stdout).toContain('all 3 checks pass');
      const status = await nslab('status', '--sandbox', s, 'sbxt-nat');
      expect([status.code, status.stdout.trim()]).toEqual([0, 'Deployed: the host matches lab sbxt-nat']);
    }
    // The seeds' commands, verbatim, inside: iptables and ip netns see the sandbox's own.
    const rules = await onHostA('iptables-save', '-t', 'nat');
    expect(rules.stdout).toMatch(/-A POSTROUTING -s 192\.168\.110\.0\/24 ! -o sbxt0 .*nslab:sbxt-nat.* -j MASQUERADE/);
    const names = await onHostA('ip', 'netns', 'list');
    expect(
      names.stdout
        .split('\n')
        .map((l) => l.split(' ')[0])
        .filter(Boolean)
        .sort(),
    ).toEqual(['sbxt-blue', 'sbxt-orange', 'sbxt-red']);
    // nsenter into its own namespaces, and tcpdump as the seeds type it (it drops to its own user: mapped too).
    const own = await onHostA('nsenter', '--net=/run/netns/sbxt-blue', 'ip', '-br', 'addr');
    expect(own.stdout).toMatch(/veth-blue\S*\s+UP\s+192\.168\.110\.3\/24/);
    const capture = onHostA('timeout', '10', 'tcpdump', '-c', '1', '-n', '-i', 'sbxt0', 'icmp');
    await waitFor('tcpdump to listen', async () => {
      const ps = await onHostA('pgrep', '-x', 'tcpdump');
      return ps.code === 0;
    });
    expect((await inA('ping', '-c', '1', '-W', '2', '192.168.110.3')).code).toBe(0);
    expect((await capture).stdout).toMatch(/192\.168\.110\.2 > 192\.168\.110\.3: ICMP echo request/);
    // On the real host: no namespace, link, rule, sysctl or hold of the lab; the guard's foreign objects intact.
    await guard.expectRestored();
    expect((await sh(['ip', 'netns', 'list'])).stdout).not.toContain('sbxt-');
    expect((await sh(['iptables-save'])).stdout).not.toContain('nslab:sbxt-');
    // Not in the host's records either: status on the host finds nothing.
    expect((await nslab('status', 'sbxt-nat')).code).toBe(3);
  });

  it('from inside, every way out fails with the kernel’s error; the host and the neighbour are unchanged', async () => {
    const refused = async (what: string, r: Promise<{ code: number; stdout: string; stderr: string }>, pattern: RegExp) => {
      const out = await r;
      expect(out.code, `${what} should fail`).not.toBe(0);
      expect(out.stderr, what).toMatch(pattern);
      return out;
    };
    await refused('write /etc', inA('touch', '/etc/nslab-sbxt'), /Permission denied/);
    expect(fs.existsSync('/etc/nslab-sbxt')).toBe(false);
    await refused('write /root', inA('touch', '/root/nslab-sbxt'), /Permission denied/);
    expect(fs.existsSync('/root/nslab-sbxt')).toBe(false);
    const shadow = await refused('read /etc/shadow', inA('cat', '/etc/shadow'), /Permission denied/);
    expect(shadow.stdout).toBe('');
    const domain = fs.readFileSync('/proc/sys/kernel/domainname', 'utf8');
    const swappiness = fs.readFileSync('/proc/sys/vm/swappiness', 'utf8');
    await refused('kernel.* sysctl', inA('sysctl', '-w', 'kernel.domainname=sbxt'), /permission denied/);
    await refused('vm.* sysctl', inA('sysctl', '-w', 'vm.swappiness=7'), /permission denied/);
    expect(fs.readFileSync('/proc/sys/kernel/domainname', 'utf8')).toBe(domain);
    expect(fs.readFileSync('/proc/sys/vm/swappiness', 'utf8')).toBe(swappiness);
    await refused('move a link to the host', inA('ip', 'link', 'set', 'veth-red', 'netns', '1'), /Operation not permitted/);
    await refused("enter the host's network", inA('nsenter', '--net=/proc/1/ns/net', 'true'), /Permission denied/);
    // Another sandbox: not listed, not enterable, its captures and records out of sight.
    await refused("list nslab's run directory", inA('ls', path.join(runDir(), 'sandboxes')), /Permission denied|No such file/);
    await refused(
      "enter the neighbour's network",
      inA('nsenter', `--net=${path.join(runDir(), 'sandboxes', 'sbxt-b', 'net')}`, 'true'),
      /Permission denied|No such file/,
    );
    await refused("read the server's captures", inA('ls', path.join(runDir(), 'captures')), /Permission denied|No such file/);
    // Places the host lets anyone write, and IPC, are the sandbox's own: nothing reaches the host or the neighbour.
    const wrote = await inA('sh', '-c', 'for d in /tmp /var/tmp /dev/shm /run/lock; do echo x > $d/nslab-sbxt; done; ipcmk -Q');
    expect(wrote.code, wrote.stderr).toBe(0);
    for (const d of ['/tmp', '/var/tmp', '/dev/shm', '/run/lock']) {
      expect(fs.existsSync(`${d}/nslab-sbxt`), d).toBe(false);
      expect((await inB('cat', `${d}/nslab-sbxt`)).code, d).not.toBe(0);
    }
    expect((await inA('ipcs', '-q')).stdout).toMatch(/0x[0-9a-f]+\s+\d+\s+root/);
    expect((await inB('ipcs', '-q')).stdout).not.toMatch(/0x[0-9a-f]+\s+\d+\s+root/);
    // Its pseudo-terminals are its own instance (at most 64): the host's /dev/pts is out of sight and out of reach.
    expect((await inA('ls', '/dev/pts')).stdout.trim()).toBe('ptmx');
    expect((await inA('script', '-qc', 'tty', '/dev/null')).stdout).toMatch(/^\/dev\/pts\/\d+/m);
    // Run from a root terminal, a sandboxed command gets no terminal to push keystrokes into (TIOCSTI); the same probe outside does.
    const probe = ['sh', '-c', '(: </dev/tty) 2>/dev/null && echo TTY-OPEN || echo TTY-REFUSED'];
    const underTerminal = async (argv: string[]) => {
      const term = spawnPty(argv, 'sbxt', { cols: 80, rows: 24, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm' } });
      let seen = '';
      term.onData((d) => (seen += d));
      await waitFor('the probe under a terminal to answer', () => /TTY-(OPEN|REFUSED)/.test(seen));
      return seen;
    };
    expect(await underTerminal(probe)).toContain('TTY-OPEN');
    expect(
      await underTerminal([
        process.execPath,
        path.join(repoRoot, 'bin/nslab'),
        'exec',
        '--sandbox',
        'sbxt-a',
        'sbxt-nat',
        'red',
        '--',
        ...probe,
      ]),
    ).toContain('TTY-REFUSED');
    // A namespace added inside is the sandbox's own; the host and the neighbour never see it.
    expect((await inA('ip', 'netns', 'add', 'sbxt-mine')).code).toBe(0);
    expect((await sh(['ip', 'netns', 'list'])).stdout).not.toContain('sbxt-mine');
    expect((await inB('ip', 'netns', 'list')).stdout).not.toContain('sbxt-mine');
    expect((await inA('ip', 'netns', 'del', 'sbxt-mine')).code).toBe(0);
    // The neighbour keeps working, and so does the host.
    expect((await inB('ping', '-c', '1', '-W', '2', '192.168.110.3')).code).toBe(0);
    expect((await nslab('check', '--sandbox', 'sbxt-b', natFile)).code).toBe(0);
    await guard!.expectRestored();
  });

  it('a fork bomb and a memory hog stop at the sandbox’s limits; the host and the neighbour keep answering', async () => {
    const made = await nslab('sandbox', 'create', 'sbxt-c', '--pids', '64', '--memory', '64');
    expect(made.code, made.stderr).toBe(0);
    expect((await nslab('deploy', '--sandbox', 'sbxt-c', pairFile)).code).toBe(0);
    const pidsEvents = () => fs.readFileSync(path.join(cgroupDir('pids', 'sbxt-c'), 'pids.events'), 'utf8');
    // The bomb runs until the sandbox is removed; its forks are refused at 64.
    const bomb = nslab('exec', '--sandbox', 'sbxt-c', 'sbxt-pair', 'red', '--', 'bash', '-c', 'f() { f | f & }; f; sleep 600');
    await waitFor('the pids limit to refuse forks', () => /max [1-9]/.test(pidsEvents()));
    expect(Number(fs.readFileSync(path.join(cgroupDir('pids', 'sbxt-c'), 'pids.current'), 'utf8'))).toBeLessThanOrEqual(64);
    expect((await sh(['ip', '-o', 'link', 'show', 'dev', 'lo'])).code).toBe(0);
    expect((await inB('ping', '-c', '1', '-W', '2', '192.168.110.4')).code).toBe(0);
    expect((await nslab('sandbox', 'rm', 'sbxt-c')).code).toBe(0);
    await bomb;
    expect(fs.existsSync(cgroupDir('pids', 'sbxt-c'))).toBe(false);

    // Memory: a shell that holds 300 MiB in a variable is killed at 64 MiB.
    expect((await nslab('sandbox', 'create', 'sbxt-c', '--memory', '64')).code).toBe(0);
    expect((await nslab('deploy', '--sandbox', 'sbxt-c', pairFile)).code).toBe(0);
    const hog = await nslab(
      'exec',
      '--sandbox',
      'sbxt-c',
      'sbxt-pair',
      'red',
      '--',
      'bash',
      '-c',
      'x=$(head -c 300M /dev/zero | tr "\\0" a); echo ${#x}',
    );
    expect(hog.code).not.toBe(0);
    expect(hog.stdout).not.toContain('314572800');
    expect((await inB('ping', '-c', '1', '-W', '2', '192.168.110.2')).code).toBe(0);
  });

  it('sandbox rm leaves no process, mount, namespace, cgroup or record, and touches no other sandbox', async () => {
    const list = await nslab('sandbox', 'list');
    expect(list.stdout).toMatch(/^sbxt-a\s+\d+\s+\d+\/256\s+.*sbxt-nat/m);
    expect(mountsOf('sbxt-a').length).toBe(5); // user, mnt, net, ipc, captures
    const rm = await nslab('sandbox', 'rm', 'sbxt-a');
    expect([rm.code, rm.stdout.trim()]).toEqual([0, 'removed sandbox sbxt-a and everything in it']);
    expect(mountsOf('sbxt-a')).toEqual([]);
    for (const ctrl of ['pids', 'memory']) expect(fs.existsSync(cgroupDir(ctrl, 'sbxt-a'))).toBe(false);
    expect(fs.existsSync(path.join(runDir(), 'sandboxes', 'sbxt-a'))).toBe(false);
    expect((await nslab('sandbox', 'list')).stdout).not.toMatch(/^sbxt-a /m);
    expect((await nslab('exec', '--sandbox', 'sbxt-a', 'sbxt-nat', 'red', '--', 'true')).stderr).toContain('there is no sandbox sbxt-a');
    expect((await nslab('sandbox', 'rm', 'sbxt-a')).stdout.trim()).toBe('no sandbox sbxt-a: nothing to remove');
    // The neighbour is whole.
    expect((await nslab('check', '--sandbox', 'sbxt-b', natFile)).code).toBe(0);
    expect((await nslab('sandbox', 'rm', 'sbxt-b')).code).toBe(0);
    expect((await nslab('sandbox', 'rm', 'sbxt-c')).code).toBe(0);
    await guard!.expectRestored();
  });

  it('a lab of 20 namespaces deploys in a sandbox (one process per namespace there) and reads back as deployed', async () => {
    const nodes = Array.from({ length: 20 }, (_, i) => `  n${i}: { kind: netns }`).join('\n');
    const links = Array.from(
      { length: 19 },
      (_, i) =>
        `  - endpoints: [{ node: n${i}, name: r${i}, addresses: [10.239.${i}.1/30] }, { node: n${i + 1}, name: l${i + 1}, addresses: [10.239.${i}.2/30] }]`,
    ).join('\n');
    const file = labFile(`name: sbxt-many\nnodes:\n${nodes}\nlinks:\n${links}\n`, 'sbxt-many');
    const made = await nslab('deploy', '--sandbox', 'sbxt-c', file);
    expect(made.code, made.stderr).toBe(0);
    const status = await nslab('status', '--sandbox', 'sbxt-c', file);
    expect([status.code, status.stdout.trim()]).toEqual([0, 'Deployed: the host matches lab sbxt-many']);
    expect((await nslab('exec', '--sandbox', 'sbxt-c', 'sbxt-many', 'n7', '--', 'ping', '-c', '1', '-W', '2', '10.239.7.2')).code).toBe(0);
    expect((await nslab('sandbox', 'rm', 'sbxt-c')).code).toBe(0);
  });

  it('refuses bad names and bad limits before anything is made', async () => {
    for (const bad of ['../etc', 'A', '-x', 'a/b', 'x'.repeat(30)]) {
      const r = await nslab('deploy', '--sandbox', bad, natFile);
      expect(r.code, bad).toBe(1);
      expect(r.stderr).toContain('is not a valid sandbox name');
    }
    const r = await nslab('sandbox', 'create', 'sbxt-c', '--pids', '1');
    expect([r.code, r.stderr.trim()]).toEqual([1, 'sandbox pids: 1 is not a whole number in 16–4096']);
    expect(fs.existsSync(path.join(runDir(), 'sandboxes', 'sbxt-c'))).toBe(false);
    const ex = await nslab('exec', 'sbxt-nat', 'red');
    expect([ex.code, ex.stderr.trim()]).toEqual([1, 'usage: nslab exec [--sandbox S] LAB NODE -- CMD [ARG...]']);
  });
});
