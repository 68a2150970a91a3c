#!/usr/bin/env node
/**
 * bin/nslab: the command line. Exit codes (shared/DESIGN.md): 0 success,
 * 1 invalid input or refused (nothing ran), 2 failed and rolled back,
 * 3 drift (status).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  describeCheck,
  desiredState,
  emptyObserved,
  formatIssue,
  importScript,
  isError,
  LAB_NAME,
  NODE_NAME,
  parseTopology,
  parseWorkshop,
  planDeploy,
  renderPlanScript,
  stepLine,
  type Topology,
  type TraceProto,
} from '@nslab/topology';
import { FEATURES, probeFeatures } from './capabilities.js';
import { forgetDeployed, readDeployed } from './deployedRecord.js';
import { PlanFailedError, type ExecResult, type StepEvent } from './executePlan.js';
import { deployLab, destroyLab, findLabs, LabRefusedError, planLab } from './lab.js';
import { listTemplates, templateTexts } from './templates.js';
import { discoverHost } from './discover.js';
import { readHostInterfaces } from './hostInterfaces.js';
import { runChecks } from './live/runChecks.js';
import { ownedScope } from './live/scope.js';
import { tracePacket } from './packetTrace/index.js';
import { formatTrace } from './packetTrace/format.js';
import { terminalCommand } from './live/terminal.js';
import { hostPlace, sandboxPlace, type Place } from './place.js';
import { hostRunner, runInherited } from './runner.js';
import { checkSandboxName, runDir, templatesDir, tokenPath } from './paths.js';
import { ensureSandbox, listSandboxes, readSandbox, removeSandbox, sandboxUsage } from './sandbox/sandbox.js';

const USAGE = `usage: nslab COMMAND [ARGS]

  validate FILE          check a lab file (or a workshop file); one "path: message" line per error
  plan FILE              print the commands deploy would run now (runs nothing)
  deploy FILE            make the host match the lab (reconcile)
  destroy FILE|NAME      remove everything the lab owns
  status FILE|NAME       compare the host with the lab; exit 3 on drift
  clean                  remove everything that carries an nslab mark
  check FILE             run the lab's checks on the host; exit 0 only if all pass
  templates              list the teaching labs (one per seed scenario)
  new TEMPLATE [FILE]    write a template's lab file (to FILE, or standard output)
  export-script FILE     a standalone bash script that builds the lab
  import-script SCRIPT [--name N]   read ip/iptables/sysctl commands (a seed document
                         works too) and print the lab as YAML; warnings name their line
  discover [--all] [--name N] [--script]   the live host as lab YAML (nslab's namespaces,
                         or --all of them), veth peers resolved across namespaces;
                         --script: the commands that build it, as plan prints them
  capabilities           what this kernel and host support
  serve [--port P] [--host H] [--no-token] [--remote-token]   the web app and its API;
                         prints the address to open (with its token: every request needs it;
                         off loopback, from this machine only unless --remote-token)
  token [--data-dir D]   print the running server's token (from <data dir>/token; root only)
  exec [--sandbox S] LAB NODE -- CMD [ARG...]   run CMD in NODE as its terminal would;
                         its output and exit code are passed through
  trace [--sandbox S] LAB FROM TO [--proto icmp|tcp|udp] [--port P] [--json] [--no-probe]
                         the path one packet takes from node FROM (or NODE:IF) to TO (a node
                         or an address), hop by hop, from kernel state, then one real packet
                         traced by netfilter (--no-probe: the model only); exit 0 delivered,
                         1 dropped, 2 cannot trace
  sandbox list           workshop sandboxes: user-namespace isolated places for labs
  sandbox create S [--pids N] [--memory MIB]   make one with these limits (deploy
                         --sandbox makes one with the defaults on first use)
  sandbox rm S           remove a sandbox and everything in it (processes, labs, limits)

deploy, destroy, status, check and trace take --sandbox S: the lab then lives inside
sandbox S, whose root is root only there; nothing unmarked changes on the host.

exit codes: 0 ok, 1 invalid or refused (nothing ran), 2 failed (rolled back), 3 drift`;

class Exit extends Error {
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const err = (s: string) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`);

function readFile(file: string | undefined): string {
  if (!file) throw new Exit(1, `missing FILE\n${USAGE}`);
  try {
    return file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Exit(1, `${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** Parses a lab file; prints every error (to `report`: stderr, or stdout for validate) and exits 1 when it is invalid. */
function loadLab(file: string | undefined, report: (s: string) => void = err): Topology {
  const r = parseTopology(readFile(file));
  for (const i of r.issues) if (!isError(i)) err(formatIssue(i));
  if (!r.ok || !r.topology) {
    for (const i of r.issues) if (isError(i)) report(formatIssue(i));
    throw new Exit(1);
  }
  return r.topology;
}

/** FILE or NAME: a lab name is accepted when no such file exists. */
function labNameOf(arg: string | undefined): { name: string; topology?: Topology } {
  if (!arg) throw new Exit(1, `missing FILE or NAME\n${USAGE}`);
  if (fs.existsSync(arg)) return { name: loadLab(arg).name, topology: loadLab(arg) };
  if (!LAB_NAME.test(arg)) throw new Exit(1, `${arg}: no such file, and not a lab name (lower-case letters, digits, "-")`);
  return { name: arg };
}

/** Takes `--sandbox S` (or `--sandbox=S`) out of a command's arguments. */
function sandboxOption(args: string[]): { sandbox?: string; rest: string[] } {
  const rest: string[] = [];
  let sandbox: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (a === '--sandbox' || a.startsWith('--sandbox=')) {
      sandbox = checkedSandbox(a === '--sandbox' ? args[++i] : a.slice('--sandbox='.length), '--sandbox needs a name');
    } else rest.push(a);
  }
  return { ...(sandbox ? { sandbox } : {}), rest };
}

/** The place of an existing sandbox (or the host); undefined when the sandbox does not exist. */
function existingPlace(sandbox: string | undefined): Place | undefined {
  if (!sandbox) return hostPlace();
  return readSandbox(sandbox) ? sandboxPlace(sandbox) : undefined;
}

const inSandbox = (sandbox: string | undefined) => (sandbox ? ` in sandbox ${sandbox}` : '');

/** The design of a lab deployed in a place (exec, trace): a checked name, root, the sandbox, the lab; else exit `code`. */
function deployedDesign(cmd: string, lab: string, sandbox: string | undefined, code: number): { place: Place; design: Topology } {
  if (!LAB_NAME.test(lab)) throw new Exit(code, `${JSON.stringify(lab).slice(0, 40)} is not a lab name (lower-case letters, digits, "-")`);
  requireRoot(cmd);
  const place = existingPlace(sandbox);
  if (!place) throw new Exit(code, `there is no sandbox ${sandbox} (see: nslab sandbox list)`);
  const design = readDeployed(place.dir, lab);
  if (!design) throw new Exit(code, `lab ${lab} is not deployed${inSandbox(sandbox)}`);
  return { place, design };
}

function requireRoot(what: string): void {
  if (process.getuid?.() !== 0)
    throw new Exit(1, `nslab ${what} changes the host's network and must run as root (try: sudo nslab ${what} …)`);
}

function printEvent(e: StepEvent): void {
  if (e.status === 'ok') out(`  ${stepLine(e.step)}`);
  else if (e.status === 'failed') err(`  FAILED ${stepLine(e.step)}\n    ${e.error ?? ''}`);
  else err(`  undone: ${stepLine(e.step)}`);
}

function reportFailure(result: ExecResult): never {
  const failure = new PlanFailedError(result);
  err(`error: ${failure.message}`);
  const rb = result.rollback;
  if (rb)
    err(
      rb.errors.length === 0
        ? `rolled back: ${rb.undone} step(s) undone; the host is as before`
        : `rollback left ${rb.errors.length} problem(s):\n  ${rb.errors.join('\n  ')}`,
    );
  throw new Exit(2);
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  async validate([file]) {
    const text = readFile(file);
    if (/^steps:/m.test(text) && /^lab:/m.test(text)) {
      // A workshop file (docs/workshops.md): its steps, its checks, the lab it starts from and the templates steps start from.
      const r = parseWorkshop(text, templateTexts(templatesDir()));
      if (!r.ok || !r.workshop) {
        r.errors.forEach((e) => out(e));
        throw new Exit(1);
      }
      out(`${file}: valid — workshop "${r.workshop.title}", ${r.workshop.steps.length} steps, starting from lab "${r.workshop.lab.name}"`);
      return;
    }
    const t = loadLab(file, out);
    out(`${file}: valid — lab "${t.name}", ${Object.keys(t.nodes).length} nodes, ${t.links.length} links`);
  },

  async plan([file]) {
    const t = loadLab(file);
    const plan = process.getuid?.() === 0 ? await planLab(t) : planDeploy(emptyObserved(t.name), desiredState(t));
    if (plan.conflicts.length > 0) throw new LabRefusedError(plan.conflicts);
    const header =
      process.getuid?.() === 0
        ? `nslab plan ${file}: what deploy would run now`
        : `nslab plan ${file}: not root, so planned against an empty host`;
    out(renderPlanScript(plan, { header }));
  },

  async deploy(args) {
    const { sandbox, rest } = sandboxOption(args);
    const t = loadLab(rest[0]);
    requireRoot('deploy');
    const place = sandbox ? await openSandbox(sandbox) : hostPlace();
    err(`deploying lab ${t.name}${inSandbox(sandbox)} …`);
    const { plan, result } = await deployLab(t, { place, onEvent: printEvent, onPhase: (p) => err(`  ${p}`) });
    if (!result.ok) reportFailure(result);
    out(
      plan.steps.length === 0
        ? `lab ${t.name}${inSandbox(sandbox)} is up to date: no changes (${result.elapsedMs} ms)`
        : `deployed lab ${t.name}${inSandbox(sandbox)}: ${result.applied} changes in ${result.elapsedMs} ms`,
    );
  },

  async destroy(args) {
    const { sandbox, rest } = sandboxOption(args);
    const { name } = labNameOf(rest[0]);
    requireRoot('destroy');
    const place = existingPlace(sandbox);
    if (!place) return void out(`lab ${name}: nothing${inSandbox(sandbox)} (there is no such sandbox)`);
    const { plan, result } = await destroyLab(name, { place, onEvent: printEvent });
    if (!result.ok) reportFailure(result);
    out(
      plan.steps.length === 0
        ? `lab ${name}: nothing ${sandbox ? `in sandbox ${sandbox}` : 'on this host'}`
        : `destroyed lab ${name}${inSandbox(sandbox)}: ${result.applied} changes in ${result.elapsedMs} ms`,
    );
  },

  async status(args) {
    const { sandbox, rest } = sandboxOption(args);
    const { name, topology } = labNameOf(rest[0]);
    requireRoot('status');
    const place = existingPlace(sandbox);
    if (!place) {
      out(`Drift: lab ${name} is not deployed (there is no sandbox ${sandbox})`);
      throw new Exit(3);
    }
    const design = topology ?? readDeployed(place.dir, name);
    if (!design) {
      const labs = await findLabs(place);
      if (labs.includes(name)) {
        out(`lab ${name} has resources${inSandbox(sandbox) || ' on this host'}, but no design to compare with: run nslab status FILE`);
        return;
      }
      out(`Drift: lab ${name} is not deployed${inSandbox(sandbox)}`);
      throw new Exit(3);
    }
    const plan = await planLab(design, { place });
    if (plan.conflicts.length > 0) {
      out(`Drift: lab ${name} conflicts with the host`);
      for (const c of plan.conflicts) out(`  ${formatIssue(c)}`);
      throw new Exit(3);
    }
    if (plan.steps.length === 0) {
      out(`Deployed: the host matches lab ${name}`);
      return;
    }
    out(`Drift: ${plan.steps.length} difference(s) between lab ${name} and the host; deploy would:`);
    for (const s of plan.steps) out(`  ${s.reason}\n    ${stepLine(s)}`);
    throw new Exit(3);
  },

  async clean() {
    requireRoot('clean');
    const labs = await findLabs();
    const sandboxes = listSandboxes();
    if (sandboxes.length > 0)
      err(
        `${sandboxes.length} sandbox(es) left as they are (${sandboxes.map((s) => s.name).join(', ')}): nslab sandbox rm NAME removes one`,
      );
    if (labs.length === 0) {
      out('nothing carries an nslab mark');
      return;
    }
    let failed = false;
    for (const lab of labs) {
      const { result } = await destroyLab(lab);
      forgetDeployed(runDir(), lab);
      if (result.ok) out(`removed lab ${lab}: ${result.applied} changes`);
      else {
        failed = true;
        err(`lab ${lab}: ${new PlanFailedError(result).message}`);
      }
    }
    if (failed) throw new Exit(2);
  },

  async check(args) {
    const { sandbox, rest } = sandboxOption(args);
    const t = loadLab(rest[0]);
    requireRoot('check');
    if (!t.checks?.length) {
      out(`lab ${t.name} has no checks`);
      return;
    }
    const place = existingPlace(sandbox);
    if (!place) throw new Exit(1, `there is no sandbox ${sandbox}, so lab ${t.name} is not deployed there: every check fails`);
    const results = await runChecks(place.runner, t, (r) =>
      out(
        `${r.ok ? 'PASS' : 'FAIL'}  ${describeCheck(r.check)}: ${r.observed}\n      ${r.explanation}${r.trace ? `\n      trace: ${r.trace}` : ''}`,
      ),
    );
    const failed = results.filter((r) => !r.ok).length;
    out(failed === 0 ? `all ${results.length} checks pass` : `${failed} of ${results.length} checks failed`);
    if (failed > 0) throw new Exit(1);
  },

  async exec(args) {
    const dash = args.indexOf('--');
    const { sandbox, rest } = sandboxOption(dash >= 0 ? args.slice(0, dash) : args);
    const [lab, node, ...extra] = rest;
    const command = dash >= 0 ? args.slice(dash + 1) : extra;
    if (dash >= 0 && extra.length > 0)
      throw new Exit(1, `unexpected ${extra[0]} before --\nusage: nslab exec [--sandbox S] LAB NODE -- CMD [ARG...]`);
    if (!lab || !node || command.length === 0) throw new Exit(1, 'usage: nslab exec [--sandbox S] LAB NODE -- CMD [ARG...]');
    if (!NODE_NAME.test(node)) throw new Exit(1, `${JSON.stringify(node).slice(0, 70)} is not a node name`);
    const { place, design } = deployedDesign('exec', lab, sandbox, 1);
    let scope;
    try {
      scope = await ownedScope(place.runner, design, node);
    } catch (e) {
      throw new Exit(1, (e as Error).message);
    }
    const { argv, env } = terminalCommand(scope, lab, command);
    // In a sandbox, the command gets pipes, never this terminal (see runInherited).
    const code = await runInherited(argv, lab, { ...env, TERM: process.env.TERM ?? 'dumb' }, place.runner.sandbox !== undefined);
    if (code !== 0) throw new Exit(code);
  },

  async trace(args) {
    const usage = 'usage: nslab trace [--sandbox S] LAB FROM TO [--proto icmp|tcp|udp] [--port P] [--json] [--no-probe]';
    const { sandbox, rest } = sandboxOption(args);
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { proto: { type: 'string' }, port: { type: 'string' }, json: { type: 'boolean' }, 'no-probe': { type: 'boolean' } },
      });
    } catch (e) {
      throw new Exit(2, `${(e as Error).message}\n${usage}`);
    }
    const [lab, from, to, ...extra] = parsed.positionals;
    if (!lab || !from || !to || extra.length) throw new Exit(2, usage);
    const { proto, port } = parsed.values;
    if (port !== undefined && !/^\d{1,5}$/.test(port))
      throw new Exit(2, `--port: ${JSON.stringify(port).slice(0, 20)} is not a port number`);
    const { place, design } = deployedDesign('trace', lab, sandbox, 2);
    let result;
    try {
      result = await tracePacket(place.runner, design, {
        from,
        to,
        ...(proto !== undefined ? { proto: proto as TraceProto } : {}),
        ...(port !== undefined ? { port: Number(port) } : {}),
        live: !parsed.values['no-probe'],
      });
    } catch (e) {
      throw new Exit(2, `cannot trace: ${(e as Error).message}`);
    }
    out(parsed.values.json ? JSON.stringify(result, null, 2) : formatTrace(result));
    const verdict = result.live && result.live.verdict !== 'unknown' ? result.live.verdict : result.verdict;
    if (verdict !== 'delivered') throw new Exit(verdict === 'dropped' ? 1 : 2);
  },

  async sandbox([sub, ...args]) {
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
    if (sub === 'create') {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { pids: { type: 'string' }, memory: { type: 'string' } },
      });
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

  async templates() {
    for (const t of listTemplates(templatesDir())) out(`${t.id.padEnd(20)} ${t.description.replace(/\s+/g, ' ').slice(0, 100)}…`);
  },

  async new([id, file]) {
    const t = listTemplates(templatesDir()).find((x) => x.id === id || x.name === id || x.id.replace(/^\d+-/, '') === id);
    if (!t) throw new Exit(1, `no template "${id ?? ''}"; see: nslab templates`);
    if (!file) return void out(t.text);
    if (fs.existsSync(file)) throw new Exit(1, `${file} exists; not overwriting it`);
    fs.writeFileSync(file, t.text);
    out(`wrote ${file} (lab ${t.name}): next, nslab deploy ${file}`);
  },

  async 'export-script'([file]) {
    const t = loadLab(file);
    const plan = planDeploy(emptyObserved(t.name), desiredState(t));
    out(
      renderPlanScript(plan, { header: `builds lab "${t.name}" on a host without nslab (exported by nslab export-script)`, strict: true }),
    );
  },

  async 'import-script'(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' } } });
    const text = readFile(positionals[0]);
    const name =
      values.name ??
      (positionals[0] === '-'
        ? 'imported'
        : path
            .basename(positionals[0]!)
            .replace(/\.[^.]+$/, '')
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, '-')
            .replace(/^[^a-z]+/, '')
            .slice(0, 24)) ??
      'imported';
    const host = await readHostInterfaces(hostRunner);
    const r = importScript(text, name || 'imported', host ? { host } : {});
    for (const w of r.warnings) err(`${positionals[0]}:${w.line}: warning: ${w.message}\n    ${w.text}`);
    if (r.skipped.length)
      err(
        `skipped ${r.skipped.length} command(s) that only look or print: ${[...new Set(r.skipped.map((x) => x.line))].slice(0, 30).join(', ')}${r.skipped.length > 30 ? ', …' : ''}`,
      );
    for (const i of r.issues) err(`lab: ${formatIssue(i)}`);
    out(r.yaml);
  },

  async discover(args) {
    const { values } = parseArgs({
      args,
      options: { all: { type: 'boolean', default: false }, name: { type: 'string' }, script: { type: 'boolean', default: false } },
    });
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

  async token(args) {
    const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } } });
    const file = tokenPath(values['data-dir']);
    try {
      out(fs.readFileSync(file, 'utf8').trim());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Exit(
        1,
        code === 'ENOENT'
          ? `${file}: no token: is nslab serve running (without --no-token)?`
          : code === 'EACCES'
            ? `${file}: only root may read the token (sudo nslab token)`
            : `${file}: ${(e as Error).message}`,
      );
    }
  },

  async serve(args) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string', default: process.env.NSLAB_PORT ?? '7000' },
        host: { type: 'string', default: process.env.NSLAB_HOST ?? '127.0.0.1' },
        'data-dir': { type: 'string' },
        'no-token': { type: 'boolean', default: false },
        'remote-token': { type: 'boolean', default: false },
      },
    });
    const { startServer } = await import('./serve.js');
    const s = await startServer({
      port: Number(values.port),
      host: values.host!,
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(process.env.NSLAB_TOKEN ? { token: process.env.NSLAB_TOKEN } : {}),
      ...(values['no-token'] ? { noToken: true } : {}),
      ...(values['remote-token'] ? { remoteToken: true } : {}),
    });
    out(`nslab serving ${s.url}${process.getuid?.() === 0 ? '' : ' (plan-only: not root, so nothing on the host can be changed)'}`);
    if (s.token) {
      out(`open: ${s.openUrl}`);
      out(
        s.tokenFile
          ? `(every request needs the token; it is also in ${s.tokenFile}, readable by root: sudo nslab token)`
          : '(every request needs the token)',
      );
    } else {
      const warning = [
        '',
        '!!! WARNING: --no-token: nslab serve accepts requests from ANYONE who can reach',
        `!!! ${s.url}: every local user (and more, off loopback) can create labs and open`,
        '!!! root shells on this host. Use it only on a machine where you are the only user.',
        '',
      ].join('\n');
      err(warning);
      out(`open: ${s.openUrl}`);
    }
    // Stop cleanly on a signal: terminals and tools end, captures are removed, the database is closed.
    await new Promise<void>((resolve) => {
      for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void s.close().then(resolve, resolve));
    });
  },
};

/** A sandbox name from the command line, checked by the one rule (`checkSandboxName`); exit 1 naming what is wrong. */
function checkedSandbox(name: string | undefined, missing = 'name a sandbox: nslab sandbox rm NAME'): string {
  if (!name) throw new Exit(1, missing);
  try {
    return checkSandboxName(name);
  } catch (e) {
    throw new Exit(1, (e as Error).message);
  }
}

/** The sandbox's place, made on first use. */
async function openSandbox(name: string): Promise<Place> {
  try {
    await ensureSandbox(name);
  } catch (e) {
    throw new Exit(1, (e as Error).message);
  }
  return sandboxPlace(name);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    out(USAGE);
    return cmd ? 0 : 1;
  }
  const run = commands[cmd];
  if (!run) {
    err(`nslab: unknown command "${cmd}"\n${USAGE}`);
    return 1;
  }
  try {
    await run(args);
    return 0;
  } catch (e) {
    if (e instanceof Exit) {
      if (e.message) err(e.message);
      return e.code;
    }
    if (e instanceof LabRefusedError) {
      err(e.message);
      err('nothing was changed on the host');
      return 1;
    }
    err(`nslab ${cmd}: ${(e as Error).stack ?? e}`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
