/**
 * Link impairments and `up: false` on the real kernel. This kernel has htb
 * but no netem: rate is an htb class, loss an iptables statistic rule, and
 * delay is refused before anything runs. Measures throughput over a 1mbit
 * link against an unlimited one (wide margins: it must never flake); 100%
 * loss blocks ping; `up: false` blocks ping, and a hand-made `ip link set up`
 * is drift that status reports (exit 3) and deploy puts back.
 * Labs `imp-lab`, `imp-delay`; namespaces `impa`, `impb`, `impc`; interfaces `imp*`; addresses 10.238.0.0/16.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { deployLab, destroyLab, LabRefusedError, planLab } from '../../src/lab.js';
import { destroyQuietly, isRoot, labFile, labFromYaml, nslab, ping, removeLabs, sh } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

const lab = (ab: string, ac: string) => `name: imp-lab
nodes:
  impa: { kind: netns }
  impb: { kind: netns }
  impc: { kind: netns }
links:
  - endpoints:
      - { node: impa, name: impab, addresses: [10.238.1.1/24]${ab} }
      - { node: impb, name: impba, addresses: [10.238.1.2/24] }
  - endpoints:
      - { node: impa, name: impac, addresses: [10.238.2.1/24] }
      - { node: impc, name: impca, addresses: [10.238.2.2/24] }${ac}
`;
const RATED = lab(', impair: { rate: 1mbit }', '');

/** Counts what a connection sends and answers with the count when it ends. */
const SINK = `const net = require('node:net');
net.createServer((s) => { let n = 0; s.on('data', (d) => (n += d.length)); s.on('end', () => s.end(String(n))); })
  .listen(Number(process.argv[2]), process.argv[1], () => process.stdout.write('listening\\n'));
setTimeout(() => process.exit(0), 120000).unref();`;
/** Sends N bytes, waits for the count, prints bits per second. */
const SEND = `const net = require('node:net');
const [host, port, bytes] = process.argv.slice(1);
const start = process.hrtime.bigint();
const s = net.connect(Number(port), host, () => s.end(Buffer.alloc(Number(bytes))));
let got = ''; s.on('data', (d) => (got += d));
s.on('close', () => { const sec = Number(process.hrtime.bigint() - start) / 1e9; console.log(JSON.stringify({ got: Number(got), bps: (Number(bytes) * 8) / sec })); });
setTimeout(() => process.exit(2), 60000).unref();`;

async function sink(netns: string, host: string, port: number): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', SINK, host, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`sink exited with ${c}`)));
  });
  return child;
}

async function throughput(from: string, host: string, port: number, bytes: number): Promise<number> {
  const r = await sh(['ip', 'netns', 'exec', from, process.execPath, '-e', SEND, host, String(port), String(bytes)]);
  const out = JSON.parse(r.stdout) as { got: number; bps: number };
  expect(out.got).toBe(bytes);
  return out.bps;
}

describe.skipIf(!isRoot)('impairments and up: false on the real kernel', () => {
  const t = labFromYaml(RATED);
  let guard: HostGuard | undefined;
  const sinks: ChildProcess[] = [];
  afterAll(async () => {
    sinks.forEach((s) => s.kill());
    await destroyQuietly('imp-delay');
    await destroyQuietly(t.name);
    await guard?.release();
  });

  it('delay on a kernel without netem: deploy refuses with the capability message and changes nothing', async () => {
    await removeLabs([t.name, 'imp-delay']);
    const text = lab(', impair: { delay: 50ms, jitter: 10ms }', '').replace('imp-lab', 'imp-delay');
    await expect(deployLab(labFromYaml(text))).rejects.toBeInstanceOf(LabRefusedError);
    const cli = await nslab('deploy', labFile(text));
    expect(cli.code).toBe(1);
    expect(cli.stderr + cli.stdout).toContain('links[0].endpoints[0].impair.delay: this lab needs the netem qdisc');
    expect((await sh(['ip', 'netns', 'list'])).stdout).not.toMatch(/\bimp[abc]\b/);
  });

  it('rate limits one end (measured), loss drops, up: false takes a link down; drift is reported and repaired', async () => {
    guard = await guardHost([t]);
    expect((await deployLab(t)).result.ok).toBe(true);
    expect((await planLab(t)).steps.map((s) => s.reason)).toEqual([]);
    const qdisc = JSON.parse((await sh(['tc', '-n', 'impa', '-j', 'qdisc', 'show', 'dev', 'impab'])).stdout)[0];
    expect(qdisc.kind).toBe('htb');

    // 1mbit: 150 kB take ~1.2 s; the unlimited link moves them in milliseconds.
    sinks.push(await sink('impb', '10.238.1.2', 5201), await sink('impc', '10.238.2.2', 5201));
    const limited = await throughput('impa', '10.238.1.2', 5201, 150_000);
    const free = await throughput('impa', '10.238.2.2', 5201, 150_000);
    console.log(`throughput: rate 1mbit ${(limited / 1e6).toFixed(3)} Mbit/s, unlimited ${(free / 1e6).toFixed(1)} Mbit/s`);
    expect(limited).toBeGreaterThan(0.3e6);
    expect(limited).toBeLessThan(2e6);
    expect(free).toBeGreaterThan(20e6);

    // A changed rate is one class change, not a new link.
    const faster = labFromYaml(lab(', impair: { rate: 2mbit }', ''));
    const change = await deployLab(faster);
    expect(change.result.ok).toBe(true);
    expect(change.plan.steps.map((s) => s.kind)).toEqual(['class.set']);

    // The qdisc deleted by hand: drift, and deploy puts it back.
    expect((await sh(['tc', '-n', 'impa', 'qdisc', 'del', 'dev', 'impab', 'root'])).code).toBe(0);
    const gone = await nslab('status', labFile(lab(', impair: { rate: 2mbit }', '')));
    expect(gone.code, gone.stdout).toBe(3);
    expect(gone.stdout).toContain('tc -n impa class replace dev impab parent 1: classid 1:1 htb rate 2mbit');
    expect((await deployLab(faster)).plan.steps.map((s) => s.kind)).toEqual(['qdisc.set', 'class.set']);

    // 100% loss on the a–c link blocks ping both ways; taking it away restores it.
    expect((await ping('impa', '10.238.2.2')).ok).toBe(true);
    const lossy = labFromYaml(lab('', '\n    impair: { loss: 100% }'));
    const lossPlan = await deployLab(lossy);
    expect(lossPlan.result.ok).toBe(true);
    expect(lossPlan.plan.steps.filter((s) => s.kind === 'rule.add')).toHaveLength(2);
    expect((await sh(['ip', 'netns', 'exec', 'impa', 'iptables-save', '-t', 'mangle'])).stdout).toContain('--probability 1');
    expect((await planLab(lossy)).steps).toEqual([]);
    expect((await ping('impa', '10.238.2.2', 2)).ok).toBe(false);
    expect((await deployLab(labFromYaml(lab('', '\n    impair: { loss: 0% }')))).result.ok).toBe(true);
    expect((await ping('impa', '10.238.2.2')).ok).toBe(true);

    // up: false: the link is down, ping fails; set up by hand, status names it (exit 3); deploy takes it down again.
    const downText = lab('', '\n    up: false');
    const down = labFromYaml(downText);
    expect((await deployLab(down)).result.ok).toBe(true);
    expect((await ping('impa', '10.238.2.2', 2)).ok).toBe(false);
    expect((await planLab(down)).steps).toEqual([]);
    expect((await sh(['ip', '-n', 'impc', 'link', 'set', 'impca', 'up'])).code).toBe(0);
    const drift = await nslab('status', labFile(downText));
    expect(drift.code, drift.stdout).toBe(3);
    expect(drift.stdout).toContain('take impca down');
    expect(drift.stdout).toContain('ip -n impc link set dev impca down');
    const repair = await deployLab(down);
    expect(repair.plan.steps.map((s) => s.kind)).toEqual(['link.set']);
    const flags = JSON.parse((await sh(['ip', '-n', 'impc', '-json', 'link', 'show', 'dev', 'impca'])).stdout)[0].flags as string[];
    expect(flags).not.toContain('UP');
    expect((await nslab('status', labFile(downText))).code).toBe(0);

    expect((await destroyLab(t.name)).result.ok).toBe(true);
    await guard.expectRestored();
  }, 120_000);
});
