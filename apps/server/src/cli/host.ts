/** discover, capabilities, sandbox: the host itself and the sandboxes on it. */
import { formatIssue } from '@nslab/topology';
import { FEATURES, probeFeatures } from '../capabilities.js';
import { discoverHost } from '../discover.js';
import { findLabs } from '../lab.js';
import { sandboxPlace } from '../place.js';
import { hostRunner } from '../runner.js';
import { ensureSandbox, listSandboxes, readSandbox, removeSandbox, sandboxUsage } from '../sandbox/sandbox.js';
import { err, Exit, options, out, type Command } from './io.js';
import { checkedSandbox, requireRoot } from './placeArgs.js';

export const commands: Record<string, Command> = {
  async discover(args) {
    const { values } = options(
      args,
      { all: { type: 'boolean', default: false }, name: { type: 'string' }, script: { type: 'boolean', default: false } },
      'nslab discover [--all] [--name N] [--script]',
      { positionals: false },
    );
    requireRoot('discover');
    const r = await discoverHost(hostRunner, { all: values.all!, ...(values.name ? { name: values.name } : {}) });
    for (const w of r.warnings) err(`warning: ${w.text}: ${w.message}`);
    for (const i of r.issues) err(`lab: ${formatIssue(i)}`);
    out(values.script ? r.script : r.yaml);
  },

  async capabilities() {
    requireRoot('capabilities');
    const f = await probeFeatures(hostRunner, { fresh: true });
    for (const name of FEATURES) out(`${f[name] ? 'yes' : 'no '}  ${name}`);
  },

  async sandbox([sub, ...args]) {
    // Its options are read first: a wrong one is the same exit 1 and usage line for anyone.
    const create =
      sub === 'create'
        ? options(args, { pids: { type: 'string' }, memory: { type: 'string' } }, 'nslab sandbox create S [--pids N] [--memory MIB]')
        : undefined;
    requireRoot('sandbox');
    if (sub === 'list') {
      const all = listSandboxes();
      if (all.length === 0) return void out('no sandboxes');
      out(`${'NAME'.padEnd(25)} ${'ROOT IS UID'.padEnd(11)} ${'PROCS'.padStart(5)} ${'MEMORY'.padStart(9)}  LABS`);
      for (const s of all) {
        const use = sandboxUsage(s.name);
        const labs = await findLabs(sandboxPlace(s.name)).catch(() => ['?']);
        const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)}`;
        out(
          `${s.name.padEnd(25)} ${String(s.hostId).padEnd(11)} ${`${use.pids}/${s.limits.pids}`.padStart(5)} ${`${mib(use.memoryBytes)}/${mib(s.limits.memoryBytes)}M`.padStart(9)}  ${labs.join(', ') || '-'}`,
        );
      }
      return;
    }
    if (create) {
      const { values, positionals } = create;
      const name = checkedSandbox(positionals[0]);
      if (readSandbox(name)) throw new Exit(1, `sandbox ${name} exists`);
      const s = await ensureSandbox(name, {
        ...(values.pids ? { pids: Number(values.pids) } : {}),
        ...(values.memory ? { memoryBytes: Number(values.memory) * 2 ** 20 } : {}),
      }).catch((e: Error) => {
        throw new Exit(1, e.message);
      });
      return void out(
        `made sandbox ${s.name}: its root is uid ${s.hostId} on the host; at most ${s.limits.pids} processes, ${s.limits.memoryBytes / 2 ** 20} MiB`,
      );
    }
    if (sub === 'rm') {
      const name = checkedSandbox(args[0]);
      return void out(
        (await removeSandbox(name)) ? `removed sandbox ${name} and everything in it` : `no sandbox ${name}: nothing to remove`,
      );
    }
    throw new Exit(1, 'usage: nslab sandbox list | create NAME [--pids N] [--memory MIB] | rm NAME');
  },
};
