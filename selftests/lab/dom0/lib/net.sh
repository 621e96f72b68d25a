# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# dom0/lib.sh, network: the bridges guests' vifs join, and network
# devices that must go away.

# linux_bridge: xenbr0, 10.0.0.1/24 (guests take .2); idempotent.
linux_bridge() {
	ip link show xenbr0 >/dev/null 2>&1 && return 0
	ip link add xenbr0 type bridge || fail "create xenbr0"
	ip addr add 10.0.0.1/24 dev xenbr0
	ip link set xenbr0 up
}

# ovs_bridge: Open vSwitch ovsbr0, 10.0.1.1/24; idempotent.  ovs-vswitchd
# may still be starting on a loaded host: give it two minutes.
ovs_bridge() {
	timeout 130 ovs-vsctl --timeout=120 --may-exist add-br ovsbr0 || fail "create ovsbr0"
	ip addr show dev ovsbr0 | grep -q 10.0.1.1 || ip addr add 10.0.1.1/24 dev ovsbr0
	ip link set ovsbr0 up
}

# bridges: both of the above.
bridges() {
	linux_bridge
	ovs_bridge
}

# netdev_absent NAME: no such network device.
netdev_absent() { [ ! -e "/sys/class/net/$1" ]; }
# netdev_gone NAME SECONDS: the network device must vanish in time.
netdev_gone() {
	wait_for "$2" "netdev $1 gone" netdev_absent "$1" ||
		fail "netdev $1 still there after $2 s"
}
