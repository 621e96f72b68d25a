#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# checkpatch --strict over every C source and header of the tree.
# checkpatch comes from the kernel source: the build tree's scripts/ when it
# has it, else Debian's linux-source tarball (make deps), extracted once into
# a cache outside the repository.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${XSPLIT_CACHE:-/var/cache/xsplit}

find_checkpatch() {
	kdir=$("$top/scripts/find-kdir.sh")
	if [ -n "$kdir" ] && [ -x "$kdir/scripts/checkpatch.pl" ]; then
		echo "$kdir/scripts/checkpatch.pl"
		return
	fi
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	[ -n "$tarball" ] || return 0
	dir="$cache/checkpatch-$(basename "$tarball" .tar.xz)"
	if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
		mkdir -p "$dir"
		src=$(basename "$tarball" .tar.xz)
		tar -xJf "$tarball" -C "$dir" --strip-components=1 \
			"$src/scripts/checkpatch.pl" "$src/scripts/spelling.txt" \
			"$src/scripts/const_structs.checkpatch"
	fi
	echo "$dir/scripts/checkpatch.pl"
}

checkpatch=$(find_checkpatch)
if [ -z "$checkpatch" ]; then
	echo "style: no checkpatch.pl (install linux-source-6.1: make deps)" >&2
	exit 1
fi

cd "$top"
# compat/uspace.h is the user-space stand-in for kernel headers: it has to
# use the C library's types and idioms that checkpatch rightly flags in
# kernel code.
files=$(git ls-files '*.c' '*.h' | grep -v '^compat/uspace\.h$')
codespell=
[ ! -r /usr/share/codespell/dictionary.txt ] || codespell=--codespell
# Ignored, and why:
#  FILE_PATH_CHANGES, SPDX_LICENSE_TAG: out of tree there is no MAINTAINERS
#    file or kernel layout to check against;
#  CAMELCASE: it fires on names we do not choose (the kernel's XenbusState*
#    enum, cmocka's CMUnitTest, libFuzzer's LLVMFuzzerTestOneInput);
#  MACRO_ARG_REUSE, MACRO_ARG_PRECEDENCE: they fire on the type and field
#    name arguments of our struct-generating macros, which can neither have
#    side effects nor be parenthesised.
# Anything else reported, CHECKs included, fails the style check.
# shellcheck disable=SC2086
"$checkpatch" --strict --no-tree --terse --show-types --file $codespell \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,CAMELCASE \
	--ignore MACRO_ARG_REUSE,MACRO_ARG_PRECEDENCE $files
echo "style: checkpatch --strict clean ($(echo "$files" | wc -w) files)"
