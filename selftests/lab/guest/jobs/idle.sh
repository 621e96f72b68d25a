# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# A guest that only exists, for dom0 to act on its devices (as a hostile
# frontend, say), until it is destroyed or IDLE_S (default 600) pass.
sleep "${IDLE_S:-600}"
