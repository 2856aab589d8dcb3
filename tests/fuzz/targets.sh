# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# targets.sh — sourced by tests/run-all.sh, tests/fuzz/merge.sh and bench/fuzz/run.sh: the
# one place that says how each libFuzzer target is run.
#
# fuzz_max_len NAME: the largest input the target is given (-max_len).  Inputs are kept
# small (libFuzzer copies each input, and ASan quarantines every copy), large enough for
# what the target reads:
#   decode  32 KiB: the page and the first rings after it (a num-256 ring is 3 pages)
#   elf     32 KiB, kdump 32 KiB: headers, notes or bitmaps, and the pages they describe
#   ring    16 KiB: 2 bytes of setup, a num-256 ring (10 KiB), the start of its RAM
#   spec     4 KiB: the specs in samples/ are 1.3 KiB at most
# Longer seeds (the real-Launcher device areas, up to 76 KiB) are read cut to this length.
fuzz_max_len() {
	case $1 in
	decode | elf | kdump) echo 32768 ;;
	ring) echo 16384 ;;
	spec) echo 4096 ;;
	*) echo 4096 ;;
	esac
}

# fuzz_flags NAME: the libFuzzer flags of every run of target NAME, fuzzing or merging:
#   -max_len=N                        fuzz_max_len
#   -entropic_scale_per_exec_time=1   decode, elf and ring: the Entropic schedule gives
#        each input energy in proportion to its speed too (0.1x for the slowest to 30x for
#        the fastest, against the corpus average; libFuzzer's flag since LLVM 12).  Their
#        corpora hold pages of hundreds of devices that run up to 200x slower than the
#        median input; by default libFuzzer mutated them as often as the rest and spent
#        most of its time on them.  With the flag fuzz_decode runs 3-4x, fuzz_elf 2x and
#        fuzz_ring 1.2x more inputs per second, to the same coverage (ring fell to 9 000/s
#        in a 60 s CI run without it).  kdump and spec meet the goal without it, and
#        reached less coverage with it (tests/fuzz/README.md, round 5).
fuzz_flags() {
	case $1 in
	decode | elf | ring) echo "-max_len=$(fuzz_max_len "$1") -entropic_scale_per_exec_time=1" ;;
	*) echo "-max_len=$(fuzz_max_len "$1")" ;;
	esac
}

# fuzz_seed_dirs ROOT NAME: the folders a run of target NAME starts from, those that
# exist: the committed corpus (tests/fuzz/corpus/NAME, what earlier runs found), the
# hand-made seeds (tests/fuzz/seeds/NAME) and, for the targets that read memory images,
# the real-Launcher vectors (ROOT/../shared/vectors/real-launcher, *.bin only).
fuzz_seed_dirs() {
	local root=$1 name=$2 d
	for d in "$root/tests/fuzz/corpus/$name" "$root/tests/fuzz/seeds/$name"; do
		if [ -d "$d" ]; then echo "$d"; fi
	done
}
fuzz_vectors() {
	local root=$1 name=$2 v="${LGKIT_VECTORS_DIR:-$1/../shared/vectors/real-launcher}"
	case $name in
	decode | elf | kdump) if [ -d "$v" ]; then ls "$v"/*.bin 2>/dev/null; fi ;;
	esac
}

# fuzz_build ROOT OUT: configure and build the libFuzzer targets (clang, ASan+UBSan) in OUT,
# as tests/run-all.sh does; prints nothing but errors.
fuzz_build() {
	CC=clang cmake -S "$1" -B "$2" -DLGKIT_FUZZ=ON -DLGKIT_SANITIZE=ON \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON -DLGKIT_LAUNCH_TESTS=OFF >/dev/null
	cmake --build "$2" -j"$(nproc)" >/dev/null
}

# fuzz_prepare ROOT NAME DIR: fill DIR (a scratch folder, never the checkout) with the
# inputs a run of NAME starts from.
fuzz_prepare() {
	local root=$1 name=$2 dir=$3 d
	mkdir -p "$dir"
	for d in $(fuzz_seed_dirs "$root" "$name"); do
		cp "$d"/* "$dir/" 2>/dev/null || true
	done
	fuzz_vectors "$root" "$name" | while read -r f; do cp "$f" "$dir/"; done
}

# fuzz_trim DIR: keep a committed corpus within the repository's budget of 1 MiB per
# target: the inputs named by their SHA-1 (libFuzzer's finds) smallest first, as many as
# fit beside the named inputs (hand-made seeds, regressions), which always stay.  A long
# run of the dump readers finds megabytes of large cores; the small ones carry most of
# the coverage, and each run starts from the real-Launcher vectors as well.
fuzz_trim() {
	local dir=$1 cap=$((1 << 20)) used=0 f s
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		case ${f##*/} in *[!0-9a-f]*) used=$((used + $(stat -c %s "$f"))) ;; esac
	done
	while read -r s f; do
		case $f in *[!0-9a-f]*) continue ;; esac
		if [ $((used + s)) -le $cap ]; then used=$((used + s)); else rm -f "$dir/$f"; fi
	done < <(find "$dir" -maxdepth 1 -type f -printf '%s %f\n' | sort -n)
}

# fuzz_args DEFAULT_SECONDS [SECONDS [TARGET...]]: a script's arguments, as bench/fuzz/run.sh
# and merge.sh take them: sets out (the fuzz build: LGKIT_BUILD_ROOT/fuzz, default
# build/fuzz under root), seconds and targets (default all five).
# shellcheck disable=SC2034 # out, seconds and targets are for the script that sources this
fuzz_args() {
	out=${LGKIT_BUILD_ROOT:-$root/build}/fuzz
	seconds=${2:-$1}
	shift
	[ $# -gt 0 ] && shift
	targets=${*:-decode elf kdump ring spec}
}
