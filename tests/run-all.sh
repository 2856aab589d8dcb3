#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run-all.sh — set up and run every lgkit test: the -Werror build and its ctest suites,
# the same suites under ASan+UBSan, static analysis, each fuzz target for a bounded
# time, and an install that another project consumes.  Exit 0 only if all pass.
# Environment: LGKIT_FUZZ_SECONDS (default 60 per target), LGKIT_SKIP_SANITIZE=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${LGKIT_BUILD_ROOT:-$root/build}
mkdir -p "$out" && out=$(cd "$out" && pwd) # absolute: the fuzz step runs from inside it
jobs=$(nproc)
fuzz_seconds=${LGKIT_FUZZ_SECONDS:-60}

step() { printf '\n==== %s\n' "$*"; }

step "dependencies"
bash "$root/tests/setup-deps.sh"

step "build (warnings are errors) and test"
cmake -S "$root" -B "$out/main" -DLGKIT_WERROR=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
cmake --build "$out/main" -j"$jobs"
ctest --test-dir "$out/main" --output-on-failure -j"$jobs"

if [ "${LGKIT_SKIP_SANITIZE:-0}" != 1 ]; then
	step "ASan+UBSan build and test"
	cmake -S "$root" -B "$out/asan" -DLGKIT_WERROR=ON -DLGKIT_SANITIZE=ON \
		-DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build "$out/asan" -j"$jobs"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --test-dir "$out/asan" --output-on-failure -j"$jobs"
fi

step "static analysis (cppcheck, clang-tidy)"
cppcheck -q --enable=warning,portability,performance --error-exitcode=1 --inline-suppr \
	--std=c11 -I "$root/lib/include" -I "$root/lib/src" -I "$root/tools/common" \
	"$root/lib" "$root/tools"
mapfile -t srcs < <(cd "$root" && ls lib/src/*.c tools/*/*.c)
(cd "$root" && clang-tidy -p "$out/main" --quiet "${srcs[@]}" 2>/dev/null)
echo "static analysis: no findings"

step "fuzz targets (${fuzz_seconds}s each)"
# Each run starts from a scratch copy of the committed corpus, seeds and vectors
# (tests/fuzz/targets.sh), so nothing is written into the checkout; tests/fuzz/merge.sh
# merges what a run finds back into tests/fuzz/corpus.
. "$root/tests/fuzz/targets.sh"
fuzz_build "$root" "$out/fuzz"
for target in "$out"/fuzz/tests/fuzz/fuzz_*; do
	[ -x "$target" ] || continue
	name=$(basename "$target" | sed 's/^fuzz_//')
	corpus="$out/fuzz/corpus-$name"
	rm -rf "$corpus"
	fuzz_prepare "$root" "$name" "$corpus"
	read -ra flags <<<"$(fuzz_flags "$name")"
	echo "fuzz_$name: ${fuzz_seconds}s from $(ls "$corpus" | wc -l) inputs, ${flags[*]}"
	log="$out/fuzz/fuzz_$name.log"
	if ! (cd "$out/fuzz" && "$target" -max_total_time="$fuzz_seconds" "${flags[@]}" \
		-print_final_stats=1 "$corpus" >"$log" 2>&1); then
		tail -40 "$log"
		echo "run-all.sh: fuzz_$name failed; its log is $log, its input in $out/fuzz" >&2
		exit 1
	fi
	# What it ran, how fast (the goal: 10 000 inputs/s, bench/fuzz/run.sh) and what it found.
	grep -E "DONE|stat::(number_of_executed_units|average_exec_per_sec|new_units_added)" "$log"
done

step "install, then build a consumer with find_package and with pkg-config"
rm -rf "$out/prefix" "$out/consumer"
cmake --install "$out/main" --prefix "$out/prefix" >/dev/null
bash "$root/tests/install/consume.sh" "$out/prefix" "$out/consumer"

step "Debian packages: build, lintian, install, use (tests/deb/build.sh)"
bash "$root/tests/deb/build.sh" "$out/deb"

step "all tests passed"
