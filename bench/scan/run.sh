#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/scan/run.sh LGCHECK [SIZE] [DIR] — how fast `lgcheck --scan` looks at every page of
# a large dump, against `cat FILE > /dev/null` on the same warm file in the same run.
#
# The dump is a sparse raw memory image of SIZE (default 4G): holes, 64 MiB of random data
# (the kind of page a scan must look at more closely than a zero page), a real Launcher
# device area at 32 MiB (or, without the vectors, a page the scan must find anyway), and a
# decoy page near the end.  Prints both times, their ratio and lgcheck's peak RSS (from
# /usr/bin/time -v when present, else not measured).  Goal: ratio <= 1.5, RSS < 64 MiB.
# Not a ctest: timings depend on the machine.
set -eu
LGCHECK=${1:?usage: run.sh LGCHECK [SIZE] [DIR]}
SIZE=${2:-4G}
DIR=${3:-${TMPDIR:-/tmp}}
VEC=${LGKIT_VECTORS_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/vectors/real-launcher}
F="$DIR/lgkit-bench-scan.$$.raw"
trap 'rm -f "$F" "$F.time"' EXIT

truncate -s "$SIZE" "$F"
dd if=/dev/urandom of="$F" bs=1M count=64 seek=1024 conv=notrunc status=none
AREA="$VEC/lguest-3.19.8-e-net-block-rng-64M.devmem.bin"
[ -r "$AREA" ] || AREA="$VEC/lguest-3.19.8-c-block-rng-32M.devmem.bin"
if [ -r "$AREA" ]; then
	case "$AREA" in *64M*) at=64 ;; *) at=32 ;; esac
	dd if="$AREA" of="$F" bs=1M seek=$at conv=notrunc status=none
else
	echo "note: no vectors at $VEC: the scan has nothing to find but must still look"
fi
# A decoy: a plausible page whose rings are not in the image.
printf '\x04\x01\x00\x00\x00\x00\x01\x01\x00\x00\x00\x10\x00' |
	dd of="$F" bs=4096 seek=$(( $(stat -c %s "$F") / 4096 - 2 )) conv=notrunc status=none

now() { date +%s.%N; }
# Warm the page cache (both commands then read the same cached pages).
cat "$F" >/dev/null
t0=$(now); cat "$F" >/dev/null; t1=$(now)
cat_s=$(echo "$t1 - $t0" | bc -l)

if [ -x /usr/bin/time ]; then
	t0=$(now)
	/usr/bin/time -v -o "$F.time" "$LGCHECK" --scan "$F" >"$F.out" 2>&1 || true
	t1=$(now)
	rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$F.time")
else
	t0=$(now); "$LGCHECK" --scan "$F" >"$F.out" 2>&1 || true; t1=$(now)
	rss_kb=""
fi
scan_s=$(echo "$t1 - $t0" | bc -l)
head -4 "$F.out"
rm -f "$F.out"
ratio=$(echo "$scan_s / $cat_s" | bc -l)
printf 'file        %s (%s, sparse)\n' "$F" "$SIZE"
printf 'cat         %.3f s\n' "$cat_s"
printf 'lgcheck     %.3f s (--scan)\n' "$scan_s"
printf 'ratio       %.2fx cat (goal <= 1.5)\n' "$ratio"
if [ -n "$rss_kb" ]; then
	printf 'peak RSS    %d KiB = %.1f MiB (goal < 64 MiB)\n' "$rss_kb" "$(echo "$rss_kb / 1024" | bc -l)"
fi
