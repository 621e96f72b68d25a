#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xsplit-stat against fio's and iperf3's own figures (issue #18 item 2).
# The tool comes out of this run's xsplit-dkms package ($LAB/xsplit-dkms.deb,
# unpacked, not installed), so the package is checked to carry it.  A
# guest with one disk (a null_blk) and one vif on xenbr0 runs, one phase
# after the other, fio (4k random read/write, a fixed 32 MiB) and iperf3
# to dom0 and back (-R); before and after each phase it prints a
# STAT-MARK line and waits, and dom0 takes `xsplit-stat --once --json`
# then.  The counters' increases (the device's line and the sum of its
# queues' lines) must match fio's reads and writes (requests and bytes)
# and iperf3's bytes received, each within 5%.  `xsplit-stat 1 N` runs
# live during the phases (live-*.txt), and --prometheus once at the end
# (xsplit.prom).  xsplit's backends only: the kernel's have no xsplit/.
# lab: modes=4 timeout=600
# lab: skips=intree-be
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

# seconds a guest waits after a mark: dom0 polls its console every second,
# then starts python3 (seconds under TCG)
PAUSE=8
TOL_PCT=5
IPERF_T=5

require_mode blk net
[ "$LAB_BE" = xsplit ] || skip intree-be "the kernel's backends export no xsplit/stats"
use_backends
bridges
pkg=/var/tmp/lab-stat-pkg
XS=$(packaged_tool xsplit-stat "$pkg") || fail "$XS"
# python3 runs the file (the first run extracted it to /run, noexec)
[ "$(stat -c %a "$XS")" = 755 ] || fail "/usr/sbin/xsplit-stat is not 0755"
xs() { python3 "$XS" "$@"; }
dev=$(nullb stat 256 1) || fail "$dev"
iperf3 -s -D -I "$LAB_OUT/iperf3.pid" --logfile "$LAB_OUT/iperf3-server.log" ||
	fail "iperf3 server"
trap 'kill "$(cat "$LAB_OUT/iperf3.pid")"; rm -rf "$pkg"' EXIT

cat >"$LAB_OUT/job.sh" <<JOB
PAUSE=$PAUSE
IPERF_T=$IPERF_T
JOB
cat >>"$LAB_OUT/job.sh" <<'JOB'
mark() { echo "STAT-MARK $1"; sleep "$PAUSE"; }
# iperf_bytes ARGS...: iperf3's bytes received (by the far end with -R,
# by dom0 without), from its JSON summary.
iperf_bytes() {
	iperf3 -c 10.0.0.1 -t "$IPERF_T" -i 0 -J "$@" >/tmp/iperf.json || {
		cat /tmp/iperf.json; return 1; }
	awk '/"sum_received"/ { f = 1 }
	     f && /"bytes"/ { gsub(/[^0-9]/, ""); print; exit }' /tmp/iperf.json
}
wait_dev /dev/xvdb 60 || exit 1
net_up eth0 10.0.0.2/24 || exit 1
wait_ping 10.0.0.1 30 || exit 1
mark blk-start
# terse v3: field 6 read KiB, 47 write KiB; 4 KiB per I/O
fio --minimal --name=stat --filename=/dev/xvdb --direct=1 --ioengine=libaio \
	--rw=randrw --bs=4k --iodepth=16 --size=32M >/tmp/fio.out || {
	cat /tmp/fio.out; exit 1; }
awk -F';' '{ printf "STAT-FIO read_kib=%d write_kib=%d err=%d\n", $6, $47, $5 }' \
	/tmp/fio.out
mark blk-end
b=$(iperf_bytes) || exit 1
echo "STAT-IPERF dir=from_guest bytes=$b"
mark net-from-end
b=$(iperf_bytes -R) || exit 1
echo "STAT-IPERF dir=to_guest bytes=$b"
mark net-to-end
sleep "$PAUSE"	# dom0's --prometheus while the devices still exist
JOB

snap() {
	xs --once --json >"$LAB_OUT/stat-$1.json" ||
		fail "xsplit-stat --once --json ($1)"
}

# live NAME SECONDS: the live view beside a phase, for the record.
live() {
	timeout $(( $2 + 10 )) python3 "$XS" 1 "$2" >"$LAB_OUT/live-$1.txt" 2>&1 &
}

guest_start statguest "$LAB_OUT/job.sh" "disk = ['phy:$dev,xvdb,w']" \
	"vif = ['bridge=xenbr0']"
domid=$(xl domid statguest) || fail "statguest gone"
console_mark statguest "STAT-MARK blk-start" 240
snap 0
live blk 8
console_mark statguest "STAT-MARK blk-end" 300
snap 1
live net $(( 2 * IPERF_T ))
console_mark statguest "STAT-MARK net-from-end" 120
snap 2
console_mark statguest "STAT-MARK net-to-end" 120
snap 3
xs --once --prometheus --output "$LAB_OUT/xsplit.prom" ||
	fail "xsplit-stat --prometheus"
guest_wait statguest || fail "the guest's job"
wait
cat "$LAB_OUT"/live-*.txt
grep -q "vbd-$domid-$VBD_XVDB" "$LAB_OUT/live-blk.txt" ||
	fail "the live view shows no vbd-$domid-$VBD_XVDB"
grep -q "^xsplit_vbd_queue_rd_req_total{domid=\"$domid\"" "$LAB_OUT/xsplit.prom" ||
	fail "no per-queue rd_req in the Prometheus output"

# compare: the counters' increases against fio's and iperf3's figures.
python3 - "$LAB_OUT" "$domid" "$TOL_PCT" "$LAB_OUT/statguest/console.log" <<'PY' ||
import json
import re
import sys

out, domid, tol, console = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
snaps = [json.load(open("%s/stat-%d.json" % (out, i))) for i in range(4)]
text = open(console, errors="replace").read()
m = re.search(r"STAT-FIO read_kib=(\d+) write_kib=(\d+) err=0", text)
ip = dict(re.findall(r"STAT-IPERF dir=(\w+) bytes=(\d+)\b", text))
if not m or len(ip) != 2:
    sys.exit("figures missing from the console: fio %s iperf %s" % (m, ip))
fio = {"read_kib": int(m.group(1)), "write_kib": int(m.group(2))}


def device(snap, kind, devid):
    for d in snap["devices"]:
        if d["domid"] == domid and d["type"] == kind and d["devid"] == devid:
            return d
    sys.exit("no %s %d of domain %d in a snapshot" % (kind, devid, domid))


def grow(a, b, kind, devid, key):
    """(device line, sum of the queue lines) increase of KEY."""
    da, db = device(snaps[a], kind, devid), device(snaps[b], kind, devid)
    qa = sum(q.get(key, 0) for q in da["queues"])
    qb = sum(q.get(key, 0) for q in db["queues"])
    return db["dev"][key] - da["dev"][key], qb - qa


checks = [
    ("blk read bytes", 0, 1, "vbd", 51728, "rd_sect", 512, fio["read_kib"] * 1024),
    ("blk write bytes", 0, 1, "vbd", 51728, "wr_sect", 512, fio["write_kib"] * 1024),
    ("blk read requests", 0, 1, "vbd", 51728, "rd_req", 1, fio["read_kib"] // 4),
    ("blk write requests", 0, 1, "vbd", 51728, "wr_req", 1, fio["write_kib"] // 4),
    ("net bytes from guest", 1, 2, "vif", 0, "rx_bytes", 1, int(ip["from_guest"])),
    ("net bytes to guest", 2, 3, "vif", 0, "tx_bytes", 1, int(ip["to_guest"])),
]
bad = 0
for name, a, b, kind, devid, key, unit, want in checks:
    for scope, got in zip(("device", "queues"), grow(a, b, kind, devid, key)):
        got *= unit
        diff = 100.0 * (got - want) / want if want else float("inf")
        ok = abs(diff) <= tol
        bad += not ok
        print("LAB-FIG stat-%s-%s tool=%d reference=%d diff_pct=%+.2f %s" % (
            name.replace(" ", "_"), scope, got, want, diff,
            "ok" if ok else "OFF"))
sys.exit(1 if bad else 0)
PY
	fail "xsplit-stat's figures differ from fio's or iperf3's by more than $TOL_PCT%"
echo "xsplit-stat agrees with fio and iperf3 within $TOL_PCT%"
check_leaks
