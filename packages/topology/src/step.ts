/**
 * A Step is one change to the host. A Plan is an ordered list of them: the
 * only seam between the model and the host. `commandOf` says how to run a
 * step; `toArgv` gives the standalone argv (what `nslab plan` prints); both
 * are pure and never build shell strings.
 */
import type { Netns } from './resolveTopology.js';
import type { Family } from './net.js';
import type { RouteState, RuleState } from './state.js';
import { classArgs, qdiscArgs, type Qdisc } from './tc.js';
import { sysctlPath } from './names.js';
import { kindOfStep } from './kinds/index.js';

export type HoldChange = 'take' | 'release';

export interface LinkRef {
  netns: Netns;
  name: string;
}

export interface StepBase {
  /** Where the step runs: null is the host (root) namespace. */
  netns: Netns;
  /** The topology node the step is for, when there is one. */
  node?: string;
  /** One line a learner can read: why this step. */
  reason: string;
}

/**
 * The steps that create a link, one per kind: each kind module adds its own
 * here with `declare module` (see kinds/kind.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface KindSteps {}
export type KindStep = KindSteps[keyof KindSteps];

export type CoreStep = StepBase &
  (
    | { kind: 'netns.add'; name: string }
    | {
        kind: 'netns.del';
        name: string;
        /** Veth peers outside the namespace that the kernel removes with it, asynchronously. */ takes?: LinkRef[];
      }
    | { kind: 'link.del'; name: string }
    | { kind: 'link.set'; name: string; set: LinkSettings; from?: LinkSettings }
    | { kind: 'addr.add'; dev: string; address: string }
    | { kind: 'addr.del'; dev: string; address: string }
    | { kind: 'route.add'; route: RouteState }
    | { kind: 'route.del'; route: RouteState }
    | { kind: 'sysctl.set'; key: string; value: string; from?: string; hold?: HoldChange }
    | { kind: 'host.hold'; key: string; hold: HoldChange; original: string }
    | { kind: 'rule.add'; rule: RuleState }
    | { kind: 'rule.del'; rule: RuleState }
    | { kind: 'policy.set'; family: Family; chain: string; policy: 'ACCEPT' | 'DROP'; from?: 'ACCEPT' | 'DROP'; hold?: HoldChange }
    /** Puts a qdisc on `dev` (tc.ts); `fresh`: there was none of ours, so undoing it deletes the root qdisc. */
    | { kind: 'qdisc.set'; dev: string; qdisc: Qdisc; fresh?: boolean }
    /** Deletes `dev`'s root qdisc and everything under it (the interface falls back to the kernel's default). */
    | { kind: 'qdisc.del'; dev: string }
    | { kind: 'class.set'; dev: string; rate: number; from?: number }
  );

export type Step = CoreStep | KindStep;
export type StepKind = Step['kind'];
export type Phase = 0 | 1 | 2 | 3;

/** True for a step a kind module handles (it creates a link). */
export function isKindStep(step: Step): step is KindStep {
  return kindOfStep(step.kind) !== undefined;
}

export interface LinkSettings {
  up?: boolean;
  /** A bridge name, or null to leave the bridge. */
  master?: string | null;
  mtu?: number;
  mac?: string;
  alias?: string;
  stp?: boolean;
}

/** How a step runs: an `ip` command, a sysctl, an iptables rule line, or nothing (a record-keeping step). */
export type Command =
  | { tool: 'ip'; args: string[] }
  | { tool: 'sysctl'; key: string; value: string }
  | { tool: 'iptables'; family: Family; table: string; line: string[] }
  | { tool: 'tc'; args: string[] }
  | { tool: 'none' };

export function commandOf(step: Step): Command {
  if (isKindStep(step)) return kindOfStep(step.kind)!.command(step as never);
  switch (step.kind) {
    case 'netns.add':
      return ip('netns', 'add', step.name);
    case 'netns.del':
      return ip('netns', 'del', step.name);
    case 'link.del':
      return ip('link', 'del', 'dev', step.name);
    case 'link.set':
      return linkSet(step.name, step.set);
    case 'addr.add':
      return ip('addr', 'add', step.address, 'dev', step.dev, ...(step.address.includes(':') ? ['nodad'] : []));
    case 'addr.del':
      return ip('addr', 'del', step.address, 'dev', step.dev);
    case 'route.add':
      return ip('route', 'add', ...routeArgs(step.route));
    case 'route.del':
      return ip('route', 'del', ...routeArgs(step.route));
    case 'sysctl.set':
      // A step can come from a stored hold, not only a validated lab: refuse a key outside /proc/sys/net here too.
      sysctlPath(step.key);
      return { tool: 'sysctl', key: step.key, value: step.value };
    case 'host.hold':
      return { tool: 'none' };
    case 'rule.add':
      return rule('-A', step.rule);
    case 'rule.del':
      return rule('-D', step.rule);
    case 'policy.set':
      return { tool: 'iptables', family: step.family, table: 'filter', line: ['-P', step.chain, step.policy] };
    case 'qdisc.set':
      return { tool: 'tc', args: qdiscArgs(step.dev, step.qdisc) };
    case 'qdisc.del':
      return { tool: 'tc', args: ['qdisc', 'del', 'dev', step.dev, 'root'] };
    case 'class.set':
      return { tool: 'tc', args: classArgs(step.dev, step.rate) };
    default:
      return unreachable(step);
  }
}

/**
 * The standalone argv of a step: what a person would type. Steps inside a
 * namespace use `ip -n NS …` or `ip netns exec NS …`.
 *
 * @example
 * toArgv({ kind: 'addr.add', netns: 'ns1', dev: 'eth0', address: '10.0.0.1/24', reason: '' })
 * // ['ip', '-n', 'ns1', 'addr', 'add', '10.0.0.1/24', 'dev', 'eth0']
 */
export function toArgv(step: Step): string[] {
  const cmd = commandOf(step);
  const exec = step.netns === null ? [] : ['ip', 'netns', 'exec', step.netns];
  switch (cmd.tool) {
    case 'ip':
      return step.netns === null ? ['ip', ...cmd.args] : ['ip', '-n', step.netns, ...cmd.args];
    case 'sysctl':
      return [...exec, 'sysctl', '-w', '--', `${cmd.key}=${cmd.value}`];
    case 'tc':
      return step.netns === null ? ['tc', ...cmd.args] : ['tc', '-n', step.netns, ...cmd.args];
    case 'iptables':
      return [...exec, cmd.family === 6 ? 'ip6tables' : 'iptables', '-t', cmd.table, ...cmd.line];
    case 'none':
      return [];
    default:
      return unreachable(cmd);
  }
}

/** The step that undoes this one, where one exists (deletions have none). */
export function inverseOf(step: Step): Step | undefined {
  if (isKindStep(step)) return kindOfStep(step.kind)!.inverse(step as never);
  const base = { netns: step.netns, node: step.node };
  switch (step.kind) {
    case 'netns.add':
      return { ...base, kind: 'netns.del', name: step.name, reason: `undo: remove namespace ${step.name}` };
    case 'link.set':
      return step.from ? { ...base, kind: 'link.set', name: step.name, set: step.from, reason: `undo: restore ${step.name}` } : undefined;
    case 'addr.add':
      return { ...base, kind: 'addr.del', dev: step.dev, address: step.address, reason: `undo: remove ${step.address}` };
    case 'addr.del':
      return { ...base, kind: 'addr.add', dev: step.dev, address: step.address, reason: `undo: restore ${step.address}` };
    case 'route.add':
      return { ...base, kind: 'route.del', route: step.route, reason: `undo: remove route to ${step.route.to}` };
    case 'route.del':
      return { ...base, kind: 'route.add', route: step.route, reason: `undo: restore route to ${step.route.to}` };
    case 'sysctl.set':
      return step.from === undefined
        ? undefined
        : {
            ...base,
            kind: 'sysctl.set',
            key: step.key,
            value: step.from,
            hold: flip(step.hold),
            reason: `undo: restore ${step.key}=${step.from}`,
          };
    case 'host.hold':
      return { ...base, kind: 'host.hold', key: step.key, hold: flip(step.hold)!, original: step.original, reason: 'undo' };
    case 'rule.add':
      return { ...base, kind: 'rule.del', rule: step.rule, reason: 'undo: remove rule' };
    case 'rule.del':
      return { ...base, kind: 'rule.add', rule: step.rule, reason: 'undo: restore rule' };
    case 'policy.set':
      return step.from === undefined
        ? undefined
        : {
            ...base,
            kind: 'policy.set',
            family: step.family,
            chain: step.chain,
            policy: step.from,
            hold: flip(step.hold),
            reason: `undo: restore ${step.chain} policy`,
          };
    case 'qdisc.set':
      return step.fresh && (step.qdisc.type === 'htb' || step.qdisc.parent === 'root')
        ? { ...base, kind: 'qdisc.del', dev: step.dev, reason: `undo: remove the qdisc of ${step.dev}` }
        : undefined;
    case 'class.set':
      return step.from === undefined
        ? undefined
        : { ...base, kind: 'class.set', dev: step.dev, rate: step.from, reason: `undo: restore the rate of ${step.dev}` };
    case 'netns.del':
    case 'link.del':
    case 'qdisc.del':
      return undefined;
    default:
      return unreachable(step);
  }
}

/**
 * Execution phase. 0 removes things inside namespaces that stay; 1 deletes
 * namespaces; 2 creates namespaces and whatever the host creates (veth pairs,
 * host bridges and vxlans, their ownership alias); 3 configures each namespace.
 * Within a phase, steps of different namespaces are independent and may run in
 * parallel; within a namespace, plan order holds.
 */
export function phaseOf(step: Step): Phase {
  if (isKindStep(step)) return kindOfStep(step.kind)!.phase(step as never);
  switch (step.kind) {
    case 'link.del':
    case 'addr.del':
    case 'route.del':
    case 'rule.del':
    case 'qdisc.del':
      return 0;
    case 'netns.del':
      return 1;
    case 'netns.add':
      return 2;
    case 'link.set':
      return step.netns === null && step.set.alias !== undefined ? 2 : 3;
    case 'addr.add':
    case 'route.add':
    case 'sysctl.set':
    case 'host.hold':
    case 'rule.add':
    case 'policy.set':
    case 'qdisc.set':
    case 'class.set':
      return 3;
    default:
      return unreachable(step);
  }
}

/** The interfaces a step creates, first the one it is about. */
export function linksCreatedBy(step: Step): LinkRef[] {
  return isKindStep(step) ? kindOfStep(step.kind)!.creates(step as never) : [];
}

function flip(h: HoldChange | undefined): HoldChange | undefined {
  return h === 'take' ? 'release' : h === 'release' ? 'take' : undefined;
}

function ip(...args: string[]): Command {
  return { tool: 'ip', args };
}

function linkSet(name: string, s: LinkSettings): Command {
  if (s.stp !== undefined) return ip('link', 'set', 'dev', name, 'type', 'bridge', 'stp_state', s.stp ? '1' : '0');
  const args = ['link', 'set', 'dev', name];
  if (s.master === null) args.push('nomaster');
  else if (s.master !== undefined) args.push('master', s.master);
  if (s.mtu !== undefined) args.push('mtu', String(s.mtu));
  if (s.mac !== undefined) args.push('address', s.mac);
  if (s.alias !== undefined) args.push('alias', s.alias);
  if (s.up !== undefined) args.push(s.up ? 'up' : 'down');
  return { tool: 'ip', args };
}

function routeArgs(r: RouteState): string[] {
  const out = [r.to === '0.0.0.0/0' ? 'default' : r.to];
  if (r.via) out.push('via', r.via);
  if (r.dev) out.push('dev', r.dev);
  if (r.metric) out.push('metric', String(r.metric));
  return out;
}

function rule(op: '-A' | '-D', r: RuleState): Command {
  return { tool: 'iptables', family: r.family, table: r.table, line: [op, r.chain, ...r.args] };
}

export function unreachable(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
