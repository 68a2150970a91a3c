/**
 * Each seed document's scenario, deployed on the real kernel and checked with
 * real traffic; then redeployed (nothing changes) and destroyed (nothing left).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topology } from '@nslab/topology';
import { deployLab, destroyLab } from '../../src/lab.js';
import { deployOk, destroyQuietly, sh, isRoot, neighborState, ping, removeLabs, tcpProbe, tcpServer, templateCopy } from './helpers.js';
import { guardHost, type HostGuard } from './hostGuard.js';

/** Each seed's template, as this suite's own copy: lab `seed-NN`, namespaces prefixed `sNN-`; `ns(node)` names a node's namespace. */
function seedSuite(title: string, file: string, checks: (ns: (node: string) => string, t: Topology) => void): void {
  describe.skipIf(!isRoot)(title, () => {
    const prefix = `s${file.slice(0, 2)}-`;
    const { topology: t } = templateCopy(file, `seed-${file.slice(0, 2)}`, prefix);
    let guard: HostGuard | undefined;
    beforeAll(async () => {
      await removeLabs([t.name]);
      guard = await guardHost([t]);
      await deployOk(t);
    });
    afterAll(async () => {
      await destroyQuietly(t.name);
      await guard?.release();
    });

    checks((node) => `${prefix}${node}`, t);

    it('redeploying changes nothing', async () => {
      const { plan, result } = await deployLab(t);
      expect(plan.steps.map((s) => s.reason)).toEqual([]);
      expect(result.applied).toBe(0);
    });

    it('destroy leaves no namespace, link, rule or sysctl change behind', async () => {
      const { result } = await destroyLab(t.name);
      expect(result.ok).toBe(true);
      await guard!.expectRestored();
    });
  });
}

seedSuite('seed 01: L3-only /32 veths without proxy ARP', '03-l3-only.yaml', (ns) => {
  it('ns1 cannot reach ns2, and its neighbour entry for ns2 ends FAILED', async () => {
    expect((await ping(ns('ns1'), '172.30.30.12', 1)).ok).toBe(false);
    let state: string | undefined;
    for (let i = 0; i < 20 && state !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 300));
      state = await neighborState(ns('ns1'), '172.30.30.12');
    }
    expect(state).toBe('FAILED');
  });

  it("the host has two connected routes for 172.30.30.0/24, one per veth (the seed's routing table)", async () => {
    const routes = JSON.parse((await sh(['ip', '-json', 'route', 'show', '172.30.30.0/24'])).stdout) as Array<{ dev: string }>;
    expect(routes.map((r) => r.dev).sort()).toEqual(['veth-ns1', 'veth-ns2']);
  });
});

seedSuite('seed 02: proxy-ARP pseudo-bridge', '04-proxy-arp.yaml', (ns) => {
  it('ns1 reaches ns2 through the host, one routed hop: TTL 63', async () => {
    const r = await ping(ns('ns1'), '172.30.30.12');
    expect(r.ok, r.output).toBe(true);
    expect(r.ttl).toBe(63);
  });

  it('ns2 reaches ns1 the same way', async () => {
    const r = await ping(ns('ns2'), '172.30.30.11');
    expect(r.ttl).toBe(63);
  });
});

seedSuite('seed 04: two namespaces joined by one veth', '01-veth-pair.yaml', (ns) => {
  it('red and blue reach each other directly (TTL 64)', async () => {
    expect((await ping(ns('red'), '192.168.100.3')).ttl).toBe(64);
    expect((await ping(ns('blue'), '192.168.100.2')).ttl).toBe(64);
  });
});

seedSuite('seed 04: three namespaces on a bridge with a gateway and NAT', '02-bridge-nat.yaml', (ns) => {
  it('every namespace reaches the others and the gateway', async () => {
    const addrs = { red: '192.168.110.2', blue: '192.168.110.3', orange: '192.168.110.4' };
    for (const [from, _] of Object.entries(addrs)) {
      for (const [to, addr] of Object.entries(addrs)) if (to !== from) expect((await ping(ns(from), addr)).ttl, `${from} → ${to}`).toBe(64);
      expect((await ping(ns(from), '192.168.110.1')).ok).toBe(true);
    }
  });

  it('the host masquerades the bridge subnet, except towards the bridge itself', async () => {
    const { stdout } = await sh(['iptables-save', '-t', 'nat']);
    expect(stdout).toContain('-A POSTROUTING -s 192.168.110.0/24 ! -o cnio0 -m comment --comment "nslab:seed-02" -j MASQUERADE');
  });
});

seedSuite('seed 03: two emulated Kubernetes nodes routing their pod subnets', '06-two-nodes.yaml', (ns) => {
  it('pod1 reaches pod2 across both nodes: two routed hops, TTL 62', async () => {
    const r = await ping(ns('pod1'), '10.1.2.2');
    expect(r.ok, r.output).toBe(true);
    expect(r.ttl).toBe(62);
  });

  it("node1's FORWARD chain drops what the rules do not accept", async () => {
    // node2 -> pod1 is forwarded by node1 from eth0 to br-node1: accepted.
    expect((await ping(ns('node2'), '10.1.1.2')).ok).toBe(true);
    // pod1 -> node2's underlay address goes br-node1 -> eth0 on node1: accepted; the reverse path too.
    expect((await ping(ns('pod1'), '192.168.50.2')).ok).toBe(true);
  });
});

seedSuite('seed 05: VXLAN overlay between two emulated hosts, and port publishing', '08-vxlan-overlay.yaml', (ns) => {
  it('netns0 on host0 reaches netns1 on host1 over the overlay, on one L2 segment (TTL 64)', async () => {
    const r = await ping(ns('netns0'), '192.168.1.10');
    expect(r.ok, r.output).toBe(true);
    expect(r.ttl).toBe(64);
  });

  it('DNAT publishes netns0:5000 on host0 10.200.0.1:5000, reachable from host1', async () => {
    const server = await tcpServer(ns('netns0'), '192.168.0.10', 5000);
    try {
      const r = await tcpProbe(ns('host1'), '10.200.0.1', 5000);
      expect(r.ok, r.output).toBe(true);
      expect(r.output).toContain('nslab');
    } finally {
      server.kill();
    }
  });

  it('without the server, the published port is closed', async () => {
    expect((await tcpProbe(ns('host1'), '10.200.0.1', 5000)).ok).toBe(false);
  });
});
