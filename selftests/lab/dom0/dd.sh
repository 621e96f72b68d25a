# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# A deprivileged driver domain for the scenarios (sourced after lib.sh).
#
# The driver domain is a PV guest created with driver_domain=1.  It boots
# the lab's guest initramfs plus a cpio of dom0's own toolstack pieces that
# `xl devd` needs (xl, the xenstore client, bash, iproute2, the hotplug
# scripts, the Xen device modules), so it runs the stock hotplug scripts
# exactly as dom0 would.  Inside it:
#   - the backends under test: xsplit's (DD_BE=xsplit) or the kernel's;
#   - /dev/nullb0, a memory-backed null_blk disk: the block backing store;
#   - ddbr0, a Linux bridge holding its uplink eth0 (a vif from dom0 on
#     xenbr0), where vif-bridge puts the guests' vifs;
#   - with DD_OVS=1, ddovs0, an Open vSwitch bridge holding a second
#     uplink, eth1, where vif-openvswitch puts the vifs that ask for it
#     (bridge=ddovs0,script=vif-openvswitch); the driver domain logs
#     "DD-OVS-PORTS <ports>" on its console whenever they change;
#   - `xl devd`, which runs those hotplug scripts for its backends.
# It prints DD-READY on its console when all of that is up.

DD_CPIO=/run/lab-dd/dd.cpio
DD_OVS_CPIO=/run/lab-dd/dd-ovs.cpio
DD_READY_S=240	# a driver domain, from xl create to its backends serving
DD_COUNTERS_SETTLE_S=20	# its xsplit counters, once its last guest is gone

# dd_add_binary ROOT FILE [AS]: FILE (as AS) and every library it loads.
dd_add_binary() {
	local root=$1 f=$2 as=${3:-$2} lib
	install -D -m 755 "$f" "$root$as"
	for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
	done
}

# dd_add_module ROOT NAME [DIR]: module NAME after the modules it depends
# on, in /lib/modules/DIR/ (default dd) with a load order, like the
# guests' in-tree frontends.
dd_add_module() {
	local root=$1 name=$2 path dep
	local dir=$root/lib/modules/${3:-dd}
	path=$(modinfo -F filename "$name" 2>/dev/null) || return 0
	[ "$path" = "(builtin)" ] && return 0
	for dep in $(modinfo -F depends "$name" | tr , ' '); do
		dd_add_module "$root" "$dep" "${3:-dd}"
	done
	[ -e "$dir/$(basename "$path")" ] && return 0
	install -D -m 644 "$path" "$dir/$(basename "$path")"
	basename "$path" >>"$dir/order"
}

# dd_cpio: build (once per dom0 boot) the driver domain's extra cpio.
dd_cpio() {
	local root=/run/lab-dd/root f m xl
	[ -s "$DD_CPIO" ] && return 0
	rm -rf "$root"
	mkdir -p "$root"/{etc/xen,var/run/xen,var/lib/xen,var/log/xen,usr/sbin,usr/bin}
	dd_add_binary "$root" /bin/bash
	# The real xl, not Debian's version-picking wrapper.
	for xl in /usr/lib/xen-*/bin/xl; do :; done
	dd_add_binary "$root" "$xl" /usr/sbin/xl
	dd_add_binary "$root" /usr/bin/xenstore
	for f in read write rm exists list chmod ls; do
		ln -sf xenstore "$root/usr/bin/xenstore-$f"
	done
	dd_add_binary "$root" /usr/bin/ip
	dd_add_binary "$root" /usr/sbin/bridge
	dd_add_binary "$root" /usr/bin/flock
	# locking.sh needs stat's %D (busybox's differs): coreutils', in
	# /bin so that it comes before busybox's applets.
	dd_add_binary "$root" /usr/bin/stat /bin/stat
	cp -a /etc/xen/scripts /etc/xen/xl.conf "$root/etc/xen/"
	install -D -m 644 "$LAB/guest/dd-init.sh" "$root/lab/dd-init.sh"
	for m in xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs bridge \
		null_blk xen-blkback xen-netback; do
		dd_add_module "$root" "$m"
	done
	(cd "$root" && find . | cpio -o -H newc --quiet -R 0:0) >"$DD_CPIO" ||
		fail "driver domain cpio"
	rm -rf "$root"
	step "driver domain cpio: $(du -h "$DD_CPIO" | cut -f1)"
}

# dd_ovs_cpio: the driver domain's cpio plus Open vSwitch (the daemons, the
# client, the database schema, the kernel module in /lib/modules/dd-ovs/).
dd_ovs_cpio() {
	local root=/run/lab-dd/ovs f
	[ -s "$DD_OVS_CPIO" ] && return 0
	dd_cpio
	rm -rf "$root"
	mkdir -p "$root"
	# ovs-vswitchd is an alternatives link
	dd_add_binary "$root" "$(readlink -f /usr/sbin/ovs-vswitchd)" /usr/sbin/ovs-vswitchd
	for f in /usr/sbin/ovsdb-server /usr/bin/ovs-vsctl /usr/bin/ovsdb-tool \
		/usr/bin/ovs-appctl; do
		dd_add_binary "$root" "$f"
	done
	install -D -m 644 /usr/share/openvswitch/vswitch.ovsschema \
		"$root/usr/share/openvswitch/vswitch.ovsschema"
	# libcrc32c (under openvswitch) needs a crc32c: a soft dependency,
	# which modinfo's "depends" leaves out.
	dd_add_module "$root" crc32c_generic dd-ovs
	dd_add_module "$root" openvswitch dd-ovs
	{
		cat "$DD_CPIO"
		(cd "$root" && find . | cpio -o -H newc --quiet -R 0:0)
	} >"$DD_OVS_CPIO" || fail "driver domain cpio with Open vSwitch"
	rm -rf "$root"
	step "driver domain cpio with Open vSwitch: $(du -h "$DD_OVS_CPIO" | cut -f1)"
}

# dd_start NAME BE [xl cfg lines...]: create driver domain NAME running
# backends BE (xsplit|intree) and wait for its DD-READY line.  DD_WAIT
# lists devices it must have before (disks dom0 gives it), DD_MEMORY its
# size (MiB), DD_VCPUS its vCPUs, DD_OVS=1 adds Open vSwitch.  Its own
# frontend (the uplink vif) is the kernel's: dom0 serves it.
dd_start() {
	local name=$1 be=$2 log t0 left cpio=$DD_CPIO
	local vif="'bridge=xenbr0,mac=00:16:3e:dd:00:01'"
	shift 2
	dd_cpio
	if [ "${DD_OVS:-0}" = 1 ]; then
		dd_ovs_cpio
		cpio=$DD_OVS_CPIO
		vif="$vif, 'bridge=xenbr0,mac=00:16:3e:dd:00:02'"
	fi
	cat >"$LAB_OUT/dd-job.sh" <<JOB
DD_BE=$be
DD_WAIT="${DD_WAIT:-}"
. /lab/dd-init.sh
JOB
	log=$CONSOLE_DIR/guest-$name.log
	t0=$(now_ms)
	LAB_FE=intree GUEST_CPIO=$cpio GUEST_MEMORY=${DD_MEMORY:-768} \
		GUEST_VCPUS=${DD_VCPUS:-1} \
		guest_start "$name" "$LAB_OUT/dd-job.sh" "driver_domain = 1" \
		"vif = [$vif]" "$@"
	# DD_READY_S counts from xl create on
	left=$(( DD_READY_S - ($(now_ms) - t0) / 1000 ))
	wait_for "$(( left > 0 ? left : 0 ))" "driver domain $name up" \
		dd_up_or_down "$log"
	if ! grep -q DD-READY "$log" 2>/dev/null; then
		guest_collect "$name"
		echo "--- console of $name ---"
		tail -n 60 "$LAB_OUT/$name/console.log"
		fail "driver domain $name did not come up"
	fi
	kv dd_ready_ms "$(( $(now_ms) - t0 ))"
	step "driver domain $name ready ($be backends)"
}

# dd_up_or_down LOG: the driver domain whose console is LOG is ready, or
# has failed or ended.
dd_up_or_down() { grep -q 'DD-READY\|DD-FAIL\|LAB-END' "$1" 2>/dev/null; }

# dd_counters_zero NAME: with no guest left (only dom0 and the driver
# domain run), the last DD-COUNTERS line of the driver domain's console
# (dd-init.sh's watcher) must show every xsplit counter at 0: its modules
# loaded with it, so grants_leaked counts from 0 too.  They get
# DD_COUNTERS_SETTLE_S to settle.
# With guests still up (a scenario failing half-way) it checks nothing.
# Peaks and running totals (*_peak, *_total: see leak_tally) hold nothing
# and are skipped.
dd_counters_zero() {
	local log=$CONSOLE_DIR/guest-$1.log
	xl list | awk -v n="$1" 'NR > 1 && $1 != "Domain-0" && $1 != n' |
		grep . >/dev/null && return 0
	if wait_for "$DD_COUNTERS_SETTLE_S" "driver domain $1's counters at 0" \
		dd_counters_clean "$log" >/dev/null; then
		echo "driver domain $1, no guest left: $(dd_counters "$log")"
		return 0
	fi
	echo "leak: driver domain $1 with no guest left: $(dd_counters "$log")"
	return 1
}

# dd_counters LOG: the last DD-COUNTERS line of a driver domain's console.
dd_counters() {
	local line
	line=$(tr -d '\r' <"$1" | grep -ao 'DD-COUNTERS.*' | tail -n1)
	echo "${line:-no xsplit counters}"
}

# dd_counters_clean LOG: no counter there but the tallies (leak_tally) is
# nonzero.
dd_counters_clean() {
	local kv
	for kv in $(dd_counters "$1"); do
		case $kv in *=*) ;; *) continue ;; esac
		leak_tally "${kv%%=*}" && continue
		[ "${kv#*=}" = 0 ] || return 1
	done
}

# dd_stop NAME: check the driver domain's xsplit counters, destroy it,
# keep its console.
dd_stop() {
	local rc=0
	dd_counters_zero "$1" || rc=1
	timeout 60 xl destroy "$1" || echo "xl destroy $1 failed (guest_collect retries)"
	guest_collect "$1"
	[ "$rc" = 0 ] || fail "driver domain $1 kept xsplit objects with no guest left"
}
