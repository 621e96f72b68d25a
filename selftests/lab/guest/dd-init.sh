# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The driver domain's job (sourced by its /lab/job.sh, which sets DD_BE to
# xsplit or intree, and DD_WAIT to the disks dom0 gives it, if any): bring
# up the Xen device files, the backends, the backing disks and the bridges
# (Linux and Open vSwitch), start `xl devd`, say DD-READY, and serve until dom0 destroys the domain.

dd_fail() { echo "DD-FAIL $*"; exit 1; }

# dd_modules: the Xen device drivers xl needs and the in-tree pieces
# (bridge, null_blk, the kernel's backends) dom0 copied in, in order.
dd_modules() {
	while read -r m; do
		case $m in
		xen-blkback.ko|xen-netback.ko) [ "$DD_BE" = intree ] || continue ;;
		null_blk.ko) continue ;;
		esac
		insmod "/lib/modules/dd/$m" || dd_fail "insmod $m"
	done </lib/modules/dd/order
	# Memory-backed, so what a guest writes can be verified; 1 GiB of
	# address space, memory only where written.
	insmod /lib/modules/dd/null_blk.ko nr_devices=1 gb=1 bs=4096 \
		memory_backed=1 || dd_fail "null_blk"
	if [ "$DD_BE" = xsplit ]; then
		[ -d /sys/module/xsplit_core ] || insmod /lab/modules/xsplit_core.ko ||
			dd_fail "insmod xsplit_core"
		for m in /lab/modules/*back*.ko; do
			insmod "$m" || dd_fail "insmod $m"
		done
	fi
}

# dd_bridge: ddbr0 with the uplink in it; the guests' vifs join it.
dd_bridge() {
	wait_dev /sys/class/net/eth0 60 || dd_fail "no uplink eth0"
	ip link add ddbr0 type bridge || dd_fail "bridge"
	ip link set eth0 master ddbr0
	ip link set eth0 up
	ip link set ddbr0 up
}

# dd_ovs: if dom0 packed Open vSwitch, its module, the daemons with their
# own database, and bridge ddovs0 holding the second uplink eth1; a
# watcher logs the bridge's ports as they change.
dd_ovs() {
	[ -f /lib/modules/dd-ovs/order ] || return 0
	while read -r m; do
		[ -d "/sys/module/${m%.ko}" ] && continue
		insmod "/lib/modules/dd-ovs/$m" || dd_fail "insmod $m"
	done </lib/modules/dd-ovs/order
	mkdir -p /etc/openvswitch /var/run/openvswitch /var/log/openvswitch
	ovsdb-tool create /etc/openvswitch/conf.db \
		/usr/share/openvswitch/vswitch.ovsschema || dd_fail "ovsdb-tool"
	ovsdb-server --remote=punix:/var/run/openvswitch/db.sock --pidfile \
		--detach --log-file /etc/openvswitch/conf.db || dd_fail "ovsdb-server"
	ovs-vsctl --no-wait init || dd_fail "ovs-vsctl init"
	ovs-vswitchd --pidfile --detach --log-file || dd_fail "ovs-vswitchd"
	wait_dev /sys/class/net/eth1 60 || dd_fail "no uplink eth1"
	ovs-vsctl --timeout=60 add-br ddovs0 -- add-port ddovs0 eth1 ||
		dd_fail "ovs bridge"
	ip link set eth1 up
	ip link set ddovs0 up
	(
		last=
		n=0
		while :; do
			p=$(ovs-vsctl --timeout=5 list-ports ddovs0 | tr '\n' ' ')
			[ "$p" = "$last" ] || echo "DD-OVS-PORTS $p"
			last=$p
			# while a guest is on it: the datapath's counters and the
			# MAC table, for a scenario that finds no traffic
			n=$((n + 1))
			if [ "${p#eth1 }" != "" ] && [ $((n % 10)) = 0 ]; then
				ovs-appctl --timeout=5 dpctl/show -s
				ovs-appctl --timeout=5 fdb/show ddovs0
			fi
			sleep 2
		done
	) >/dev/hvc0 2>&1 &
}

# dd_watch: every 2 s, the backend devices' drivers and xsplit's counters,
# on the console dom0 keeps.  A device bound to a driver DD_BE does not
# name (or to none) on two looks in a row, so not one caught between its
# creation and its probe, gives a LAB-BIND-BAD line, which fails the test
# (dom0's runner).  "DD-COUNTERS key=value..." is printed whenever the
# counters change: dd_stop reads the last one.
dd_watch() {
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	# (busybox grep -f takes an empty file as matching everything)
	echo "#none" >/tmp/bind.seen
	echo "#none" >/tmp/bind.bad
	echo "#none" >/tmp/bind.told
	last=
	while :; do
		check_bindings xen-backend "$DD_BE" >/tmp/bind.now
		grep -v BAD /tmp/bind.now | grep -vxF -f /tmp/bind.seen |
			tee -a /tmp/bind.seen
		grep BAD /tmp/bind.now | grep -xF -f /tmp/bind.bad |
			grep -vxF -f /tmp/bind.told | tee -a /tmp/bind.told |
			sed 's/^LAB-BIND-BAD /LAB-BIND-BAD dd /'
		{ echo "#none"; grep BAD /tmp/bind.now; } >/tmp/bind.bad
		c=$(for f in /sys/kernel/debug/xsplit_*/*; do
			[ -f "$f" ] || continue
			m=${f%/*}
			printf '%s.%s=%s ' "${m##*/}" "${f##*/}" "$(cat "$f")"
		done)
		[ "$c" = "$last" ] || echo "DD-COUNTERS $c"
		last=$c
		sleep 2
	done
}

mount -t xenfs xenfs /proc/xen 2>/dev/null
# devtmpfs has no /dev/std*: the hotplug scripts' lock (locking.sh) stats
# /dev/stdin and would retry forever without it.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /var/run/xen /var/run/xen-hotplug /var/lib/xen /var/log/xen
dd_modules
wait_dev /dev/xen/xenbus 30 || dd_fail "no /dev/xen/xenbus"
wait_dev /dev/nullb0 30 || dd_fail "no /dev/nullb0"
# Disks dom0 gave us (a backing store that outlives this domain).
for d in $DD_WAIT; do
	wait_dev "$d" 60 || dd_fail "no $d"
done
dd_bridge
dd_ovs
# -F: stay in the foreground, in the background of this job, logging to
# the console dom0 keeps.
xl -vvv devd -F >/dev/hvc0 2>&1 &
sleep 2
kill -0 $! 2>/dev/null || dd_fail "xl devd exited"
echo "DD-READY be=$DD_BE devd=$! drivers:" /sys/bus/xen-backend/drivers/*
dd_watch >/dev/hvc0 2>&1 &
while :; do
	sleep 3600
done
