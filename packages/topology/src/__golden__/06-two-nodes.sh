#!/usr/bin/env bash
# create namespace node1: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add node1
# create namespace node2: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add node2
# create namespace pod1: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add pod1
# create namespace pod2: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add pod2
# create a veth pair, a virtual cable: eth0 in node1 ↔ eth0 in node2
ip link add eth0 netns node1 type veth peer name eth0 netns node2
# create a veth pair, a virtual cable: veth_pod in pod1 ↔ brveth_pod1 in node1
ip link add veth_pod netns pod1 type veth peer name brveth_pod1 netns node1
# create a veth pair, a virtual cable: veth_pod in pod2 ↔ brveth_pod2 in node2
ip link add veth_pod netns pod2 type veth peer name brveth_pod2 netns node2
# bring up loopback in node1 and mark the namespace as lab two-nodes's
ip -n node1 link set dev lo alias nslab:two-nodes up
# create bridge br-node1 in node1: a virtual switch; interfaces plugged into it share one L2 segment
ip -n node1 link add name br-node1 type bridge
# give br-node1 the address 10.1.1.1/24: node1 reaches that subnet directly through it
ip -n node1 addr add 10.1.1.1/24 dev br-node1
# bring br-node1 up
ip -n node1 link set dev br-node1 up
# give eth0 the address 192.168.50.1/24: node1 reaches that subnet directly through it
ip -n node1 addr add 192.168.50.1/24 dev eth0
# bring eth0 up
ip -n node1 link set dev eth0 up
# plug brveth_pod1 into bridge br-node1: it becomes a port of that switch
ip -n node1 link set dev brveth_pod1 master br-node1
# bring brveth_pod1 up
ip -n node1 link set dev brveth_pod1 up
# node1 sends packets for 10.1.2.0/24 via gateway 192.168.50.2
ip -n node1 route add 10.1.2.0/24 via 192.168.50.2
# node1: route IPv4 packets between interfaces (act as a router)
ip netns exec node1 sysctl -w -- net.ipv4.ip_forward=1
# node1: the FORWARD chain (IPv4) drops packets that no rule accepts (default deny)
ip netns exec node1 iptables -t filter -P FORWARD DROP
# forward packets in eth0, out br-node1
ip netns exec node1 iptables -t filter -A FORWARD -i eth0 -o br-node1 -m comment --comment nslab:two-nodes -j ACCEPT
# forward packets in br-node1, out eth0
ip netns exec node1 iptables -t filter -A FORWARD -i br-node1 -o eth0 -m comment --comment nslab:two-nodes -j ACCEPT
# bring up loopback in node2 and mark the namespace as lab two-nodes's
ip -n node2 link set dev lo alias nslab:two-nodes up
# create bridge br-node2 in node2: a virtual switch; interfaces plugged into it share one L2 segment
ip -n node2 link add name br-node2 type bridge
# give br-node2 the address 10.1.2.1/24: node2 reaches that subnet directly through it
ip -n node2 addr add 10.1.2.1/24 dev br-node2
# bring br-node2 up
ip -n node2 link set dev br-node2 up
# give eth0 the address 192.168.50.2/24: node2 reaches that subnet directly through it
ip -n node2 addr add 192.168.50.2/24 dev eth0
# bring eth0 up
ip -n node2 link set dev eth0 up
# plug brveth_pod2 into bridge br-node2: it becomes a port of that switch
ip -n node2 link set dev brveth_pod2 master br-node2
# bring brveth_pod2 up
ip -n node2 link set dev brveth_pod2 up
# node2 sends packets for 10.1.1.0/24 via gateway 192.168.50.1
ip -n node2 route add 10.1.1.0/24 via 192.168.50.1
# node2: route IPv4 packets between interfaces (act as a router)
ip netns exec node2 sysctl -w -- net.ipv4.ip_forward=1
# node2: the FORWARD chain (IPv4) drops packets that no rule accepts (default deny)
ip netns exec node2 iptables -t filter -P FORWARD DROP
# forward packets in eth0, out br-node2
ip netns exec node2 iptables -t filter -A FORWARD -i eth0 -o br-node2 -m comment --comment nslab:two-nodes -j ACCEPT
# forward packets in br-node2, out eth0
ip netns exec node2 iptables -t filter -A FORWARD -i br-node2 -o eth0 -m comment --comment nslab:two-nodes -j ACCEPT
# bring up loopback in pod1 and mark the namespace as lab two-nodes's
ip -n pod1 link set dev lo alias nslab:two-nodes up
# give veth_pod the address 10.1.1.2/24: pod1 reaches that subnet directly through it
ip -n pod1 addr add 10.1.1.2/24 dev veth_pod
# bring veth_pod up
ip -n pod1 link set dev veth_pod up
# pod1 sends packets for anywhere not matched by a more specific route (default route) via gateway 10.1.1.1
ip -n pod1 route add default via 10.1.1.1
# bring up loopback in pod2 and mark the namespace as lab two-nodes's
ip -n pod2 link set dev lo alias nslab:two-nodes up
# give veth_pod the address 10.1.2.2/24: pod2 reaches that subnet directly through it
ip -n pod2 addr add 10.1.2.2/24 dev veth_pod
# bring veth_pod up
ip -n pod2 link set dev veth_pod up
# pod2 sends packets for anywhere not matched by a more specific route (default route) via gateway 10.1.2.1
ip -n pod2 route add default via 10.1.2.1
