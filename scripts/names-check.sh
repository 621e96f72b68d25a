#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# $files and the module list are words without blanks, split on purpose.
# shellcheck disable=SC2086,SC2046,SC2013
#
# No two static functions of one module share a name.  Two respond()s in
# one module make a backtrace, ftrace or a grep say less than it should,
# and the compiler cannot tell: each is local to its file.  The modules'
# files come from the Kbuild.inc lists ("xsplit_X-y += dir/a.o dir/b.o").
# Nor is a function of a module's own named by a bare verb (GENERIC): in a
# backtrace handle() or flush() says nothing about what was handled.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
GENERIC="handle build flush process run work check update do_work"
bad=0
list=$(mktemp)
trap 'rm -f "$list"' EXIT
# one "module file.c" line per object, however many a Kbuild line lists
cat ./*/Kbuild.inc | sed -e ':a' -e '/\\$/N; s/\\\n//; ta' | awk '$1 ~ /^xsplit_[a-z]*-y$/ && $2 == "+=" {
	m = substr($1, 1, length($1) - 2)
	for (i = 3; i <= NF; i++) { f = $i; sub(/\.o$/, ".c", f); print m, f }
}' >"$list"
for mod in $(cut -d' ' -f1 "$list" | sort -u); do
	files=$(awk -v m="$mod" '$1 == m { print $2 }' "$list")
	# a definition: "static <type> name(" at the start of a line
	dups=$(sed -n 's/^static [^=(]*[ *]\([a-z_][a-z0-9_]*\)(.*/\1/p' $files |
		sort | uniq -d)
	for f in $dups; do
		echo "names: $mod has more than one static $f():" \
			$(grep -l "^static [^=(]*[ *]$f(" $files) >&2
		bad=1
	done
	for f in $GENERIC; do
		hits=$(grep -l "^static [^=(]*[ *]$f(" $files || true)
		[ -z "$hits" ] && continue
		echo "names: $mod has a static $f(), a bare verb:" $hits >&2
		bad=1
	done
done
[ "$bad" = 0 ] || exit 1
echo "names: no static function name twice in a module ($(cut -d' ' -f1 "$list" | sort -u | wc -l) modules)"
