import { linkId } from '../desiredState.js';
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
  if (!des && !obs && key !== 'host') return;
  const netns = key === 'host' ? null : (des ?? obs)!.netns;
  const node = (des ?? obs)?.node;
  const fresh = (k: string) => {
    const dev = sysctlInterface(k);
    return ctx.newScopes.has(key) || (dev !== undefined && ctx.created.has(linkId(key, dev)));
  };

  if (netns !== null) {
    for (const [k, v] of Object.entries(des?.sysctls ?? {})) {
      const cur = fresh(k) ? undefined : obs?.sysctls[k];
      if (cur !== v) ctx.push(key, { kind: 'sysctl.set', netns, node, key: k, value: v, ...(cur !== undefined ? { from: cur } : {}), reason: `${where(netns)}: ${explainSysctl(k, v)}` });
    }
    for (const [k, p] of Object.entries(des?.policies ?? {})) {
      const cur = ctx.newScopes.has(key) ? 'ACCEPT' : (obs?.policies[k] ?? 'ACCEPT');
      if (cur !== p) ctx.push(key, policyStep(netns, node, k, p, cur));
    }
    return;
  }

  const desired: Record<string, string> = {};
  for (const [k, v] of Object.entries(des?.sysctls ?? {})) desired[`sysctl:${k}`] = v;
  for (const [k, p] of Object.entries(des?.policies ?? {})) desired[`policy:${k}`] = p;
  for (const [hk, v] of Object.entries(desired)) {
    const hold = ctx.observed.holds[hk];
    const mine = hold?.labs.includes(ctx.lab) ?? false;
    const cur = fresh(hk.slice(7)) ? undefined : ctx.observed.hostValues[hk];
    if (cur !== v) ctx.push(key, hostStep(node, hk, v, cur, mine ? undefined : 'take'));
    else if (hold && !mine) ctx.push(key, { kind: 'host.hold', netns: null, node, key: hk, hold: 'take', original: hold.original, reason: `share ${hk.slice(hk.indexOf(':') + 1)} with lab${hold.labs.length > 1 ? 's' : ''} ${hold.labs.join(', ')}, which set it first` });
  }
  for (const [hk, hold] of Object.entries(ctx.observed.holds)) {
    if (!hold.labs.includes(ctx.lab) || hk in desired) continue;
    const dev = hk.startsWith('sysctl:') ? sysctlInterface(hk.slice(7)) : undefined;
    const name = hk.slice(hk.indexOf(':') + 1);
    const diesWithLink = dev !== undefined && ctx.gone.has(linkId('host', dev));
    if (hold.labs.length > 1 || diesWithLink || hold.original === '') {
      const why = hold.labs.length > 1 ? `other labs still use it (${hold.labs.filter((l) => l !== ctx.lab).join(', ')})` : `it goes away with ${dev ?? 'its interface'}`;
      ctx.push(key, { kind: 'host.hold', netns: null, node, key: hk, hold: 'release', original: hold.original, reason: `let go of ${name}; ${why}` });
    } else {
      const cur = ctx.observed.hostValues[hk];
      ctx.push(key, hostStep(node, hk, hold.original, cur, 'release', `restore ${name} to ${hold.original}, the value before this lab`));
    }
  }
}

function hostStep(node: string | undefined, hk: string, v: string, cur: string | undefined, hold: 'take' | 'release' | undefined, reason?: string): Step {
  const [type, ...rest] = hk.split(':');
  const k = rest.join(':');
  if (type === 'policy') {
    const s = policyStep(null, node, k, v as 'ACCEPT' | 'DROP', (cur ?? 'ACCEPT') as 'ACCEPT' | 'DROP');
    return { ...s, ...(hold ? { hold } : {}), ...(reason ? { reason } : {}) } as Step;
  }
  return {
    kind: 'sysctl.set', netns: null, node, key: k, value: v,
    ...(cur !== undefined ? { from: cur } : {}),
    ...(hold ? { hold } : {}),
    reason: reason ?? `the host: ${explainSysctl(k, v)}${cur !== undefined ? ` (was ${cur}; restored on destroy)` : ''}`,
  };
}

function policyStep(netns: string | null, node: string | undefined, k: string, p: 'ACCEPT' | 'DROP', from: 'ACCEPT' | 'DROP'): Step {
  const family = k.startsWith('v6:') ? 6 : 4;
  const chain = k.slice(k.indexOf('/') + 1);
  const what = p === 'DROP' ? 'drops packets that no rule accepts (default deny)' : 'forwards packets that no rule drops';
  return { kind: 'policy.set', netns, node, family, chain, policy: p, from, reason: `${where(netns)}: the ${chain} chain (IPv${family}) ${what}` };
}
