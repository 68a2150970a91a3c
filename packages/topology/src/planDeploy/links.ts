import { linkId } from '../desiredState.js';
import { aliasStep } from '../kinds/mark.js';
import { kindOf } from '../kinds/index.js';
import { labMark } from '../names.js';
import { scopeKeyOf } from '../resolveTopology.js';
import type { LinkRef, LinkSettings } from '../step.js';
import type { LinkState } from '../state.js';
import type { PlanContext } from './context.js';
import { where } from './explain.js';

/** Links whose identity changed cannot be edited in place: they are recreated. */
function mustRecreate(o: LinkState, d: LinkState): boolean {
  if (o.kind !== d.kind) return true;
  const kind = kindOf(d.kind);
  return JSON.stringify(kind.identity(o)) !== JSON.stringify(kind.identity(d));
}

/**
 * Phase 0: delete links that are not wanted, or must be recreated. Returns,
 * per namespace being deleted, the veth peers outside it that die with it.
 */
export function planLinkRemovals(ctx: PlanContext, scopeKeys: string[]): Map<string, LinkRef[]> {
  const orphans = new Map<string, LinkRef[]>();
  // Links made on another link (a macvlan on its parent) last: the kernel removes them with it.
  for (const onLower of [false, true])
    for (const key of scopeKeys) {
      const obs = ctx.observed.scopes[key];
      if (!obs) continue;
      const des = ctx.goneScopes.has(key) ? undefined : ctx.des(key);
      for (const [name, o] of Object.entries(obs.links)) {
        const lower = kindOf(o.kind).lowerOf?.(o);
        if (!!kindOf(o.kind).lowerOf !== onLower) continue;
        const id = linkId(key, name);
        if (ctx.gone.has(id)) continue;
        if (lower && ctx.gone.has(linkId(scopeKeyOf(lower.netns), lower.name))) {
          ctx.gone.add(id); // dies with the link it is on (and is made again if still wanted)
          continue;
        }
        const d = des?.links[name];
        const peerKey = o.peer ? scopeKeyOf(o.peer.netns) : undefined;
        const peerScopeGoes = peerKey !== undefined && ctx.goneScopes.has(peerKey);
        // Links of a deleted namespace die with it; their peers outside are handled from their own side.
        if (ctx.goneScopes.has(key)) continue;
        if (peerScopeGoes) {
          // Dies with its peer's namespace: wait for the kernel's batched teardown instead of a slow delete.
          orphans.set(peerKey!, [...(orphans.get(peerKey!) ?? []), { netns: obs.netns, name }]);
          ctx.gone.add(id);
          continue;
        }
        if (d && !mustRecreate(o, d)) continue;
        const why = d ? `its ${describeChange(o, d)} changed, so it is recreated` : 'no longer in the lab';
        ctx.push(key, {
          kind: 'link.del',
          netns: obs.netns,
          node: obs.node,
          name,
          reason: `remove ${o.kind} ${name} from ${where(obs.netns)}: ${why}`,
        });
        ctx.gone.add(id);
        if (o.peer && peerKey) ctx.gone.add(linkId(peerKey, o.peer.name));
      }
    }
  return orphans;
}

function describeChange(o: LinkState, d: LinkState): string {
  return o.kind !== d.kind ? 'kind' : kindOf(d.kind).identityWords;
}

/**
 * Phases 2–3: create missing links and bring existing ones to their desired
 * settings. Called for every scope without, then with, the links made on
 * another link (`onLower`), so that a macvlan's parent exists first wherever
 * it is made.
 */
export function planLinkChanges(ctx: PlanContext, key: string, onLower: boolean): void {
  const des = ctx.des(key)!;
  const obs = ctx.obs(key);
  const netns = des.netns;
  const mark = labMark(ctx.lab);
  const existing = (name: string) => (ctx.gone.has(linkId(key, name)) ? undefined : obs?.links[name]);
  const links = Object.values(des.links)
    .filter((l) => !!kindOf(l.kind).lowerOf === onLower)
    .sort((a, b) => kindOf(a.kind).order - kindOf(b.kind).order);

  for (const d of links) {
    const o = existing(d.name);
    if (!o) {
      ctx.created.add(linkId(key, d.name));
      kindOf(d.kind).create(ctx, key, d);
    }
    if (o?.unmarked && netns === null) ctx.push(key, aliasStep(d.name, mark));
    planLinkSettings(ctx, key, d, o);
  }
}

function planLinkSettings(ctx: PlanContext, key: string, d: LinkState, o: LinkState | undefined): void {
  const netns = ctx.des(key)!.netns;
  const node = ctx.des(key)!.node;
  const set = (s: LinkSettings, from: LinkSettings | undefined, reason: string) =>
    ctx.push(key, { kind: 'link.set', netns, node, name: d.name, set: s, ...(from ? { from } : {}), reason });
  if (o) {
    for (const c of kindOf(d.kind).settle?.(o, d) ?? []) set(c.set, c.from, c.reason);
    if (d.mtu !== undefined && o.mtu !== d.mtu)
      set({ mtu: d.mtu }, o.mtu ? { mtu: o.mtu } : undefined, `set the MTU of ${d.name} to ${d.mtu}`);
    if (d.mac !== undefined && o.mac !== d.mac)
      set({ mac: d.mac }, o.mac ? { mac: o.mac } : undefined, `set the MAC address of ${d.name} to ${d.mac}`);
  }
  if ((o?.master ?? undefined) !== d.master) {
    const reason = d.master
      ? `plug ${d.name} into bridge ${d.master}: it becomes a port of that switch`
      : `unplug ${d.name} from bridge ${o!.master}`;
    set({ master: d.master ?? null }, o ? { master: o.master ?? null } : undefined, reason);
  }
  const have = new Set(o?.addresses ?? []);
  const want = new Set(d.addresses);
  for (const a of o?.addresses ?? []) {
    if (!want.has(a))
      ctx.push(key, { kind: 'addr.del', netns, node, dev: d.name, address: a, reason: `remove address ${a} from ${d.name}` });
  }
  for (const a of d.addresses) {
    if (!have.has(a))
      ctx.push(key, {
        kind: 'addr.add',
        netns,
        node,
        dev: d.name,
        address: a,
        reason: `give ${d.name} the address ${a}: ${where(netns)} reaches that subnet directly through it`,
      });
  }
  // A new link starts down: only bringing it up is a step.
  if (d.up && !o?.up) set({ up: true }, o ? { up: false } : undefined, `bring ${d.name} up`);
  if (!d.up && o?.up) set({ up: false }, { up: true }, `take ${d.name} down (administratively: up: false in the lab)`);
}
