/** plan, deploy, destroy, status, clean: a lab's lifecycle on the host (or in a sandbox). */
import { desiredState, emptyObserved, formatIssue, planDeploy, renderPlanScript, stepLine, type Topology } from '@nslab/topology';
import { forgetDeployed, readDeployed, readDeployedSource, saveDeployedSource } from '../deployedRecord.js';
import { PlanFailedError, type ExecResult } from '../executePlan.js';
import { deployLab, destroyLab, findLabs, LabRefusedError, planLab } from '../lab.js';
import { runDir } from '../paths.js';
import { hostPlace } from '../place.js';
import { listSandboxes } from '../sandbox/sandbox.js';
import { traced } from '../trace.js';
import { err, Exit, out, type Command } from './io.js';
import { labArgOf, loadLab, parseLab, readFile, sourceDigest } from './labArgs.js';
import { existingPlace, inSandbox, openSandbox, requireRoot, sandboxOption } from './placeArgs.js';
import { stepReporter, type StepReporter } from './stepReport.js';

/** Takes `-v` / `--verbose` out of a command's arguments. */
function verboseOption(args: string[]): { verbose: boolean; rest: string[] } {
  const rest = args.filter((a) => a !== '-v' && a !== '--verbose');
  return { verbose: rest.length < args.length, rest };
}

/**
 * The lab a deploy reads: as it was parsed when this very text was last
 * deployed in this place (a no-op redeploy; see deployedRecord.ts, which
 * checks it again as a design and gives nothing when that fails), or parsed
 * now, its warnings printed either way; and, to call once it is deployed,
 * `remember` (a no-op unless root and the parser's build is known). Only a
 * cache: `remember` failing to write costs the next deploy a parse, and says
 * so on stderr, never fails the deploy.
 */
async function labToDeploy(text: string, sandbox: string | undefined): Promise<{ topology: Topology; remember: (dir: string) => void }> {
  const digest = process.getuid?.() === 0 ? sourceDigest(text) : undefined;
  const dir = digest === undefined ? undefined : existingPlace(sandbox)?.dir;
  const known = dir === undefined ? undefined : readDeployedSource(dir, digest!);
  if (known) {
    known.warnings.forEach((w) => err(w));
    return { topology: known.topology, remember: () => {} };
  }
  const parsed = await traced('parse the lab file', () => parseLab(text));
  return {
    topology: parsed.topology,
    remember: (into) => {
      if (digest === undefined) return;
      try {
        saveDeployedSource(into, digest, parsed);
      } catch (e) {
        err(`warning: could not remember the lab file for the next deploy (it will be read again): ${(e as Error).message}`);
      }
    },
  };
}

function reportFailure(result: ExecResult, report: StepReporter): never {
  report.done();
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

export const commands: Record<string, Command> = {
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
    const { sandbox, rest: other } = sandboxOption(args);
    const { verbose, rest } = verboseOption(other);
    const { topology: t, remember } = await labToDeploy(readFile(rest[0]), sandbox);
    requireRoot('deploy');
    const place = sandbox ? await openSandbox(sandbox) : hostPlace();
    const lab = `lab ${t.name}${inSandbox(sandbox)}`;
    const report = stepReporter({ verbose, label: `deploying ${lab}`, header: `deploying ${lab} …` });
    let outcome;
    try {
      outcome = await deployLab(t, {
        place,
        onEvent: (e) => report.event(e),
        onPhase: (p) => report.phase(p),
        onPlan: (p) => report.planned(p.steps.length),
      });
    } finally {
      report.done();
    }
    const { plan, result } = outcome;
    if (!result.ok) reportFailure(result, report);
    remember(place.dir);
    out(
      plan.steps.length === 0
        ? `${lab} is up to date: no changes (${result.elapsedMs} ms)`
        : `deployed ${lab}: ${result.applied} changes in ${result.elapsedMs} ms`,
    );
  },

  async destroy(args) {
    const { sandbox, rest: other } = sandboxOption(args);
    const { verbose, rest } = verboseOption(other);
    const { name } = labArgOf(rest[0]);
    requireRoot('destroy');
    const place = existingPlace(sandbox);
    if (!place) return void out(`lab ${name}: nothing${inSandbox(sandbox)} (there is no such sandbox)`);
    const report = stepReporter({ verbose, label: `destroying lab ${name}${inSandbox(sandbox)}` });
    let outcome;
    try {
      outcome = await destroyLab(name, { place, onEvent: (e) => report.event(e), onPlan: (p) => report.planned(p.steps.length) });
    } finally {
      report.done();
    }
    const { plan, result } = outcome;
    if (!result.ok) reportFailure(result, report);
    out(
      plan.steps.length === 0
        ? `lab ${name}: nothing ${sandbox ? `in sandbox ${sandbox}` : 'on this host'}`
        : `destroyed lab ${name}${inSandbox(sandbox)}: ${result.applied} changes in ${result.elapsedMs} ms`,
    );
  },

  async status(args) {
    const { sandbox, rest } = sandboxOption(args);
    const { name, topology } = labArgOf(rest[0]);
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
};
