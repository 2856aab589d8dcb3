#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/fuzz/run.sh [SECONDS] [TARGET...] — how many inputs each libFuzzer target runs per
# second under ASan+UBSan, from its committed corpus (as tests/run-all.sh runs it), against
# the goal of 10 000/s.  Each target runs SECONDS (default 60) twice, in turn:
#   as built     the target as committed (fuzz_common.h asks ASan for a 16 MiB quarantine);
#   quarantine   the same binary with ASan's default 256 MiB quarantine
#                (ASAN_OPTIONS=quarantine_size_mb=256): the baseline, measured in the same
#                run, for the one speed-up that is an option rather than code.
# Printed per run: inputs run, inputs per second of wall time (libFuzzer's exec/s) and per
# CPU second used (user + sys from /usr/bin/time: what the figure would be on an idle CPU;
# on a loaded machine wall time says more about the load than about the code).
# Uses the fuzz build in LGKIT_BUILD_ROOT/fuzz (default build/fuzz), made when absent as
# run-all.sh makes it.  Not a ctest: timings depend on the machine.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/fuzz/targets.sh"
fuzz_args 60 "$@"
GOAL=10000

[ -x "$out/tests/fuzz/fuzz_decode" ] || fuzz_build "$root" "$out"
P=$(mktemp -d "${TMPDIR:-/tmp}/lgkit-bench-fuzz.XXXXXX")
trap 'rm -rf "$P"' EXIT

# run NAME LABEL [ASAN_OPTIONS]: one run from a fresh copy of the corpus; prints a row.
run() {
	local name=$1 label=$2 opts=${3:-} dir="$P/$1-$2"
	fuzz_prepare "$root" "$name" "$dir"
	(cd "$P" && ASAN_OPTIONS=$opts /usr/bin/time -f '%U %S' -o "$dir.time" \
		"$out/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -max_len="$(fuzz_max_len "$name")" \
		-print_final_stats=1 "$dir" >"$dir.log" 2>&1) || { tail -5 "$dir.log"; exit 1; }
	local n w cpu
	n=$(awk '/number_of_executed_units/ { print $2 }' "$dir.log")
	w=$(awk '/average_exec_per_sec/ { print $2 }' "$dir.log")
	cpu=$(awk '{ print $1 + $2 }' "$dir.time")
	printf '%-8s %-11s %10s %9s %9.0f %6s\n' "$name" "$label" "$n" "$w" \
		"$(echo "$n / $cpu" | bc -l)" "$(echo "$n / $cpu >= $GOAL" | bc)"
}

printf '%-8s %-11s %10s %9s %9s %6s\n' target run inputs 'wall/s' 'cpu/s' goal
for name in $targets; do
	run "$name" 'as built'
	run "$name" quarantine quarantine_size_mb=256
done
echo "${seconds}s per run on $(nproc) CPUs (load $(cut -d' ' -f1 /proc/loadavg)); goal: cpu/s >= $GOAL (1 = met)"
