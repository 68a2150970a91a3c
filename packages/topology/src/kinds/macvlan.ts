/**
 * A macvlan: an interface of its own MAC address on a parent interface of the
 * host namespace (a bridge of the lab, or an existing host interface), moved
 * into the namespace that declares it. Declared in a netns or host node's
 * `macvlans:` list. In mode bridge (the default) macvlans on one parent reach
 * each other directly; none of them reaches the parent itself.
 */
import { z } from 'zod';
import { normaliseMac } from '../net.js';
import { where } from '../planDeploy/explain.js';
import { HOST_KEY, scopeLabel } from '../keys.js';
import type { Netns } from '../resolveTopology.js';
import type { StepBase } from '../step.js';
import { checkIfName, checkMac } from '../validate/fields.js';
import { ipCommand, listed, listEntry, type LinkKindModule, type ListItem } from './kind.js';
import { markIfHost } from './mark.js';

export const MACVLAN_MODES = ['bridge', 'private', 'vepa', 'passthru'] as const;
export type MacvlanMode = (typeof MACVLAN_MODES)[number];

export const macvlanSchema = z.strictObject({
  name: z.string(),
  parent: z.string(),
  mode: z.enum(MACVLAN_MODES).optional(),
  addresses: z.array(z.string()).optional(),
  mac: z.string().optional(),
  mtu: z.int().min(68).max(65535).optional(),
});
export type MacvlanSpec = z.infer<typeof macvlanSchema>;

export interface MacvlanParams {
  /** The lower device, in the host namespace. */
  parent: string;
  mode: MacvlanMode;
}

export type MacvlanAddStep = StepBase & {
  kind: 'macvlan.add';
  name: string;
  macvlan: MacvlanParams;
  into: Netns;
  mac?: string;
  mtu?: number;
};

declare module '../state.js' {
  interface LinkKinds {
    macvlan: true;
  }
  interface LinkKindFields {
    macvlan?: MacvlanParams;
  }
}
declare module '../step.js' {
  interface KindSteps {
    'macvlan.add': MacvlanAddStep;
  }
}

export const macvlan: LinkKindModule<'macvlan', MacvlanAddStep> = {
  kind: 'macvlan',
  addStep: 'macvlan.add',
  order: 3,
  capability: { help: 'macvlan interfaces (kernel module macvlan)', probe: 'link add pmv link p0 type macvlan' },
  list: {
    field: 'macvlans',
    title: 'Macvlan',
    addLabel: 'Add macvlan',
    rowLabel: 'macvlan',
    nodeRefs: ['parent'],
    entry: (i) => macvlanEntry(i),
    newItem: (i) => ({ name: `mv${i}`, parent: '' }),
    form: [
      { key: 'name', label: 'Macvlan interface', type: 'text', mono: true },
      { key: 'parent', label: 'Parent', type: 'select', options: 'host-interfaces', none: '(choose)' },
      { key: 'mode', label: 'Mode', type: 'select', options: MACVLAN_MODES, none: '(bridge)' },
      { key: 'addresses', label: 'Macvlan IPs', type: 'list', mono: true },
      { key: 'mac', label: 'Macvlan MAC', type: 'text', mono: true },
    ],
  },
  resolve(kit) {
    for (const { node, item: mv, path } of listed(kit.topology, 'macvlans')) {
      const scopeKey = kit.scopeOfNode.get(node)!;
      kit.add(scopeKey, { name: mv.name, kind: 'macvlan', node, path, addresses: kit.addresses(mv.addresses, [...path, 'addresses']) });
      // Macvlans share their parent's segment (what is plugged into it, and each other).
      kit.join(`${scopeKey}/${mv.name}`, `${HOST_KEY}/${mv.parent}`);
    }
  },
  validate(node, ctx) {
    const host = ctx.r.scopes.get(HOST_KEY);
    (node.macvlans ?? []).forEach((mv, i) => {
      const path = [...ctx.base, 'macvlans', i];
      checkIfName(mv.name, [...path, 'name'], ctx.list);
      if (mv.mac !== undefined) checkMac(mv.mac, [...path, 'mac'], ctx.list);
      if (mv.parent === '') {
        ctx.list.error(
          'ref.interface',
          [...path, 'parent'],
          'choose its parent: a bridge of the lab on the host, or an interface of the host',
        );
        return;
      }
      checkIfName(mv.parent, [...path, 'parent'], ctx.list);
      const lab = host?.interfaces.get(mv.parent)?.[0];
      const bridge = ctx.r.topology.nodes[mv.parent];
      if (bridge?.kind === 'bridge' && ctx.r.scopeOfNode.get(mv.parent) !== HOST_KEY)
        ctx.list.error(
          'ref.interface',
          [...path, 'parent'],
          `bridge "${mv.parent}" lives in ${bridge.netns}; a macvlan's parent is an interface of the host`,
        );
      else if (!lab && mv.mode === 'passthru')
        ctx.list.error(
          'ref.host-interface',
          [...path, 'mode'],
          `passthru takes "${mv.parent}" over, and nslab changes no host interface it did not make; use a parent of the lab's, or another mode`,
        );
      else if (ctx.isHost && mv.parent === mv.name)
        ctx.list.error('ref.interface', [...path, 'parent'], 'a macvlan cannot be its own parent');
      else if (lab && lab.kind === 'macvlan')
        ctx.list.error('ref.interface', [...path, 'parent'], `"${mv.parent}" is itself a macvlan; give the parent it is on`);
      else if (!lab)
        ctx.list.warn(
          'ref.host-interface',
          [...path, 'parent'],
          `"${mv.parent}" is not an interface this lab makes on the host; it must already exist there`,
        );
    });
  },
  desired(iface, r) {
    const spec = listEntry<MacvlanSpec>(r, iface.path);
    return {
      macvlan: { parent: spec.parent, mode: spec.mode ?? 'bridge' },
      ...(spec.mac ? { mac: normaliseMac(spec.mac) } : {}),
      ...(spec.mtu ? { mtu: spec.mtu } : {}),
    };
  },
  lowerOf: (l) => (l.macvlan ? { netns: null, name: l.macvlan.parent } : undefined),
  identity: (l) => ({ parent: l.macvlan?.parent, mode: l.macvlan?.mode }),
  identityWords: 'parent or mode',
  create(ctx, key, d) {
    const des = ctx.des(key)!;
    const m = d.macvlan!;
    // Made on the host, where its parent is, and moved into its namespace in the same command.
    ctx.push(HOST_KEY, {
      kind: 'macvlan.add',
      netns: null,
      node: des.node,
      name: d.name,
      macvlan: m,
      into: des.netns,
      mac: d.mac,
      mtu: d.mtu,
      reason: `create macvlan ${d.name} on ${m.parent} (mode ${m.mode}) for ${where(des.netns)}: an interface with its own MAC address on the parent's wire`,
    });
    markIfHost(ctx, des.netns, d.name);
  },
  command: (s) =>
    ipCommand(
      'link',
      'add',
      'link',
      s.macvlan.parent,
      'name',
      s.name,
      ...(s.mac ? ['address', s.mac] : []),
      ...(s.mtu ? ['mtu', String(s.mtu)] : []),
      ...(s.into !== null ? ['netns', s.into] : []),
      'type',
      'macvlan',
      'mode',
      s.macvlan.mode,
    ),
  inverse: (s) => ({
    netns: s.into,
    node: s.node,
    kind: 'link.del',
    name: s.name,
    reason: `undo: remove macvlan ${s.name} from ${scopeLabel(s.into)}`,
  }),
  phase: () => 2,
  creates: (s) => [{ netns: s.into, name: s.name }],
  observe(l, kit) {
    const mode = String(l.linkinfo?.info_data?.mode ?? 'bridge') as MacvlanMode;
    const parent = l.link_netnsid === undefined ? l.link : l.link_index !== undefined ? kit.hostLinkName(l.link_index) : undefined;
    return { macvlan: { parent: parent ?? '?', mode } };
  },
  fromScript(add, kit) {
    const parent = add.head.includes('link') ? add.head[add.head.indexOf('link') + 1] : undefined;
    if (!parent) return kit.warn('macvlan without "link PARENT": cannot tell which interface it stands on');
    if (add.ns !== '') return kit.warn(`macvlan on ${parent} in ${add.ns}: nslab makes macvlans on interfaces of the host`);
    const mode = add.opts.includes('mode') ? add.opts[add.opts.indexOf('mode') + 1] : 'bridge';
    if (!(MACVLAN_MODES as readonly string[]).includes(mode ?? ''))
      return kit.warn(`macvlan mode "${mode}": nslab knows ${MACVLAN_MODES.join(', ')}`);
    if (add.here !== '') kit.addNamespace(add.here);
    kit.add({ name: add.name, ns: add.here, kind: 'macvlan', addresses: [], fields: { macvlan: { parent, mode: mode as MacvlanMode } } });
  },
  toLab(l, kit) {
    const m = l.macvlan;
    if (!m || m.parent === '?') return kit.warn('its parent interface was not found in the host namespace; left out');
    if (l.master !== undefined)
      kit.warn(`it is plugged into ${l.master}; a macvlan on a bridge cannot be written, so it is left unplugged`);
    kit.addToList('macvlans', macvlanEntry({ name: l.name, ...kit.common(l), fields: l, hostNode: (n) => kit.bridgeOf(null, n) }));
  },
  edges(t) {
    // A macvlan hangs off its parent: draw it to the bridge node it names, or to the host node.
    const host = Object.entries(t.nodes).find(([, n]) => n.kind === 'host')?.[0];
    return listed(t, 'macvlans').flatMap(({ node, index, item: mv }) => {
      const target = t.nodes[mv.parent]?.kind === 'bridge' ? mv.parent : host;
      return target && target !== node
        ? [{ id: `macvlan-${node}-${index}`, source: target, target: node, label: `macvlan ${mv.name}` }]
        : [];
    });
  },
};

/** A macvlan's list entry; a parent that is a bridge of the lab is written as that bridge's node. */
function macvlanEntry(i: ListItem): MacvlanSpec {
  const m = i.fields.macvlan!;
  return {
    name: i.name,
    parent: i.hostNode?.(m.parent) ?? m.parent,
    ...(m.mode !== 'bridge' ? { mode: m.mode } : {}),
    ...(i.addresses?.length ? { addresses: i.addresses } : {}),
    ...(i.mac ? { mac: i.mac } : {}),
    ...(i.mtu ? { mtu: i.mtu } : {}),
  };
}
