/** `nslab trace` as text: one block per hop, then the verdicts. */
import type { TraceHop, TraceResult } from '@nslab/topology';

export function formatTrace(r: TraceResult): string {
  const lines = [
    `trace ${r.from} → ${r.to}${r.toNode ? ` (${r.toNode})` : ''}, ${r.proto}${r.port ? ` port ${r.port}` : ''}, lab ${r.lab}`,
  ];
  let replyShown = false;
  r.hops.forEach((h, i) => {
    if (h.reply && !replyShown) {
      lines.push('  the reply:');
      replyShown = true;
    }
    lines.push(...hopLines(h, i + 1));
  });
  lines.push(`${r.verdict === 'delivered' ? 'delivered' : r.verdict === 'dropped' ? 'DROPPED' : 'cannot trace'}: ${r.sentence}`);
  if (r.live) {
    lines.push(`live probe: ${r.live.sentence}`);
    for (const s of r.live.seen) lines.push(`  seen in ${s.node}: ${s.events.join('; ')}`);
  }
  if (r.disagreement) lines.push(`note: ${r.disagreement}`);
  return lines.join('\n');
}

function hopLines(h: TraceHop, n: number): string[] {
  const where = [h.in && `in ${h.in}`, h.out && `out ${h.out}`].filter(Boolean).join(', ');
  const p = h.packet;
  const head = `${String(n).padStart(3)}  ${h.kind.padEnd(7)} ${h.node}${where ? ` (${where})` : ''}  ${p.src || '?'}${p.sport ? `:${p.sport}` : ''} → ${p.dst}${p.dport ? `:${p.dport}` : ''} ttl ${p.ttl}`;
  const detail = [
    h.route && `route: ${h.route}`,
    h.neighbour &&
      `neighbour ${h.neighbour.ip}: ${h.neighbour.state}${h.neighbour.answeredBy ? `, answered by ${h.neighbour.answeredBy}` : ''}`,
    h.nat && `nat: ${h.nat}`,
    h.firewall && !h.why?.startsWith(h.firewall) && `firewall: ${h.firewall}`,
    h.note,
    h.why && `why: ${h.why}`,
  ].filter((x): x is string => !!x);
  return [head, ...detail.map((d) => `        ${d}`)];
}
