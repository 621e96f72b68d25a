# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# core-load's guest: xsplit_core.ko loads and unloads in a PV guest.
insmod /lab/modules/xsplit_core.ko || exit 1
grep '^xsplit_core ' /proc/modules || exit 1
rmmod xsplit_core || exit 1
dmesg | grep xsplit | tail -n 5
echo "guest: load/unload ok"
