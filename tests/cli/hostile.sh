#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hostile.sh — lgcheck against the inputs of issue 9: a dump that shrinks while it is
# read, pages with no device, rings that would move an inferred base, formats lgcheck
# does not read, file names that are not text, sparse scans.
# usage: hostile.sh LGCHECK LGGEN MKPAGE SHRINK VECTORS_DIR SAMPLES_DIR TMPDIR
set -u
LGCHECK=$1 LGGEN=$2 MKPAGE=$3 SHRINK=$4 VEC=$5 SAMPLES=$6 T=$7
rm -rf "$T" && mkdir -p "$T"
. "$(dirname "$0")/../lib.sh"

# --- 9.3: a dump re-written in place (shrunk) while lgcheck reads it.  A device area of
# 15 rng devices with 255 config bytes each: --layout prints about 12 KiB before it reads
# the first ring, so shrink stops it there (its output pipe full), truncates the file to
# nothing and lets it go on.
perl -e '
	my $page = "";
	for my $k (0 .. 14) {
		$page .= pack("C5", 4, 1, 0, 255, 7) . pack("vvV", 16, 1 + $k, 0x4001 + 2 * $k) . ("\x5a" x 255);
	}
	print $page, "\0" x (4096 - length $page), "\0" x (30 * 4096);' >"$T/many.bin"
run "$SHRINK" "$T/many.bin" 0 "$LGCHECK" --layout "$T/many.bin"
expect_line shrink "exit 2"
expect_err shrink "lgcheck: $T/many.bin: the file shrank while it was read: offset 0x1100 is past its end now (was it re-written in place?)"
expect_one_err_line shrink

# --- 9.4: no page located is exit 2 with the reason; a located page with no device is
# the named finding page_no_device.
head -c 4096 /dev/zero >"$T/zero.bin"
truncate -s 1T "$T/sparse.bin"
for f in zero sparse; do
	run "$LGCHECK" "$T/$f.bin"
	expect_rc 2 "$f"
	expect_err "$f" "lgcheck: $T/$f.bin: cannot locate the descriptor page: the image's first byte, at 0x0, is 0: no device starts there, and no zero page tells where the page is (zero page e820_entries at 0x1e8 is 0, expected 1..128); give --page-addr or --scan"
	expect_one_err_line "$f"
	expect_no_out "$f" "0 errors"
done
run "$LGCHECK" --page-addr 0 "$T/zero.bin"
expect_rc 1 zero-page-addr
expect_line zero-page-addr "$T/zero.bin:0: error (page_no_device): page: no device: every byte of the page is 0, but every lguest Launcher added at least a console (is this the page?)"
# A raw memory image whose zero page has e820_entries 0: the zero page is not decoded
# as the descriptor page (as for ELF and kdump), whatever its first byte.
"$LGGEN" "$SAMPLES/full-layout.json" --image -o "$T/image.bin"
poke "$T/image.bin" 0x1e8 00
for first in 00 07; do
	poke "$T/image.bin" 0 "$first"
	run "$LGCHECK" "$T/image.bin"
	expect_rc 2 "e820-0-$first"
	expect_err "e820-0-$first" "lgcheck: $T/image.bin: cannot locate the descriptor page: the image covers address 0 but zero page e820_entries at 0x1e8 is 0, expected 1..128; give --page-addr or --scan"
done
# Without the boot header (mkpage writes only the e820 entry), a first byte of 0 is no page.
"$MKPAGE" image "$T/mkimage.bin"
poke "$T/mkimage.bin" 0x1e8 00
run "$LGCHECK" "$T/mkimage.bin"
expect_rc 2 mkimage-e820-0
expect_err mkimage-e820-0 "the image's first byte, at 0x0, is 0: no device starts there, and no zero page tells where the page is (zero page e820_entries at 0x1e8 is 0, expected 1..128)"
# A wrong --page-addr (RAM, all zero) is a finding, never "0 errors".
run "$LGCHECK" --page-addr 0x2000000 "$T/image.bin"
expect_rc 1 wrong-page-addr
expect_out wrong-page-addr "error (page_no_device)"
# lggen --decode: the same reasons, and a page at 0 says what is wrong with it.
run "$LGGEN" --decode "$T/zero.bin"
expect_rc 2 decode-zero
expect_err decode-zero "cannot locate the descriptor page: the image's first byte, at 0x0, is 0"
run "$LGGEN" --decode --page-addr 0 "$T/zero.bin"
expect_rc 2 decode-zero-page-addr
expect_err decode-zero-page-addr "lggen: $T/zero.bin: cannot write a spec: RAM ends at 0: a spec needs guest RAM below the page, and the page at 0x0 leaves none (give the top of RAM, or the page's address)"
# --- 9.5: the base of a bare page or area is what most rings agree on; moving one ring
# does not move the page.  mkpage's area: net, block, rng, console (6 rings from 0x4001).
"$MKPAGE" area "$T/area.bin"
for c in "4000:overlaps the descriptor page at 0x4000000" "100:starts inside guest RAM, which ends at 0x4000000"; do
	pfn=${c%%:*} why=${c#*:}
	cp "$T/area.bin" "$T/moved.bin"
	poke "$T/moved.bin" 9 "$(printf '%08x' $((0x$pfn)) | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')"
	run "$LGCHECK" "$T/moved.bin"
	expect_rc 1 "moved-$pfn"
	expect_out "moved-$pfn" "$T/moved.bin:0x4000009: error (ring_above_ram): device[0] (net) vq[0]: ring "
	expect_out "moved-$pfn" "$why"
	expect_line "moved-$pfn" "$T/moved.bin: note: base 0x4000000 inferred from the rings: 5 of 6 agree (device[0] (net) vq[0] at pfn 0x$pfn does not); --base ADDR states it"
done
# One flipped bit of the real 3.19 net+block+rng page: net vq[1]'s pfn 0x4004 -> 0x4.
if [ -f "$VEC/lguest-3.19.8-e-net-block-rng-64M.descpage.bin" ] &&
	[ -f "$VEC/lguest-3.19.8-a-console-32M.descpage.bin" ]; then
cp "$VEC/lguest-3.19.8-e-net-block-rng-64M.descpage.bin" "$T/flip.bin"
poke "$T/flip.bin" 18 00
run "$LGCHECK" "$T/flip.bin"
expect_rc 1 flip
expect_line flip "$T/flip.bin:0x4000011: error (ring_above_ram): device[0] (net) vq[1]: ring at 0x4000 starts inside guest RAM, which ends at 0x4000000"
expect_out flip "5 of 6 agree (device[0] (net) vq[1] at pfn 0x4 does not)"
run "$LGCHECK" --format json "$T/flip.bin"
expect_out flip-json '"found_by":	"first byte of the file (base 0x4000000 inferred from the rings: 5 of 6 agree (device[0] (net) vq[1] at pfn 0x4 does not))"'
# No agreement: a console page whose two rings name different pages.
cp "$VEC/lguest-3.19.8-a-console-32M.descpage.bin" "$T/split.bin"
poke "$T/split.bin" 18 01
run "$LGCHECK" "$T/split.bin"
expect_rc 2 split
expect_err split "lgcheck: $T/split.bin: cannot tell where the page is: its 2 rings do not agree on one address, at most 1 of them name the same (device[0] (console) vq[0] at pfn 0x2001, device[0] (console) vq[1] at pfn 0x104); give --base ADDR"
run "$LGCHECK" --base 0x2000000 "$T/split.bin"
expect_rc 1 split-base
else
	echo "note: $VEC holds no real-Launcher pages: the flip and split cases need them and were not run"
fi

# --- 9.6: formats lgcheck does not read are named, exit 2, not judged as raw pages.
for m in 'PAGEDU64:a Windows crash dump (PAGEDU64)' 'PAGEDUMP:a Windows crash dump (PAGEDUMP)' \
	'DISKDUMP:an old-style diskdump core (DISKDUMP)' 'EMiL:a LiME memory dump' \
	'QEVM:a QEMU saved VM state (QEVM)' '\x28\xb5\x2f\xfd:a zstd-compressed file' \
	'\x04\x22\x4d\x18:an lz4-compressed file' 'BZh9:a bzip2-compressed file'; do
	{ printf "${m%%:*}"; head -c 8192 /dev/zero; } >"$T/foreign.bin"
	run "$LGCHECK" "$T/foreign.bin"
	expect_rc 2 "foreign ${m#*:}"
	expect_err "foreign ${m#*:}" "lgcheck: $T/foreign.bin: ${m#*:}, not raw memory, an ELF core or a kdump; "
	expect_one_err_line "foreign ${m#*:}"
done
# Real compressed cores, from the compressors themselves.
for z in gzip:a xz:an zstd:a bzip2:a lz4:an; do
	c=${z%%:*}
	"$c" -c <"$T/area.bin" >"$T/area.$c"
	run "$LGCHECK" "$T/area.$c"
	expect_rc 2 "compressed $c"
	expect_err "compressed $c" "lgcheck: $T/area.$c: ${z#*:} $c-compressed file, not raw memory, an ELF core or a kdump; decompress it first (--raw reads its bytes as memory anyway)"
	run "$LGGEN" --decode "$T/area.$c"
	expect_rc 2 "decode compressed $c"
done
# --raw still reads the bytes as memory, as it says.
run "$LGCHECK" --raw --page-addr 0 "$T/area.gzip"
expect_rc 1 gz-raw

# --- 9.8: file names that are not one printable line of UTF-8.  Text escapes what is not
# printable (and backslashes); JSON and SARIF stay valid UTF-8 (U+FFFD for a bad byte).
cp "$T/area.bin" "$T/pow2.bin"
poke "$T/pow2.bin" 0x2c 2c01
odd="$T/$(printf 'we\nird\033[31m\\\377-\303\251.bin')"
cp "$T/pow2.bin" "$odd"
shown="$T/we\\x0aird\\x1b[31m\\\\\\xff-$(printf '\303\251').bin"
run "$LGCHECK" "$odd"
expect_rc 1 odd-name
expect_line odd-name "$shown:0x400002c: error (vq_num_pow2): device[1] (block) vq[0]: num 300 is not a power of two"
expect_line odd-name "$shown: 1 error, 0 warnings, 0 notes"
checks=$((checks + 1))
[ "$(printf '%s\n' "$out" | wc -l)" -eq 3 ] || fail odd-name "expected 3 lines (finding, note, summary)"
for fmt in json sarif; do
	run "$LGCHECK" --format $fmt "$odd"
	expect_rc 1 "odd-name-$fmt"
	checks=$((checks + 1))
	printf '%s' "$out" | perl -MJSON::PP -e 'local $/; my $j = JSON::PP->new->utf8->decode(<STDIN>);' 2>/dev/null ||
		fail "odd-name-$fmt" "not valid UTF-8 JSON"
	if [ $fmt = json ]; then
		expect_out "odd-name-$fmt" "we\\nird\\u001b[31m\\\\$(printf '\357\277\275')-$(printf '\303\251').bin"
	else # a URI: every byte but the unreserved ones and / percent-encoded
		expect_out "odd-name-$fmt" "\"uri\":"$'\t'"\"$T/we%0Aird%1B%5B31m%5C%FF-%C3%A9.bin\""
		expect_valid_sarif "odd-name-$fmt"
	fi
done
run "$LGCHECK" "$T/$(printf 'no\nsuch')"
expect_rc 2 odd-missing
expect_err odd-missing "lgcheck: $T/no\\x0asuch: cannot open: No such file or directory"
expect_one_err_line odd-missing

# --- 9.10: --scan over a 1 TiB sparse file costs what it holds (the device area at 64 MiB),
# and -v prints progress lines on a stderr that is not a terminal.
truncate -s 1T "$T/sparse-area.bin"
dd if="$T/area.bin" of="$T/sparse-area.bin" bs=4096 seek=$((0x4000)) conv=notrunc status=none
run timeout 30 "$LGCHECK" --scan "$T/sparse-area.bin"
expect_rc 0 sparse-scan
expect_line sparse-scan "   1. 0x4000000  score 1050: 4 devices, 6 vqs, 6 rings in the image, 0 errors, 0 warnings"
checks=$((checks + 1))
[ -z "$err" ] || fail sparse-scan "stderr is not empty without -v"
run timeout 30 "$LGCHECK" --scan -v "$T/sparse-area.bin"
expect_rc 0 sparse-scan-v
expect_err sparse-scan-v "lgcheck: $T/sparse-area.bin: scanning: 100% (1048576 of 1048576 MiB)"

finish
