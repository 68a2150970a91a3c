/** Topologies shared by the unit tests (not exported from the package). */
import type { DesiredState } from './desiredState.js';
import { holdKey, HOST_KEY, parsePolicyKey } from './keys.js';
import type { Topology } from './schema.js';
import { emptyObserved, type ObservedState } from './state.js';

/** What the host would look like right after a successful deploy of `d`. */
export function deployedAs(d: DesiredState): ObservedState {
  const o: ObservedState = { ...emptyObserved(d.lab), scopes: JSON.parse(JSON.stringify(d.scopes)) as ObservedState['scopes'] };
  for (const [k, v] of Object.entries(d.scopes[HOST_KEY]?.sysctls ?? {})) {
    o.hostValues[holdKey.sysctl(k)] = v;
    o.holds[holdKey.sysctl(k)] = { original: '0', labs: [d.lab] };
  }
  for (const [k, v] of Object.entries(d.scopes[HOST_KEY]?.policies ?? {})) {
    o.hostValues[holdKey.ofPolicy(parsePolicyKey(k)!)] = v;
    o.holds[holdKey.ofPolicy(parsePolicyKey(k)!)] = { original: 'ACCEPT', labs: [d.lab] };
  }
  return o;
}

/** A valid lab touching every part of the format. */
export function fullLab(): Topology {
  return {
    name: 'full',
    nodes: {
      host: {
        kind: 'host',
        sysctls: { 'net.ipv4.ip_forward': 1, 'net.ipv4.conf.veth-a.proxy_arp': 1 },
        routes: [{ to: '10.9.1.5/32', dev: 'veth-a' }],
        nat: [
          { type: 'masquerade', source: '10.9.2.0/24', notOutInterface: 'br0' },
          { type: 'dnat', proto: 'tcp', port: 8080, to: '10.9.2.2:80' },
        ],
        firewall: { forwardPolicy: 'accept', forward: [{ in: 'br0', out: 'br0', action: 'accept' }] },
      },
      br0: { kind: 'bridge', addresses: ['10.9.2.1/24'] },
      a: { kind: 'netns', routes: [{ to: 'default', via: '10.9.1.1' }] },
      b: { kind: 'netns', routes: [{ to: 'default', via: '10.9.2.1' }] },
      c: {
        kind: 'netns',
        sysctls: { 'net.ipv4.ip_forward': 1 },
        vxlans: [{ name: 'vx0', vni: 7, remote: '10.9.3.2', dstport: 4789, dev: 'under0', bridge: 'brc' }],
      },
      brc: { kind: 'bridge', netns: 'c', addresses: ['10.9.4.1/24'] },
      d: { kind: 'netns' },
    },
    links: [
      {
        endpoints: [
          { node: 'a', name: 'eth0', addresses: ['10.9.1.5/24'] },
          { node: 'host', name: 'veth-a', addresses: ['10.9.1.1/24'] },
        ],
      },
      {
        endpoints: [
          { node: 'b', name: 'eth0', addresses: ['10.9.2.2/24'], mac: '02:00:00:00:00:02', mtu: 1400 },
          { node: 'br0', name: 'veth-b' },
        ],
      },
      {
        endpoints: [
          { node: 'c', name: 'under0', addresses: ['10.9.3.1/24'] },
          { node: 'd', name: 'under0', addresses: ['10.9.3.2/24'] },
        ],
      },
    ],
    checks: [{ from: 'a', ping: '10.9.2.2', expect: 'reachable' }],
  };
}
