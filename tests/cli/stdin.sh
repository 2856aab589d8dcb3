#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# stdin.sh — issue 10 item 2: "-" and every input that cannot be mapped (a pipe, /dev/stdin,
# process substitution, a FIFO) is copied once, holes for zero pages, and read as usual; by
# lgcheck and by lggen --decode.  Memory does not grow with the input: 1 GiB of zeros piped
# in costs at most 8 MiB of peak RSS more than reading the same dump from a file.
# usage: stdin.sh LGCHECK LGGEN MKPAGE PEAKRSS TMPDIR
set -u
LGCHECK=$1 LGGEN=$2 MKPAGE=$3 PEAKRSS=$4 T=$5
rm -rf "$T" && mkdir -p "$T"
. "$(dirname "$0")/../lib.sh"

"$MKPAGE" area "$T/area.bin" || exit 2
cp "$T/area.bin" "$T/pow2.bin"
poke "$T/pow2.bin" 0x2c 2c01 # device[1] (block) vq[0] num 300
gzip -c "$T/pow2.bin" >"$T/pow2.bin.gz"
finding="0x400002c: error (vq_num_pow2): device[1] (block) vq[0]: num 300 is not a power of two"
inferred="note: base 0x4000000 inferred from the rings: 6 of 6 agree; --base ADDR states it"

# zcat dump.gz | lgcheck -: the name shown is "-".
run bash -c "zcat '$T/pow2.bin.gz' | '$LGCHECK' -"
expect_rc 1 pipe-dash
expect_line pipe-dash "-:$finding"
expect_line pipe-dash "-: $inferred"
expect_line pipe-dash "-: 1 error, 0 warnings, 0 notes"
# /dev/stdin on a pipe, and on a file.
run bash -c "cat '$T/pow2.bin' | '$LGCHECK' /dev/stdin"
expect_rc 1 pipe-dev-stdin
expect_line pipe-dev-stdin "/dev/stdin:$finding"
run bash -c "'$LGCHECK' - <'$T/pow2.bin'"
expect_rc 1 redirect-dash
expect_line redirect-dash "-:$finding"
# Process substitution.
run bash -c "'$LGCHECK' --format json <(zcat '$T/pow2.bin.gz')"
expect_rc 1 procsub
expect_out procsub '"check":	"vq_num_pow2"'
# A FIFO with a writer.
mkfifo "$T/fifo"
cat "$T/pow2.bin" >"$T/fifo" &
run timeout 20 "$LGCHECK" "$T/fifo"
wait
expect_rc 1 fifo
expect_line fifo "$T/fifo:$finding"
# A stream among files, each checked alone.
run bash -c "cat '$T/area.bin' | '$LGCHECK' '$T/pow2.bin' -"
expect_rc 1 mixed
expect_line mixed "-: 0 errors, 0 warnings, 0 notes"
expect_line mixed "total (2 files): 1 error, 0 warnings, 0 notes"
# --scan over a pipe, and a raw dump with --base.
run bash -c "cat '$T/area.bin' | '$LGCHECK' --scan --base 0x4000000 -"
expect_rc 0 scan-pipe
expect_line scan-pipe "-: 0 errors, 0 warnings, 0 notes"
# An empty stream: one clear line, exit 2.
run bash -c "'$LGCHECK' - </dev/null"
expect_rc 2 empty
expect_err empty "lgcheck: -: file is empty, expected guest memory"
expect_one_err_line empty
run bash -c "printf '' | '$LGCHECK' -"
expect_rc 2 empty-pipe
expect_err empty-pipe "lgcheck: -: file is empty, expected guest memory"
# A compressed stream is named as such, as a compressed file is.
run bash -c "cat '$T/pow2.bin.gz' | '$LGCHECK' -"
expect_rc 2 gzip-pipe
expect_err gzip-pipe "lgcheck: -: a gzip-compressed file, not raw memory, an ELF core or a kdump; decompress it first"

# lggen --decode - gives the spec it gives for the file.
run "$LGGEN" --decode "$T/area.bin"
expect_rc 0 decode-file
spec=$out
run bash -c "cat '$T/area.bin' | '$LGGEN' --decode -"
expect_rc 0 decode-pipe
checks=$((checks + 1))
[ "$out" = "$spec" ] || fail decode-pipe "the spec differs from the file's"

# Memory: 1 GiB of zeros after the dump, piped, against the same dump read from a file.
"$MKPAGE" image "$T/image.bin" || exit 2
run "$PEAKRSS" "$T/rss-file" "$LGCHECK" --scan "$T/image.bin"
expect_rc 0 rss-file
run bash -c "{ cat '$T/image.bin'; head -c 1G /dev/zero; } | '$PEAKRSS' '$T/rss-pipe' '$LGCHECK' --scan -"
expect_rc 0 rss-pipe
expect_line rss-pipe "-: 0 errors, 0 warnings, 0 notes"
checks=$((checks + 1))
file_kib=$(cat "$T/rss-file") pipe_kib=$(cat "$T/rss-pipe")
echo "peak RSS: $file_kib KiB from the file, $pipe_kib KiB with 1 GiB more piped in"
[ "$pipe_kib" -le $((file_kib + 8192)) ] ||
	fail rss "piping 1 GiB raised peak RSS from $file_kib to $pipe_kib KiB"
rm -rf "$T"
finish stdin.sh
