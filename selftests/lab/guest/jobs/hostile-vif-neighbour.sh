# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# hostile-vif's neighbour: a well-behaved guest on xenbr0 beside the
# hostile one, rounds of iperf3 (5 s, to dom0's NB_PORT) and ping (5)
# against dom0 until dom0 serves it a stop file on STOP_PORT (or RUN_S
# seconds pass); one summary line.  Passes if every iperf3 moved data and
# at most NB_LOSS_PCT % of the pings were lost.
net_up eth0 10.0.0.2/24 || exit 1
wait_ping 10.0.0.1 60 || exit 1
echo NEIGHBOUR-READY
end=$(( $(cut -d. -f1 /proc/uptime) + RUN_S ))
r=0 bad=0 sent=0 got=0
until busybox wget -q -O /dev/null "http://10.0.0.1:$STOP_PORT/stop" 2>/dev/null; do
	[ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ] || break
	r=$((r + 1))
	iperf_fig neighbour -c 10.0.0.1 -p "$NB_PORT" -t 5 || bad=$((bad + 1))
	p=$(ping -q -c 5 -i 0.2 10.0.0.1 2>&1 | grep 'packets transmitted')
	t=$(echo "$p" | sed -n 's/^\([0-9]*\) packets tr.*/\1/p')
	g=$(echo "$p" | sed -n 's/.* \([0-9]*\) packets rec.*/\1/p')
	sent=$((sent + ${t:-5})) got=$((got + ${g:-0}))
done
echo "NEIGHBOUR rounds=$r iperf_failed=$bad ping_sent=$sent ping_got=$got"
[ "$r" -ge 1 ] && [ "$bad" = 0 ] && [ $(( (sent - got) * 100 )) -le $(( sent * NB_LOSS_PCT )) ]
