import { linkId } from '../desiredState.js';
import { HOST_KEY, holdKey, holdName, parseHoldKey, parsePolicyKey, type HoldRef, type PolicyRef } from '../keys.js';
import { sysctlInterface } from '../names.js';
import type { Step } from '../step.js';
import type { PlanContext } from './context.js';
import { explainSysctl, where } from './explain.js';

/**
 * Sysctls and chain policies. Inside lab namespaces they are simply set. On
 * the host they are shared with everything else, so each change takes a
 * "hold" recording the value found first; the last lab to let go restores it.
 */
export function planSettings(ctx: PlanContext, key: string): void {
  const des = ctx.des(key);
  const obs = ctx.obs(key);
  if (!des && !obs && key !== HOST_KEY) return;
  const netns = key === HOST_KEY ? null : (des ?? obs)!.netns;
  const node = (des ?? obs)?.node;
  const fresh = (k: string) => {
    const dev = sysctlInterface(k);
    return ctx.newScopes.has(key) || (dev !== undefined && ctx.created.has(linkId(key, dev)));
  };

  if (netns !== null) {
    for (const [k, v] of Object.entries(des?.sysctls ?? {})) {
      const cur = fresh(k) ? undefined : obs?.sysctls[k];
      if (cur !== v)
        ctx.push(key, {
          kind: 'sysctl.set',
          netns,
          node,
          key: k,
          value: v,
          ...(cur !== undefined ? { from: cur } : {}),
          reason: `${where(netns)}: ${explainSysctl(k, v)}`,
        });
    }
    for (const [k, p] of Object.entries(des?.policies ?? {})) {
      const ref = parsePolicyKey(k);
      const cur = ctx.newScopes.has(key) ? 'ACCEPT' : (obs?.policies[k] ?? 'ACCEPT');
      if (ref && cur !== p) ctx.push(key, policyStep(netns, node, ref, p, cur));
    }
    return;
  }

  const desired = new Map<string, { ref: HoldRef; value: string }>();
  for (const [k, v] of Object.entries(des?.sysctls ?? {})) desired.set(holdKey.sysctl(k), { ref: { type: 'sysctl', key: k }, value: v });
  for (const [k, p] of Object.entries(des?.policies ?? {})) {
    const ref = parsePolicyKey(k);
    if (ref) desired.set(holdKey.ofPolicy(ref), { ref: { type: 'policy', ...ref }, value: p });
  }
  for (const [hk, { ref, value: v }] of desired) {
    const hold = ctx.observed.holds[hk];
    const mine = hold?.labs.includes(ctx.lab) ?? false;
    const cur = ref.type === 'sysctl' && fresh(ref.key) ? undefined : ctx.observed.hostValues[hk];
    if (cur !== v) ctx.push(key, hostStep(node, ref, v, cur, mine ? undefined : 'take'));
    else if (hold && !mine)
      ctx.push(key, {
        kind: 'host.hold',
        netns: null,
        node,
        key: hk,
        hold: 'take',
        original: hold.original,
        reason: `share ${holdName(ref)} with lab${hold.labs.length > 1 ? 's' : ''} ${hold.labs.join(', ')}, which set it first`,
      });
  }
  for (const [hk, hold] of Object.entries(ctx.observed.holds)) {
    if (!hold.labs.includes(ctx.lab) || desired.has(hk)) continue;
    const ref = parseHoldKey(hk);
    if (!ref) continue; // not a key nslab writes (a damaged holds file): nothing to restore
    const dev = ref.type === 'sysctl' ? sysctlInterface(ref.key) : undefined;
    const name = holdName(ref);
    const diesWithLink = dev !== undefined && ctx.gone.has(linkId(HOST_KEY, dev));
    if (hold.labs.length > 1 || diesWithLink || hold.original === '') {
      const why =
        hold.labs.length > 1
          ? `other labs still use it (${hold.labs.filter((l) => l !== ctx.lab).join(', ')})`
          : `it goes away with ${dev ?? 'its interface'}`;
      ctx.push(key, {
        kind: 'host.hold',
        netns: null,
        node,
        key: hk,
        hold: 'release',
        original: hold.original,
        reason: `let go of ${name}; ${why}`,
      });
    } else {
      const cur = ctx.observed.hostValues[hk];
      ctx.push(key, hostStep(node, ref, hold.original, cur, 'release', `restore ${name} to ${hold.original}, the value before this lab`));
    }
  }
}

function hostStep(
  node: string | undefined,
  ref: HoldRef,
  v: string,
  cur: string | undefined,
  hold: 'take' | 'release' | undefined,
  reason?: string,
): Step {
  if (ref.type === 'policy') {
    const s = policyStep(null, node, ref, v as 'ACCEPT' | 'DROP', (cur ?? 'ACCEPT') as 'ACCEPT' | 'DROP');
    return { ...s, ...(hold ? { hold } : {}), ...(reason ? { reason } : {}) } as Step;
  }
  const k = ref.key;
  return {
    kind: 'sysctl.set',
    netns: null,
    node,
    key: k,
    value: v,
    ...(cur !== undefined ? { from: cur } : {}),
    ...(hold ? { hold } : {}),
    reason: reason ?? `the host: ${explainSysctl(k, v)}${cur !== undefined ? ` (was ${cur}; restored on destroy)` : ''}`,
  };
}

function policyStep(
  netns: string | null,
  node: string | undefined,
  { family, chain }: PolicyRef,
  p: 'ACCEPT' | 'DROP',
  from: 'ACCEPT' | 'DROP',
): Step {
  const what = p === 'DROP' ? 'drops packets that no rule accepts (default deny)' : 'forwards packets that no rule drops';
  return {
    kind: 'policy.set',
    netns,
    node,
    family,
    chain,
    policy: p,
    from,
    reason: `${where(netns)}: the ${chain} chain (IPv${family}) ${what}`,
  };
}
