/** A Linux bridge: a virtual switch. Declared as a `bridge` node; lives in the host or in a netns node. */
import { where } from '../planDeploy/explain.js';
import type { StepBase } from '../step.js';
import { ipCommand, type LinkKindModule } from './kind.js';
import { markIfHost } from './mark.js';

export type BridgeAddStep = StepBase & { kind: 'bridge.add'; name: string; stp: boolean };

declare module '../state.js' {
  interface LinkKinds {
    bridge: true;
  }
  interface LinkKindFields {
    /** bridge: spanning tree on. */
    stp?: boolean;
  }
}
declare module '../step.js' {
  interface KindSteps {
    'bridge.add': BridgeAddStep;
  }
}

export const bridge: LinkKindModule<'bridge', BridgeAddStep> = {
  kind: 'bridge',
  addStep: 'bridge.add',
  order: 0,
  capability: { help: 'Linux bridges (kernel module bridge)', probe: 'link add pbr type bridge' },
  resolve(kit) {
    for (const [name, node] of Object.entries(kit.topology.nodes)) {
      if (node.kind !== 'bridge') continue;
      const path = ['nodes', name];
      kit.add(kit.scopeOfNode.get(name)!, {
        name,
        kind: 'bridge',
        node: name,
        path,
        addresses: kit.addresses(node.addresses, [...path, 'addresses']),
      });
    }
  },
  desired(iface, r) {
    const node = r.topology.nodes[iface.name];
    return { stp: (node?.kind === 'bridge' && node.stp) || false };
  },
  identity: () => null,
  identityWords: 'kind',
  settle(o, d) {
    if ((o.stp ?? false) === (d.stp ?? false)) return [];
    return [{ set: { stp: !!d.stp }, from: { stp: !!o.stp }, reason: `${d.stp ? 'enable' : 'disable'} spanning tree on ${d.name}` }];
  },
  create(ctx, key, d) {
    const netns = ctx.des(key)!.netns;
    ctx.push(key, {
      kind: 'bridge.add',
      netns,
      node: d.name,
      name: d.name,
      stp: d.stp ?? false,
      reason: `create bridge ${d.name} in ${where(netns)}: a virtual switch; interfaces plugged into it share one L2 segment`,
    });
    markIfHost(ctx, netns, d.name);
  },
  command: (s) => ipCommand('link', 'add', 'name', s.name, 'type', 'bridge', ...(s.stp ? ['stp_state', '1'] : [])),
  inverse: (s) => ({ netns: s.netns, node: s.node, kind: 'link.del', name: s.name, reason: `undo: remove ${s.name}` }),
  phase: (s) => (s.netns === null ? 2 : 3),
  creates: (s) => [{ netns: s.netns, name: s.name }],
  observe: (l) => ({ stp: Number(l.linkinfo?.info_data?.stp_state ?? 0) !== 0 }),
  fromScript(add, kit) {
    kit.add({ name: add.name, ns: add.here, kind: 'bridge', addresses: [] });
  },
  toLab(l, kit) {
    if (l.master) kit.warn(`it is plugged into ${l.master}; a bridge inside a bridge cannot be written, so it is left unplugged`);
    const netns = kit.netns === null ? undefined : kit.nodeOf(kit.netns);
    const { addresses } = kit.common(l);
    const node = {
      kind: 'bridge' as const,
      ...(netns ? { netns } : {}),
      ...(addresses ? { addresses } : {}),
      ...(l.stp ? { stp: true } : {}),
    };
    if (kit.addBridge(node) === undefined) kit.warn('no free node name fits it; left out, and what is plugged into it is left unplugged');
  },
};
