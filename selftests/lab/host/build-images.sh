#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the lab's cached images into OUTDIR (which must not exist yet):
#   rootfs.img      dom0's root filesystem (ext4, made without loop mounts)
#   xen             the hypervisor, uncompressed, for QEMU's multiboot loader
#   vmlinuz         Debian's kernel, for dom0 and for the guests
#   initrd.img      dom0's initramfs
#   guest-base.cpio.zst  guest initramfs: busybox, fio, iperf3, in-tree
#                   frontends; the per-run files are appended as a second cpio
#   kver, versions  the kernel release and the installed package versions
#
# Usage: build-images.sh OUTDIR
set -eu
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

OUT=$1
WORK=$OUT.tmp
ROOT=$WORK/root

# The chroot needs /proc, /sys and /dev for the packages' maintainer scripts.
# They are unmounted on every exit path, and the tree is only ever removed
# with --one-file-system, so a failure can never reach the host's /dev.
chroot_mounts=""
umount_chroot() {
	local m
	for m in $chroot_mounts; do
		umount -l "$ROOT/$m" 2>/dev/null || true
	done
	chroot_mounts=""
}
cleanup() {
	umount_chroot
	if [ -d "$WORK" ]; then
		rm -rf --one-file-system "$WORK"
	fi
}
trap cleanup EXIT

mount_chroot() {
	mount -t proc proc "$ROOT/proc"
	mount -t sysfs sys "$ROOT/sys"
	mount --bind /dev "$ROOT/dev"
	chroot_mounts="dev sys proc"
}

# debootstrap a minimal bookworm from the main archive, then install the lab
# packages with apt inside it from all the host's Debian sources (the kernel
# and Xen the host's headers match come from bookworm-security).
bootstrap() {
	local mirror suite pkgs
	read -r mirror suite <<<"$(lab_main_mirror)"
	[ -n "$mirror" ] || die "no Debian mirror in the host's apt sources"
	log "debootstrap $suite from $mirror"
	debootstrap --variant=minbase "$suite" "$ROOT" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
		{ tail -20 "$WORK/debootstrap.log"; die "debootstrap failed"; }
	lab_apt_sources >"$ROOT/etc/apt/sources.list"
	# No daemon may start inside the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
	chmod +x "$ROOT/usr/sbin/policy-rc.d"
	mount_chroot
	log "apt-get install (lab packages)"
	pkgs=$(echo "$LAB_PACKAGES" | tr '\n' ' ')
	chroot "$ROOT" /bin/sh -c "export DEBIAN_FRONTEND=noninteractive;
		apt-get -q update && apt-get -q -y --no-install-recommends install $pkgs" \
		>"$WORK/apt.log" 2>&1 || { tail -30 "$WORK/apt.log"; die "apt-get install failed"; }
	chroot "$ROOT" apt-get clean
	# dom0's initramfs needs only its root disk: a 30 MB "most" initramfs
	# costs 20 s of TCG time at every boot.
	echo MODULES=list >"$ROOT/etc/initramfs-tools/conf.d/lab"
	printf '%s\n' virtio_pci virtio_blk ext4 crc32c_generic >>"$ROOT/etc/initramfs-tools/modules"
	chroot "$ROOT" update-initramfs -u -k all >>"$WORK/apt.log" 2>&1
	rm -f "$ROOT/usr/sbin/policy-rc.d"
}

# Make dom0 boot straight into the runner with the guest consoles logged.
configure_dom0() {
	local d=$LAB_DIR/image
	echo lab-dom0 >"$ROOT/etc/hostname"
	printf '127.0.0.1 localhost\n127.0.1.1 lab-dom0\n' >"$ROOT/etc/hosts"
	echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' >"$ROOT/etc/fstab"
	chroot "$ROOT" passwd -d root >/dev/null
	echo 'XENCONSOLED_ARGS="--log=guest --log-dir=/var/log/xen/console"' >>"$ROOT/etc/default/xen"
	# oxenstored (Debian's default) logs to syslog unless told otherwise.
	cat >>"$ROOT/etc/xen/oxenstored.conf" <<-EOF2
		xenstored-log-file = /var/log/xen/xenstored.log
		xenstored-log-level = info
		access-log-file = /var/log/xen/xenstored-access.log
	EOF2
	mkdir -p "$ROOT/var/log/xen/console"
	install -m 755 "$d/lab-boot" "$ROOT/usr/local/sbin/lab-boot"
	install -m 644 "$d/lab-runner.service" "$ROOT/etc/systemd/system/lab-runner.service"
	chroot "$ROOT" systemctl enable lab-runner.service >/dev/null 2>&1
	# Nothing logs in, nothing is maintained: every service masked here is
	# boot time under TCG.  xendomains would also save guests at shutdown.
	chroot "$ROOT" systemctl mask xendomains.service apt-daily.timer \
		apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
		fstrim.timer getty-static.service getty@.service \
		serial-getty@.service dpkg-db-backup.timer >/dev/null 2>&1 || true
}

# Copy FILE from the rootfs into the guest tree with every library it needs.
guest_add_binary() {
	local g=$1 f=$2 lib
	install -D -m 755 "$ROOT$f" "$g$f"
	for lib in $(chroot "$ROOT" ldd "$f" | grep -o '/[^ ]*'); do
		# Resolve symlinks inside the chroot: absolute ones would
		# otherwise point at the host's own libraries.
		[ -e "$g$lib" ] ||
			install -D -m 755 "$ROOT$(chroot "$ROOT" readlink -f "$lib")" "$g$lib"
	done
}

# Copy module NAME and (first) the modules it depends on into
# /lib/modules/DIR, appending them to DIR/order (the order to insmod them).
# A module built into the kernel needs nothing.
guest_add_module() {
	local g=$1 kver=$2 dir=$3 name=$4 path dep
	path=$(chroot "$ROOT" modinfo -k "$kver" -F filename "$name") ||
		{ log "no module $name in $kver"; return 0; }
	case $path in
	/*) ;;
	*) return 0 ;;	# (builtin)
	esac
	for dep in $(chroot "$ROOT" modinfo -k "$kver" -F depends "$name" | tr , ' '); do
		guest_add_module "$g" "$kver" "$dir" "$dep"
	done
	[ -e "$g/lib/modules/$dir/$(basename "$path")" ] && return 0
	install -D -m 644 "$ROOT$path" "$g/lib/modules/$dir/$(basename "$path")"
	basename "$path" >>"$g/lib/modules/$dir/order"
}

build_guest_base() {
	local g=$WORK/guest kver=$1
	mkdir -p "$g"/{bin,dev,proc,sys,tmp,run,mnt,lib/modules/intree}
	install -m 755 "$ROOT/bin/busybox" "$g/bin/busybox"
	guest_add_binary "$g" /usr/bin/fio
	guest_add_binary "$g" /usr/bin/iperf3
	guest_add_module "$g" "$kver" intree xen-blkfront
	guest_add_module "$g" "$kver" intree xen-netfront
	# Block-feature tests: ext4 (mkfs, mount, fstrim) and util-linux's
	# blkdiscard/fstrim; the ext4 modules are loaded by the jobs that need
	# them, from /lib/modules/fs/order.
	guest_add_binary "$g" /sbin/mke2fs
	ln -s mke2fs "$g/sbin/mkfs.ext4"
	install -D -m 644 "$ROOT/etc/mke2fs.conf" "$g/etc/mke2fs.conf"
	guest_add_binary "$g" /sbin/fstrim
	guest_add_binary "$g" /sbin/blkdiscard
	guest_add_module "$g" "$kver" fs crc32c_generic
	guest_add_module "$g" "$kver" fs ext4
	(cd "$g" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
		zstd -q -9 -T0 >"$WORK/guest-base.cpio.zst"
}

# /var/lib/xsplit-lab/guest-debian.cpio.zst in dom0's rootfs: a Debian
# userland for a guest that installs the xsplit-dkms package with apt
# (scenario deb-install): dom0's own tree (dkms, gcc, headers, apt)
# under debian/, less what installing a DKMS package never reads (the
# kernel's own modules, docs, the package lists: apt needs only dpkg's
# status to see that dkms is there).  The guest unpacks it in its
# initramfs and chroots into it.
build_guest_debian() {
	local kver=$1 d=$WORK/guest-debian
	mkdir -p "$d/debian"
	tar -C "$ROOT" --one-file-system -cf - \
		--exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' \
		--exclude='./run/*' --exclude='./tmp/*' --exclude='./boot/*' \
		--exclude='./var/lib/apt/lists/*_*' \
		--exclude="./usr/lib/modules/$kver/kernel" \
		--exclude=./usr/lib/firmware --exclude=./usr/share/doc \
		--exclude=./usr/share/man --exclude=./usr/share/locale \
		--exclude=./usr/share/info --exclude='./usr/lib/python3*' \
		. | tar -C "$d/debian" -xf -
	# On dom0's own disk: /run (where the per-run files go) is too small.
	mkdir -p "$ROOT/var/lib/xsplit-lab"
	(cd "$d" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
		zstd -q -3 -T0 >"$ROOT/var/lib/xsplit-lab/guest-debian.cpio.zst"
	# padded: the kernel looks for the next archive at an aligned offset
	truncate -s $(( ($(stat -c %s "$ROOT/var/lib/xsplit-lab/guest-debian.cpio.zst") \
		+ 511) / 512 * 512 )) "$ROOT/var/lib/xsplit-lab/guest-debian.cpio.zst"
	rm -rf "$d"
}

main() {
	local kver
	[ "$(id -u)" = 0 ] || die "building the images needs root (debootstrap, chroot)"
	mkdir -p "$ROOT"
	bootstrap
	umount_chroot
	kver=$(basename "$(ls -d "$ROOT"/lib/modules/*)")
	echo "$kver" >"$WORK/kver"
	chroot "$ROOT" dpkg-query -W >"$WORK/versions"
	configure_dom0
	log "boot files and guest initramfs for $kver"
	zcat "$ROOT"/boot/xen-4.17-amd64.gz >"$WORK/xen"
	cp "$ROOT/boot/vmlinuz-$kver" "$WORK/vmlinuz"
	cp "$ROOT/boot/initrd.img-$kver" "$WORK/initrd.img"
	build_guest_base "$kver"
	build_guest_debian "$kver"
	log "rootfs.img (mkfs.ext4 -d)"
	truncate -s 4G "$WORK/rootfs.img"
	mkfs.ext4 -q -F -L labroot -d "$ROOT" "$WORK/rootfs.img"
	rm -rf --one-file-system "$ROOT" "$WORK/guest"
	mv "$WORK" "$OUT"
}

main "$@"
