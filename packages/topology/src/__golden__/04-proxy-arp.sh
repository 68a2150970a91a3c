#!/usr/bin/env bash
# create namespace ns1: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add ns1
# create namespace ns2: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add ns2
# create a veth pair, a virtual cable: veth-ns1-pod in ns1 ↔ veth-ns1 in host
ip link add veth-ns1-pod netns ns1 type veth peer name veth-ns1
# mark veth-ns1 as the lab's (alias nslab:pseudo-bridge), so nslab can prove it owns it
ip link set dev veth-ns1 alias nslab:pseudo-bridge
# create a veth pair, a virtual cable: veth-ns2-pod in ns2 ↔ veth-ns2 in host
ip link add veth-ns2-pod netns ns2 type veth peer name veth-ns2
# mark veth-ns2 as the lab's (alias nslab:pseudo-bridge), so nslab can prove it owns it
ip link set dev veth-ns2 alias nslab:pseudo-bridge
# give veth-ns1 the address 172.30.30.1/24: the host reaches that subnet directly through it
ip addr add 172.30.30.1/24 dev veth-ns1
# bring veth-ns1 up
ip link set dev veth-ns1 up
# give veth-ns2 the address 172.30.30.1/24: the host reaches that subnet directly through it
ip addr add 172.30.30.1/24 dev veth-ns2
# bring veth-ns2 up
ip link set dev veth-ns2 up
# the host sends packets for 172.30.30.11/32 out of veth-ns1
ip route add 172.30.30.11/32 dev veth-ns1
# the host sends packets for 172.30.30.12/32 out of veth-ns2
ip route add 172.30.30.12/32 dev veth-ns2
# the host: route IPv4 packets between interfaces (act as a router)
sysctl -w -- net.ipv4.ip_forward=1
# the host: veth-ns1 answers ARP for addresses it can route to (proxy ARP): the "pseudo-bridge" trick
sysctl -w -- net.ipv4.conf.veth-ns1.proxy_arp=1
# the host: veth-ns2 answers ARP for addresses it can route to (proxy ARP): the "pseudo-bridge" trick
sysctl -w -- net.ipv4.conf.veth-ns2.proxy_arp=1
# bring up loopback in ns1 and mark the namespace as lab pseudo-bridge's
ip -n ns1 link set dev lo alias nslab:pseudo-bridge up
# give veth-ns1-pod the address 172.30.30.11/24: ns1 reaches that subnet directly through it
ip -n ns1 addr add 172.30.30.11/24 dev veth-ns1-pod
# bring veth-ns1-pod up
ip -n ns1 link set dev veth-ns1-pod up
# bring up loopback in ns2 and mark the namespace as lab pseudo-bridge's
ip -n ns2 link set dev lo alias nslab:pseudo-bridge up
# give veth-ns2-pod the address 172.30.30.12/24: ns2 reaches that subnet directly through it
ip -n ns2 addr add 172.30.30.12/24 dev veth-ns2-pod
# bring veth-ns2-pod up
ip -n ns2 link set dev veth-ns2-pod up
