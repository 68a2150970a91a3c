#!/usr/bin/env bash
# create namespace node: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add node
# create namespace ns_pod1: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add ns_pod1
# create namespace ns_pod2: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add ns_pod2
# create a veth pair, a virtual cable: veth_pod1 in ns_pod1 ↔ brveth_pod1 in node
ip link add veth_pod1 netns ns_pod1 type veth peer name brveth_pod1 netns node
# create a veth pair, a virtual cable: veth_pod2 in ns_pod2 ↔ brveth_pod2 in node
ip link add veth_pod2 netns ns_pod2 type veth peer name brveth_pod2 netns node
# bring up loopback in node and mark the namespace as lab one-node-pods's
ip -n node link set dev lo alias nslab:one-node-pods up
# create bridge br1 in node: a virtual switch; interfaces plugged into it share one L2 segment
ip -n node link add name br1 type bridge
# bring br1 up
ip -n node link set dev br1 up
# plug brveth_pod1 into bridge br1: it becomes a port of that switch
ip -n node link set dev brveth_pod1 master br1
# bring brveth_pod1 up
ip -n node link set dev brveth_pod1 up
# plug brveth_pod2 into bridge br1: it becomes a port of that switch
ip -n node link set dev brveth_pod2 master br1
# bring brveth_pod2 up
ip -n node link set dev brveth_pod2 up
# node: the FORWARD chain (IPv4) drops packets that no rule accepts (default deny)
ip netns exec node iptables -t filter -P FORWARD DROP
# forward packets in br1, out br1
ip netns exec node iptables -t filter -A FORWARD -i br1 -o br1 -m comment --comment nslab:one-node-pods -j ACCEPT
# bring up loopback in ns_pod1 and mark the namespace as lab one-node-pods's
ip -n ns_pod1 link set dev lo alias nslab:one-node-pods up
# give veth_pod1 the address 10.0.0.1/24: ns_pod1 reaches that subnet directly through it
ip -n ns_pod1 addr add 10.0.0.1/24 dev veth_pod1
# bring veth_pod1 up
ip -n ns_pod1 link set dev veth_pod1 up
# bring up loopback in ns_pod2 and mark the namespace as lab one-node-pods's
ip -n ns_pod2 link set dev lo alias nslab:one-node-pods up
# give veth_pod2 the address 10.0.0.2/24: ns_pod2 reaches that subnet directly through it
ip -n ns_pod2 addr add 10.0.0.2/24 dev veth_pod2
# bring veth_pod2 up
ip -n ns_pod2 link set dev veth_pod2 up
