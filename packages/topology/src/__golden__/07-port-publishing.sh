#!/usr/bin/env bash
# create namespace pp-netns0: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add pp-netns0
# create namespace pp-netns1: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add pp-netns1
# create bridge cbr0 in the host: a virtual switch; interfaces plugged into it share one L2 segment
ip link add name cbr0 type bridge
# mark cbr0 as the lab's (alias nslab:port-publishing), so nslab can prove it owns it
ip link set dev cbr0 alias nslab:port-publishing
# create a veth pair, a virtual cable: ceth0 in pp-netns0 ↔ veth0 in host
ip link add ceth0 netns pp-netns0 type veth peer name veth0
# mark veth0 as the lab's (alias nslab:port-publishing), so nslab can prove it owns it
ip link set dev veth0 alias nslab:port-publishing
# create a veth pair, a virtual cable: ceth1 in pp-netns1 ↔ veth1 in host
ip link add ceth1 netns pp-netns1 type veth peer name veth1
# mark veth1 as the lab's (alias nslab:port-publishing), so nslab can prove it owns it
ip link set dev veth1 alias nslab:port-publishing
# give cbr0 the address 192.168.60.1/24: the host reaches that subnet directly through it
ip addr add 192.168.60.1/24 dev cbr0
# bring cbr0 up
ip link set dev cbr0 up
# plug veth0 into bridge cbr0: it becomes a port of that switch
ip link set dev veth0 master cbr0
# bring veth0 up
ip link set dev veth0 up
# plug veth1 into bridge cbr0: it becomes a port of that switch
ip link set dev veth1 master cbr0
# bring veth1 up
ip link set dev veth1 up
# the host: route IPv4 packets between interfaces (act as a router)
sysctl -w -- net.ipv4.ip_forward=1
# connections made on this host to tcp port 5000 on 192.168.60.1/32 go to 192.168.60.10:5000 (port publishing)
iptables -t nat -A OUTPUT -d 192.168.60.1/32 -p tcp -m tcp --dport 5000 -m comment --comment nslab:port-publishing -j DNAT --to-destination 192.168.60.10:5000
# packets from 192.168.60.0/24 unless they leave through cbr0 get the outgoing interface's address as source (masquerade, SNAT)
iptables -t nat -A POSTROUTING -s 192.168.60.0/24 '!' -o cbr0 -m comment --comment nslab:port-publishing -j MASQUERADE
# connections arriving to tcp port 5000 on 192.168.60.1/32 go to 192.168.60.10:5000 (port publishing)
iptables -t nat -A PREROUTING -d 192.168.60.1/32 -p tcp -m tcp --dport 5000 -m comment --comment nslab:port-publishing -j DNAT --to-destination 192.168.60.10:5000
# bring up loopback in pp-netns0 and mark the namespace as lab port-publishing's
ip -n pp-netns0 link set dev lo alias nslab:port-publishing up
# give ceth0 the address 192.168.60.10/24: pp-netns0 reaches that subnet directly through it
ip -n pp-netns0 addr add 192.168.60.10/24 dev ceth0
# bring ceth0 up
ip -n pp-netns0 link set dev ceth0 up
# pp-netns0 sends packets for anywhere not matched by a more specific route (default route) via gateway 192.168.60.1
ip -n pp-netns0 route add default via 192.168.60.1
# bring up loopback in pp-netns1 and mark the namespace as lab port-publishing's
ip -n pp-netns1 link set dev lo alias nslab:port-publishing up
# give ceth1 the address 192.168.60.11/24: pp-netns1 reaches that subnet directly through it
ip -n pp-netns1 addr add 192.168.60.11/24 dev ceth1
# bring ceth1 up
ip -n pp-netns1 link set dev ceth1 up
# pp-netns1 sends packets for anywhere not matched by a more specific route (default route) via gateway 192.168.60.1
ip -n pp-netns1 route add default via 192.168.60.1
