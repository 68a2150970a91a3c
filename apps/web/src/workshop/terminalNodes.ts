/** The nodes of a participant's lab a terminal can open on: its namespaces and the host, in the lab's order. */
import type { Topology } from '@nslab/topology';

export function terminalNodes(topology: Topology | null): string[] {
  return Object.entries(topology?.nodes ?? {})
    .filter(([, n]) => n.kind === 'netns' || n.kind === 'host')
    .map(([name]) => name);
}
