#!/usr/bin/env node
/**
 * bin/nslab: the command line. Exit codes (shared/DESIGN.md): 0 success,
 * 1 invalid input or refused (nothing ran), 2 failed and rolled back,
 * 3 drift (status).
 *
 * Each command's module is imported when that command runs, never before:
 * loading the topology package and the server's modules costs more than the
 * work of most commands, and `nslab --help` needs none of it.
 */
import { err, Exit, out, type Command } from './cli/io.js';
import { USAGE } from './cli/usage.js';
import { traced } from './trace.js';

type CommandModule = () => Promise<{ commands: Record<string, Command> }>;

const lifecycle: CommandModule = () => import('./cli/lifecycle.js');
const labFiles: CommandModule = () => import('./cli/labFiles.js');
const clab: CommandModule = () => import('./cli/clab.js');
const live: CommandModule = () => import('./cli/live.js');
const host: CommandModule = () => import('./cli/host.js');
const serve: CommandModule = () => import('./cli/serve.js');

/** Every command and the module that implements it. */
const COMMANDS: Record<string, CommandModule> = {
  validate: labFiles,
  plan: lifecycle,
  deploy: lifecycle,
  destroy: lifecycle,
  status: lifecycle,
  clean: lifecycle,
  check: live,
  exec: live,
  trace: live,
  sandbox: host,
  templates: labFiles,
  new: labFiles,
  'export-script': labFiles,
  'import-script': labFiles,
  'import-clab': clab,
  'export-clab': clab,
  discover: host,
  capabilities: host,
  token: serve,
  serve,
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    out(USAGE);
    return cmd ? 0 : 1;
  }
  const load = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!load) {
    err(`nslab: unknown command "${cmd}"\n${USAGE}`);
    return 1;
  }
  try {
    const { commands } = await traced(`load nslab ${cmd}`, load);
    await commands[cmd]!(args);
    return 0;
  } catch (e) {
    if (e instanceof Exit) {
      if (e.message) err(e.message);
      return e.code;
    }
    // Only a command that planned a lab can be refused, so lab.js is loaded by now.
    const { LabRefusedError } = await import('./lab.js');
    if (e instanceof LabRefusedError) {
      err(e.message);
      err('nothing was changed on the host');
      return 1;
    }
    err(`nslab ${cmd}: ${(e as Error).stack ?? e}`);
    return 2;
  }
}

void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
