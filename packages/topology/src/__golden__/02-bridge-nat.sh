#!/usr/bin/env bash
# create namespace blue: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add blue
# create namespace orange: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add orange
# create namespace red: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add red
# create bridge cnio0 in the host: a virtual switch; interfaces plugged into it share one L2 segment
ip link add name cnio0 type bridge
# mark cnio0 as the lab's (alias nslab:bridge-nat), so nslab can prove it owns it
ip link set dev cnio0 alias nslab:bridge-nat
# create a veth pair, a virtual cable: veth-blue in blue ↔ veth-blue-br in host
ip link add veth-blue netns blue type veth peer name veth-blue-br
# mark veth-blue-br as the lab's (alias nslab:bridge-nat), so nslab can prove it owns it
ip link set dev veth-blue-br alias nslab:bridge-nat
# create a veth pair, a virtual cable: veth-orange in orange ↔ veth-orange-br in host
ip link add veth-orange netns orange type veth peer name veth-orange-br
# mark veth-orange-br as the lab's (alias nslab:bridge-nat), so nslab can prove it owns it
ip link set dev veth-orange-br alias nslab:bridge-nat
# create a veth pair, a virtual cable: veth-red in red ↔ veth-red-br in host
ip link add veth-red netns red type veth peer name veth-red-br
# mark veth-red-br as the lab's (alias nslab:bridge-nat), so nslab can prove it owns it
ip link set dev veth-red-br alias nslab:bridge-nat
# give cnio0 the address 192.168.110.1/24: the host reaches that subnet directly through it
ip addr add 192.168.110.1/24 dev cnio0
# bring cnio0 up
ip link set dev cnio0 up
# plug veth-red-br into bridge cnio0: it becomes a port of that switch
ip link set dev veth-red-br master cnio0
# bring veth-red-br up
ip link set dev veth-red-br up
# plug veth-blue-br into bridge cnio0: it becomes a port of that switch
ip link set dev veth-blue-br master cnio0
# bring veth-blue-br up
ip link set dev veth-blue-br up
# plug veth-orange-br into bridge cnio0: it becomes a port of that switch
ip link set dev veth-orange-br master cnio0
# bring veth-orange-br up
ip link set dev veth-orange-br up
# the host: route IPv4 packets between interfaces (act as a router)
sysctl -w -- net.ipv4.ip_forward=1
# packets from 192.168.110.0/24 unless they leave through cnio0 get the outgoing interface's address as source (masquerade, SNAT)
iptables -t nat -A POSTROUTING -s 192.168.110.0/24 '!' -o cnio0 -m comment --comment nslab:bridge-nat -j MASQUERADE
# bring up loopback in blue and mark the namespace as lab bridge-nat's
ip -n blue link set dev lo alias nslab:bridge-nat up
# give veth-blue the address 192.168.110.3/24: blue reaches that subnet directly through it
ip -n blue addr add 192.168.110.3/24 dev veth-blue
# bring veth-blue up
ip -n blue link set dev veth-blue up
# blue sends packets for anywhere not matched by a more specific route (default route) via gateway 192.168.110.1
ip -n blue route add default via 192.168.110.1
# bring up loopback in orange and mark the namespace as lab bridge-nat's
ip -n orange link set dev lo alias nslab:bridge-nat up
# give veth-orange the address 192.168.110.4/24: orange reaches that subnet directly through it
ip -n orange addr add 192.168.110.4/24 dev veth-orange
# bring veth-orange up
ip -n orange link set dev veth-orange up
# orange sends packets for anywhere not matched by a more specific route (default route) via gateway 192.168.110.1
ip -n orange route add default via 192.168.110.1
# bring up loopback in red and mark the namespace as lab bridge-nat's
ip -n red link set dev lo alias nslab:bridge-nat up
# give veth-red the address 192.168.110.2/24: red reaches that subnet directly through it
ip -n red addr add 192.168.110.2/24 dev veth-red
# bring veth-red up
ip -n red link set dev veth-red up
# red sends packets for anywhere not matched by a more specific route (default route) via gateway 192.168.110.1
ip -n red route add default via 192.168.110.1
