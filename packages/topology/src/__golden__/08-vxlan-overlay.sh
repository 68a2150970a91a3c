#!/usr/bin/env bash
# create namespace host0: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add host0
# create namespace host1: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add host1
# create namespace netns0: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add netns0
# create namespace netns1: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add netns1
# create a veth pair, a virtual cable: eth0 in host0 ↔ eth0 in host1
ip link add eth0 netns host0 type veth peer name eth0 netns host1
# create a veth pair, a virtual cable: ceth0 in netns0 ↔ veth0 in host0
ip link add ceth0 netns netns0 type veth peer name veth0 netns host0
# create a veth pair, a virtual cable: ceth0 in netns1 ↔ veth0 in host1
ip link add ceth0 netns netns1 type veth peer name veth0 netns host1
# bring up loopback in host0 and mark the namespace as lab vxlan-overlay's
ip -n host0 link set dev lo alias nslab:vxlan-overlay up
# create bridge cbr0-h0 in host0: a virtual switch; interfaces plugged into it share one L2 segment
ip -n host0 link add name cbr0-h0 type bridge
# give cbr0-h0 the address 192.168.0.1/16: host0 reaches that subnet directly through it
ip -n host0 addr add 192.168.0.1/16 dev cbr0-h0
# bring cbr0-h0 up
ip -n host0 link set dev cbr0-h0 up
# give eth0 the address 10.200.0.1/24: host0 reaches that subnet directly through it
ip -n host0 addr add 10.200.0.1/24 dev eth0
# bring eth0 up
ip -n host0 link set dev eth0 up
# plug veth0 into bridge cbr0-h0: it becomes a port of that switch
ip -n host0 link set dev veth0 master cbr0-h0
# bring veth0 up
ip -n host0 link set dev veth0 up
# create vxlan vxlan0 (VNI 1) in host0: Ethernet frames are wrapped in UDP port 4789 and sent to 10.200.0.2
ip -n host0 link add vxlan0 type vxlan id 1 remote 10.200.0.2 dstport 4789 dev eth0
# plug vxlan0 into bridge cbr0-h0: it becomes a port of that switch
ip -n host0 link set dev vxlan0 master cbr0-h0
# bring vxlan0 up
ip -n host0 link set dev vxlan0 up
# host0: route IPv4 packets between interfaces (act as a router)
ip netns exec host0 sysctl -w -- net.ipv4.ip_forward=1
# connections made on this host to tcp port 5000 on 10.200.0.1/32 go to 192.168.0.10:5000 (port publishing)
ip netns exec host0 iptables -t nat -A OUTPUT -d 10.200.0.1/32 -p tcp -m tcp --dport 5000 -m comment --comment nslab:vxlan-overlay -j DNAT --to-destination 192.168.0.10:5000
# connections arriving to tcp port 5000 on 10.200.0.1/32 go to 192.168.0.10:5000 (port publishing)
ip netns exec host0 iptables -t nat -A PREROUTING -d 10.200.0.1/32 -p tcp -m tcp --dport 5000 -m comment --comment nslab:vxlan-overlay -j DNAT --to-destination 192.168.0.10:5000
# bring up loopback in host1 and mark the namespace as lab vxlan-overlay's
ip -n host1 link set dev lo alias nslab:vxlan-overlay up
# create bridge cbr0-h1 in host1: a virtual switch; interfaces plugged into it share one L2 segment
ip -n host1 link add name cbr0-h1 type bridge
# give cbr0-h1 the address 192.168.1.1/16: host1 reaches that subnet directly through it
ip -n host1 addr add 192.168.1.1/16 dev cbr0-h1
# bring cbr0-h1 up
ip -n host1 link set dev cbr0-h1 up
# give eth0 the address 10.200.0.2/24: host1 reaches that subnet directly through it
ip -n host1 addr add 10.200.0.2/24 dev eth0
# bring eth0 up
ip -n host1 link set dev eth0 up
# plug veth0 into bridge cbr0-h1: it becomes a port of that switch
ip -n host1 link set dev veth0 master cbr0-h1
# bring veth0 up
ip -n host1 link set dev veth0 up
# create vxlan vxlan0 (VNI 1) in host1: Ethernet frames are wrapped in UDP port 4789 and sent to 10.200.0.1
ip -n host1 link add vxlan0 type vxlan id 1 remote 10.200.0.1 dstport 4789 dev eth0
# plug vxlan0 into bridge cbr0-h1: it becomes a port of that switch
ip -n host1 link set dev vxlan0 master cbr0-h1
# bring vxlan0 up
ip -n host1 link set dev vxlan0 up
# host1: route IPv4 packets between interfaces (act as a router)
ip netns exec host1 sysctl -w -- net.ipv4.ip_forward=1
# bring up loopback in netns0 and mark the namespace as lab vxlan-overlay's
ip -n netns0 link set dev lo alias nslab:vxlan-overlay up
# give ceth0 the address 192.168.0.10/16: netns0 reaches that subnet directly through it
ip -n netns0 addr add 192.168.0.10/16 dev ceth0
# bring ceth0 up
ip -n netns0 link set dev ceth0 up
# netns0 sends packets for anywhere not matched by a more specific route (default route) via gateway 192.168.0.1
ip -n netns0 route add default via 192.168.0.1
# bring up loopback in netns1 and mark the namespace as lab vxlan-overlay's
ip -n netns1 link set dev lo alias nslab:vxlan-overlay up
# give ceth0 the address 192.168.1.10/16: netns1 reaches that subnet directly through it
ip -n netns1 addr add 192.168.1.10/16 dev ceth0
# bring ceth0 up
ip -n netns1 link set dev ceth0 up
# netns1 sends packets for anywhere not matched by a more specific route (default route) via gateway 192.168.1.1
ip -n netns1 route add default via 192.168.1.1
