#!/usr/bin/env bash
# hostile.sh — lgcheck against the inputs of issue 9: a dump that shrinks while it is
# read, pages with no device, rings that would move an inferred base, formats lgcheck
# does not read, file names that are not text, sparse scans.
# usage: hostile.sh LGCHECK LGGEN MKPAGE SHRINK VECTORS_DIR TMPDIR
set -u
LGCHECK=$1 LGGEN=$2 MKPAGE=$3 SHRINK=$4 VEC=$5 T=$6
rm -rf "$T" && mkdir -p "$T"
. "$(dirname "$0")/../lib.sh"

# --- 9.3: a dump re-written in place (shrunk) while lgcheck reads it.  A device area of
# 15 rng devices with 255 config bytes each: --layout prints about 12 KiB before it reads
# the first ring, so shrink stops it there (its output pipe full), truncates the file to
# nothing and lets it go on.
perl -e '
	my $page = "";
	for my $k (0 .. 14) {
		$page .= pack("C5", 4, 1, 0, 255, 7) . pack("vvV", 16, 1 + $k, 0x4001 + 2 * $k) . ("\x5a" x 255);
	}
	print $page, "\0" x (4096 - length $page), "\0" x (30 * 4096);' >"$T/many.bin"
run "$SHRINK" "$T/many.bin" 0 "$LGCHECK" --layout "$T/many.bin"
expect_line shrink "exit 2"
expect_err shrink "lgcheck: $T/many.bin: the file shrank while it was read: offset 0x1100 is past its end now (was it re-written in place?)"
expect_one_err_line shrink

finish
