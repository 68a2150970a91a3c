/** Auto-layout for labs without positions (imports, templates), with elkjs, loaded on demand. */
import type { Topology } from '@nslab/topology';

export async function autoLayout(t: Topology): Promise<Topology> {
  const top = Object.entries(t.nodes).filter(([, n]) => !(n.kind === 'bridge' && n.netns && t.nodes[n.netns]));
  if (top.every(([, n]) => n.position)) return t;
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  const elk = new ELK();
  const parentOf = (name: string) => {
    const n = t.nodes[name]!;
    return n.kind === 'bridge' && n.netns && t.nodes[n.netns] ? n.netns : name;
  };
  const kids = (name: string) => Object.entries(t.nodes).filter(([, n]) => n.kind === 'bridge' && n.netns === name).length;
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.spacing.nodeNode': '60',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
    },
    children: top.map(([name]) => ({ id: name, width: 170 + kids(name) * 150, height: kids(name) ? 170 : 90 })),
    edges: t.links
      .map((l, i) => ({ id: `e${i}`, sources: [parentOf(l.endpoints[0].node)], targets: [parentOf(l.endpoints[1].node)] }))
      .filter((e) => e.sources[0] !== e.targets[0]),
  });
  const nodes = { ...t.nodes };
  for (const c of graph.children ?? []) nodes[c.id] = { ...nodes[c.id]!, position: { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) } };
  for (const [name, n] of Object.entries(t.nodes)) {
    if (n.kind === 'bridge' && n.netns && t.nodes[n.netns] && !n.position) {
      const index = Object.entries(t.nodes)
        .filter(([, m]) => m.kind === 'bridge' && m.netns === n.netns)
        .findIndex(([m]) => m === name);
      nodes[name] = { ...n, position: { x: 24 + index * 150, y: 70 } };
    }
  }
  return { ...t, nodes };
}
