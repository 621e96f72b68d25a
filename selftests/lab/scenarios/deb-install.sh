#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The path users take: dom0 installs xsplit from the xsplit-dkms package
# with apt (offline: dkms, gcc and the kernel's headers are in the image),
# DKMS builds the modules for dom0's kernel, and from then on xsplit's
# drivers load on demand where the kernel's would:
#   1. nothing of xsplit or of the kernel's backends is loaded;
#      `apt-get install ./xsplit-dkms.deb`; DKMS reports the modules
#      installed for this kernel, and `modprobe xen_blkback` (Xen's init
#      scripts, an administrator) resolves to xsplit's module;
#   2. a guest with a disk and a vif starts: udev loads the backends for
#      the devices' aliases, and both are xsplit's (the kernel's are never
#      loaded).  The guest runs xsplit's frontends as DKMS built them (the
#      same kernel as dom0), checks a block pattern and pings dom0;
#   3. a guest does the same in a Debian userland it carries in its
#      initramfs (/var/lib/xsplit-lab/guest-debian.cpio.zst in the image): apt install, modprobe of
#      each device's modalias as udev would run it, I/O, apt remove;
#   4. `apt-get remove xsplit-dkms` leaves no module, no DKMS tree, no
#      source and no modprobe file; with xsplit unloaded, the next guest's
#      devices load and bind the kernel's own backends again.
# The DKMS build runs under TCG here: minutes, so the full suite only.
# lab: timeout=2700
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

DEB=$LAB/xsplit-dkms.deb
XSPLIT_MODS=(xsplit_blkback xsplit_netback xsplit_blkfront xsplit_netfront xsplit_core)
LAB_NO_INTREE=/etc/modprobe.d/lab-no-intree-backends.conf

[ -f "$DEB" ] || fail "no xsplit-dkms.deb on the input disk"
command -v dkms >/dev/null || fail "no dkms in dom0's image"

# dkms_left: what of xsplit DKMS and the package leave on disk.
dkms_left() {
	ls -d /usr/src/xsplit-* /var/lib/dkms/xsplit /usr/lib/modprobe.d/xsplit.conf \
		/usr/sbin/xsplit-stat /usr/sbin/xsplit-upgrade "/lib/modules/$KVER"/updates/dkms/xsplit_* 2>/dev/null
}

# guest_job: the guest's disk and network work with whatever frontends
# it loaded; it prints the frontends' srcversions for dom0 to compare.
guest_job() {
	cat >"$LAB_OUT/job.sh" <<'JOB'
wait_dev /dev/xvdb 60 || exit 1
for m in xsplit_core xsplit_blkfront xsplit_netfront; do
	[ -e /sys/module/$m ] && echo "LAB-SRCVERSION $m $(cat /sys/module/$m/srcversion)"
done
io_check /dev/xvdb || exit 1
JOB
}

step "clean slate: no xsplit module, no kernel backend loaded"
rm -f "$LAB_NO_INTREE"
unload "${XSPLIT_MODS[@]}" xen_blkback xen_netback || fail "modules stay loaded"
[ -z "$(dkms_left)" ] || fail "xsplit is already installed: $(dkms_left)"
dev=$(nullb debdisk 64 1) || fail "$dev"
linux_bridge

step "apt-get install ./xsplit-dkms.deb"
t0=$(now_ms)
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=/dev/null \
	"$DEB" || fail "apt-get install of the package"
echo "LAB-FIG deb-install seconds=$(( ($(now_ms) - t0) / 1000 ))"
dkms status -m xsplit
dkms status -m xsplit | grep "$KVER.*: installed" >/dev/null ||
	fail "DKMS did not install xsplit for $KVER"
for m in "${XSPLIT_MODS[@]}"; do
	modinfo -F filename "$m" | grep "/updates/dkms/$m\.ko" >/dev/null ||
		fail "modprobe does not find DKMS's $m"
done
for m in blkback netback blkfront netfront; do
	modprobe -n -v "xen_$m" | tee -a "$LAB_OUT/modprobe.txt" |
		grep "modprobe xsplit_$m" >/dev/null ||
		fail "modprobe xen_$m does not load xsplit_$m"
done
for m in "${XSPLIT_MODS[@]}" xen_blkback xen_netback; do
	loaded "$m" && fail "$m loaded before any device asked for it"
done

step "a guest's devices load xsplit's backends on demand"
# the guest's frontends: the DKMS build, over the lab's own
rm -rf /run/lab-deb && mkdir -p /run/lab-deb/lab/modules
for m in xsplit_core xsplit_blkfront xsplit_netfront; do
	cp "/lib/modules/$KVER/updates/dkms/$m.ko" /run/lab-deb/lab/modules/ ||
		fail "no DKMS $m.ko"
done
(cd /run/lab-deb && find lab | cpio -o -H newc --quiet -R 0:0) >/run/lab-deb.cpio
guest_job
DOM0_BE=xsplit LAB_FE=xsplit GUEST_CPIO=/run/lab-deb.cpio guest_run debguest \
	"$LAB_OUT/job.sh" "disk = ['phy:$dev,xvdb,w']" "vif = ['bridge=xenbr0']" ||
	fail "the guest's I/O through the packaged xsplit"
for m in xsplit_core xsplit_blkfront xsplit_netfront; do
	want=$(modinfo -F srcversion "$m")
	# none would match any line the guest printed for $m
	[ -n "$want" ] || fail "no srcversion of DKMS's $m in dom0"
	grep -q "LAB-SRCVERSION $m $want" "$LAB_OUT/debguest/console.log" ||
		fail "the guest did not run DKMS's $m ($want)"
done
echo "guest: ran DKMS's frontends"
for m in xen_blkback xen_netback; do
	loaded "$m" && fail "the kernel's $m was loaded"
done
lsmod | grep -E '^(xsplit|xen_)' | tee "$LAB_OUT/lsmod.txt"
check_leaks

step "a guest installs the package with apt and its devices load xsplit"
# The guest boots with no frontend; its initramfs holds a Debian userland
# (the image's guest-debian part) and the package.  It installs with apt
# in that tree, asks modprobe for each device's modalias as udev would,
# does I/O, unloads the frontends and removes the package.
# Big files: on dom0's disk, not in /run.
big=/var/tmp/lab-deb
mkdir -p "$big/pkg/lab"
cp "$DEB" "$big/pkg/lab/xsplit-dkms.deb"
(cd "$big/pkg" && find lab | cpio -o -H newc --quiet -R 0:0) >"$big/pkg.cpio"
cat /var/lib/xsplit-lab/guest-debian.cpio.zst "$big/pkg.cpio" >"$big/guest-extra.cpio" ||
	fail "no guest-debian.cpio.zst in dom0's image"
cat >"$LAB_OUT/job.sh" <<'JOB'
D=/debian
in_debian() {
	chroot $D /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
}
# devtmpfs has no /dev/fd, which dkms's process substitutions need
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mount -t proc proc $D/proc && mount -t sysfs sys $D/sys &&
	mount -o bind /dev $D/dev && mount -t tmpfs tmp $D/tmp || exit 1
cp /lab/xsplit-dkms.deb $D/tmp/ || exit 1
t0=$(cut -d. -f1 /proc/uptime)
in_debian apt-get install -y --no-install-recommends /tmp/xsplit-dkms.deb || exit 1
echo "LAB-FIG guest-deb-install seconds=$(( $(cut -d. -f1 /proc/uptime) - t0 ))"
in_debian dkms status -m xsplit | grep "$(uname -r).*: installed" || exit 1
in_debian modprobe -n -v xen_blkfront | grep "modprobe xsplit_blkfront" >/dev/null ||
	exit 1
for d in /sys/bus/xen/devices/vbd-* /sys/bus/xen/devices/vif-*; do
	echo "modprobe $(cat $d/modalias) (${d##*/})"
	in_debian modprobe "$(cat $d/modalias)" || exit 1
done
check_bindings xen xsplit || exit 1
wait_dev /dev/xvdb 60 || exit 1
io_check /dev/xvdb || exit 1
in_debian apt-get remove -y xsplit-dkms || exit 1
left=$(cd $D && ls -d usr/src/xsplit-* var/lib/dkms/xsplit usr/lib/modprobe.d/xsplit.conf \
	usr/sbin/xsplit-stat usr/sbin/xsplit-upgrade lib/modules/*/updates/dkms/xsplit_* 2>/dev/null)
[ -z "$left" ] || { echo "left after remove: $left"; exit 1; }
# Loaded modules outlive the package until unloaded; xenbus pins a
# driver's module while a device is bound to it, so unbind first.
ip link set eth0 down
for d in /sys/bus/xen/devices/vbd-* /sys/bus/xen/devices/vif-*; do
	echo "${d##*/}" >"$d/driver/unbind" || exit 1
done
rmmod xsplit_blkfront xsplit_netfront xsplit_core || exit 1
echo "guest: the package installed, served both devices, and removed cleanly"
JOB
# ramfs: the initramfs's default tmpfs stops at half the guest's memory,
# less than the userland unpacked ("Initramfs unpacking failed: write error")
DOM0_BE=xsplit LAB_FE=none GUEST_MEMORY=1536 GUEST_VCPUS=2 LAB_GUEST_TMP=$big \
	GUEST_CMDLINE=rootfstype=ramfs \
	GUEST_CPIO=$big/guest-extra.cpio guest_run aptguest \
	"$LAB_OUT/job.sh" "disk = ['phy:$dev,xvdb,w']" "vif = ['bridge=xenbr0']" ||
	fail "apt install and remove of the package in a guest"
rm -rf "$big"
check_leaks

step "apt-get remove xsplit-dkms"
apt-get remove -y xsplit-dkms || fail "apt-get remove"
[ -z "$(dkms_left)" ] || fail "left after remove: $(dkms_left)"
dkms status -m xsplit | grep . >/dev/null && fail "DKMS still knows xsplit"
unload "${XSPLIT_MODS[@]}" || fail "xsplit modules stay loaded"
modprobe -n -v xen_blkback | grep xsplit >/dev/null &&
	fail "modprobe still sends xen_blkback to xsplit"

step "after removal the kernel's backends serve the next guest"
guest_job
DOM0_BE=intree LAB_FE=intree guest_run intreeguest "$LAB_OUT/job.sh" \
	"disk = ['phy:$dev,xvdb,w']" "vif = ['bridge=xenbr0']" ||
	fail "the guest's I/O through the kernel's backends after removal"
unload xen_blkback xen_netback || fail "the kernel's backends stay loaded"
check_leaks
