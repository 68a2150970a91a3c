#!/usr/bin/env bash
# create namespace blue: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add blue
# create namespace red: its own interfaces, routes, neighbours and iptables, like a container's
ip netns add red
# create a veth pair, a virtual cable: veth-red in red ↔ veth-blue in blue
ip link add veth-red netns red type veth peer name veth-blue netns blue
# bring up loopback in blue and mark the namespace as lab veth-pair's
ip -n blue link set dev lo alias nslab:veth-pair up
# give veth-blue the address 192.168.100.3/24: blue reaches that subnet directly through it
ip -n blue addr add 192.168.100.3/24 dev veth-blue
# bring veth-blue up
ip -n blue link set dev veth-blue up
# bring up loopback in red and mark the namespace as lab veth-pair's
ip -n red link set dev lo alias nslab:veth-pair up
# give veth-red the address 192.168.100.2/24: red reaches that subnet directly through it
ip -n red addr add 192.168.100.2/24 dev veth-red
# bring veth-red up
ip -n red link set dev veth-red up
