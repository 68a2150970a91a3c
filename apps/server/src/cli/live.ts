/** check, exec, trace: commands that look into a deployed lab. */
import { describeCheck, NODE_NAME, type TraceProto } from '@nslab/topology';
import { runChecks } from '../live/runChecks.js';
import { ownedScope } from '../live/scope.js';
import { terminalCommand } from '../live/terminal.js';
import { formatTrace } from '../packetTrace/format.js';
import { tracePacket } from '../packetTrace/index.js';
import { runInherited } from '../runner.js';
import { Exit, options, out, type Command } from './io.js';
import { loadLab } from './labArgs.js';
import { deployedDesign, existingPlace, requireRoot, sandboxOption } from './placeArgs.js';

export const commands: Record<string, Command> = {
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
    const line = 'nslab trace [--sandbox S] LAB FROM TO [--proto icmp|tcp|udp] [--port P] [--json] [--no-probe]';
    const usage = `usage: ${line}`;
    const { sandbox, rest } = sandboxOption(args);
    // Exit 1 means "dropped" here: a wrong option is 2, "cannot trace" (shared/DESIGN.md).
    const parsed = options(
      rest,
      { proto: { type: 'string' }, port: { type: 'string' }, json: { type: 'boolean' }, 'no-probe': { type: 'boolean' } },
      line,
      { code: 2 },
    );
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
};
