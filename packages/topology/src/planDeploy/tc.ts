import { linkId } from '../desiredState.js';
import { formatDuration, formatRate } from '../impair.js';
import type { LinkState } from '../state.js';
import type { NetemState, TcState } from '../tc.js';
import type { PlanContext } from './context.js';
import { where } from './explain.js';

/**
 * Impairments: each desired link's qdiscs (tc.ts). What matches is left
 * alone; a rate or netem change is made in place; a change of layout (a rate
 * added to a netem, a foreign qdisc) deletes the root qdisc and builds it
 * again. Links this plan creates start from nothing.
 */
export function planTc(ctx: PlanContext, key: string): void {
  const des = ctx.des(key);
  if (!des) return;
  const { netns, node } = des;
  for (const d of Object.values(des.links)) {
    const id = linkId(key, d.name);
    const o: LinkState | undefined = ctx.gone.has(id) || ctx.created.has(id) ? undefined : ctx.obs(key)?.links[d.name];
    let have: TcState | undefined = o?.tc;
    const want = d.tc;
    if (JSON.stringify(have ?? null) === JSON.stringify(want ?? null)) continue;
    const dev = d.name;
    if (have && (!want || layout(have) !== layout(want))) {
      const what = have.other ? `a ${have.other} qdisc nslab did not make` : describe(have);
      ctx.push(key, {
        kind: 'qdisc.del',
        netns,
        node,
        dev,
        reason: `remove ${what} from ${dev} in ${where(netns)}${want ? ', to set it up anew' : ': no impairment wanted'}`,
      });
      have = undefined;
    }
    if (!want) continue;
    const fresh = have === undefined;
    if (want.rate !== undefined) {
      if (fresh)
        ctx.push(key, {
          kind: 'qdisc.set',
          netns,
          node,
          dev,
          qdisc: { type: 'htb' },
          fresh: true,
          reason: `shape what ${dev} sends: an htb qdisc whose one class (1:1) takes all traffic`,
        });
      if (have?.rate !== want.rate)
        ctx.push(key, {
          kind: 'class.set',
          netns,
          node,
          dev,
          rate: want.rate,
          ...(have?.rate !== undefined ? { from: have.rate } : {}),
          reason: `${dev} sends at most ${formatRate(want.rate)} (htb rate)`,
        });
    }
    if (want.netem && JSON.stringify(have?.netem ?? null) !== JSON.stringify(want.netem))
      ctx.push(key, {
        kind: 'qdisc.set',
        netns,
        node,
        dev,
        qdisc: { type: 'netem', netem: want.netem, parent: want.rate !== undefined ? '1:1' : 'root' },
        ...(fresh && want.rate === undefined ? { fresh: true } : {}),
        reason: `impair what ${dev} sends (netem): ${describeNetem(want.netem)}`,
      });
  }
}

function layout(t: TcState): string {
  return `${t.rate !== undefined}/${t.netem !== undefined}/${t.other ?? ''}`;
}

function describe(t: TcState): string {
  return [t.rate !== undefined ? `its rate limit (${formatRate(t.rate)})` : '', t.netem ? `its netem (${describeNetem(t.netem)})` : '']
    .filter(Boolean)
    .join(' and ');
}

function describeNetem(n: NetemState): string {
  return [
    n.delay ? `delay ${formatDuration(n.delay)}${n.jitter ? ` ± ${formatDuration(n.jitter)}` : ''}` : '',
    n.loss ? `drop ${n.loss}% at random` : '',
  ]
    .filter(Boolean)
    .join(', ');
}
