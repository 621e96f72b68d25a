# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers shared by the host side of the Xen lab: logging, the package list,
# the apt sources the images are built from, and the cache key.  Sourced, not
# run.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034  # used by the scripts that source this
REPO_DIR=$(cd "$LAB_DIR/../.." && pwd)
LAB_CACHE_ROOT=${LAB_CACHE_ROOT:-/var/cache/xsplit-lab}

# Everything dom0 and the guests run comes from these Debian packages.
# busybox-static (not busybox) because the guest initramfs wants one static
# binary; the two conflict, so dom0 gets the static one too.  dkms and the
# kernel's headers let dom0 install the xsplit-dkms package offline, as a
# user would (scenario deb-install).  grub-xen-host (GRUB's own PV block
# frontend) and qemu-system-xen (QEMU's block backend) are the other
# implementations of the block protocol that xsplit must work with
# (scenario blk-peers).
LAB_PACKAGES="linux-image-amd64 xen-hypervisor-4.17-amd64 xen-utils-4.17
openvswitch-switch fio iperf3 iproute2 busybox-static kmod systemd-sysv udev
procps cpio zstd e2fsprogs ethtool iputils-ping
dkms linux-headers-amd64 gcc make
grub-xen-host qemu-system-xen"

log() { printf '[lab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Print "deb URI SUITE COMPONENTS" for every Debian entry the host's apt
# uses (one-line sources.list and deb822 *.sources), so the images see the
# very same mirror and versions the host resolved.  Non-Debian repositories
# are left out: the lab must not depend on them.
lab_apt_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?/deb /p' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush() {
			if (types ~ /(^| )deb( |$)/ && enabled != "no")
				for (i = 1; i <= nu; i++)
					for (j = 1; j <= ns; j++)
						print "deb " u[i] " " s[j] " " comps
			types = ""; nu = 0; ns = 0; comps = ""; enabled = ""
		}
		/^[[:space:]]*$/ { flush(); next }
		/^#/ { next }
		tolower($1) == "types:" { $1 = ""; types = $0 }
		tolower($1) == "uris:" { for (i = 2; i <= NF; i++) u[++nu] = $i }
		tolower($1) == "suites:" { for (i = 2; i <= NF; i++) s[++ns] = $i }
		tolower($1) == "components:" { $1 = ""; comps = substr($0, 2) }
		tolower($1) == "enabled:" { enabled = tolower($2) }
		END { flush() }' "$f"
	done | awk '$2 ~ /^https?:\/\/[^ ]*debian[^ ]*$/ && $2 !~ /(nodesource|google|docker)/' | sort -u
}

# The main archive (not -security/-updates) for debootstrap.
lab_main_mirror() {
	lab_apt_sources | awk '$3 !~ /-/ { print $2 " " $3; exit }'
}

# Key of the image cache: the candidate version of every package that goes
# into the images, the apt sources, and the scripts that build them.  Any
# change to one of these builds new images; nothing else does.
lab_cache_key() {
	{
		# shellcheck disable=SC2086  # word splitting wanted
		apt-cache policy $LAB_PACKAGES | awk '/^[^ ]/ { p = $1 } /Candidate:/ { print p, $2 }'
		lab_apt_sources
		cat "$LAB_DIR/host/common.sh" "$LAB_DIR/host/build-images.sh" "$LAB_DIR"/image/*
	} | sha256sum | cut -c1-16
}
