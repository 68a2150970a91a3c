import { linkId } from '../desiredState.js';
import { cidrContains, parseCidr } from '../net.js';
import type { RouteState } from '../state.js';
import type { PlanContext } from './context.js';
import { explainRoute } from './explain.js';

const routeKey = (r: RouteState) => `${r.family}|${r.to}|${r.metric ?? 0}`;

function sameRoute(o: RouteState, d: RouteState): boolean {
  return (o.via ?? '') === (d.via ?? '') && (d.dev === undefined || o.dev === d.dev);
}

/** Routes: a changed route is deleted (phase 0) and added again (phase 3); routes through recreated links are re-added. */
export function planRoutes(ctx: PlanContext, key: string): void {
  const des = ctx.des(key);
  const obs = ctx.obs(key);
  if (!obs && !des) return;
  const netns = (des ?? obs)!.netns;
  const node = (des ?? obs)!.node;
  // Routes through a link that this plan deletes vanish with it (and must be added again).
  const goneLinks = Object.values(obs?.links ?? {}).filter((l) => ctx.gone.has(linkId(key, l.name)));
  const vanishes = (r: RouteState) =>
    r.dev
      ? ctx.gone.has(linkId(key, r.dev))
      : !!r.via && goneLinks.some((l) => l.addresses.some((a) => cidrContains(parseCidr(a)!, r.via!)));
  const alive = (obs?.routes ?? []).filter((r) => !vanishes(r));
  const observed = new Map(alive.map((r) => [routeKey(r), r]));
  const wanted = new Map((des?.routes ?? []).map((r) => [routeKey(r), r]));
  for (const [k, o] of observed) {
    const d = wanted.get(k);
    if (!d || !sameRoute(o, d))
      ctx.push(key, { kind: 'route.del', netns, node, route: o, reason: `remove the route to ${o.to}${d ? ' (it changed)' : ''}` });
  }
  for (const [k, d] of wanted) {
    const o = observed.get(k);
    if (!o || !sameRoute(o, d)) ctx.push(key, { kind: 'route.add', netns, node, route: d, reason: explainRoute(d, netns) });
  }
}
