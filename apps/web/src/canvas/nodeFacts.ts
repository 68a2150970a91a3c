/** What a node does at layer 3, in a few words for the canvas: badges (forwarding, NAT, firewall) and lines (addresses, routes). */
import type { NodeSpec } from '@nslab/topology';

export interface Badge {
  key: 'fwd' | 'nat' | 'fw';
  text: string;
  /** Read on hover and by screen readers: what the badge means here. */
  title: string;
}

export interface NodeFacts {
  badges: Badge[];
  /** A bridge's addresses; a namespace's routes ("default via 10.1.1.1"). */
  lines: string[];
}

/** Routes beyond this many are summed up in one line. */
const MAX_ROUTES = 3;

export function nodeFacts(n: NodeSpec): NodeFacts {
  if (n.kind === 'bridge') return { badges: [], lines: n.addresses ?? [] };
  const badges: Badge[] = [];
  if (n.sysctls?.['net.ipv4.ip_forward'] === 1)
    badges.push({ key: 'fwd', text: 'FWD', title: 'forwards packets between its interfaces (net.ipv4.ip_forward=1)' });
  if (n.nat?.length) {
    const rules = n.nat.map((r) =>
      r.type === 'masquerade'
        ? `masquerade ${r.source}${r.outInterface ? ` out ${r.outInterface}` : ''}${r.notOutInterface ? ` not out ${r.notOutInterface}` : ''}`
        : `DNAT ${r.proto} ${r.destination ?? '*'}:${r.port} → ${r.to}`,
    );
    badges.push({ key: 'nat', text: 'NAT', title: `NAT: ${rules.join('; ')}` });
  }
  const fw = n.firewall;
  if (fw && (fw.forwardPolicy === 'drop' || fw.forward?.length)) {
    const rules = (fw.forward ?? []).map(
      (r) =>
        `${r.action} ${[r.in && `in ${r.in}`, r.out && `out ${r.out}`, r.source && `from ${r.source}`, r.destination && `to ${r.destination}`].filter(Boolean).join(' ') || 'all'}`,
    );
    badges.push({
      key: 'fw',
      text: 'FW',
      title: `firewall: FORWARD policy ${fw.forwardPolicy ?? 'accept'}${rules.length ? `; ${rules.join('; ')}` : ''}`,
    });
  }
  const routes = (n.routes ?? []).map((r) => [r.to, r.via && `via ${r.via}`, r.dev && `dev ${r.dev}`].filter(Boolean).join(' '));
  // The default route first: it is what a student looks for.
  routes.sort((a, b) => Number(b.startsWith('default')) - Number(a.startsWith('default')));
  const lines =
    routes.length > MAX_ROUTES ? [...routes.slice(0, MAX_ROUTES - 1), `+${routes.length - MAX_ROUTES + 1} more routes`] : routes;
  return { badges, lines };
}
