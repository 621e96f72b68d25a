#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Xen booted dom0 and the toolstack answers: xl info names a 4.x hypervisor
# and xl list shows Domain-0.
# lab: timeout=120
# shellcheck source=../dom0/lib.sh
. "$LAB/dom0/lib.sh"

xl info | tee "$LAB_OUT/xl-info.txt" || fail "xl info"
grep -Eq '^xen_major +: 4$' "$LAB_OUT/xl-info.txt" || fail "xl info: no Xen 4.x"
xl list | grep '^Domain-0 ' >/dev/null || fail "xl list: no Domain-0"
check_leaks
