# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# net-xdp's guest: CYCLES attach/detach cycles of an XDP program with
# traffic to dom0; with xsplit's frontend (FE=xsplit) also the refusal
# at MTU 4000 and the drop, aborted, tx and redirect verdicts.
# within SECONDS WHAT CMD...: CMD must end within SECONDS.
within() {
	lim=$1 what=$2
	shift 2
	"$@" &
	p=$!
	n=0
	while kill -0 "$p" 2>/dev/null; do
		n=$((n + 1))
		if [ "$n" -gt "$lim" ]; then
			echo "LAB-XDP-HANG $what did not return in ${lim} s"
			return 1
		fi
		sleep 1
	done
	wait "$p" || { echo "LAB-XDP $what failed"; return 1; }
	echo "LAB-XDP $what returned in about ${n} s"
}

traffic() {
	ping -c 5 -s 1400 10.0.0.1 || { echo "ping ($1) failed"; return 1; }
	iperf_fig "xdp-$1-g2d" -c 10.0.0.1 -t 3 || return 1
	[ "$2" = both ] || return 0
	iperf_fig "xdp-$1-d2g" -c 10.0.0.1 -t 3 -R
}

# stat NAME: one of xsplit netfront's ethtool -S device totals.
stat() { /lab/bin/xdp-pass stats eth0 | awk -v k="$1" '$1 == k { print $2 }'; }

# delta NAME BEFORE: how much NAME grew since BEFORE.
delta() { echo $(( $(stat "$1") - $2 )); }
# grown NAME BEFORE N: NAME grew by N or more since BEFORE.
grown() { [ "$(delta "$1" "$2")" -ge "$3" ]; }

attach() {
	within 30 "attach $1" /lab/bin/xdp-pass attach eth0 "$1" || return 1
	/lab/bin/xdp-pass query eth0 | grep -x 'attached=1' >/dev/null ||
		{ echo "no program in driver mode after attaching $1"; return 1; }
}

detach() {
	within 30 "detach after $1" /lab/bin/xdp-pass detach eth0 || return 1
	wait_ping 10.0.0.1 20 || { echo "no ping to dom0 after $1"; return 1; }
}

# refusal: frames of MTU 4000 do not fit a page with the headroom.
refusal() {
	ip link set eth0 mtu 4000 || return 1
	if /lab/bin/xdp-pass attach eth0 pass 2>/tmp/refused; then
		echo "attached at MTU 4000"; return 1
	fi
	cat /tmp/refused
	grep -q 'kernel says: .*MTU too large' /tmp/refused || return 1
	ip link set eth0 mtu 1500 || return 1
	attach pass || return 1
	if ip link set eth0 mtu 4000 2>/dev/null; then
		echo "MTU 4000 taken with a program attached"; return 1
	fi
	detach pass || return 1
	echo "LAB-XDP-VERDICT refusal attach-at-4000=refused mtu-4000-attached=refused"
}

# guest_pings VERDICT COUNTER: 10 pings to dom0 must all fail, COUNTER
# grow by 10 to 40.
guest_pings() {
	ping -c 1 -W 2 10.0.0.1 >/dev/null || return 1	# a fresh ARP entry
	if [ "$1" = drop ]; then
		attach pass && attach drop || return 1
	else
		attach "$1" || return 1
	fi
	b=$(stat "$2")
	if ping -c 10 -W 1 10.0.0.1; then
		echo "pings to dom0 answered under XDP $1"; return 1
	fi
	d=$(delta "$2" "$b")
	echo "LAB-XDP-VERDICT $1 sent=10 $2=+$d"
	detach "$1" || return 1
	[ "$d" -ge 10 ] && [ "$d" -le 40 ] ||
		{ echo "$2 grew by $d for 10 pings"; return 1; }
}

# dom0_pings VERDICT COUNTER [COUNTER2]: dom0 pings us 10 times (it waits
# for our READY line) and the program answers; COUNTER (and COUNTER2)
# must grow by 10 or more, within DOM0_PINGS_S.
DOM0_PINGS_S=90
dom0_pings() {
	v=$1 c1=$2 c2=${3:-$2}
	echo 1 >/proc/sys/net/ipv4/icmp_echo_ignore_all
	attach "$v" || return 1
	b1=$(stat "$c1")
	b2=$(stat "$c2")
	echo "LAB-XDP-READY $v"
	wait_for "$DOM0_PINGS_S" "dom0's pings counted in $c1" grown "$c1" "$b1" 10 ||
		true	# the verdict below says by how much
	sleep 2
	d1=$(delta "$c1" "$b1")
	d2=$(delta "$c2" "$b2")
	if [ "$c2" = "$c1" ]; then
		echo "LAB-XDP-VERDICT $v pings=10 $c1=+$d1"
	else
		echo "LAB-XDP-VERDICT $v pings=10 $c1=+$d1 $c2=+$d2"
	fi
	echo 0 >/proc/sys/net/ipv4/icmp_echo_ignore_all
	detach "$v" || return 1
	[ "$d1" -ge 10 ] && [ "$d2" -ge 10 ] ||
		{ echo "$c1 +$d1, $c2 +$d2 for dom0's 10 pings"; return 1; }
}

verdicts() {
	refusal || { echo "refusal failed"; return 1; }
	guest_pings drop xdp_drop || { echo "drop failed"; return 1; }
	guest_pings aborted xdp_aborted || { echo "aborted failed"; return 1; }
	dom0_pings tx xdp_tx || { echo "tx failed"; return 1; }
	dom0_pings redirect xdp_redirect xdp_xmit ||
		{ echo "redirect failed"; return 1; }
	/lab/bin/xdp-pass stats eth0 | grep -E '^(xdp_|rx_gso|rx_pool_)'
	echo "LAB-XDP verdicts done"
}

net_up eth0 10.0.0.2/24 && wait_ping 10.0.0.1 60 || exit 1
traffic before both || exit 1
i=1
while [ "$i" -le "$CYCLES" ]; do
	within 30 "attach $i" /lab/bin/xdp-pass attach eth0 || exit 1
	/lab/bin/xdp-pass query eth0 | grep -x 'attached=1' >/dev/null ||
		{ echo "no program in driver mode after attach $i"; exit 1; }
	traffic "attached$i" one || exit 1
	within 30 "detach $i" /lab/bin/xdp-pass detach eth0 || exit 1
	/lab/bin/xdp-pass query eth0 | grep -x 'attached=0' >/dev/null ||
		{ echo "a program is left after detach $i"; exit 1; }
	i=$((i + 1))
done
traffic after both || exit 1
echo "LAB-XDP $CYCLES attach/detach cycles with traffic"
[ "$FE" = xsplit ] || exit 0
verdicts || exit 1
traffic end both || exit 1
