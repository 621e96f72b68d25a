#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The Xen lab's entry point; see selftests/lab/lab.sh.
set -eu
exec "$(dirname "$0")/lab/lab.sh" "$@"
