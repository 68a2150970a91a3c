/**
 * nslab discover: the live host as a lab. Reads every namespace (or only
 * nslab's), resolves each veth's peer across namespaces (link-netnsid and the
 * peer's ifindex), and writes what it found as the ip/iptables/sysctl
 * commands that would build it; the script importer turns those into a lab,
 * so discovery and import share one interpreter.
 */
import { importScript, labOfMark, type ImportResult } from '@nslab/topology';
import { listNetnsIds } from './observe.js';
import { parseIptablesSave, parseJsonLines, parseSysctl, SCOPE_BATCH, toRouteStates, type IpLink, type IpRoute } from './observe/parse.js';
import { ipBatchEach } from './nsPool.js';
import { inNetns, mapLimit, type Runner } from './runner.js';
import { parallelism } from './paths.js';

interface Scope {
  netns: string | null;
  links: IpLink[];
  routes: IpRoute[];
  routes6: IpRoute[];
  /** nsid → namespace name, as this namespace numbers them (null: a namespace without a name: the host). */
  nsids: Map<number, string | null>;
  owner?: string;
}

export interface DiscoverOptions {
  /** Include namespaces and links nslab did not make (a Kubernetes node's, say). */
  all?: boolean;
  name?: string;
}

export async function discoverHost(runner: Runner, opts: DiscoverOptions = {}): Promise<ImportResult & { script: string }> {
  let entries = await listNetnsIds(runner);
  const BATCH = `${SCOPE_BATCH}netns list-id\n`;
  const [host, each] = await Promise.all([
    runner.run(['ip', '-json', '-details', '-batch', '-'], { input: BATCH }),
    ipBatchEach(runner, entries.map((e) => ({ netns: e.name, input: BATCH })), ['-json', '-details'], { linesPerJob: 4 }),
  ]);
  // nsids are handed out lazily by the link dumps above: list them again now (see observe.ts).
  entries = await listNetnsIds(runner);
  const toScope = (netns: string | null, stdout: string): Scope => {
    const [links = [], r4 = [], r6 = [], ids = []] = parseJsonLines(stdout);
    const nsids = new Map<number, string | null>();
    for (const e of ids as Array<{ nsid: number; name?: string }>) nsids.set(e.nsid, e.name ?? null);
    if (netns === null) for (const e of entries) if (e.id !== undefined) nsids.set(e.id, e.name);
    const lo = (links as IpLink[]).find((l) => l.ifname === 'lo');
    return { netns, links: links as IpLink[], routes: r4 as IpRoute[], routes6: r6 as IpRoute[], nsids, owner: labOfMark(lo?.ifalias) };
  };
  const scopes = [toScope(null, host.stdout), ...entries.flatMap((e) => {
    const r = each.get(e.name);
    return r && r.code === 0 ? [toScope(e.name, r.stdout)] : [];
  })];
  const byName = new Map(scopes.map((s) => [s.netns, s]));
  const kept = scopes.filter((s) => s.netns !== null && (opts.all || s.owner));
  const keptNames = new Set(kept.map((s) => s.netns));
  const interesting = (s: Scope, l: IpLink) => {
    const kind = l.linkinfo?.info_kind;
    if (kind !== 'veth' && kind !== 'bridge' && kind !== 'vxlan') return false;
    return s.netns !== null || opts.all || !!labOfMark(l.ifalias);
  };
  const peerOf = (s: Scope, l: IpLink): { netns: string | null; link: IpLink } | undefined => {
    if (l.link_index === undefined) return undefined;
    const ns = l.link_netnsid === undefined ? s.netns : (s.nsids.get(l.link_netnsid) ?? null);
    const link = byName.get(ns)?.links.find((p) => p.ifindex === l.link_index);
    return link ? { netns: ns, link } : undefined;
  };

  const lines: string[] = [];
  const inNs = (ns: string | null, cmd: string) => (ns === null ? cmd : cmd.replace(/^ip /, `ip -n ${ns} `).replace(/^(iptables|sysctl) /, `ip netns exec ${ns} $1 `));
  for (const s of kept) lines.push(`ip netns add ${s.netns}`);
  const done = new Set<string>();
  const all = [byName.get(null)!, ...kept];
  for (const s of all) {
    for (const l of s.links) {
      if (!interesting(s, l)) continue;
      const kind = l.linkinfo!.info_kind!;
      if (kind === 'bridge') lines.push(inNs(s.netns, `ip link add name ${l.ifname} type bridge`));
      if (kind === 'vxlan') {
        const d = l.linkinfo!.info_data ?? {};
        const opt = (k: string, v: unknown) => (v === undefined ? '' : ` ${k} ${v}`);
        lines.push(inNs(s.netns, `ip link add ${l.ifname} type vxlan id ${d.id}${opt('remote', d.remote)}${opt('group', d.group)}${opt('local', d.local)} dstport ${d.port ?? 4789}${opt('dev', d.link)}`));
      }
      if (kind === 'veth') {
        const key = `${s.netns ?? ''}/${l.ifname}`;
        if (done.has(key)) continue;
        const p = peerOf(s, l);
        if (!p || (p.netns !== null && !keptNames.has(p.netns)) || (p.netns === null && !interesting(byName.get(null)!, p.link))) continue;
        done.add(key).add(`${p.netns ?? ''}/${p.link.ifname}`);
        const where = (ns: string | null) => (ns === null ? '' : ` netns ${ns}`);
        lines.push(`ip link add ${l.ifname}${where(s.netns)} type veth peer name ${p.link.ifname}${where(p.netns)}`);
      }
    }
  }
  for (const s of all) {
    for (const l of s.links) {
      if (!interesting(s, l)) continue;
      if (l.master) lines.push(inNs(s.netns, `ip link set dev ${l.ifname} master ${l.master}`));
      for (const a of l.addr_info ?? []) if (a.scope !== 'link' && a.scope !== 'host') lines.push(inNs(s.netns, `ip addr add ${a.local}/${a.prefixlen} dev ${l.ifname}`));
    }
    const devs = new Set(s.links.filter((l) => interesting(s, l)).map((l) => l.ifname));
    for (const r of [...toRouteStates(s.routes, 4), ...toRouteStates(s.routes6, 6)]) {
      if (s.netns === null && (!r.dev || !devs.has(r.dev))) continue; // the host's own routes are not the lab's
      const to = r.to === '0.0.0.0/0' ? 'default' : r.to;
      lines.push(inNs(s.netns, `ip route add ${to}${r.via ? ` via ${r.via}` : ''}${r.dev ? ` dev ${r.dev}` : ''}${r.metric ? ` metric ${r.metric}` : ''}`));
    }
  }
  await mapLimit(all, parallelism(), async (s) => {
    const ifs = s.links.filter((l) => l.linkinfo?.info_kind === 'veth' && interesting(s, l)).map((l) => `net.ipv4.conf.${l.ifname}.proxy_arp`);
    const sys = parseSysctl((await runner.run(inNetns(s.netns, ['sysctl', 'net.ipv4.ip_forward', ...ifs]))).stdout);
    const mine: string[] = [];
    for (const [k, v] of Object.entries(sys)) if (v === '1' && (s.netns !== null || opts.all || k !== 'net.ipv4.ip_forward')) mine.push(inNs(s.netns, `sysctl -w ${k}=${v}`));
    const save = await runner.run(inNetns(s.netns, ['iptables-save']));
    const keep = (args: string[]) => s.netns !== null || opts.all || args.some((a) => a.startsWith('nslab:'));
    const t = parseIptablesSave(save.stdout, 4, keep);
    for (const r of t.rules) mine.push(inNs(s.netns, `iptables -t ${r.table} -A ${r.chain} ${r.args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}`));
    if (s.netns !== null && t.policies['v4:filter/FORWARD'] === 'DROP') mine.push(inNs(s.netns, 'iptables -P FORWARD DROP'));
    lines.push(...mine);
  });
  const labs = [...new Set(kept.map((s) => s.owner).filter(Boolean))];
  const name = opts.name ?? (labs.length === 1 ? labs[0]! : 'discovered');
  const script = `${lines.join('\n')}\n`;
  return { ...importScript(script, name), script };
}
