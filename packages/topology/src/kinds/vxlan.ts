/**
 * A VXLAN tunnel: Ethernet frames in UDP. Declared in a netns or host node's
 * `vxlans:` list; `bridge` plugs it into a bridge of the same namespace.
 * Tunnels with the same VNI and port extend one L2 segment across namespaces.
 */
import { z } from 'zod';
import { isMulticast, parseIp } from '../net.js';
import { isIfName } from '../names.js';
import { where } from '../planDeploy/explain.js';
import type { StepBase } from '../step.js';
import { checkIfName } from '../validate/fields.js';
import { ipCommand, listed, listEntry, type LinkKindModule, type ListItem } from './kind.js';
import { markIfHost } from './mark.js';

export const vxlanSchema = z.strictObject({
  name: z.string(),
  vni: z.int().min(0).max(16777215),
  remote: z.string().optional(),
  local: z.string().optional(),
  group: z.string().optional(),
  dstport: z.int().min(1).max(65535).default(4789),
  dev: z.string().optional(),
  bridge: z.string().optional(),
  addresses: z.array(z.string()).optional(),
});
export type VxlanSpec = z.infer<typeof vxlanSchema>;

export interface VxlanParams {
  vni: number;
  dstport: number;
  remote?: string;
  local?: string;
  group?: string;
  dev?: string;
}

export type VxlanAddStep = StepBase & { kind: 'vxlan.add'; name: string; vxlan: VxlanParams };

declare module '../state.js' {
  interface LinkKinds {
    vxlan: true;
  }
  interface LinkKindFields {
    vxlan?: VxlanParams;
  }
}
declare module '../step.js' {
  interface KindSteps {
    'vxlan.add': VxlanAddStep;
  }
}

export const vxlan: LinkKindModule<'vxlan', VxlanAddStep> = {
  kind: 'vxlan',
  addStep: 'vxlan.add',
  order: 2,
  capability: { help: 'VXLAN tunnels (kernel module vxlan)', probe: 'link add pvx type vxlan id 42 dstport 4789' },
  list: {
    field: 'vxlans',
    title: 'VXLAN',
    addLabel: 'Add VXLAN',
    rowLabel: 'vxlan',
    nodeRefs: ['bridge'],
    entry: (i) => vxlanEntry(i),
    newItem: (i) => ({ name: `vxlan${i}`, vni: 1, dstport: 4789 }),
    form: [
      { key: 'name', label: 'Tunnel interface', type: 'text', mono: true },
      { key: 'vni', label: 'VNI', type: 'number', empty: 0 },
      { key: 'remote', label: 'Remote', type: 'text', mono: true },
      { key: 'local', label: 'Local', type: 'text', mono: true },
      { key: 'group', label: 'Group', type: 'text', mono: true },
      { key: 'dstport', label: 'UDP port', type: 'number', empty: 4789 },
      { key: 'dev', label: 'Underlay', type: 'select', options: 'interfaces', none: '(routing decides)' },
      { key: 'bridge', label: 'On bridge', type: 'select', options: 'bridges', none: '(none)' },
      { key: 'addresses', label: 'Overlay IPs', type: 'list', mono: true },
    ],
  },
  resolve(kit) {
    for (const { node, item: vx, path } of listed(kit.topology, 'vxlans')) {
      const scopeKey = kit.scopeOfNode.get(node)!;
      kit.add(scopeKey, {
        name: vx.name,
        kind: 'vxlan',
        node,
        path,
        addresses: kit.addresses(vx.addresses, [...path, 'addresses']),
        master: vx.bridge,
      });
      if (vx.bridge) kit.join(`${scopeKey}/${vx.name}`, `${scopeKey}/${vx.bridge}`);
      // Tunnels with the same VNI and port extend one L2 segment across namespaces.
      kit.join(`${scopeKey}/${vx.name}`, `vni/${vx.vni}/${vx.dstport}`);
    }
  },
  validate(node, ctx) {
    (node.vxlans ?? []).forEach((vx, i) => {
      const path = [...ctx.base, 'vxlans', i];
      checkIfName(vx.name, [...path, 'name'], ctx.list);
      for (const field of ['remote', 'local', 'group'] as const) {
        const v = vx[field];
        if (v !== undefined && !parseIp(v)) ctx.list.error('addr.parse', [...path, field], `${JSON.stringify(v)} is not an IP address`);
      }
      if (vx.remote !== undefined && vx.group !== undefined)
        ctx.list.error('vxlan.remote-group', path, 'give "remote" (unicast) or "group" (multicast), not both');
      if (vx.group !== undefined && parseIp(vx.group) && !isMulticast(vx.group))
        ctx.list.error('vxlan.group', [...path, 'group'], `${vx.group} is not a multicast address`);
      if (vx.group !== undefined && vx.dev === undefined)
        ctx.list.error('vxlan.group-dev', [...path, 'dev'], 'a multicast vxlan needs "dev", the interface to join the group on');
      if (vx.remote === undefined && vx.group === undefined)
        ctx.list.warn('vxlan.no-peer', path, 'no "remote" or "group": this tunnel sends nothing until you add forwarding entries by hand');
      if (vx.dev !== undefined && !isIfName(vx.dev))
        ctx.list.error('name.interface', [...path, 'dev'], `${JSON.stringify(vx.dev)} is not a valid interface name`);
      else if (vx.dev !== undefined && vx.dev === vx.name)
        ctx.list.error('ref.interface', [...path, 'dev'], 'a vxlan cannot be its own underlay');
      else if (vx.dev !== undefined && !(vx.dev === 'lo' || ctx.scope.interfaces.has(vx.dev))) {
        if (ctx.isHost)
          ctx.list.warn(
            'ref.host-interface',
            [...path, 'dev'],
            `"${vx.dev}" is not an interface of this lab; it must already exist on the host`,
          );
        else ctx.list.error('ref.interface', [...path, 'dev'], `no underlay interface named "${vx.dev}" in this namespace`);
      }
      if (vx.bridge !== undefined) {
        const b = ctx.r.topology.nodes[vx.bridge];
        if (!b || b.kind !== 'bridge') ctx.list.error('ref.bridge', [...path, 'bridge'], `no bridge node named "${vx.bridge}"`);
        else if (ctx.r.scopeOfNode.get(vx.bridge) !== ctx.scope.key)
          ctx.list.error(
            'ref.bridge',
            [...path, 'bridge'],
            `bridge "${vx.bridge}" lives in another namespace; a vxlan joins a bridge in its own namespace`,
          );
      }
    });
  },
  desired(iface, r) {
    const spec = listEntry<VxlanSpec>(r, iface.path);
    const v: VxlanParams = { vni: spec.vni, dstport: spec.dstport };
    if (spec.remote) v.remote = spec.remote;
    if (spec.local) v.local = spec.local;
    if (spec.group) v.group = spec.group;
    if (spec.dev) v.dev = spec.dev;
    return { vxlan: v };
  },
  identity: (l) => Object.fromEntries(Object.entries(l.vxlan ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))),
  identityWords: 'tunnel settings',
  create(ctx, key, d) {
    const des = ctx.des(key)!;
    const v = d.vxlan!;
    ctx.push(key, {
      kind: 'vxlan.add',
      netns: des.netns,
      node: des.node,
      name: d.name,
      vxlan: v,
      reason: `create vxlan ${d.name} (VNI ${v.vni}) in ${where(des.netns)}: Ethernet frames are wrapped in UDP port ${v.dstport}${v.remote ? ` and sent to ${v.remote}` : ''}`,
    });
    markIfHost(ctx, des.netns, d.name);
  },
  command(s) {
    const v = s.vxlan;
    const opt = (k: string, val: string | undefined) => (val === undefined ? [] : [k, val]);
    return ipCommand(
      'link',
      'add',
      s.name,
      'type',
      'vxlan',
      'id',
      String(v.vni),
      ...opt('remote', v.remote),
      ...opt('group', v.group),
      ...opt('local', v.local),
      'dstport',
      String(v.dstport),
      ...opt('dev', v.dev),
    );
  },
  inverse: (s) => ({ netns: s.netns, node: s.node, kind: 'link.del', name: s.name, reason: `undo: remove ${s.name}` }),
  phase: (s) => (s.netns === null ? 2 : 3),
  creates: (s) => [{ netns: s.netns, name: s.name }],
  observe(l) {
    const data = l.linkinfo?.info_data ?? {};
    const v: VxlanParams = { vni: Number(data.id), dstport: Number(data.port ?? 4789) };
    if (typeof data.remote === 'string') v.remote = data.remote;
    if (typeof data.group === 'string') v.group = data.group;
    if (typeof data.local === 'string') v.local = data.local;
    if (typeof data.link === 'string') v.dev = data.link;
    return { vxlan: v };
  },
  fromScript(add, kit) {
    const opt = (k: string) => (add.opts.includes(k) ? add.opts[add.opts.indexOf(k) + 1] : undefined);
    const v: VxlanParams = { vni: Number(opt('id') ?? opt('vni')), dstport: Number(opt('dstport') ?? 4789) };
    for (const k of ['remote', 'local', 'group', 'dev'] as const) if (opt(k)) v[k] = opt(k)!;
    kit.add({ name: add.name, ns: add.here, kind: 'vxlan', addresses: [], fields: { vxlan: v } });
  },
  toLab(l, kit) {
    if (!l.vxlan) return kit.warn('its tunnel settings were not read; left out');
    const bridge = l.master === undefined ? undefined : kit.bridgeOf(kit.netns, l.master);
    if (l.master !== undefined && bridge === undefined)
      kit.warn(`it is plugged into ${l.master}, which is not a bridge of this lab; it is left unplugged`);
    kit.addToList(
      'vxlans',
      vxlanEntry({ name: l.name, ...kit.common(l), ...(bridge !== undefined ? { bridge } : {}), fields: l }) as VxlanSpec,
    );
  },
  edges(t) {
    // Tunnels with the same VNI and port: one dashed overlay edge between their bridges (or namespaces).
    const tunnels = new Map<string, string[]>();
    for (const { node, item: v } of listed(t, 'vxlans')) {
      const key = `${v.vni}/${v.dstport}`;
      tunnels.set(key, [...(tunnels.get(key) ?? []), v.bridge && t.nodes[v.bridge] ? v.bridge : node]);
    }
    return [...tunnels].flatMap(([key, ends]) =>
      ends.slice(1).map((end, i) => ({ id: `vxlan-${key}-${i + 1}`, source: ends[0]!, target: end, label: `VXLAN ${key.split('/')[0]}` })),
    );
  },
};

function vxlanEntry(i: ListItem): VxlanSpec {
  const v = i.fields.vxlan!;
  return {
    name: i.name,
    vni: v.vni,
    ...(v.remote !== undefined ? { remote: v.remote } : {}),
    ...(v.local !== undefined ? { local: v.local } : {}),
    ...(v.group !== undefined ? { group: v.group } : {}),
    dstport: v.dstport,
    ...(v.dev !== undefined ? { dev: v.dev } : {}),
    ...(i.bridge !== undefined ? { bridge: i.bridge } : {}),
    ...(i.addresses?.length ? { addresses: i.addresses } : {}),
  };
}
