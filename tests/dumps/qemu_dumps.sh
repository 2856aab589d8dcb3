#!/bin/bash
# SPDX-License-Identifier: MIT
# qemu_dumps.sh LGCHECK QMP CORPUS_GEN VECTORS_DIR TMPDIR MKCORE KDREAD — QEMU as a real
# producer of dumps.
#
# QEMU (stopped with -S, no kernel, TCG) gets a device area through the loader device,
# then dump-guest-memory writes it as an ELF core and as kdump-zlib (QEMU's flattened
# stream).  lgcheck must find the page at the right address and decode it exactly: the
# "devices" of its JSON report (devices, vqs, features, config and ring state) equal those
# of the source file.  Cases:
#   ring  the simulated running guest of the ring corpus: zero page and buffers at 0, the
#         area at 1 MiB, -m 2M; the page is found by the e820 entry we loaded, and by --scan;
#         the rings' outstanding chains come out the same through both formats
#   vec   a real Launcher device area (32 MiB vector) at 32 MiB, -m 33M, --page-addr and --scan
# Each kdump-zlib dump is also rewritten page by page in lzo, snappy and zstd (mkcore
# recode-CODEC: Debian's QEMU 7.2 was built without lzo and snappy), plain, and in zstd as a
# flattened stream too; every case runs on those as well, and their lgcheck --layout and
# JSON reports must be the zlib dump's byte for byte, as must every byte of memory read
# through liblgkit (kdread same); libkdumpfile, an independent reader, must read the same
# pages with the same bytes as liblgkit in each codec (kdread kdumpfile).
# Cases:
#   high  RAM above 4 GiB: -machine pc,max-ram-below-4g=64M -m 96M puts 32 MiB of RAM at
#         4 GiB, so file offsets and addresses differ past the PCI hole; the vector area at
#         32 MiB and a copy of its page at 4 GiB + 16 MiB.  (A 5 GiB guest gives the same
#         layout with a 5 GiB ELF file; max-ram-below-4g keeps the dump at 96 MiB.)
# Exit 77 (skip) only when qemu-system-x86_64 is not installed.
set -u
LGCHECK=$1 QMP=$2 GEN=$3 VEC=$4 T=$5 MKCORE=$6 KDREAD=$7
. "$(dirname "$0")/../lib.sh"
QEMU=$(command -v qemu-system-x86_64) || { echo "qemu-system-x86_64 not installed: skip"; exit 77; }
rm -rf "$T" && mkdir -p "$T"
qpid=""
# Unix socket paths are limited to 107 bytes: keep the sockets in a short folder.
S=$(mktemp -d "${TMPDIR:-/tmp}/lgq.XXXXXX") || exit 2
cleanup() {
	if [ -n "$qpid" ]; then kill "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; fi
	rm -rf "$T" "$S"
}
trap cleanup EXIT

# dump NAME MACHINE MEM LOADER-ARGS...: start QEMU, dump NAME.elf and NAME.kdump, quit.
dump() {
	local name=$1 machine=$2 mem=$3
	shift 3
	local sock="$S/$name.sock"
	"$QEMU" -S -nodefaults -display none -machine "$machine" -m "$mem" "$@" \
		-qmp "unix:$sock,server=on,wait=off" >"$T/$name.qemu.log" 2>&1 &
	qpid=$!
	local rc=0
	"$QMP" "$sock" \
		"{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":false,\"protocol\":\"file:$T/$name.elf\"}}" \
		"{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":false,\"protocol\":\"file:$T/$name.kdump\",\"format\":\"kdump-zlib\"}}" \
		'{"execute":"quit"}' >"$T/$name.qmp.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "QEMU/QMP failed for $name (qmp exit $rc; its output, then QEMU's):"; cat "$T/$name.qmp.log" "$T/$name.qemu.log"
		fails=$((fails + 1))
	fi
	wait "$qpid" 2>/dev/null
	qpid=""
	recode "$name"
}

# recode NAME: NAME.kdump (QEMU's flattened kdump-zlib) as NAME.CODEC, each page in CODEC,
# plain files (NAME.zlib is QEMU's dump reassembled and recompressed) and NAME.zstd-flat;
# liblgkit reads the same memory from each, and libkdumpfile the same pages and bytes.
CODECS="lzo snappy zstd zstd-flat"
recode() {
	local name=$1 c pages
	for c in zlib $CODECS; do
		checks=$((checks + 1))
		if ! "$MKCORE" "recode-$c" "$T/$name.$c" "$T/$name.kdump" >"$T/$name.$c.log" 2>&1; then
			fail "$name.$c" "mkcore recode-$c failed: $(cat "$T/$name.$c.log")"
			continue
		fi
		# Pages in the codec (one it cannot shrink is stored raw, as makedumpfile does).
		checks=$((checks + 1))
		grep -Eq "^[0-9]+ pages: [1-9][0-9]* ${c%-flat}, " "$T/$name.$c.log" ||
			fail "$name.$c" "no page in $c: $(cat "$T/$name.$c.log")"
		pages=$(sed 's/ pages:.*//' "$T/$name.$c.log")
		run "$KDREAD" same "$T/$name.kdump" "$T/$name.$c"
		expect_rc 0 "$name.$c same memory"
		expect_out "$name.$c same memory" "ranges, $(printf '%#x' $((pages * 4096))) bytes"
		[ "$c" = zstd-flat ] && continue # libkdumpfile 0.5.1 reads plain files only
		# All the pages mkcore counted in the bitmap, through both readers.
		run "$KDREAD" kdumpfile "$T/$name.$c"
		expect_rc 0 "$name.$c libkdumpfile"
		expect_line "$name.$c libkdumpfile" \
			"kdumpfile: the same $pages pages, the same bytes through both"
	done
}

# report FILE ARGS...: lgcheck's exit code, stdout and stderr, the file's name replaced.
report() {
	local f=$1
	shift
	"$LGCHECK" "$@" "$f" >"$T/report.txt" 2>&1
	echo "exit $?" >>"$T/report.txt"
	sed "s|$f|FILE|g" "$T/report.txt"
}

# same_reports NAME ARGS...: NAME.CODEC gives the reports (--layout, JSON) of NAME.kdump.
same_reports() {
	local name=$1 c mode
	shift
	for mode in --layout "--format json"; do
		# shellcheck disable=SC2086 # mode is two words
		report "$T/$name.kdump" $mode "$@" >"$T/report.zlib"
		checks=$((checks + 1))
		grep -q '"devices"\|^device\[0\]' "$T/report.zlib" || fail "$name $mode" "no devices in the report"
		for c in $CODECS; do
			checks=$((checks + 1))
			report "$T/$name.$c" $mode "$@" >"$T/report.$c"
			if ! cmp -s "$T/report.zlib" "$T/report.$c"; then
				fail "$name.$c $mode $*" "the report differs from the zlib dump's"
				diff "$T/report.zlib" "$T/report.$c" | head -10 >&2
			fi
		done
	done
}

# devices FILE ARGS...: the "devices" array of lgcheck's JSON report.
devices() {
	local f=$1
	shift
	"$LGCHECK" --format json "$@" "$f" 2>/dev/null |
		sed -n '/^\t"devices":/,/^\t"\(findings\|scan\)":/p' | sed '$d'
}

# same_devices NAME EXPECTED-FILE FILE ARGS...
same_devices() {
	local name=$1 exp=$2 f=$3
	shift 3
	checks=$((checks + 1))
	devices "$f" "$@" >"$T/got.json"
	if [ ! -s "$T/got.json" ] || ! cmp -s "$exp" "$T/got.json"; then
		fail "$name" "decoded devices differ from the source"
		diff "$exp" "$T/got.json" | head -20 >&2
	fi
}

# ---------------------------------------------------------------- ring: the simulated guest
"$GEN" "$T" >/dev/null 2>&1 || { echo "ring corpus generator failed"; exit 1; }
# Split: low RAM (zero page, buffers, indirect tables) and the device area at 1 MiB; the
# legacy VGA/ROM hole [0xa0000, 0x100000) is not RAM, so nothing is loaded there.
dd if="$T/clean.bin" of="$T/low.bin" bs=4096 count=160 status=none
dd if="$T/clean.bin" of="$T/area.bin" bs=4096 skip=256 status=none
devices "$T/clean.bin" >"$T/ring.expected.json"
dump ring pc 2M -device "loader,file=$T/low.bin,addr=0,force-raw=on" \
	-device "loader,file=$T/area.bin,addr=0x100000,force-raw=on"
for fmt in elf kdump $CODECS; do
	f="$T/ring.$fmt"
	run "$LGCHECK" --format json "$f"
	expect_rc 0 "ring.$fmt"
	expect_out "ring.$fmt" '"found_by":	"zero page e820 entry"'
	expect_out "ring.$fmt" '"address":	"0x100000"'
	expect_out "ring.$fmt" '"rings_checked":	2'
	checks=$((checks + 1))
	[ -z "$(json_checks)" ] || fail "ring.$fmt" "findings: $(json_checks)"
	same_devices "ring.$fmt devices" "$T/ring.expected.json" "$f"
	run "$LGCHECK" --scan "$f"
	expect_rc 0 "ring.$fmt --scan"
	expect_out "ring.$fmt --scan" "scan: 1 plausible descriptor page"
	expect_out "ring.$fmt --scan" "   1. 0x100000  score "
	same_devices "ring.$fmt --scan devices" "$T/ring.expected.json" "$f" --scan
	run "$LGCHECK" --layout "$f"
	expect_out "ring.$fmt --layout" "device[0] (block) vq[0]: avail idx 81 flags 0, used idx 77 flags 0"
	expect_out "ring.$fmt --layout" "4 outstanding"
	expect_out "ring.$fmt --layout" "3 buffers, 423 bytes out, 3119 in (indirect)"
done
for fmt in kdump $CODECS; do
	kind=$("$LGCHECK" --format json "$T/ring.$fmt" | grep -o '"image":	"[a-z]*"')
	checks=$((checks + 1))
	[ "$kind" = '"image":	"kdump"' ] || fail ring.$fmt "read as $kind, expected kdump"
done
same_reports ring
same_reports ring --scan

# ---------------------------------------------------------------- vec: a real Launcher area
AREA="$VEC/lguest-3.19.8-c-block-rng-32M.devmem.bin"
PAGE="$VEC/lguest-3.19.8-c-block-rng-32M.descpage.bin"
if [ -r "$AREA" ] && [ -r "$PAGE" ]; then
	devices "$AREA" >"$T/vec.expected.json"
	dump vec pc 33M -device "loader,file=$AREA,addr=0x2000000,force-raw=on"
	for fmt in elf kdump $CODECS; do
		f="$T/vec.$fmt"
		# QEMU writes neither our note nor an e820 map: without help, a clear refusal.
		run "$LGCHECK" "$f"
		expect_rc 2 "vec.$fmt unlocated"
		expect_err "vec.$fmt unlocated" "give --page-addr or --scan"
		run "$LGCHECK" --page-addr 0x2000000 --format json "$f"
		expect_rc 0 "vec.$fmt"
		expect_out "vec.$fmt" '"found_by":	"--page-addr"'
		expect_out "vec.$fmt" '"rings_checked":	4'
		checks=$((checks + 1))
		[ -z "$(json_checks)" ] || fail "vec.$fmt" "findings: $(json_checks)"
		same_devices "vec.$fmt devices" "$T/vec.expected.json" "$f" --page-addr 0x2000000
		run "$LGCHECK" --scan --format json "$f"
		expect_rc 0 "vec.$fmt --scan"
		expect_out "vec.$fmt --scan" '"found_by":	"scan"'
		expect_out "vec.$fmt --scan" '"plausible":	1'
		same_devices "vec.$fmt --scan devices" "$T/vec.expected.json" "$f" --scan
	done
	same_reports vec --page-addr 0x2000000
	same_reports vec --scan

	# ------------------------------------------------------------ high: RAM above 4 GiB
	dump high pc,max-ram-below-4g=64M 96M \
		-device "loader,file=$AREA,addr=0x2000000,force-raw=on" \
		-device "loader,file=$PAGE,addr=0x101000000,force-raw=on"
	for fmt in elf kdump $CODECS; do
		f="$T/high.$fmt"
		run "$LGCHECK" --page-addr 0x2000000 -q "$f"
		expect_rc 0 "high.$fmt low page"
		checks=$((checks + 1))
		[ -z "$out" ] || fail "high.$fmt low page" "expected no findings"
		same_devices "high.$fmt low page devices" "$T/vec.expected.json" "$f" --page-addr 0x2000000
		# The copy above 4 GiB: same bytes, found at its address, not at its file offset.
		run "$LGCHECK" --page-addr 0x101000000 --mem 0x2000000 --format json "$f"
		expect_rc 0 "high.$fmt high page"
		expect_out "high.$fmt high page" '"address":	"0x101000000"'
		same_devices "high.$fmt high page devices" "$T/vec.expected.json" "$f" \
			--page-addr 0x101000000 --mem 0x2000000
		run "$LGCHECK" --scan "$f"
		expect_rc 0 "high.$fmt --scan"
		expect_out "high.$fmt --scan" "scan: 2 plausible descriptor pages"
		expect_out "high.$fmt --scan" "   1. 0x2000000  score "
		expect_out "high.$fmt --scan" "   2. 0x101000000  score "
	done
	same_reports high --page-addr 0x101000000 --mem 0x2000000
	same_reports high --scan
	# The ELF really has RAM past the hole at a file offset unlike its address.
	checks=$((checks + 1))
	if command -v readelf >/dev/null; then
		readelf -lW "$T/high.elf" | grep -q 'LOAD .* 0x0000000100000000 0x0000000100000000' ||
			fail high.elf "no PT_LOAD at 4 GiB"
	fi
else
	echo "note: vectors not found in $VEC: the vec and high cases did not run"
fi
finish qemu_dumps
