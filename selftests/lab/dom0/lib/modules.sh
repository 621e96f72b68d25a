# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# dom0/lib.sh, modules: which drivers serve the test's pair, loading and
# unloading them, their parameters, and the package's tools.

# have_xsplit KIND: is there an xsplit module for KIND (blkback, netfront...)?
have_xsplit() { compgen -G "$LAB/modules/*$1*.ko" >/dev/null; }

# require_mode KIND...: fail unless every xsplit driver the current mode
# needs was built (all of them are: a missing one is a broken build, not
# a reason to skip).  KIND is blk or net.
require_mode() {
	local k
	for k in "$@"; do
		[ "$LAB_BE" = intree ] || have_xsplit "${k}back" ||
			fail "no xsplit ${k}back module was built"
		[ "$LAB_FE" = intree ] || have_xsplit "${k}front" ||
			fail "no xsplit ${k}front module was built"
	done
}

# loaded NAME: the module is in dom0's kernel.
loaded() { [ -d "/sys/module/$1" ]; }

# unload NAME...: remove these modules if loaded.  A guest that has just
# gone can hold its backend's module for a few seconds, so retry for a
# while; fail (naming them) if any stays.
unload() {
	local m
	wait_for 30 "$* unloaded" unloaded "$@" >/dev/null && return 0
	echo "still loaded:$(for m in "$@"; do loaded "$m" && printf ' %s' "$m"; done)"
	return 1
}
# unloaded NAME...: remove those still loaded; true once none is.
unloaded() {
	local m left=0
	for m in "$@"; do
		loaded "$m" || continue
		rmmod "$m" 2>/dev/null || left=1
	done
	return "$left"
}

# use_backends: bind vbd/vif in dom0 to the mode's backends, whatever an
# earlier scenario of the run left loaded.  The other kind must be gone
# first: whichever driver is registered for a device type takes its
# devices, so a leftover would silently serve the guest.  An "install ...
# /bin/false" line, unlike "blacklist", also stops the xenbus-triggered
# autoload of the in-tree driver.  DOM0_BE remembers the choice:
# guest_start checks every backend device in dom0 against it.
# LAB_BE=none (modes=fe) keeps every backend away: the scenario loads its
# own and sets DOM0_BE to match it.
use_backends() {
	local conf=/etc/modprobe.d/lab-no-intree-backends.conf m
	# shellcheck disable=SC2034  # read by backends_bound (guests.sh)
	DOM0_BE=$LAB_BE
	if [ "$LAB_BE" = none ]; then
		# the scenario brings its own backend (modes=fe)
		printf 'install xen_blkback /bin/false\ninstall xen_netback /bin/false\n' >"$conf"
		unload xen_blkback xen_netback xsplit_blkback xsplit_netback ||
			fail "backends stay"
	elif [ "$LAB_BE" = xsplit ]; then
		printf 'install xen_blkback /bin/false\ninstall xen_netback /bin/false\n' >"$conf"
		unload xen_blkback xen_netback || fail "in-tree backends stay"
		loaded xsplit_core || insmod "$LAB/modules/xsplit_core.ko" ||
			fail "insmod xsplit_core"
		for m in "$LAB"/modules/*back*.ko; do
			loaded "$(basename "$m" .ko)" || insmod "$m" ||
				fail "insmod $m"
		done
		tx_zerocopy "${LAB_X_TX_ZEROCOPY:-0}"
	else
		rm -f "$conf"
		unload xsplit_blkback xsplit_netback || fail "xsplit backends stay"
		for m in xen-blkback xen-netback; do
			modprobe "$m" || fail "modprobe $m"
		done
	fi
}

# tx_zerocopy 0|1: xsplit_netback copies (0, its default) or grant-maps (1)
# guest transmit on the vifs connected from now on.  LAB_X_TX_ZEROCOPY=1
# has use_backends turn it on for a whole run.
# A tree from before the parameter (LAB_TREE) copies anyway: 0 is a no-op.
tx_zerocopy() {
	local p=/sys/module/xsplit_netback/parameters/tx_zerocopy
	[ -e "$p" ] || [ "$1" = 1 ] || return 0
	echo "$1" >"$p" || fail "xsplit_netback: tx_zerocopy=$1"
	echo "dom0: xsplit_netback tx_zerocopy=$1"
}

# set_params SETTINGS: write each module.param=value of SETTINGS (comma
# separated) to /sys/module; print the settings that undo it.  bench's
# backend variants and LAB_X_BLK_FIO_SET use it.
set_params() {
	local kv m p f old undo=
	for kv in ${1//,/ }; do
		m=${kv%%.*} p=${kv#*.}
		f=/sys/module/$m/parameters/${p%%=*}
		old=$(cat "$f") || fail "set $kv: no $f"
		echo "${p#*=}" >"$f" || fail "set $kv: cannot write $f"
		undo="$undo${undo:+,}$m.${p%%=*}=$old"
	done
	echo "$undo"
}

# packaged_tool NAME DIR: unpack this run's xsplit-dkms package into DIR
# (emptied first) and print the path of its /usr/sbin/NAME, so that a
# scenario runs the tool as the package ships it.  On failure prints why
# (and the package's file list if the tool is missing) and returns 1.
packaged_tool() {
	local deb=$LAB/xsplit-dkms.deb
	[ -f "$deb" ] || { echo "no xsplit-dkms.deb staged"; return 1; }
	rm -rf "$2"
	dpkg-deb -x "$deb" "$2" || { echo "unpack xsplit-dkms.deb"; return 1; }
	if [ ! -f "$2/usr/sbin/$1" ]; then
		dpkg-deb -c "$deb" | grep -v /usr/src/
		echo "the package has no /usr/sbin/$1"
		return 1
	fi
	echo "$2/usr/sbin/$1"
}
