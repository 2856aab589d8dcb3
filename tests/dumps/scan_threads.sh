#!/bin/bash
# SPDX-License-Identifier: MIT
# scan_threads.sh SCAN_THREADS MKCORE CORPUS_GEN TMPDIR VECTORS FUZZ_CORPORA — lg_scan with
# 1 thread and with 2, 3, 4, 8 gives the same result (count or error, candidates and their
# order) over the corpora: the ring corpus's images, every ELF and kdump core mkcore makes
# of it (well formed and broken), the real Launcher vectors and the fuzz corpora.
set -u
BIN=$1 MKCORE=$2 GEN=$3 T=$4 VEC=$5 FUZZ=$6
rm -rf "$T" && mkdir -p "$T"
"$GEN" "$T" >/dev/null 2>&1 || { echo "FAIL: ring corpus generator failed"; exit 1; }
SRC="$T/clean.bin"
kinds=$(sed -n 's/^ \*   \([a-z0-9 -]*[a-z0-9]\)  .*/\1/p; s/^ \*   \(kdump-[a-z0-9-]*\)$/\1/p' \
	"$(dirname "$0")/mkcore.c" | tr ' ' '\n' | grep -v -e CODEC -e '^recode' | sort -u)
for c in zlib lzo snappy zstd; do
	kinds="$kinds kdump-bad-$c kdump-short-$c kdump-long-$c kdump-badzero-$c"
done
n=0
for k in $kinds; do
	"$MKCORE" "$k" "$T/$k.core" "$SRC" >/dev/null 2>&1 && n=$((n + 1))
done
[ "$n" -ge 20 ] || { echo "FAIL: mkcore made only $n cores"; exit 1; }
files=("$T"/*.bin "$T"/*.core)
[ -d "$VEC" ] && files+=("$VEC"/*.bin)
for d in "$FUZZ"/*/; do files+=("$d"*); done
rm -f "$T/out"
"$BIN" "${files[@]}" >"$T/out"
rc=$?
grep FAIL "$T/out" | head -20
tail -1 "$T/out"
[ $rc -eq 0 ] && rm -rf "$T"
exit $rc
