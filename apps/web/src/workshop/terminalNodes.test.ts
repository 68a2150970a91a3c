import { describe, expect, it } from 'vitest';
import type { Topology } from '@nslab/topology';
import { terminalNodes } from './terminalNodes';

const topology = {
  name: 'pods',
  nodes: { red: { kind: 'netns' }, br0: { kind: 'bridge' }, blue: { kind: 'netns' }, host: { kind: 'host' } },
  links: [],
} as unknown as Topology;

describe('terminalNodes', () => {
  it('namespaces and the host, not bridges, in the lab order', () => {
    expect(terminalNodes(topology)).toEqual(['red', 'blue', 'host']);
  });

  it('a lab that does not parse has none', () => {
    expect(terminalNodes(null)).toEqual([]);
  });
});
