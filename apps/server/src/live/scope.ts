/**
 * Which namespace a lab's node is, checked on the host: terminals and tools
 * enter only namespaces that carry the lab's mark (or the host, for a lab
 * with a host node).
 */
import { netnsName, type Topology } from '@nslab/topology';
import { ownerOfLinks, type IpLink } from '../observe/parse.js';
import { inNetns, placed, type Runner } from '../runner.js';
import { NslabError } from '../errors.js';

export interface NodeScope {
  /** null: the host (the sandbox's root namespace, in a sandbox). */
  netns: string | null;
  node: string;
  /** How commands reach the place the lab lives in (the host, a sandbox). */
  runner: Runner;
}

export async function ownedScope(runner: Runner, t: Topology, node: string): Promise<NodeScope> {
  const spec = t.nodes[node];
  if (!spec) throw new NslabError('not-found', `lab "${t.name}" has no node "${node}"`);
  if (spec.kind === 'bridge') throw new NslabError('invalid', `"${node}" is a bridge; open a terminal in the namespace it lives in`);
  if (spec.kind === 'host') return { netns: null, node, runner };
  const netns = netnsName(node, t.prefix ?? '');
  const r = await runner.run(inNetns(netns, ['ip', '-json', 'link', 'show', 'dev', 'lo']));
  const owner = r.code === 0 ? ownerOfLinks(JSON.parse(r.stdout) as IpLink[]) : undefined;
  if (owner !== t.name) throw new NslabError('conflict', `namespace "${netns}" is not deployed by lab "${t.name}": deploy the lab first`);
  return { netns, node, runner };
}

/** argv entering a scope, for `scope.runner.run`: nsenter into the namespace's network only. */
export function enter(scope: NodeScope, argv: string[]): string[] {
  return inNetns(scope.netns, argv);
}

/**
 * The host argv and environment that start `argv` in a scope: what terminals,
 * streams and `nslab exec` spawn (in a sandbox: as its root, in its
 * namespaces and cgroup, with nothing of the server's environment).
 */
export function spawnable(scope: NodeScope, argv: string[]): { argv: string[]; env?: Readonly<Record<string, string>> } {
  return placed(scope.runner, enter(scope, argv));
}
