#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/scan/run.sh LGCHECK [SIZE] [DIR] — how fast `lgcheck --scan` looks at every page of
# large dumps, against `cat FILE > /dev/null` on the same warm file in the same run.
#
# Three files, made under DIR (default $TMPDIR or /tmp) and deleted at the end:
#   dense   SIZE (default 4G) of random data (every page must be looked at), a real Launcher
#           device area at 64 MiB and a decoy page near the end;
#   sparse  SIZE of holes with 64 MiB of random data at 1 GiB, the same area and decoy;
#   kdump   a kdump-compressed file of KDUMP_MIB (default 1024) MiB of memory (bench/scan/
#           mkkdump.c: a quarter of each 4 MiB excluded by the bitmaps, zero, random and
#           zlib pages), the same area at 64 MiB.
# Each is warmed, then cat, lgcheck --scan on one CPU (taskset -c 0: one thread) and
# lgcheck --scan as it is (one thread per CPU, up to 4) run in turn RUNS times (default 5);
# the medians, their ratios to cat's and lgcheck's peak RSS (largest of the runs, from
# /usr/bin/time) are printed.  Goals: dense <= 1.0x cat with one thread, <= 0.6x with
# two; peak RSS < 32 MiB at any size.  Not a ctest: timings depend on the machine.
# Environment: RUNS, KDUMP_MIB, FILES (default "dense sparse kdump"), CC (for mkkdump).
set -eu
LGCHECK=${1:?usage: run.sh LGCHECK [SIZE] [DIR]}
SIZE=${2:-4G}
DIR=${3:-${TMPDIR:-/tmp}}
RUNS=${RUNS:-5}
KDUMP_MIB=${KDUMP_MIB:-1024}
FILES=${FILES:-dense sparse kdump}
HERE=$(cd "$(dirname "$0")" && pwd)
VEC=${LGKIT_VECTORS_DIR:-$HERE/../../../shared/vectors/real-launcher}
P="$DIR/lgkit-bench-scan.$$"
trap 'rm -f "$P".*' EXIT

AREA="$VEC/lguest-3.19.8-e-net-block-rng-64M.devmem.bin"
[ -r "$AREA" ] || { echo "note: no vectors at $VEC: the scans have nothing to find"; AREA=; }

decoy() { # a plausible page whose rings are not in the image, near the end
	printf '\x04\x01\x00\x00\x00\x00\x01\x01\x00\x00\x00\x10\x00' |
		dd of="$1" bs=4096 seek=$(($(stat -c %s "$1") / 4096 - 2)) conv=notrunc status=none
}
make_dense() {
	head -c "$SIZE" /dev/urandom >"$1"
	[ -z "$AREA" ] || dd if="$AREA" of="$1" bs=1M seek=64 conv=notrunc status=none
	decoy "$1"
}
make_sparse() {
	truncate -s "$SIZE" "$1"
	dd if=/dev/urandom of="$1" bs=1M count=64 seek=1024 conv=notrunc status=none
	[ -z "$AREA" ] || dd if="$AREA" of="$1" bs=1M seek=64 conv=notrunc status=none
	decoy "$1"
}
make_kdump() {
	"${CC:-cc}" -O2 -o "$P.mkkdump" "$HERE/mkkdump.c" -lz
	if [ -n "$AREA" ]; then "$P.mkkdump" "$1" "$KDUMP_MIB" "$AREA" 64; else "$P.mkkdump" "$1" "$KDUMP_MIB"; fi
}

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# run_lgcheck OUT_TIMES OUT_RSS [taskset args]: one scan, its time and peak RSS appended
run_lgcheck() {
	local times=$1 rss=$2
	shift 2
	local t0 t1
	t0=$(now)
	/usr/bin/time -f %M -o "$P.time" "$@" "$LGCHECK" --scan -q "$F" >"$P.out" 2>&1 || true
	t1=$(now)
	echo "$t1 - $t0" | bc -l >>"$times"
	tail -1 "$P.time" >>"$rss"
}

can_pin=false
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then can_pin=true; fi
printf '%-7s %-6s %9s %9s %7s %9s %7s %9s\n' file size cat '1 thread' ratio auto ratio 'peak RSS'
for kind in $FILES; do
	F="$P.$kind"
	"make_$kind" "$F"
	size=$(du -h --apparent-size "$F" | cut -f1)
	cat "$F" >/dev/null # warm: every command then reads the same cached pages
	: >"$P.cat"
	: >"$P.one"
	: >"$P.auto"
	: >"$P.rss"
	for _ in $(seq "$RUNS"); do
		t0=$(now)
		cat "$F" >/dev/null
		t1=$(now)
		echo "$t1 - $t0" | bc -l >>"$P.cat"
		if $can_pin; then run_lgcheck "$P.one" "$P.rss" taskset -c 0; fi
		run_lgcheck "$P.auto" "$P.rss"
	done
	"$LGCHECK" --scan "$F" >"$P.out" 2>&1 || true
	if ! grep -q " 0x4000000 " "$P.out" && [ -n "$AREA" ]; then
		echo "FAIL: $kind: the scan did not find the page at 0x4000000:"
		head -3 "$P.out"
	fi
	c=$(median <"$P.cat")
	a=$(median <"$P.auto")
	o=$($can_pin && median <"$P.one" || echo 0)
	r=$(sort -g "$P.rss" | tail -1)
	printf '%-7s %-6s %8.3fs %8.3fs %6.2fx %8.3fs %6.2fx %6.1f MiB\n' "$kind" "$size" "$c" "$o" \
		"$(echo "$o / $c" | bc -l)" "$a" "$(echo "$a / $c" | bc -l)" "$(echo "$r / 1024" | bc -l)"
	rm -f "$F"
done
echo "medians of $RUNS runs, alternating; goals: dense <= 1.00x (1 thread), <= 0.60x (auto: $(nproc) CPUs), RSS < 32 MiB"
