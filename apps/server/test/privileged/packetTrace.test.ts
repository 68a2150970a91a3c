/**
 * `nslab trace` on the real kernel, on every seed scenario: the model walk's
 * verdict and the live probe's, the hops they name, exit codes, the API
 * route, a sandbox, hostile input, and nothing left behind (no TRACE rule,
 * no monitor).
 */
import fs from 'node:fs';
import type { TraceResult } from '@nslab/topology';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer } from '../../src/serve.js';
import { removeSandbox } from '../../src/sandbox/sandbox.js';
import { deployOk, destroyQuietly, isRoot, labFile, labFromYaml, nslab, removeLabs, sh, templateCopy } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';
import { fetch, testServer } from '../client.js';

/** A template as this suite's own lab: own name and prefix, host-side names and addresses swapped for its own. */
function copy(file: string, name: string, prefix: string, swaps: Array<[RegExp, string]> = []) {
  let text = templateCopy(file, name, prefix).text;
  for (const [from, to] of swaps) text = text.replace(from, to);
  return { text, topology: labFromYaml(text) };
}

// a ── r ── b: r routes between two subnets.
const router = (name: string, prefix: string, net: number, extra = '') => `name: ${name}
prefix: ${prefix}
nodes:
  a: { kind: netns, routes: [{ to: default, via: 10.243.${net}.1 }] }
  r:
    kind: netns
    sysctls: { net.ipv4.ip_forward: 1 }
${extra}
  b: { kind: netns, routes: [{ to: default, via: 10.243.${net + 1}.1 }] }
links:
  - endpoints: [{ node: a, name: eth0, addresses: [10.243.${net}.2/24] }, { node: r, name: eth-a, addresses: [10.243.${net}.1/24] }]
  - endpoints: [{ node: b, name: eth0, addresses: [10.243.${net + 1}.2/24] }, { node: r, name: eth-b, addresses: [10.243.${net + 1}.1/24] }]
checks:
  - { from: a, ping: 10.243.${net + 1}.2 }
`;

// Two pods on one bridge inside r, whose FORWARD policy is DROP (as Docker leaves it): seed 03's trap.
const BRIDGED = `name: ptr-br
prefix: ptrb-
nodes:
  r: { kind: netns, firewall: { forwardPolicy: drop } }
  br0: { kind: bridge, netns: r }
  p1: { kind: netns }
  p2: { kind: netns }
links:
  - endpoints: [{ node: p1, name: eth0, addresses: [10.243.20.11/24] }, { node: br0, name: veth-p1 }]
  - endpoints: [{ node: p2, name: eth0, addresses: [10.243.20.12/24] }, { node: br0, name: veth-p2 }]
`;

// Two pods on a bridge; the port towards p2 drops all it sends (loss: 100%, no netem here: a physdev rule).
const LOSSY = (loss: string) => `name: ptr-loss
prefix: ptrl-
nodes:
  br0: { kind: bridge, netns: r }
  r: { kind: netns }
  p1: { kind: netns }
  p2: { kind: netns }
links:
  - endpoints: [{ node: p1, name: eth0, addresses: [10.243.22.11/24] }, { node: br0, name: veth-p1 }]
  - endpoints: [{ node: p2, name: eth0, addresses: [10.243.22.12/24] }, { node: br0, name: veth-p2, impair: { loss: ${loss} } }]
`;

const LABS = {
  l3: copy('03-l3-only.yaml', 'ptr-l3', 'ptr3-', [
    [/veth-ns/g, 'p3v-ns'],
    [/172\.30\.30\./g, '10.243.3.'],
  ]),
  parp: copy('04-proxy-arp.yaml', 'ptr-parp', 'ptr4-', [
    [/veth-ns/g, 'p4v-ns'],
    [/172\.30\.30\./g, '10.243.4.'],
  ]),
  two: copy('06-two-nodes.yaml', 'ptr-two', 'ptr6-'),
  vx: copy('08-vxlan-overlay.yaml', 'ptr-vx', 'ptr8-'),
  pub: copy('07-port-publishing.yaml', 'ptr-pub', 'ptr7-', [
    [/cbr0/g, 'p7br0'],
    [/\bveth([01])\b/g, 'p7vth$1'],
    [/192\.168\.60\./g, '10.243.7.'],
  ]),
  fw: {
    text: router('ptr-fw', 'ptrf-', 11, '    firewall: { forwardPolicy: drop }'),
    topology: labFromYaml(router('ptr-fw', 'ptrf-', 11, '    firewall: { forwardPolicy: drop }')),
  },
  rt: { text: router('ptr-rt', 'ptrr-', 13), topology: labFromYaml(router('ptr-rt', 'ptrr-', 13)) },
  br: { text: BRIDGED, topology: labFromYaml(BRIDGED) },
  loss: { text: LOSSY('100%'), topology: labFromYaml(LOSSY('100%')) },
};
const API_LAB = router('ptr-api', 'ptra-', 15);
const SANDBOX = 'ptrs';
const SANDBOX_LAB = router('ptr-sbx', 'ptrs-', 17, '    firewall: { forwardPolicy: drop }');

async function trace(...args: string[]): Promise<{ code: number; result: TraceResult; stderr: string }> {
  const r = await nslab('trace', ...args, '--json');
  return {
    code: r.code,
    result: r.stdout ? (JSON.parse(r.stdout) as TraceResult) : (undefined as unknown as TraceResult),
    stderr: r.stderr,
  };
}

/** No TRACE rule (nor the probe's mangle rule) is left in any namespace of these labs. */
async function noProbeLeft(prefixes: string[]) {
  const list = (await sh(['ip', 'netns', 'list'])).stdout;
  const mine = list
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => prefixes.some((p) => n.startsWith(p)));
  for (const ns of mine) {
    const save = (await sh(['ip', 'netns', 'exec', ns, 'iptables-save'])).stdout;
    expect(save, `no probe rule left in ${ns}`).not.toMatch(/TRACE|-A POSTROUTING .*-p icmp -s/);
  }
  // Monitors in these labs' namespaces (others may run their own elsewhere).
  const inodes = new Set(mine.map((ns) => fs.statSync(`/run/netns/${ns}`).ino));
  const monitors = fs
    .readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return (
          fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('xtables-monitor') && inodes.has(fs.statSync(`/proc/${p}/ns/net`).ino)
        );
      } catch {
        return false;
      }
    });
  expect(mine.length).toBeGreaterThan(10);
  expect(monitors, 'no xtables-monitor left running').toEqual([]);
}

describe.skipIf(!isRoot)('nslab trace on the real kernel', () => {
  let guard: HostGuard | undefined;
  const all = Object.values(LABS);

  beforeAll(async () => {
    await removeLabs([...all.map((l) => l.topology.name), 'ptr-api']);
    guard = await guardHost([...all.map((l) => l.topology), labFromYaml(API_LAB)]);
    for (const l of all) await deployOk(l.topology);
  }, 120_000);
  afterAll(async () => {
    for (const l of all) await destroyQuietly(l.topology.name);
    await destroyQuietly('ptr-api');
    try {
      await guard?.expectRestored();
    } finally {
      await guard?.release();
    }
  }, 120_000);

  it('L3-only /32: the packet never leaves the pod — no ARP answer on its veth (model and live agree)', async () => {
    const { code, result } = await trace('ptr-l3', 'ns1', 'ns2');
    expect(code).toBe(1);
    expect(result.verdict).toBe('dropped');
    expect(result.to).toBe('10.243.3.12');
    expect(result.sentence).toMatch(
      /^never left ns1: no ARP reply for 10\.243\.3\.12 on p3v-ns1-pod \((neighbour \w+|no neighbour entry yet)\) — nothing answers for that address on this link.*proxy ARP/,
    );
    expect(result.hops.map((h) => [h.kind, h.node])).toEqual([
      ['send', 'ns1'],
      ['drop', 'ns1'],
    ]);
    expect(result.hops[0]!.link).toBe(0);
    expect(result.live).toMatchObject({ verdict: 'dropped', lastNode: 'ns1' });
    expect(result.live!.sentence).toMatch(/left ns1 by p3v-ns1-pod and was seen nowhere after/);
    expect(result.disagreement).toBeUndefined();
  });

  it('proxy ARP: delivered through the host with TTL 63, and the reply comes back', async () => {
    const { code, result } = await trace('ptr-parp', 'ns1', 'ns2');
    expect(code).toBe(0);
    expect(result.sentence).toBe('delivered to ns2 (10.243.4.12) via host, TTL 63');
    expect(result.hops.filter((h) => !h.reply).map((h) => h.node)).toEqual(['ns1', 'host', 'ns2']);
    expect(result.hops[0]!.neighbour?.answeredBy).toBe('p4v-ns1 in host (proxy ARP)');
    expect(result.hops.some((h) => h.reply)).toBe(true);
    expect(result.live).toMatchObject({ verdict: 'delivered', ttl: 63 });
    expect(result.live!.seen.map((s) => s.node)).toEqual(['ns1', 'host', 'ns2']);
  });

  it('two-node pod routing: through both nodes and both bridges, TTL 62, each link lit', async () => {
    const { code, result } = await trace('ptr-two', 'pod1', 'pod2');
    expect(code).toBe(0);
    expect(result.sentence).toBe('delivered to pod2 (10.1.2.2) via node1, node2, TTL 62');
    const request = result.hops.filter((h) => !h.reply);
    expect(request.map((h) => `${h.kind}:${h.node}`)).toEqual([
      'send:pod1',
      'bridge:br-node1',
      'forward:node1',
      'forward:node2',
      'deliver:pod2',
    ]);
    // links: 0 the underlay, 1 pod1's veth, 2 pod2's veth
    expect(request.map((h) => h.link)).toEqual([1, undefined, 0, 2, undefined]);
    expect(request[2]!.firewall).toMatch(/FORWARD rule \d ACCEPT: -A FORWARD -i br-node1 -o eth0 -j ACCEPT/);
    expect(result.live?.verdict).toBe('delivered');
  });

  it('a FORWARD default-drop router: names the chain, the policy and the packet no rule matched', async () => {
    const { code, result } = await trace('ptr-fw', 'a', 'b');
    expect(code).toBe(1);
    expect(result.sentence).toBe('dropped in r: FORWARD policy DROP, no rule matched 10.243.11.2 → 10.243.12.2');
    expect(result.hops.at(-1)).toMatchObject({ kind: 'drop', node: 'r', in: 'eth-a', out: 'eth-b' });
    expect(result.live).toMatchObject({ verdict: 'dropped', lastNode: 'r' });
    expect(result.live!.sentence).toBe('the real packet was dropped in r: filter/FORWARD policy DROP (in eth-a, out eth-b)');
  });

  it("a failed check's explanation carries the tracer's verdict as its hint", async () => {
    const r = await nslab('check', labFile(LABS.fw.text, 'ptr-fw'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('trace: dropped in r: FORWARD policy DROP, no rule matched 10.243.11.2 → 10.243.12.2');
  });

  it('pods on one bridge behind FORWARD DROP: the bridge hop is where it dies, and why (bridge-nf-call-iptables)', async () => {
    const { code, result } = await trace('ptr-br', 'p1', 'p2');
    expect(code).toBe(1);
    expect(result.sentence).toMatch(
      /^dropped in r: FORWARD policy DROP, no rule matched 10\.243\.20\.11 → 10\.243\.20\.12 — bridged traffic on br0 passes the FORWARD chain/,
    );
    expect(result.hops.map((h) => h.kind)).toEqual(['send', 'bridge', 'drop']);
    expect(result.hops[1]).toMatchObject({ node: 'br0', in: 'veth-p1', out: 'veth-p2' });
    expect(result.live).toMatchObject({ verdict: 'dropped', lastNode: 'r' });
  });

  it('port publishing: shows the DNAT rewrite, and that br_netfilter switches (not routes) the DNATed packet', async () => {
    const { code, result } = await trace('ptr-pub', 'netns1', '10.243.7.1', '--proto', 'tcp', '--port', '5000');
    expect(code).toBe(0);
    const dnat = result.hops.find((h) => h.nat?.startsWith('DNAT'));
    expect(dnat).toMatchObject({ node: 'host', in: 'p7br0', out: 'p7br0' });
    expect(dnat!.nat).toMatch(/^DNAT 10\.243\.7\.1:5000 → 10\.243\.7\.10:5000 \(nat\/PREROUTING rule \d\); back out on bridge p7br0/);
    expect(result.sentence).toBe('delivered to netns0 (10.243.7.10:5000, DNAT from 10.243.7.1:5000) via host, TTL 64');
    // nothing listens: the real SYN is refused by netns0, which is still delivery.
    expect(result.live).toMatchObject({ verdict: 'delivered', lastNode: 'netns0', ttl: 64 });
    expect(result.disagreement).toBeUndefined();
  });

  it('VXLAN: shows the encapsulation and decapsulation hops across the underlay', async () => {
    const { code, result } = await trace('ptr-vx', 'netns0', 'netns1');
    expect(code).toBe(0);
    const request = result.hops.filter((h) => !h.reply);
    expect(request.map((h) => `${h.kind}:${h.node}`)).toEqual([
      'send:netns0',
      'bridge:cbr0-h0',
      'encap:host0',
      'decap:host1',
      'bridge:cbr0-h1',
      'deliver:netns1',
    ]);
    expect(request[2]!.note).toBe('encapsulated: VXLAN VNI 1: 10.200.0.1 → 10.200.0.2 UDP 4789 by eth0');
    expect(request[2]!.link).toBe(0);
    expect(result.live?.verdict).toBe('delivered');
  });

  it('loss on a bridge port drops what the bridge sends out of it; the trace says which port', async () => {
    const { code, result } = await trace('ptr-loss', 'p1', 'p2');
    expect(code).toBe(1);
    expect(result.sentence).toMatch(/^dropped in br0: port veth-p2 drops every packet it sends \(loss 100%/);
    expect(result.live).toMatchObject({ verdict: 'dropped', lastNode: 'r' });
    expect(result.live!.sentence).toMatch(/mangle\/POSTROUTING DROP: .*--physdev-out veth-p2/);
    // Loss 0%: the same deploy removes the rule, and the pods reach each other.
    expect((await nslab('deploy', labFile(LOSSY('0%'), 'ptr-loss'))).code).toBe(0);
    expect((await trace('ptr-loss', 'p1', 'p2')).code).toBe(0);
  });

  describe('faults made by hand on a working router', () => {
    const inR = (...argv: string[]) => sh(['ip', 'netns', 'exec', 'ptrr-r', ...argv]);

    it('delivers when nothing is wrong', async () => {
      const { code, result } = await trace('ptr-rt', 'a', 'b');
      expect(code).toBe(0);
      expect(result.sentence).toBe('delivered to b (10.243.14.2) via r, TTL 63');
    });

    it('ip_forward=0 on the router', async () => {
      await inR('sysctl', '-qw', 'net.ipv4.ip_forward=0');
      try {
        const { code, result } = await trace('ptr-rt', 'a', 'b');
        expect(code).toBe(1);
        expect(result.sentence).toMatch(/^dropped in r: net\.ipv4\.ip_forward is 0, so r does not route packets between its interfaces/);
        expect(result.live!.sentence).toMatch(/arrived in r on eth-a and went no further, with no firewall verdict/);
      } finally {
        await inR('sysctl', '-qw', 'net.ipv4.ip_forward=1');
      }
    });

    it('a blackhole route', async () => {
      await inR('ip', 'route', 'add', 'blackhole', '10.243.14.2/32');
      try {
        const { code, result } = await trace('ptr-rt', 'a', 'b', '--no-probe');
        expect(code).toBe(1);
        expect(result.live).toBeUndefined();
        expect(result.sentence).toMatch(/^dropped in r: a blackhole route for 10\.243\.14\.2/);
      } finally {
        await inR('ip', 'route', 'del', 'blackhole', '10.243.14.2/32');
      }
    });

    it('strict rp_filter on an asymmetric path', async () => {
      await inR('sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1');
      await inR('ip', 'route', 'add', '10.243.13.0/25', 'dev', 'eth-b');
      try {
        const { code, result } = await trace('ptr-rt', 'a', 'b', '--no-probe');
        expect(code).toBe(1);
        expect(result.sentence).toMatch(
          /^dropped in r: rp_filter=1 on eth-a drops 10\.243\.13\.2 → 10\.243\.14\.2: r's route back to 10\.243\.13\.2 does not leave by eth-a/,
        );
      } finally {
        await inR('ip', 'route', 'del', '10.243.13.0/25', 'dev', 'eth-b');
        await inR('sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0');
      }
    });

    it("the far end's link down: no carrier on the router's side", async () => {
      await sh(['ip', '-n', 'ptrr-b', 'link', 'set', 'eth0', 'down']);
      try {
        const { code, result } = await trace('ptr-rt', 'a', 'b');
        expect(code).toBe(1);
        expect(result.sentence).toBe('dropped in r: eth-b has no carrier: the other end of its link is down');
        expect(result.live!.sentence).toMatch(/left r by eth-b and was seen nowhere after/);
      } finally {
        // Down took b's routes through eth0 with it: up again, and a deploy puts the lab back.
        await sh(['ip', '-n', 'ptrr-b', 'link', 'set', 'eth0', 'up']);
        expect((await nslab('deploy', labFile(LABS.rt.text, 'ptr-rt'))).code).toBe(0);
      }
    });

    it('traces from a named interface, and to an address outside the lab says it cannot follow it', async () => {
      const ok = await trace('ptr-rt', 'a:eth0', '10.243.14.2', '--no-probe');
      expect(ok.code).toBe(0);
      expect(ok.result.hops[0]!.packet.src).toBe('10.243.13.2');
      const out = await trace('ptr-rt', 'r', '10.243.99.1', '--no-probe');
      expect(out.code).not.toBe(0);
      expect(out.result.sentence).toMatch(/no route to 10\.243\.99\.1/);
    });
  });

  it('leaves nothing behind: no TRACE rule in any namespace, no monitor running', async () => {
    await noProbeLeft(['ptr3-', 'ptr4-', 'ptr6-', 'ptr8-', 'ptr7-', 'ptrf-', 'ptrr-', 'ptrb-', 'ptrl-']);
    const host = (await sh(['iptables-save'])).stdout;
    expect(host).not.toMatch(/nslab:ptr-[a-z0-9]+" -j TRACE/);
  });

  it("a killed probe's rules are not drift, and the next trace (or destroy) removes them", async () => {
    const leftover = (table: string, rule: string, mark: string) => `*${table}\n-A ${rule} -m comment --comment ${mark}\nCOMMIT\n`;
    const restore = (netns: string | null, input: string) =>
      sh([...(netns ? ['ip', 'netns', 'exec', netns] : []), 'iptables-restore', '--noflush'], { input });
    // As a probe killed mid-way leaves them: in the host (the lab has a host node) and in one of its namespaces.
    expect((await restore(null, leftover('raw', 'PREROUTING -p icmp -s 10.243.4.11/32 -j TRACE', 'nslab:ptr-parp'))).code).toBe(0);
    expect((await restore('ptr4-ns2', leftover('mangle', 'POSTROUTING -p icmp -d 10.243.4.11/32', 'nslab:ptr-parp'))).code).toBe(0);
    expect((await nslab('status', 'ptr-parp')).code).toBe(0);
    expect((await trace('ptr-parp', 'ns1', 'ns2')).code).toBe(0);
    expect((await sh(['iptables-save'])).stdout).not.toContain('nslab:ptr-parp');
    expect((await sh(['ip', 'netns', 'exec', 'ptr4-ns2', 'iptables-save'])).stdout).not.toContain('nslab:ptr-parp');
    // Destroy clears the host's too.
    expect((await restore(null, leftover('mangle', 'POSTROUTING -p icmp -s 10.243.3.11/32', 'nslab:ptr-l3'))).code).toBe(0);
    expect((await nslab('destroy', 'ptr-l3')).code).toBe(0);
    expect((await sh(['iptables-save'])).stdout).not.toContain('nslab:ptr-l3');
  });

  describe('refuses what is not a trace, with exit 2 and a message naming the part', () => {
    it.each([
      [['ptr-rt', 'a;reboot', 'b'], /from: "a;reboot" is not NODE or NODE:INTERFACE/],
      [['ptr-rt', 'a', '-rf'], /Unknown option '-r'/],
      [['ptr-rt', 'a', '--', '-rf'], /to: "-rf" is neither an address nor a node/],
      [['ptr-rt', 'a', '$(reboot)'], /to: .* is neither an address nor a node/],
      [['ptr-rt', 'nobody', 'b'], /from: lab "ptr-rt" has no node "nobody"/],
      [['ptr-rt', 'a', 'b', '--proto', 'sctp'], /proto: "sctp" is not icmp, tcp or udp/],
      [['ptr-rt', 'a', 'b', '--proto', 'tcp'], /port: tcp needs a port/],
      [['ptr-rt', 'a', 'b', '--proto', 'tcp', '--port', '70000'], /port: 70000 is not a port/],
      [['ptr-rt', 'a', 'b', '--port', '1;2'], /--port: .* is not a port number/],
      [['ptr-none', 'a', 'b'], /lab ptr-none is not deployed/],
      [['../etc', 'a', 'b'], /is not a lab name/],
      [['ptr-rt', 'a:eth0:x', 'b'], /is not NODE or NODE:INTERFACE/],
      [['ptr-rt', 'a:no-such', 'b'], /a has no interface "no-such"/],
      [['ptr-rt', 'toString', 'b'], /from: lab "ptr-rt" has no node "toString"/],
      [['ptr-rt', 'a', '__proto__'], /to: "__proto__" is neither an address nor a node/],
    ])('%j', async (args, message) => {
      const r = await nslab('trace', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    });
  });

  describe('the API route', () => {
    let srv: RunningServer;
    let base: string;
    const post = (u: string, b: unknown = {}, auth = true) =>
      (auth ? fetch : globalThis.fetch)(`${base}${u}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(auth ? {} : { authorization: 'Bearer wrong' }) },
        body: JSON.stringify(b),
      });
    beforeAll(async () => {
      srv = await testServer('ptr');
      base = srv.url.replace(/\/$/, '');
      expect((await post('/api/labs', { text: API_LAB })).status).toBe(201);
      expect((await (await post('/api/labs/ptr-api/deploy')).json()).ok).toBe(true);
    }, 60_000);
    afterAll(async () => {
      await srv?.close();
    });

    it('is in the tool list, and traces a node to a node with the live probe', async () => {
      const tools = (await (await fetch(`${base}/api/tools`)).json()) as Array<{
        name: string;
        on: string;
        params: Array<{ name: string; kind: string }>;
      }>;
      expect(tools.find((t) => t.name === 'trace')).toMatchObject({
        on: 'node',
        params: [{ name: 'to', kind: 'target' }, { name: 'proto' }, { name: 'port' }, { name: 'live' }],
      });
      const res = await post('/api/labs/ptr-api/nodes/a/trace?to=b&live=1');
      expect(res.status).toBe(200);
      const r = (await res.json()) as TraceResult;
      expect(r).toMatchObject({ verdict: 'delivered', to: '10.243.16.2', toNode: 'b', live: { verdict: 'delivered' } });
    });

    it.each([
      ['to=%24(reboot)', /to: .* is neither an IP address nor a node of the lab/],
      ['to=b&proto=sctp', /proto: give one of: icmp, tcp, udp/],
      ['to=b&proto=tcp&port=99999', /port: .* is not a whole number from 0 to 65535/],
      ['to=b&proto=tcp', /port: tcp needs a port/],
    ])('refuses %s with 400', async (q, message) => {
      const res = await post(`/api/labs/ptr-api/nodes/a/trace?${q}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(message);
    });

    it('refuses a request without the token', async () => {
      const res = await post('/api/labs/ptr-api/nodes/a/trace?to=b', {}, false);
      expect(res.status).toBe(401);
    });
  });

  describe('in a sandbox', () => {
    afterAll(async () => {
      await nslab('destroy', '--sandbox', SANDBOX, 'ptr-sbx');
      await removeSandbox(SANDBOX);
    }, 60_000);

    it('traces a lab inside a sandbox, live probe included, and names the drop', async () => {
      const file = labFile(SANDBOX_LAB, 'ptr-sbx');
      expect((await nslab('deploy', '--sandbox', SANDBOX, file)).code).toBe(0);
      const { code, result } = await trace('--sandbox', SANDBOX, 'ptr-sbx', 'a', 'b');
      expect(code).toBe(1);
      expect(result.sentence).toBe('dropped in r: FORWARD policy DROP, no rule matched 10.243.17.2 → 10.243.18.2');
      expect(result.live).toMatchObject({ verdict: 'dropped', lastNode: 'r' });
      // The sandbox's own namespaces, not the host's, hold the lab.
      expect((await nslab('trace', 'ptr-sbx', 'a', 'b')).code).toBe(2);
    }, 60_000);
  });
});
