# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for the job scripts run inside a lab guest (busybox sh); sourced
# by /init before the job, and by dom0's lib.sh and runner.
#
# A pipeline fails if any of its commands does, not only the last: a
# "fio ... | awk ..." must not hide fio's failure.  (busybox ash and bash
# both have it.)
# shellcheck disable=SC3040
set -o pipefail

# wait_dev DEV [SECONDS]: xenbus devices appear asynchronously after insmod.
wait_dev() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ "$i" -le "${2:-30}" ] || { echo "no $1 after ${2:-30}s"; return 1; }
		sleep 1
	done
}

# net_up IFACE ADDR/PREFIX: static addressing, no DHCP in the lab.
net_up() {
	wait_dev "/sys/class/net/$1" 30 || return 1
	ip addr add "$2" dev "$1" && ip link set "$1" up
}

# wait_ping ADDR SECONDS: until ADDR answers one ping (a peer guest may
# boot later than this one).
wait_ping() {
	n=0
	until ping -c 1 -W 2 "$1" >/dev/null 2>&1; do
		n=$((n + 1))
		[ "$n" -le "$2" ] || { echo "no answer from $1"; return 1; }
		sleep 1
	done
}

# The figure helpers below are shared with dom0 (its lib.sh sources this
# file), so guest and dom0 numbers come from the very same commands.
# They print "LAB-FIG <name> key=value..." lines; figures are reported,
# never asserted.

# fio_fig NAME FIO-ARGS...: run fio, print read IOPS and bandwidth.
fio_fig() {
	fig_name=$1
	shift
	# --minimal is fio's terse format v3: field 7 is the read bandwidth
	# (KiB/s), field 8 the read IOPS.
	fio --minimal --name="$fig_name" "$@" >/tmp/fio.$$ || { cat /tmp/fio.$$; return 1; }
	awk -F';' -v n="$fig_name" \
		'{ printf "LAB-FIG %s iops=%d mib_s=%.0f\n", n, $8, $7 / 1024 }' /tmp/fio.$$
}

# iperf_fig NAME IPERF3-ARGS...: run an iperf3 client, print the receiver's
# rate; fails if nothing was transferred.
iperf_fig() {
	fig_name=$1
	shift
	iperf3 -f m "$@" >/tmp/iperf.$$ 2>&1 || { cat /tmp/iperf.$$; return 1; }
	awk -v n="$fig_name" '/receiver/ {
		for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") r = $i
	} END {
		printf "LAB-FIG %s mbit_s=%s\n", n, r
		exit !(r > 0)
	}' /tmp/iperf.$$
}

# Kernel log lines that fail a test wherever they appear: dom0's dmesg,
# any guest's or driver domain's console (the runner checks them all
# after every test, see kernel_bad).  The last alternative is xsplit's
# own pr_warn_ratelimited() for a grant page it had to give up on
# ("..., page leaked", "... still referenced, leaked").
# shellcheck disable=SC2034  # used by dom0's runner and lib.sh
KERNEL_BAD='WARNING:|BUG:|Oops|general protection|self-detected stall|detected stalls on CPU|rcu: INFO:|hung_task|blocked for more than|UBSAN|list_add corruption|list_del corruption|refcount_t|page leaked|, leaked$'

# kernel_bad FILE...: print the kernel log lines of FILEs that fail a
# test; true if there is one.
kernel_bad() {
	tr -d '\r' <"$1" | grep -aE "$KERNEL_BAD"
}

# Which driver is bound to each xenbus device, in the guest and in a
# backend domain.  Both sets of drivers take the same device types, and
# whichever registers first serves the device: a test must know it
# measured the driver its mode names.  xsplit's drivers are xsplit-<type>,
# the kernel's are <type>; "none": no driver at all.

# bound_driver DEVDIR: the name of the driver bound to a sysfs device.
bound_driver() {
	if [ -e "$1/driver" ]; then
		basename "$(readlink "$1/driver")"
	else
		echo none
	fi
}

# want_driver MODE TYPE: the driver name MODE (intree|xsplit|none) binds
# to devices of TYPE (vbd, vif).
want_driver() {
	case $1 in
	xsplit) echo "xsplit-$2" ;;
	intree) echo "$2" ;;
	*) echo none ;;
	esac
}

# check_bindings BUS MODE: every vbd and vif device on BUS (xen in a
# guest, xen-backend in a backend domain) is bound to MODE's driver.
# Prints "LAB-BIND <dev> <driver>" for each and "LAB-BIND-BAD ..." for a
# wrong one (the runner fails a test on that line in any log); returns 1
# if there is one.
check_bindings() {
	cb_rc=0
	for cb_d in /sys/bus/"$1"/devices/vbd-* /sys/bus/"$1"/devices/vif-*; do
		[ -e "$cb_d" ] || continue
		cb_t=${cb_d##*/}
		cb_t=${cb_t%%-*}
		cb_got=$(bound_driver "$cb_d")
		cb_want=$(want_driver "$2" "$cb_t")
		if [ "$cb_got" = "$cb_want" ]; then
			echo "LAB-BIND ${cb_d##*/} $cb_got"
		else
			echo "LAB-BIND-BAD ${cb_d##*/} bound to $cb_got, mode $2 wants $cb_want"
			cb_rc=1
		fi
	done
	return $cb_rc
}
