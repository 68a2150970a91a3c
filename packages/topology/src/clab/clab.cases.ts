/**
 * containerlab files shaped like the ones people write, shared by the unit
 * tests (what they import to) and the privileged tests (that they deploy and
 * ping). Their own addresses (10.250.0.0/16) and names, so a deploy never
 * meets anything else on the host. Not exported from the package.
 */

/** A router between two links: client1 reaches client2 through it (TTL 63). */
export const ROUTER = `
name: clab15-router
topology:
  kinds:
    linux:
      image: ghcr.io/srl-labs/network-multitool
  nodes:
    client1:
      kind: linux
      exec:
        - ip addr add 10.250.1.2/24 dev eth1
        - ip route add 10.250.2.0/24 via 10.250.1.1
    router:
      kind: linux
      exec:
        - sysctl -w net.ipv4.ip_forward=1
        - ip addr add 10.250.1.1/24 dev eth1
        - ip addr add 10.250.2.1/24 dev eth2
    client2:
      kind: linux
      exec:
        - ip address add 10.250.2.2/24 dev eth1
        - ip route replace default via 10.250.2.1
  links:
    - endpoints: ["client1:eth1", "router:eth1"]
    - endpoints: ["router:eth2", "client2:eth1"]
`;

/** Clients on a host bridge behind a gateway; their default route from a group, the image and binds from the kind. */
export const BRIDGE_CLIENTS = `
name: clab15-bridge
mgmt:
  network: clab
topology:
  defaults:
    exec:
      - sysctl -w net.ipv6.conf.all.disable_ipv6=1
  kinds:
    linux:
      image: alpine:3
      binds: [./shared:/shared]
  groups:
    clients:
      exec: ["ip route add default via 10.250.3.1"]
  nodes:
    cl15br:
      kind: bridge
    gw:
      kind: linux
      exec: ["ip addr add 10.250.3.1/24 dev eth1"]
    c1:
      kind: linux
      group: clients
      exec: ["ip addr add 10.250.3.11/24 dev eth1"]
    c2:
      kind: linux
      group: clients
      exec: ["ip addr add 10.250.3.12/24 dev eth1"]
  links:
    - endpoints: ["gw:eth1", "cl15br:cl15-gw"]
    - endpoints: ["c1:eth1", "cl15br:cl15-c1"]
    - endpoints: ["c2:eth1", "cl15br:cl15-c2"]
`;

/** A node wired to the host, in both link forms; the host side set by a node in the host's network. */
export const HOST_LINKS = `
name: clab15-host
topology:
  nodes:
    srv:
      kind: linux
      exec:
        - ip addr add 10.250.4.2/30 dev eth1
        - ip addr add 10.250.4.6/30 dev eth2
        - ip route add default via 10.250.4.1
    hostcfg:
      kind: linux
      network-mode: host
      exec: ["ip addr add 10.250.4.1/30 dev cl15-srv", "ip addr add 10.250.4.5/30 dev cl15-srv2"]
  links:
    - endpoints: ["srv:eth1", "host:cl15-srv"]
    - type: host
      endpoint: { node: srv, interface: eth2 }
      host-interface: cl15-srv2
`;

/** Template 02 (bridge and NAT) as an nslab lab with these addresses: exported to containerlab and imported back. */
export const BRIDGE_NAT = `
name: clab15-rt
prefix: clab15-rt-
nodes:
  host:
    kind: host
    sysctls: { net.ipv4.ip_forward: 1 }
    nat:
      - { type: masquerade, source: 10.250.5.0/24, notOutInterface: cl15rt0 }
  cl15rt0: { kind: bridge, addresses: [10.250.5.1/24] }
  red: { kind: netns, routes: [{ to: default, via: 10.250.5.1 }] }
  blue: { kind: netns, routes: [{ to: default, via: 10.250.5.1 }] }
links:
  - endpoints:
      - { node: red, name: veth-red, addresses: [10.250.5.2/24] }
      - { node: cl15rt0, name: cl15rt-red }
  - endpoints:
      - { node: blue, name: veth-blue, addresses: [10.250.5.3/24] }
      - { node: cl15rt0, name: cl15rt-blue }
`;
