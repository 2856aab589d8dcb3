#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# blockdev.sh LGCHECK MKPAGE TMPDIR — a dump on a block device (here a loop device over
# a device area) is read to its end, like a file.  Skips (77) when no loop device can be
# set up (not root, or no loop driver): the tool it needs is missing.
set -u
LGCHECK=$1 MKPAGE=$2 T=$3
rm -rf "$T" && mkdir -p "$T"
. "$(dirname "$0")/../lib.sh"
"$MKPAGE" area "$T/area.bin" || exit 1
dev=$(losetup -f --show "$T/area.bin" 2>/dev/null) || {
	echo "SKIP: cannot set up a loop device (losetup needs root and the loop driver)"
	exit 77
}
trap 'losetup -d "$dev"' EXIT
run "$LGCHECK" "$dev"
expect_rc 0 blockdev
expect_line blockdev "$dev: 0 errors, 0 warnings, 0 notes"
run "$LGCHECK" --format json "$dev"
expect_out blockdev-json '"rings_checked":	6'
finish
