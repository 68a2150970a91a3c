/**
 * Turns runs of steps into as few processes as possible: all `ip` steps of a
 * namespace in one `ip -batch`, its sysctls in one `sysctl -w`, its iptables
 * changes in one `iptables-restore --noflush` per table. Each runner returns
 * how many of its steps took effect and, on failure, which one failed and why.
 */
import { commandOf, toArgv, type Step } from '@nslab/topology';
import { appliesDirectly } from '../netlink/apply.js';
import { ipBatchEach } from '../nsPool.js';
import { inNetns, type RunResult, type Runner } from '../runner.js';

export interface Item {
  index: number;
  step: Step;
}

export interface Batch {
  /** `netlink`: steps nslab applies itself (netlink/apply.ts); the others run as commands. */
  tool: 'ip' | 'tc' | 'sysctl' | 'iptables' | 'none' | 'netlink';
  netns: string | null;
  items: Item[];
}

export interface BatchOutcome {
  /** Items that took effect. */
  applied: Item[];
  failed?: { item: Item; code: number; message: string; argv: string[] };
  /** Extra failures in force mode (rollback), as messages. */
  errors: string[];
}

/** Consecutive items of one namespace, grouped by the tool that runs them (`direct`: netlink where it can). */
export function batchesOf(items: Item[], direct = false): Batch[] {
  const out: Batch[] = [];
  for (const item of items) {
    const c = commandOf(item.step);
    const tool = direct && appliesDirectly(item.step) ? 'netlink' : c.tool;
    const key = c.tool === 'iptables' ? `iptables${c.family}` : tool;
    const last = out.at(-1);
    const lastKey =
      last && (last.tool === 'iptables' ? `iptables${(commandOf(last.items[0]!.step) as { family: number }).family}` : last.tool);
    if (last && last.netns === item.step.netns && lastKey === key) last.items.push(item);
    else out.push({ tool, netns: item.step.netns, items: [item] });
  }
  return out;
}

export function ipInput(b: Batch): string {
  return `${b.items.map((i) => (commandOf(i.step) as { args: string[] }).args.join(' ')).join('\n')}\n`;
}

/** An `ip` or `tc` batch (both take `-batch -` and report "Command failed -:N"). */
export async function runIpBatch(runner: Runner, b: Batch, force: boolean): Promise<BatchOutcome> {
  const argv = inNetns(b.netns, [b.tool === 'tc' ? 'tc' : 'ip', ...(force ? ['-force'] : []), '-batch', '-']);
  return ipOutcome(b, await runner.run(argv, { input: ipInput(b) }), force);
}

/** Many namespaces' ip batches at once, through the xargs pool. */
export async function runIpBatches(runner: Runner, batches: Batch[], force: boolean): Promise<BatchOutcome[]> {
  const results = await ipBatchEach(
    runner,
    batches.map((b) => ({ netns: b.netns!, input: ipInput(b) })),
    force ? ['-force'] : [],
  );
  return batches.map((b) => ipOutcome(b, results.get(b.netns!)!, force));
}

/** Which of a batch's steps took effect, from ip's exit code and "Command failed -:N" lines. */
function ipOutcome(b: Batch, r: RunResult, force: boolean): BatchOutcome {
  if (r.code === 0) return { applied: b.items, errors: [] };
  const failedLines = [...r.stderr.matchAll(/Command failed -:(\d+)/g)].map((m) => Number(m[1]) - 1);
  const errors = messagesByLine(r.stderr);
  if (force) {
    return {
      applied: b.items.filter((_, i) => !failedLines.includes(i)),
      errors: failedLines.map((l) => `${toArgv(b.items[l]!.step).join(' ')}: ${errors.get(l) ?? 'failed'}`),
    };
  }
  const at = failedLines[0] ?? 0;
  const item = b.items[at]!;
  return {
    applied: b.items.slice(0, at),
    failed: { item, code: r.code, message: errors.get(at) ?? r.stderr.trim(), argv: toArgv(item.step) },
    errors: [],
  };
}

/** ip prints the kernel's message on the lines before each "Command failed -:N". */
function messagesByLine(stderr: string): Map<number, string> {
  const out = new Map<number, string>();
  let pending: string[] = [];
  for (const line of stderr.split('\n')) {
    const m = /^Command failed -:(\d+)/.exec(line);
    if (m) {
      out.set(Number(m[1]) - 1, pending.join(' ').trim());
      pending = [];
    } else if (line.trim() !== '') pending.push(line.trim());
  }
  return out;
}

export async function runSysctlBatch(runner: Runner, b: Batch): Promise<BatchOutcome> {
  const kv = b.items.map((i) => {
    const c = commandOf(i.step) as { key: string; value: string };
    return `${c.key}=${c.value}`;
  });
  const r = await runner.run(inNetns(b.netns, ['sysctl', '-w', '--', ...kv]));
  if (r.code === 0) return { applied: b.items, errors: [] };
  // sysctl goes on past a bad key; find the ones it complained about.
  const bad = b.items.filter((i) => {
    const key = (commandOf(i.step) as { key: string }).key;
    return r.stderr.includes(key) || r.stderr.includes(key.replace(/\./g, '/'));
  });
  const failedItem = bad[0] ?? b.items[0]!;
  const message =
    r.stderr
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? `exit ${r.code}`;
  return {
    applied: b.items.filter((i) => !bad.includes(i)),
    failed: { item: failedItem, code: r.code, message, argv: toArgv(failedItem.step) },
    errors: bad.slice(1).map((i) => `${toArgv(i.step).join(' ')}: failed`),
  };
}

export async function runIptablesBatch(runner: Runner, b: Batch, force: boolean): Promise<BatchOutcome> {
  const out: BatchOutcome = { applied: [], errors: [] };
  const byTable = new Map<string, Item[]>();
  for (const i of b.items) {
    const c = commandOf(i.step) as { table: string };
    byTable.set(c.table, [...(byTable.get(c.table) ?? []), i]);
  }
  const family = (commandOf(b.items[0]!.step) as { family: number }).family;
  for (const [table, items] of byTable) {
    // In force mode (rollback) each line is its own transaction, so one failure does not block the rest.
    const groups = force ? items.map((i) => [i]) : [items];
    for (const group of groups) {
      const lines = group.map((i) => (commandOf(i.step) as { line: string[] }).line.join(' '));
      const input = `*${table}\n${lines.join('\n')}\nCOMMIT\n`;
      const r = await runner.run(inNetns(b.netns, [family === 6 ? 'ip6tables-restore' : 'iptables-restore', '--noflush']), { input });
      if (r.code === 0) {
        out.applied.push(...group);
        continue;
      }
      const line = Number(/Error occurred at line: (\d+)/.exec(r.stderr)?.[1] ?? 2) - 2;
      const item = group[Math.max(0, Math.min(group.length - 1, line))]!;
      const message =
        r.stderr
          .split('\n')
          .find((l) => l.trim() !== '' && !l.startsWith('Try '))
          ?.trim() ?? `exit ${r.code}`;
      if (force) {
        out.errors.push(`${toArgv(item.step).join(' ')}: ${message}`);
        continue;
      }
      out.failed = { item, code: r.code, message, argv: toArgv(item.step) };
      return out; // iptables-restore commits a table all or nothing
    }
  }
  return out;
}
