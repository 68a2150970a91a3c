/** A corpus of invalid labs: hostile names in every name field, broken files, wrong types and values. */
import { stringify } from 'yaml';

const BASE = () => ({
  name: 'corpus',
  nodes: {
    host: {
      kind: 'host',
      routes: [{ to: '10.250.1.0/24', dev: 'veth-c' }],
      sysctls: { 'net.ipv4.ip_forward': 1 },
      nat: [{ type: 'masquerade', source: '10.250.0.0/24' }],
    } as Record<string, unknown>,
    'cor-a': { kind: 'netns', vxlans: [{ name: 'vx0', vni: 5, remote: '10.250.0.9' }] } as Record<string, unknown>,
    'cor-br': { kind: 'bridge', addresses: ['10.250.0.1/24'] } as Record<string, unknown>,
  } as Record<string, Record<string, unknown>>,
  links: [
    {
      endpoints: [
        { node: 'cor-a', name: 'eth0', addresses: ['10.250.0.2/24'] },
        { node: 'cor-br', name: 'veth-a' },
      ],
    },
    {
      endpoints: [
        { node: 'host', name: 'veth-c', addresses: ['10.250.1.1/24'] },
        { node: 'cor-a', name: 'eth1' },
      ],
    },
  ] as Array<{ endpoints: Array<Record<string, unknown>> }>,
});

const HOSTILE = [
  '$(reboot)',
  '`touch /tmp/nslab-pwned`',
  'a;rm -rf /',
  'a b',
  'a\nb',
  'ünïcødé',
  'x'.repeat(16),
  'y'.repeat(300),
  '',
  '-rf',
  '../../etc',
  '|cat',
];

type Lab = ReturnType<typeof BASE>;
const FIELDS: Array<[string, (t: Lab, v: string) => void]> = [
  ['lab name', (t, v) => (t.name = v)],
  ['prefix', (t, v) => ((t as Record<string, unknown>).prefix = v)],
  [
    'netns node name',
    (t, v) => (
      (t.nodes[v] = { kind: 'netns' }),
      t.links.push({
        endpoints: [
          { node: v, name: 'e9' },
          { node: 'cor-br', name: 'v9' },
        ],
      })
    ),
  ],
  ['bridge node name', (t, v) => (t.nodes[v] = { kind: 'bridge' })],
  ['interface name', (t, v) => (t.links[0]!.endpoints[0]!.name = v)],
  ['host interface name', (t, v) => (t.links[1]!.endpoints[0]!.name = v)],
  ['vxlan name', (t, v) => ((t.nodes['cor-a']!.vxlans as Array<Record<string, unknown>>)[0]!.name = v)],
  ['route dev', (t, v) => ((t.nodes.host!.routes as Array<Record<string, unknown>>)[0]!.dev = v)],
  ['sysctl key', (t, v) => ((t.nodes.host!.sysctls as Record<string, number>)[v] = 1)],
  ['address', (t, v) => (t.links[0]!.endpoints[0]!.addresses = [v])],
  ['mac', (t, v) => (t.links[0]!.endpoints[0]!.mac = v)],
  ['nat source', (t, v) => ((t.nodes.host!.nat as Array<Record<string, unknown>>)[0]!.source = v)],
];

export interface BadCase {
  name: string;
  text: string;
}

export function badLabs(): BadCase[] {
  const out: BadCase[] = [];
  // 16 characters is too long only for interface names (bridges included); other names allow more.
  const ifnameFields = new Set(['bridge node name', 'interface name', 'host interface name', 'vxlan name', 'route dev']);
  for (const [field, set] of FIELDS) {
    for (const v of HOSTILE) {
      if (v === 'x'.repeat(16) && !ifnameFields.has(field)) continue;
      const t = BASE();
      set(t, v);
      out.push({ name: `${field} = ${JSON.stringify(v).slice(0, 30)}`, text: JSON.stringify(t) });
    }
  }
  const y = (mutate: (t: Lab) => void) => {
    const t = BASE();
    mutate(t);
    return stringify(t);
  };
  out.push(
    { name: 'empty file', text: '' },
    { name: 'only whitespace', text: '   \n\n' },
    { name: 'a 10 MB file', text: `name: big\nnodes: {}\n# ${'x'.repeat(10 * 1024 * 1024)}\n` },
    { name: 'deeply nested YAML', text: `name: deep\nnodes: ${'['.repeat(5000)}${']'.repeat(5000)}\n` },
    {
      name: 'a YAML alias bomb',
      text: `a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\nname: bomb\nnodes: {}\n`,
    },
    { name: 'binary garbage', text: '\u0000\u0001\u0002\u00ff\ufffe' },
    { name: 'a YAML syntax error', text: 'name: x\nnodes: {a: [}\n' },
    { name: 'nodes is a number', text: y((t) => ((t as Record<string, unknown>).nodes = 5)) },
    { name: 'links is a map', text: y((t) => ((t as Record<string, unknown>).links = { a: 1 })) },
    { name: 'addresses is a string', text: y((t) => (t.links[0]!.endpoints[0]!.addresses = '10.250.0.2/24' as never)) },
    { name: 'mtu is a string', text: y((t) => (t.links[0]!.endpoints[0]!.mtu = 'big')) },
    { name: 'mtu 70000', text: y((t) => (t.links[0]!.endpoints[0]!.mtu = 70000)) },
    { name: 'mtu -1', text: y((t) => (t.links[0]!.endpoints[0]!.mtu = -1)) },
    { name: 'vni too large', text: y((t) => ((t.nodes['cor-a']!.vxlans as Array<Record<string, unknown>>)[0]!.vni = 2 ** 24)) },
    { name: 'dstport 0', text: y((t) => ((t.nodes['cor-a']!.vxlans as Array<Record<string, unknown>>)[0]!.dstport = 0)) },
    { name: 'metric too large', text: y((t) => ((t.nodes.host!.routes as Array<Record<string, unknown>>)[0]!.metric = 2 ** 33)) },
    { name: 'sysctl value is text', text: y((t) => ((t.nodes.host!.sysctls as Record<string, unknown>)['net.ipv4.ip_forward'] = 'on')) },
    { name: 'unknown node kind', text: y((t) => (t.nodes['cor-a']!.kind = 'router')) },
    { name: 'unknown top-level key', text: y((t) => ((t as Record<string, unknown>).extra = 1)) },
    { name: 'two host nodes', text: y((t) => (t.nodes.host2 = { kind: 'host' })) },
    { name: 'a duplicate interface name', text: y((t) => (t.links[1]!.endpoints[1]!.name = 'eth0')) },
    { name: 'a duplicate address on one segment', text: y((t) => (t.nodes['cor-br']!.addresses = ['10.250.0.2/24'])) },
    { name: 'a link to a missing node', text: y((t) => (t.links[0]!.endpoints[0]!.node = 'ghost')) },
    { name: 'a link from a node to itself', text: y((t) => (t.links[0]!.endpoints[1]!.node = 'cor-a')) },
    {
      name: 'a gateway off every subnet',
      text: y((t) => ((t.nodes.host!.routes as Array<Record<string, unknown>>)[0] = { to: 'default', via: '10.99.99.1' })),
    },
    { name: 'a duplicate key', text: 'name: dup\nname: dup2\nnodes: {}\n' },
  );
  return out;
}

/** Bodies the API must refuse with a 4xx and a reason. */
export const BAD_BODIES: Array<[string, string, string | undefined]> = [
  ['POST', '/api/labs', '{not json'],
  ['POST', '/api/labs', '[]'],
  ['POST', '/api/labs', '"a string"'],
  ['POST', '/api/labs', '{}'],
  ['POST', '/api/labs', '{"text": 5}'],
  ['POST', '/api/labs', '{"topology": "x"}'],
  ['POST', '/api/labs', JSON.stringify({ name: '$(reboot)', text: 'name: x\nnodes: {}\n' })],
  ['POST', '/api/labs', JSON.stringify({ name: 'Upper', text: 'name: x\nnodes: {}\n' })],
  ['POST', '/api/labs', JSON.stringify({ text: 'x'.repeat(5 * 1024 * 1024) })],
  ['POST', '/api/labs', JSON.stringify({ text: 'name: [' })],
  ['POST', '/api/plan', JSON.stringify({ text: 'name: x\nnodes:\n  a: { kind: router }\n' })],
  ['POST', '/api/plan', JSON.stringify({ topology: { name: 'x', nodes: { a: { kind: 'netns', routes: 5 } } } })],
  ['POST', '/api/import-script', JSON.stringify({ text: 7 })],
  ['POST', '/api/import-clab', JSON.stringify({ text: 7 })],
  ['POST', '/api/import-clab', JSON.stringify({ text: 'name: x\nnodes: {}\n' })],
  ['GET', '/api/labs/..%2F..%2Fetc%2Fpasswd', undefined],
  ['GET', '/api/labs/%24(reboot)', undefined],
  ['GET', '/api/labs/nope/revisions/abc', undefined],
  ['GET', '/api/captures/..%2F..%2Fetc%2Fshadow', undefined],
  ['GET', '/api/captures/00000000000000000000000000000000', undefined],
  ['POST', '/api/labs/nope/deploy', '{}'],
  ['POST', '/api/labs/nope/rename', JSON.stringify({ to: '../x' })],
];
