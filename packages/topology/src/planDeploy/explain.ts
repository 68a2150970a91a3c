/** Plain-English reasons for steps, for a learner reading a plan. */
import type { Netns } from '../resolveTopology.js';
import type { RouteState, RuleState } from '../state.js';
import { lossOfRule } from '../tc.js';

export function where(netns: Netns): string {
  return netns === null ? 'the host' : netns;
}

const SYSCTLS: Array<[RegExp, (m: RegExpExecArray, v: string) => string]> = [
  [
    /^net\.ipv4\.ip_forward$/,
    (_, v) => (v === '1' ? 'route IPv4 packets between interfaces (act as a router)' : 'stop forwarding IPv4 packets'),
  ],
  [/^net\.ipv6\.conf\.all\.forwarding$/, (_, v) => (v === '1' ? 'route IPv6 packets between interfaces' : 'stop forwarding IPv6 packets')],
  [
    /^net\.ipv4\.conf\.([^.]+)\.proxy_arp$/,
    (m, v) =>
      v === '1'
        ? `${m[1]} answers ARP for addresses it can route to (proxy ARP): the "pseudo-bridge" trick`
        : `${m[1]} stops answering ARP for others`,
  ],
  [/^net\.ipv4\.conf\.([^.]+)\.rp_filter$/, (m, v) => `reverse-path filtering on ${m[1]} set to ${v}`],
  [
    /^net\.bridge\.bridge-nf-call-iptables$/,
    (_, v) => (v === '1' ? 'bridged IPv4 traffic passes through iptables (FORWARD chain)' : 'bridged traffic bypasses iptables'),
  ],
  [/^net\.ipv4\.neigh\.([^.]+)\.proxy_delay$/, (m, v) => `${m[1]} answers proxied ARP after up to ${Number(v) / 100} s`],
];

export function explainSysctl(key: string, value: string): string {
  for (const [re, f] of SYSCTLS) {
    const m = re.exec(key);
    if (m) return f(m, value);
  }
  return `set ${key} to ${value}`;
}

export function explainRoute(r: RouteState, netns: Netns): string {
  const dest = r.to === '0.0.0.0/0' || r.to === '::/0' ? 'anywhere not matched by a more specific route (default route)' : r.to;
  const how = [r.via ? `via gateway ${r.via}` : '', r.dev ? `out of ${r.dev}` : ''].filter(Boolean).join(' ');
  return `${where(netns)} sends packets for ${dest} ${how}`.trim();
}

export function explainRule(rule: RuleState): string {
  const a = rule.args;
  const opt = (o: string) => {
    const i = a.indexOf(o);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const neg = (o: string) => a[a.indexOf(o) - 1] === '!';
  const target = opt('-j');
  const loss = lossOfRule(rule);
  if (loss)
    return `drop ${loss.loss}% of the packets leaving ${loss.dev}, at random (loss impairment: an iptables rule, for kernels without netem)`;
  if (target === 'MASQUERADE') {
    const out = opt('-o');
    const via = out ? (neg('-o') ? ` unless they leave through ${out}` : ` leaving through ${out}`) : '';
    return `packets from ${opt('-s') ?? 'anywhere'}${via} get the outgoing interface's address as source (masquerade, SNAT)`;
  }
  if (target === 'DNAT') {
    const when = rule.chain === 'OUTPUT' ? 'connections made on this host' : 'connections arriving';
    return `${when} to ${opt('-p')} port ${opt('--dport')}${opt('-d') ? ` on ${opt('-d')}` : ''} go to ${opt('--to-destination')} (port publishing)`;
  }
  const parts = [
    opt('-i') && `in ${opt('-i')}`,
    opt('-o') && `out ${opt('-o')}`,
    opt('-s') && `from ${opt('-s')}`,
    opt('-d') && `to ${opt('-d')}`,
  ].filter(Boolean);
  return `${target === 'ACCEPT' ? 'forward' : 'drop'} packets ${parts.join(', ') || 'of any kind'}`;
}
