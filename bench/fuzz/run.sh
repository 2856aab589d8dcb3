#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/fuzz/run.sh [SECONDS] [TARGET...] — how many inputs each libFuzzer target runs per
# second under ASan+UBSan, from its committed corpus (as tests/run-all.sh runs it), against
# the goal of 10 000/s.  Each target runs SECONDS (default 60) three times, in turn:
#   as run       the target and flags as tests/run-all.sh runs them (tests/fuzz/targets.sh
#                fuzz_flags; fuzz_common.h asks ASan for a 16 MiB quarantine);
#   lf schedule  the same, without -entropic_scale_per_exec_time=1: libFuzzer's default
#                schedule, which does not favour the inputs that run fast (for the
#                targets that run without it, a second "as run");
#   quarantine   the same as "as run", with ASan's default 256 MiB quarantine
#                (ASAN_OPTIONS=quarantine_size_mb=256).
# The last two are the baselines, measured in the same run, for the two speed-ups that are
# options rather than code.  Printed per run: inputs run, inputs per second of wall time
# (libFuzzer's exec/s) and per CPU second used (user + sys from /usr/bin/time: what the
# figure would be on an idle CPU; on a loaded machine wall time says more about the load
# than about the code), "as run" cpu/s divided by this run's, and the coverage reached.
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

# run NAME LABEL ASAN_OPTIONS FLAG...: one run from a fresh copy of the corpus; prints a
# row.  The first run of a target ("as run") sets its reference rate, base.
run() {
	local name=$1 label=$2 opts=$3 dir="$P/$1-${2// /-}"
	shift 3
	fuzz_prepare "$root" "$name" "$dir"
	(cd "$P" && ASAN_OPTIONS=$opts /usr/bin/time -f '%U %S' -o "$dir.time" \
		"$out/tests/fuzz/fuzz_$name" -max_total_time="$seconds" "$@" \
		-print_final_stats=1 "$dir" >"$dir.log" 2>&1) || { tail -5 "$dir.log"; exit 1; }
	local n w cpu rate cov
	n=$(awk '/number_of_executed_units/ { print $2 }' "$dir.log")
	w=$(awk '/average_exec_per_sec/ { print $2 }' "$dir.log")
	cpu=$(awk '{ print $1 + $2 }' "$dir.time")
	rate=$(echo "$n / $cpu" | bc -l)
	[ "$label" = 'as run' ] && base=$rate
	cov=$(grep -o 'DONE *cov: [0-9]* ft: [0-9]*' "$dir.log" | awk '{ print $3 "/" $5 }')
	printf '%-8s %-12s %9s %8s %8.0f %5s %7.2f %10s\n' "$name" "$label" "$n" "$w" "$rate" \
		"$(echo "$rate >= $GOAL" | bc)" "$(echo "$base / $rate" | bc -l)" "$cov"
}

printf '%-8s %-12s %9s %8s %8s %5s %7s %10s\n' target run inputs 'wall/s' 'cpu/s' goal \
	'as run/' 'cov/ft'
for name in $targets; do
	read -ra flags <<<"$(fuzz_flags "$name")"
	plain=(-max_len="$(fuzz_max_len "$name")") # libFuzzer's defaults besides the length
	run "$name" 'as run' '' "${flags[@]}"
	run "$name" 'lf schedule' '' "${plain[@]}"
	run "$name" quarantine quarantine_size_mb=256 "${flags[@]}"
done
echo "${seconds}s per run on $(nproc) CPUs (load $(cut -d' ' -f1 /proc/loadavg)); goal: cpu/s >= $GOAL (1 = met)"
