#!/bin/bash
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

mk() {
	"$MKCORE" "$1" "$T/$1.core" "$SRC" || { fail "$1" "mkcore failed"; return 1; }
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
for kind in kdump kdump-flat kdump32; do
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
broken() {
	local kind=$1 text=$2
	mk "$kind" || return
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
broken kdump-badzlib "cannot decode the page at 0x100000: page at pfn 0x100: the "
broken kdump-badring "page at pfn 0x102: the "  # zlib sizes and offsets vary with the zlib version
run "$LGCHECK" "$T/kdump-badring.core"
expect_err kdump-badring "do not inflate to a 4096-byte page"
broken kdump-lzo "page at pfn 0x100 (descriptor at offset 0x4f00) is lzo-compressed (flags 0x2)"
broken kdump-trunc-flat "without its end record (truncated?)"
# A damaged page in a kdump: which page, where, and why.
run "$LGCHECK" "$T/kdump-badzlib.core"
expect_err kdump-badzlib "zlib bytes at offset"
expect_err kdump-badzlib "do not inflate to a 4096-byte page"

# An empty file and a file of one byte are refused with one line too.
: >"$T/empty.core"
run "$LGCHECK" "$T/empty.core"
expect_rc 2 empty
expect_one_err_line empty
rm -rf "$T"
finish cores
