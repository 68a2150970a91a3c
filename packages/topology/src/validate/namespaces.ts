import type { IssueList, Path } from '../issues.js';
import { cidrContains, familyOf, networkOf, parseCidr, parseHostPort, parseIp, type Family } from '../net.js';
import { interfacesOf, type ResolvedInterface, type ResolvedScope, type ResolvedTopology } from '../resolveTopology.js';
import { endImpair } from '../impair.js';
import type { NamespaceNode } from '../schema.js';
import { LIST_KINDS, type NamespaceCheck } from '../kinds/index.js';
import { isIfName, sysctlInterface, sysctlKeyProblem } from '../names.js';

/** [V13] routes, [V14] sysctls, [V15] NAT, [V16] firewall, [V17] vxlans, [V19] macvlans (in their kind modules) — per netns/host node. */
export function validateNamespaces(r: ResolvedTopology, list: IssueList): void {
  for (const [name, node] of Object.entries(r.topology.nodes)) {
    if (node.kind === 'bridge') continue;
    const scope = r.scopes.get(r.scopeOfNode.get(name)!)!;
    const ctx: Ctx = { scope, list, base: ['nodes', name], isHost: node.kind === 'host', r };
    validateRoutes(node, ctx);
    validateSysctls(node, ctx);
    validateNat(node, ctx);
    validateFirewall(node, ctx);
    for (const kind of LIST_KINDS) kind.validate?.(node, ctx);
  }
}

type Ctx = NamespaceCheck;

function hasInterface(scope: ResolvedScope, name: string): boolean {
  return name === 'lo' || scope.interfaces.has(name);
}

/** Interface references: inside a lab namespace they must exist; on the host they may be the host's own (eth0). */
function checkInterfaceRef(name: string | undefined, path: Path, ctx: Ctx): void {
  if (name === undefined) return;
  if (!isIfName(name)) {
    ctx.list.error(
      'name.interface',
      path,
      `${JSON.stringify(name)} is not a valid interface name: use 1–15 letters, digits, ".", "_" or "-"`,
    );
    return;
  }
  if (hasInterface(ctx.scope, name)) return;
  if (ctx.isHost) {
    ctx.list.warn('ref.host-interface', path, `"${name}" is not an interface of this lab; it must already exist on the host`);
  } else {
    ctx.list.error('ref.interface', path, `no interface named "${name}" in this namespace (it has: ${interfaceNames(ctx.scope)})`);
  }
}

function interfaceNames(scope: ResolvedScope): string {
  return ['lo', ...scope.interfaces.keys()].join(', ');
}

function validateRoutes(node: NamespaceNode, ctx: Ctx): void {
  const seen = new Map<string, number>();
  (node.routes ?? []).forEach((route, i) => {
    const path = [...ctx.base, 'routes', i];
    let family: Family | undefined;
    if (route.to !== 'default') {
      const c = parseCidr(route.to);
      if (!c) {
        ctx.list.error('route.to', [...path, 'to'], `${JSON.stringify(route.to)} is not "default" or a destination like 10.1.2.0/24`);
      } else if (networkOf(c) !== `${c.ip}/${c.prefix}`) {
        ctx.list.error('route.to', [...path, 'to'], `${route.to} has host bits set; the destination is ${networkOf(c)}`);
      } else family = c.family;
    }
    if (route.via !== undefined) {
      const vf = familyOf(route.via);
      if (!vf) ctx.list.error('route.via', [...path, 'via'], `${JSON.stringify(route.via)} is not an IP address`);
      else if (family && vf !== family)
        ctx.list.error('route.via', [...path, 'via'], `${route.via} is IPv${vf} but the destination is IPv${family}`);
      else {
        family ??= vf;
        checkViaReachable(route.via, route.dev, [...path, 'via'], ctx);
      }
    }
    if (route.via === undefined && route.dev === undefined)
      ctx.list.error('route.target', path, 'a route needs "via" (a gateway) or "dev" (an interface), or both');
    if (route.dev !== undefined) {
      if (!isIfName(route.dev))
        ctx.list.error('name.interface', [...path, 'dev'], `${JSON.stringify(route.dev)} is not a valid interface name`);
      else if (!hasInterface(ctx.scope, route.dev))
        ctx.list.error(
          'ref.interface',
          [...path, 'dev'],
          `no interface named "${route.dev}" in this namespace (it has: ${interfaceNames(ctx.scope)})`,
        );
      else if (route.via === undefined && interfacesOf(ctx.scope).some((i) => i.name === route.dev && isDown(ctx, i)))
        ctx.list.error(
          'route.via-down',
          [...path, 'dev'],
          `${route.dev} is down (up: false): the kernel drops routes through a down interface, so deploy would fail; bring it up or leave this route out`,
        );
    }
    const key = `${route.to === 'default' ? `default${family ?? 4}` : route.to}|${route.metric ?? 0}`;
    const first = seen.get(key);
    if (first !== undefined)
      ctx.list.error(
        'route.duplicate',
        [...path, 'to'],
        `routes[${first}] already goes to ${route.to}${route.metric ? ` with metric ${route.metric}` : ''}`,
      );
    else seen.set(key, i);
  });
}

/** A veth end set down by the design (`up: false` on the link or the end). */
function isDown(ctx: Ctx, i: ResolvedInterface): boolean {
  const link = i.link ? ctx.r.topology.links[i.link.index] : undefined;
  return !!link && !endImpair(link, i.link!.end).up;
}

function checkViaReachable(via: string, dev: string | undefined, path: Path, ctx: Ctx): void {
  const ip = parseIp(via)!;
  if (ip.kind() === 'ipv6' && ip.range() === 'linkLocal') {
    if (!dev) ctx.list.error('route.via', path, `${via} is link-local; say which interface with "dev"`);
    return;
  }
  const ifaces = interfacesOf(ctx.scope).filter((i) => dev === undefined || i.name === dev);
  const on = ifaces.filter((i) => i.addresses.some((a) => a.cidr && cidrContains(a.cidr, via)));
  if (on.length > 0 && on.every((i) => isDown(ctx, i))) {
    ctx.list.error(
      'route.via-down',
      path,
      `gateway ${via} is reachable only through ${on.map((i) => i.name).join(', ')}, which is down (up: false): the kernel drops routes through a down interface, so deploy would fail; bring it up or leave this route out`,
    );
    return;
  }
  const onSubnet = on.length > 0;
  if (!onSubnet) {
    const where = dev ? `interface "${dev}"` : 'this namespace';
    ctx.list.error(
      'route.via-unreachable',
      path,
      `gateway ${via} is not on any subnet of ${where}; give an interface an address in the gateway's subnet`,
    );
  }
}

function validateSysctls(node: NamespaceNode, ctx: Ctx): void {
  for (const [key, value] of Object.entries(node.sysctls ?? {})) {
    const path = [...ctx.base, 'sysctls', key];
    const problem = sysctlKeyProblem(key);
    if (problem !== undefined) {
      ctx.list.error(
        'sysctl.key',
        path,
        `${JSON.stringify(key)} is not allowed: ${problem}. nslab takes only canonical net.* keys: dotted segments of a-z 0-9 _ -, "/" only inside an interface name`,
      );
      continue;
    }
    const ifname = sysctlInterface(key);
    if (ifname !== undefined && !hasInterface(ctx.scope, ifname)) {
      ctx.list.error(
        'ref.sysctl-interface',
        path,
        `names interface "${ifname}", which is not in this namespace (it has: ${interfaceNames(ctx.scope)})`,
      );
    }
    if (!Number.isSafeInteger(value) || value < -2147483648 || value > 2147483647)
      ctx.list.error('sysctl.value', path, `${value} does not fit a kernel integer`);
  }
}

function checkCidrField(text: string | undefined, path: Path, ctx: Ctx): Family | undefined {
  if (text === undefined) return undefined;
  const c = parseCidr(text);
  if (!c) {
    ctx.list.error('addr.parse', path, `${JSON.stringify(text)} is not an address or subnet (like 192.168.0.0/16)`);
    return undefined;
  }
  return c.family;
}

function validateNat(node: NamespaceNode, ctx: Ctx): void {
  (node.nat ?? []).forEach((rule, i) => {
    const path = [...ctx.base, 'nat', i];
    if (rule.type === 'masquerade') {
      checkCidrField(rule.source, [...path, 'source'], ctx);
      if (rule.outInterface !== undefined && rule.notOutInterface !== undefined) {
        ctx.list.error('nat.interfaces', path, 'give "outInterface" or "notOutInterface", not both');
      }
      checkInterfaceRef(rule.outInterface, [...path, 'outInterface'], ctx);
      checkInterfaceRef(rule.notOutInterface, [...path, 'notOutInterface'], ctx);
    } else {
      const to = parseHostPort(rule.to);
      if (!to) ctx.list.error('nat.to', [...path, 'to'], `${JSON.stringify(rule.to)} is not "IP:PORT" (like 192.168.0.10:5000)`);
      if (rule.destination !== undefined) {
        const df = familyOf(rule.destination);
        if (!df) ctx.list.error('addr.parse', [...path, 'destination'], `${JSON.stringify(rule.destination)} is not an IP address`);
        else if (to && df !== to.family)
          ctx.list.error('nat.family', [...path, 'destination'], `destination is IPv${df} but "to" is IPv${to.family}`);
      }
    }
  });
}

function validateFirewall(node: NamespaceNode, ctx: Ctx): void {
  (node.firewall?.forward ?? []).forEach((rule, i) => {
    const path = [...ctx.base, 'firewall', 'forward', i];
    checkInterfaceRef(rule.in, [...path, 'in'], ctx);
    checkInterfaceRef(rule.out, [...path, 'out'], ctx);
    const sf = checkCidrField(rule.source, [...path, 'source'], ctx);
    const df = checkCidrField(rule.destination, [...path, 'destination'], ctx);
    if (sf && df && sf !== df)
      ctx.list.error('firewall.family', [...path, 'destination'], `source is IPv${sf} but destination is IPv${df}`);
  });
}
