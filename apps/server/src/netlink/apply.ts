/**
 * Applies plan steps through netlink (kernel.ts) instead of `ip` and `sysctl`
 * processes. The plan is unchanged: each step still has its `ip` argv, which
 * is what `nslab plan` prints, what errors name and what the audit log shows
 * beside the netlink request that carried it out. Steps this does not know
 * (vxlan, macvlan, tc, iptables) keep running as commands.
 */
import { sysctlPath, toArgv, type LinkSettings, type Step } from '@nslab/topology';
import { auditAll, type AuditEntry } from '../audit.js';
import type { Batch, BatchOutcome, Item } from '../executePlan/batches.js';
import { NetlinkError } from './socket.js';
import type { Kernel, NlOp, NsConn } from './kernel.js';
import { NetnsMaker, makesAhead, type Made } from './netnsMaker.js';

const DIRECT = new Set<Step['kind']>([
  'netns.add',
  'netns.del',
  'link.del',
  'link.set',
  'addr.add',
  'addr.del',
  'route.add',
  'route.del',
  'sysctl.set',
  'veth.add',
  'bridge.add',
]);

/** True for a step nslab applies over netlink itself. */
export function appliesDirectly(step: Step): boolean {
  return DIRECT.has(step.kind);
}

/** Connections to the namespaces a run touches, opened when first needed. */
export class Applier {
  private readonly conns = new Map<string | null, NsConn>();

  constructor(private readonly kernel: Kernel) {}

  /**
   * Closes every connection. A socket holds its namespace alive: call this
   * before namespaces are deleted, or the kernel cannot tear them down.
   */
  close(): void {
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
  }

  conn(netns: string | null): NsConn {
    let c = this.conns.get(netns);
    if (!c) this.conns.set(netns, (c = this.kernel.open(netns)));
    return c;
  }

  apply(step: Step): NlOp {
    switch (step.kind) {
      case 'netns.add':
        this.kernel.addNetns(step.name);
        return { op: 'netns add', args: { name: step.name } };
      case 'netns.del':
        this.conns.get(step.name)?.close();
        this.conns.delete(step.name);
        this.kernel.delNetns(step.name);
        return { op: 'netns del', args: { name: step.name } };
      case 'link.del':
        return this.conn(step.netns).delLink(step.name);
      case 'link.set':
        return this.conn(step.netns).setLink(step.name, step.set);
      case 'addr.add':
      case 'addr.del':
        return this.conn(step.netns).addr(step.kind === 'addr.add', step.dev, step.address);
      case 'route.add':
      case 'route.del':
        return this.conn(step.netns).route(step.kind === 'route.add', step.route);
      case 'sysctl.set': {
        const file = sysctlPath(step.key);
        this.kernel.writeSysctl(step.netns === null ? -1 : this.conn(step.netns).nsFd, file, step.value);
        return { op: 'sysctl write', args: { file, value: step.value } };
      }
      case 'veth.add':
        return this.conn(step.netns).addVeth(step.a, step.b);
      case 'bridge.add':
        return this.conn(step.netns).addBridge(step.name, step.stp);
      default:
        throw new Error(`${step.kind} is not applied over netlink`);
    }
  }
}

/**
 * Runs a batch's steps in order. Like `ip -batch`: the first failure stops it,
 * or, with `force` (undoing), each failure is noted and the rest go on. The
 * audit log gets one line per step, written together. `before` runs just
 * before each step (a host setting's hold is recorded then).
 */
export function runDirectBatch(applier: Applier, b: Batch, force: boolean, before?: (item: Item) => void): BatchOutcome {
  const out: BatchOutcome = { applied: [], errors: [] };
  const log: AuditEntry[] = [];
  const items = upLast(b.items);
  // The first failure in the plan's order is the batch's, whichever thread met it first.
  const fail = (item: Item, message: string, argv: string[]) => {
    if (!out.failed || item.index < out.failed.item.index) out.failed = { item, code: 2, message, argv };
  };
  const making = new Map(items.flatMap((i) => (i.step.kind === 'netns.add' ? [[i.step.name, i] as const] : [])));
  let maker: NetnsMaker | undefined;
  // A namespace the worker made (or could not) is recorded when it is known, before the steps that use it.
  const record = (made: Made[]) => {
    for (const m of made) {
      const item = making.get(m.name)!;
      const argv = toArgv(item.step);
      if (m.error) {
        log.push({ argv, netlink: { netns: null, op: item.step.kind, args: argsOf(item.step) }, code: m.error.errno, ms: m.ms });
        fail(item, m.error.message, argv);
      } else {
        log.push({ argv, netlink: { netns: null, op: 'netns add', args: { name: m.name } }, code: 0, ms: m.ms });
        out.applied.push(item);
      }
    }
  };
  // One the worker stopped before, without a word (it died or hung): a failure of that namespace.
  const lost = (name: string) => {
    const item = making.get(name)!;
    const argv = toArgv(item.step);
    log.push({ argv, netlink: { netns: null, op: item.step.kind, args: argsOf(item.step) }, code: 1, ms: 0 });
    fail(item, 'making namespaces: the worker thread stopped before this one', argv);
  };
  let completed = false;
  try {
    try {
      maker = !force && makesAhead(making.size) ? new NetnsMaker([...making.keys()]) : undefined;
    } catch {
      maker = undefined; // a bad name, or no thread to be had: the namespaces are made in line, each failing at its own step
    }
    for (const item of items) {
      if (maker && item.step.kind === 'netns.add') continue;
      if (maker) {
        const needs = namespacesOf(item.step) ?? [...making.keys()];
        record(maker.await(needs));
        const gone = needs.find((n): n is string => n !== null && maker!.makes(n) && maker!.result(n) === undefined);
        if (gone !== undefined) lost(gone);
        if (out.failed) break;
      }
      const t0 = performance.now();
      const argv = toArgv(item.step);
      try {
        before?.(item);
        const op = applier.apply(item.step);
        log.push({ argv, netlink: { netns: item.step.netns, ...op }, code: 0, ms: performance.now() - t0 });
        out.applied.push(item);
      } catch (e) {
        const errno = e instanceof NetlinkError ? e.errno : 1;
        const message = (e as Error).message;
        log.push({
          argv,
          netlink: { netns: item.step.netns, op: item.step.kind, args: argsOf(item.step) },
          code: errno,
          ms: performance.now() - t0,
        });
        if (force) {
          out.errors.push(`${argv.join(' ')}: ${message}`);
          continue;
        }
        fail(item, message, argv);
        break;
      }
    }
    completed = out.failed === undefined;
  } finally {
    try {
      if (maker) {
        record(maker.finish(!completed));
        const unreported = [...making.keys()].find((n) => maker!.result(n) === undefined);
        if (completed && !out.failed && unreported !== undefined) lost(unreported);
      }
    } finally {
      auditAll(log);
    }
  }
  return out;
}

/**
 * The namespaces a step uses: where it runs, and where a veth's ends go. No
 * other step nslab applies over netlink reaches another namespace; undefined
 * (wait for every one) for a step it does not apply.
 */
function namespacesOf(step: Step): Array<string | null> | undefined {
  if (step.kind === 'veth.add') return [step.netns, step.a.netns, step.b.netns];
  return DIRECT.has(step.kind) ? [step.netns] : undefined;
}

/**
 * The order a batch's steps are applied in: within each run of consecutive
 * `link.set` steps, those that only bring a link up go last (in their order).
 * A bridge port that comes up while its peer is up starts forwarding, and the
 * traffic a new link makes by itself (IPv6 duplicate address detection, MLD,
 * router solicitations) is flooded to every port already up: enslaving ports
 * among up ones costs the kernel three times as much (0.9 s against 0.3 s for
 * 1000 ports). Nothing a link.set does needs another link up, and a link that
 * is down accepts every setting, so moving an `up` later cannot make a step
 * fail; a later step that sets the same link up or down keeps its `up` before
 * it. Undoing reverses the plan's order over what was applied, which holds
 * whatever order it ran in.
 */
export function upLast(items: readonly Item[]): Item[] {
  const out: Item[] = [];
  const ups: Item[] = [];
  for (const item of items) {
    const s = item.step;
    if (s.kind === 'link.set' && onlyUp(s.set)) {
      ups.push(item);
      continue;
    }
    const sameLink = (u: Item) => u.step.netns === s.netns && (u.step as { name: string }).name === (s as { name?: string }).name;
    if (s.kind !== 'link.set' || (s.set.up !== undefined && ups.some(sameLink))) out.push(...ups.splice(0));
    out.push(item);
  }
  out.push(...ups);
  return out;
}

function onlyUp(set: LinkSettings): boolean {
  return set.up === true && Object.keys(set).length === 1;
}

/** What a step asks for, without the words around it (for the audit log when the kernel refuses it). */
function argsOf(step: Step): Record<string, unknown> {
  const { kind: _kind, reason: _reason, node: _node, netns: _netns, ...args } = step as Step & Record<string, unknown>;
  return args;
}
