import { describe, expect, it } from 'vitest';
import { attributeErrors, ipBatchEach } from './nsPool.js';
import { inNetns, type Runner } from './runner.js';

const DIR = '/run/nslab/batch-abc';
const names = new Set(['ns1', 'ns2', 'ns3']);

describe('attributeErrors: whose error is it', () => {
  it('pins ip\'s "Command failed DIR/NS:N" and the kernel message before it on that namespace', () => {
    const r = attributeErrors(`RTNETLINK answers: File exists\nCommand failed ${DIR}/ns2:3\n`, DIR, names);
    expect(r.errs.get('ns2')).toBe('RTNETLINK answers: File exists\nCommand failed -:3\n');
    expect(r.unattributed).toEqual([]);
  });

  it('pins nsenter\'s "cannot open /run/netns/NS" on that namespace', () => {
    const r = attributeErrors('nsenter: cannot open /run/netns/ns3: No such file or directory\n', DIR, names);
    expect([...r.errs.keys()]).toEqual(['ns3']);
    expect(r.unattributed).toEqual([]);
  });

  it("leaves nsenter's message for a half-made namespace unattributed: it names none", () => {
    const r = attributeErrors("nsenter: reassociate to namespace 'ns/net' failed: Invalid argument\n", DIR, names);
    expect(r.errs.size).toBe(0);
    expect(r.unattributed).toEqual(["nsenter: reassociate to namespace 'ns/net' failed: Invalid argument"]);
  });

  it('leaves an error in the shared input file unattributed, with its message', () => {
    const r = attributeErrors(`Error: oops\nCommand failed ${DIR}/@all:2\n`, DIR, names);
    expect(r.errs.size).toBe(0);
    expect(r.unattributed).toEqual(['Error: oops', `Command failed ${DIR}/@all:2`]);
  });

  it('takes a warning printed by a batch that succeeded for no failure', () => {
    const r = attributeErrors('Warning: something ip says but does not fail on\n', DIR, names);
    expect(r.errs.size).toBe(0);
    expect(r.unattributed).toEqual([]);
  });

  it('does not pin an error on a namespace outside the chunk', () => {
    const r = attributeErrors('nsenter: cannot open /run/netns/other: No such file or directory\n', DIR, names);
    expect(r.errs.size).toBe(0);
    expect(r.unattributed).toHaveLength(1);
  });
});

describe('a namespace name that would leave /run/netns reaches no program and no file', () => {
  const hostile = ['../../proc/1/ns/net', 'a/b', '..', '', 'x\0y'];
  const ran: string[][] = [];
  const runner: Runner = {
    run: async (argv) => {
      ran.push([...argv]);
      return { code: 0, stdout: '', stderr: '' };
    },
  };

  it('inNetns refuses it', () => {
    for (const name of hostile) expect(() => inNetns(name, ['ip', 'link'])).toThrow(/not a namespace name/);
    expect(inNetns('ok-1', ['ip'])).toEqual(['nsenter', '--net=/run/netns/ok-1', '--', 'ip']);
  });

  it('ipBatchEach refuses it, one at a time or pooled (where names become batch files), before running anything', async () => {
    for (const count of [1, 40]) {
      const jobs = Array.from({ length: count }, (_, i) => ({
        netns: i === count - 1 ? '../escape' : `ns-${i}`,
        input: `link show ${i}\n`,
      }));
      await expect(ipBatchEach(runner, jobs, ['-json'])).rejects.toThrow(/not a namespace name/);
    }
    expect(ran.filter((argv) => argv.some((a) => a.includes('escape')))).toEqual([]);
  });
});
