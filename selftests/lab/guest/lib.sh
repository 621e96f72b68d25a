# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Helpers for the job scripts run inside a lab guest (busybox sh); sourced
# by /init before the job.

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
