#!/bin/bash
# SPDX-License-Identifier: MIT
# cores.sh LGCHECK MKCORE CORPUS_GEN TMPDIR — hand-made ELF and kdump cores of the ring
# corpus's running guest: the well-formed ones decode exactly like the raw image (page found
# by the lgkit note or the e820 entry); each broken one gets exit 2 and one line on stderr
# naming the field, the index or the page, and the values — never a crash.
set -u
LGCHECK=$1 MKCORE=$2 GEN=$3 T=$4
. "$(dirname "$0")/../lib.sh"
rm -rf "$T" && mkdir -p "$T"
"$GEN" "$T" >/dev/null 2>&1 || { echo "ring corpus generator failed"; exit 1; }
SRC="$T/clean.bin"

devices() {
	local f=$1
	shift
	"$LGCHECK" --format json "$@" "$f" 2>/dev/null |
		sed -n '/^\t"devices":/,/^\t"\(findings\|scan\)":/p' | sed '$d'
}
devices "$SRC" >"$T/expected.json"

# mk KIND: write $T/KIND.core; what mkcore prints (the message lgcheck must give about the
# page it damaged) goes to $T/KIND.msg.
mk() {
	"$MKCORE" "$1" "$T/$1.core" "$SRC" >"$T/$1.msg" || { fail "$1" "mkcore failed"; return 1; }
}

# ---------------------------------------------------------------- well formed
for kind in elf64 elf32; do
	mk $kind
	run "$LGCHECK" --format json "$T/$kind.core"
	expect_rc 0 $kind
	expect_out $kind '"image":	"elf"'
	expect_out $kind '"found_by":	"lgkit note"'
	expect_out $kind '"pfn_limit":	"0x105"'
	checks=$((checks + 1))
	[ -z "$(json_checks)" ] || fail $kind "findings: $(json_checks)"
	devices "$T/$kind.core" >"$T/got.json"
	checks=$((checks + 1))
	cmp -s "$T/expected.json" "$T/got.json" || fail $kind "devices differ from the raw image"
done
# Every page codec: zlib, lzo, snappy, zstd, and all four in one flattened stream.
for kind in kdump kdump-flat kdump32 kdump-lzo kdump-snappy kdump-zstd kdump-mixed; do
	mk $kind
	run "$LGCHECK" --format json "$T/$kind.core"
	expect_rc 0 $kind
	expect_out $kind '"image":	"kdump"'
	expect_out $kind '"found_by":	"zero page e820 entry"'
	checks=$((checks + 1))
	[ -z "$(json_checks)" ] || fail $kind "findings: $(json_checks)"
	devices "$T/$kind.core" >"$T/got.json"
	checks=$((checks + 1))
	cmp -s "$T/expected.json" "$T/got.json" || fail $kind "devices differ from the raw image"
	run "$LGCHECK" --scan -q "$T/$kind.core"
	expect_rc 0 "$kind --scan"
done
# A note whose mem is 0 does not know where RAM ends: the page's address stands in for it
# (RAM [0, 0) would put every buffer outside guest memory).
mk elf-note-nomem
run "$LGCHECK" --format json "$T/elf-note-nomem.core"
expect_rc 0 elf-note-nomem
expect_out elf-note-nomem '"mem":	"0x100000"'
checks=$((checks + 1))
[ -z "$(json_checks)" ] || fail elf-note-nomem "findings: $(json_checks)"
# Bytes a PT_LOAD declares beyond p_filesz are a hole, not zeros: the rings are missing.
mk elf-hole
run "$LGCHECK" -q "$T/elf-hole.core"
expect_rc 1 elf-hole
expect_out elf-hole "(ring_in_image): device[0] (block) vq[0]: ring [0x101000, 0x102086) is not in the image: nothing is mapped at 0x101000"

# ---------------------------------------------------------------- broken: exit 2, one line
# broken KIND TEXT: TEXT may hold @MSG@, which stands for what mkcore printed about the page it
# damaged (it must have printed it).
broken() {
	local kind=$1 text=$2
	mk "$kind" || return
	if [[ $text == *@MSG@* ]]; then
		checks=$((checks + 1))
		[ -s "$T/$kind.msg" ] || fail "$kind" "mkcore did not say what it damaged"
		text=${text//@MSG@/$(cat "$T/$kind.msg")}
	fi
	run "$LGCHECK" "$T/$kind.core"
	expect_rc 2 "$kind"
	expect_one_err_line "$kind"
	expect_err "$kind" "$text"
	checks=$((checks + 1))
	[ -z "$out" ] || fail "$kind" "nothing may go to stdout"
	run "$LGCHECK" --scan "$T/$kind.core"
	expect_rc 2 "$kind --scan"
}
broken elf-trunc "program header 2 (PT_LOAD): p_offset 0x515c + p_filesz 0xa0000 = 0xa515c is past the file's end at 0xa495c (truncated file?)"
broken elf-trunc-hdr "truncated: 40 bytes, an ELF64 header needs 64"
broken elf-past-eof "program header 2 (PT_LOAD): p_offset 0xa415c + p_filesz 0xa0000 = 0x14415c is past the file's end at 0xa515c"
broken elf-overlap "memory ranges overlap: [0x100000, 0x105000) and [0x101000, 0x102000)"
broken elf-phnum "e_phnum 65520 program headers of 56 bytes at e_phoff 0x80 end at 0x37fd00, past the file's end at 0xa515c"
broken elf-filesz "program header 1 (PT_LOAD at p_paddr 0x100000): p_filesz 0x5000 is larger than p_memsz 0x1000"
broken elf-badnote "lgkit note at file offset 0x128: unknown version"
broken kdump-lie-bitmap "the bitmaps lie: pfn 0xa0 is dumped (2nd bitmap) but not present (1st bitmap)"
broken kdump-lie-count "the bitmaps lie: the 2nd bitmap marks 65536 pages dumped"
broken kdump-flags "page at pfn 0x100: descriptor at offset 0x4f00 has size 57 and flags 0x8; expected one codec (0x1 zlib, 0x2 lzo, 0x4 snappy, 0x20 zstd) and 1..4096 bytes, or flags 0 and 4096 bytes"
broken kdump-trunc-flat "without its end record (truncated?)"
# A page whose data does not decompress to exactly one page, in each codec: damaged, a byte
# short, a page too long.  The message names the pfn, the size, the codec and the offset
# (mkcore says which: compressed sizes vary with the libraries' versions), then why: the
# library's reason for damaged data, ours for a wrong length.
for codec in zlib lzo snappy zstd; do
	for fault in bad short long; do
		kind=kdump-$fault-$codec
		broken $kind "lgcheck: $T/$kind.core: cannot decode the page at 0x100000: @MSG@"
		checks=$((checks + 1))
		grep -q "^page at pfn 0x100: the [0-9]* $codec bytes at offset 0x[0-9a-f]* do not decompress to a 4096-byte page (" "$T/$kind.msg" ||
			fail $kind "mkcore's message: $(cat "$T/$kind.msg")"
	done
	for fault in short long; do
		kind=kdump-$fault-$codec
		run "$LGCHECK" "$T/$kind.core"
		checks=$((checks + 1))
		[ "$err" = "lgcheck: $T/$kind.core: cannot decode the page at 0x100000: $(cat "$T/$kind.msg")" ] ||
			fail $kind "expected exactly: $(cat "$T/$kind.msg")"
	done
done
run "$LGCHECK" "$T/kdump-bad-zlib.core"
expect_err kdump-bad-zlib "do not decompress to a 4096-byte page (data error)"
# In a flattened stream, the offset in the stream too (where xxd finds the bytes).
broken kdump-badzlib "lgcheck: $T/kdump-badzlib.core: cannot decode the page at 0x100000: @MSG@"
checks=$((checks + 1))
grep -q " in the flattened file) do not decompress" "$T/kdump-badzlib.msg" ||
	fail kdump-badzlib "no flattened-file offset in: $(cat "$T/kdump-badzlib.msg")"
# A ring page that does not decode stops the check of its ring: lg_check_layout() fails
# with the page named in its struct lg_error (nothing else tells lgcheck), lgcheck exits 2
# saying which ring it was checking and which page would not decode.
broken kdump-badring "lgcheck: $T/kdump-badring.core: checking failed: device[0] (block) vq[0]: checking the ring at pfn 0x101: @MSG@"
run "$LGCHECK" "$T/kdump-badring.core"
checks=$((checks + 1))
[ "$err" = "lgcheck: $T/kdump-badring.core: checking failed: device[0] (block) vq[0]: checking the ring at pfn 0x101: $(cat "$T/kdump-badring.msg")data error)" ] ||
	fail kdump-badring "expected exactly the ring and mkcore's message: $(cat "$T/kdump-badring.msg")"
# Page 0 that does not decode: the zero page is there, but unreadable, and lgcheck says why.
broken kdump-badzero-lzo "lgcheck: $T/kdump-badzero-lzo.core: cannot locate the descriptor page: the image covers address 0 but its zero page cannot be read: @MSG@"
run "$LGCHECK" "$T/kdump-badzero-lzo.core"
expect_err kdump-badzero-lzo "); give --page-addr or --scan"

# An empty file and a file of one byte are refused with one line too.
: >"$T/empty.core"
run "$LGCHECK" "$T/empty.core"
expect_rc 2 empty
expect_one_err_line empty
rm -rf "$T"
finish cores
