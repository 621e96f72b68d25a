#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The "Reference" section of each driver's README (parameters, statistics,
# XenStore keys), read from the code: scripts/readme-ref.py does the work.
#   scripts/readme-ref.sh          rewrite the sections (make readme-ref)
#   scripts/readme-ref.sh --check  fail, with a diff, if one is stale or a
#                                  hand-written section names something the
#                                  code does not have (make test)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v python3 >/dev/null; then
	echo "readme-ref: no python3 (make deps)" >&2
	exit 1
fi
exec python3 "$top/scripts/readme-ref.py" "$@"
