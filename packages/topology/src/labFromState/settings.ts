/** A namespace's routes, sysctls, rules and policies as its node's fields. */
import { sysctlKeyProblem } from '../names.js';
import type { NamespaceNode, RouteSpec } from '../schema.js';
import type { RouteState, ScopeState } from '../state.js';
import { rulesToLab } from './rules.js';

/** A namespace's own settings, in the format's order (only those it has). */
export function settingsOf(scope: ScopeState, warn: (message: string) => void): Partial<NamespaceNode> {
  const sysctls: Record<string, number> = {};
  for (const key of Object.keys(scope.sysctls).sort()) {
    const value = scope.sysctls[key]!;
    const problem = sysctlKeyProblem(key);
    if (problem) warn(`sysctl ${key} is left out: ${problem}`);
    else if (!/^-?\d+$/.test(value.trim())) warn(`sysctl ${key} = ${value} is left out: the format holds whole numbers only`);
    else sysctls[key] = Number(value);
  }
  const routes = [...scope.routes].sort(compareRoutes).map(routeSpec);
  const v6 = Object.values(scope.links).some((l) => l.addresses.some((a) => a.includes(':')));
  const { nat, firewall } = rulesToLab(scope, v6, warn);
  return {
    ...(Object.keys(sysctls).length > 0 ? { sysctls } : {}),
    ...(routes.length > 0 ? { routes } : {}),
    ...(nat ? { nat } : {}),
    ...(firewall ? { firewall } : {}),
  };
}

function routeSpec(r: RouteState): RouteSpec {
  // `default` reads as IPv4 unless its gateway says otherwise: an IPv6 default without one stays `::/0`.
  const isDefault = r.to === '0.0.0.0/0' || (r.to === '::/0' && r.via !== undefined);
  return {
    to: isDefault ? 'default' : r.to,
    ...(r.via !== undefined ? { via: r.via } : {}),
    ...(r.dev !== undefined ? { dev: r.dev } : {}),
    ...(r.metric !== undefined ? { metric: r.metric } : {}),
  };
}

function compareRoutes(a: RouteState, b: RouteState): number {
  return (
    a.family - b.family ||
    cmp(a.to, b.to) ||
    (a.metric ?? 0) - (b.metric ?? 0) ||
    cmp(a.via ?? '', b.via ?? '') ||
    cmp(a.dev ?? '', b.dev ?? '')
  );
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
