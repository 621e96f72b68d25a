#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tools Xen administrators already use (issue #18, item 1): xentop's
# VBD and NET columns, the backend's statistics in sysfs, ethtool -S and
# ip -s link on the vif, for a guest served by the mode's backends.  Once
# per backend (modes=be), the kernel's frontends in the guest: the
# kernel's backends, the control, show what an administrator expects.
#
# The guest reads 64 MiB and writes 32 MiB of xvdb with dd, runs 4k
# random reads at a queue depth beyond the ring (fio, qd 64: the backend
# then finds its ring full, which statistics/oo_req counts), moves data
# both ways with iperf3, then prints its own counters (xvdb's sectors and
# requests from /sys/block, eth0's bytes) and idles while dom0 reads:
#   xentop -b   VBD_RD, VBD_WR, VBD_OO, VBD_RSECT, VBD_WSECT, NETTX(k),
#               NETRX(k) of the guest
#   sysfs       /sys/bus/xen-backend/devices/vbd-D-51728/statistics/*
#   vif         ethtool -S, ip -s link
# Pass: xentop's sectors equal the guest's own (within SECT_SLACK: the
# backend counts its side of the same requests), its requests equal the
# backend's sysfs files it reads, NETTX/NETRX within NET_PCT of the
# guest's eth0 rx/tx bytes (xentop reads the vif: its TX is the guest's
# rx; KiB rounding, ARP), the sysfs statistics are the
# files Linux's blkback has, ethtool -S and ip -s link answer.
# lab: modes=be timeout=420
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"
set -o pipefail

LAB_FE=intree
XVDB=$VBD_XVDB
SECT_SLACK=64		# sectors: xentop against the guest's own count
NET_PCT=5		# NETTX/NETRX against the guest's eth0 bytes
IDLE_S=40		# the guest idles this long after its I/O for dom0
STATS="oo_req rd_req wr_req f_req ds_req rd_sect wr_sect"	# Linux's

ROWS=$LAB_OUT/rows BAD=0
: >"$ROWS"
# row LABEL VALUE VERDICT: a line of the table (verdict ok, FAIL or -)
row() {
	printf '%-46s %24s  %s\n' "$1" "$2" "$3" >>"$ROWS"
	[ "$3" != FAIL ] || BAD=1
}
check() { if "$@"; then echo ok; else echo FAIL; fi; }

require_mode blk net
use_backends
linux_bridge
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")" 2>/dev/null' EXIT

dev=$(nullb admin 256 1) || fail "$dev"
cat >"$LAB_OUT/job.sh" <<JOB
IDLE_S=$IDLE_S
JOB
cat >>"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
net_up eth0 10.0.0.2/24 || exit 1
wait_ping 10.0.0.1 60 || exit 1
dd if=/dev/xvdb of=/dev/null bs=1M count=64 iflag=direct || exit 1
dd if=/dev/zero of=/dev/xvdb bs=1M count=32 seek=64 oflag=direct || exit 1
fio --name=oo --filename=/dev/xvdb --direct=1 --ioengine=libaio --rw=randread \
	--bs=4k --iodepth=64 --size=64M --number_ios=4000 >/tmp/fio.out 2>&1 ||
	{ cat /tmp/fio.out; exit 1; }
iperf_fig tx -c 10.0.0.1 -t 3 || exit 1
iperf_fig rx -c 10.0.0.1 -t 3 -R || exit 1
# /sys/block/*/stat: reads, merged, sectors, ms, writes, merged, sectors
read -r rio _ rsect _ wio _ wsect _ </sys/block/xvdb/stat
echo "ADMIN-GUEST rio=$rio rsect=$rsect wio=$wio wsect=$wsect" \
	"txb=$(cat /sys/class/net/eth0/statistics/tx_bytes)" \
	"rxb=$(cat /sys/class/net/eth0/statistics/rx_bytes)"
sleep "$IDLE_S"
JOB

guest_start admin "$LAB_OUT/job.sh" "disk = ['phy:$dev,xvdb,w']" \
	"vif = ['bridge=xenbr0']"
domid=$(xl domid admin) || fail "the guest is gone at once"
console_mark admin ADMIN-GUEST 300
vbd=/sys/bus/xen-backend/devices/vbd-$domid-$XVDB
vif=vif$domid.0
# xentop's second sample (the first has no rates); columns by their names
xentop -b -i 2 -d 2 >"$LAB_OUT/xentop.txt" 2>&1 || fail "xentop -b"
cat "$LAB_OUT/xentop.txt"
xt() {
	awk -v col="$1" '$1 == "NAME" { for (i = 1; i <= NF; i++) c[$i] = i }
		$1 == "admin" && (col in c) { v = $c[col] } END { print v }' \
		"$LAB_OUT/xentop.txt"
}
for s in $STATS; do
	printf '%s=%s ' "$s" "$(cat "$vbd/statistics/$s" 2>/dev/null || echo missing)"
done | tee "$LAB_OUT/sysfs-stats"
echo
ethtool -S "$vif" >"$LAB_OUT/ethtool.txt" 2>&1
ip -s link show "$vif" >"$LAB_OUT/ip-s-link.txt" 2>&1
head -n 12 "$LAB_OUT/ethtool.txt"
cat "$LAB_OUT/ip-s-link.txt"
g=$(grep -a 'ADMIN-GUEST' "$CONSOLE_DIR/guest-admin.log" | tail -n1 | tr -d '\r')
gv() { echo "$g" | sed -n "s/.* $1=\\([0-9]*\\).*/\\1/p"; }
rc=0
guest_wait admin || rc=$?
[ "$rc" = 0 ] || fail "the guest's job failed (rc $rc)"

# within A B SLACK: |A - B| <= SLACK
within() { [ -n "$1" ] && [ -n "$2" ] && [ $(( $1 > $2 ? $1 - $2 : $2 - $1 )) -le "$3" ]; }
# pct_of A B PCT: A within PCT% of B
pct_of() { [ -n "$1" ] && [ -n "$2" ] && within "$1" "$2" $(( $2 * $3 / 100 + 1 )); }

row "xentop VBD_RSECT / guest sectors read"  "$(xt VBD_RSECT)/$(gv rsect)" \
	"$(check within "$(xt VBD_RSECT)" "$(gv rsect)" "$SECT_SLACK")"
row "xentop VBD_WSECT / guest sectors written"  "$(xt VBD_WSECT)/$(gv wsect)" \
	"$(check within "$(xt VBD_WSECT)" "$(gv wsect)" "$SECT_SLACK")"
# sysfs as read while the guest ran
st() { sed -n "s/.*\\<$1=\\([0-9]*\\).*/\\1/p" "$LAB_OUT/sysfs-stats"; }
row "xentop VBD_RD / sysfs rd_req (guest reads)" "$(xt VBD_RD)/$(st rd_req)($(gv rio))" \
	"$(check test "$(xt VBD_RD)" -gt 0 -a "$(xt VBD_RD)" = "$(st rd_req)")"
row "xentop VBD_WR / sysfs wr_req (guest writes)" "$(xt VBD_WR)/$(st wr_req)($(gv wio))" \
	"$(check test "$(xt VBD_WR)" -gt 0 -a "$(xt VBD_WR)" = "$(st wr_req)")"
row "xentop VBD_OO (ring full, qd 64) / sysfs oo_req" "$(xt VBD_OO)/$(st oo_req)" \
	"$(check [ "$(xt VBD_OO)" = "$(st oo_req)" ])"
# xentop counts on the vif, dom0's side of the link: its NETTX is what the
# vif sent, the guest's rx (so with the kernel's netback, the control).
# kib BYTES: in KiB; nothing for nothing, which pct_of fails (an empty
# operand in $((...)) would abort the row command: no row, no FAIL).
kib() { [ -z "$1" ] || echo $(( $1 / 1024 )); }
row "xentop NETTX(k) / guest eth0 rx KiB"  "$(xt 'NETTX(k)')/$(kib "$(gv rxb)")" \
	"$(check pct_of "$(xt 'NETTX(k)')" "$(kib "$(gv rxb)")" "$NET_PCT")"
row "xentop NETRX(k) / guest eth0 tx KiB"  "$(xt 'NETRX(k)')/$(kib "$(gv txb)")" \
	"$(check pct_of "$(xt 'NETRX(k)')" "$(kib "$(gv txb)")" "$NET_PCT")"
n=$(grep -o 'missing' "$LAB_OUT/sysfs-stats" | wc -l)
row "sysfs statistics/ files Linux's blkback has, missing" "$n" "$(check [ "$n" = 0 ])"
n=$(grep -c ':' "$LAB_OUT/ethtool.txt")
row "ethtool -S $vif counters" "$n" "$(check [ "$n" -gt 0 ])"
n=$(grep -cE '^ +RX:|^ +TX:' "$LAB_OUT/ip-s-link.txt")
row "ip -s link $vif RX/TX lines" "$n" "$(check [ "$n" = 2 ])"
echo "admin tools on a guest served by $LAB_BE's backends (the kernel's frontends)"
tee "$LAB_OUT/table.txt" <"$ROWS"
[ "$BAD" = 0 ] || fail "xentop, sysfs or the vif's tools disagree with the guest (table above)"
check_leaks
