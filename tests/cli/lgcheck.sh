#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lgcheck.sh — lgcheck as a user runs it: every input kind, every bad input, options.
# usage: lgcheck.sh LGCHECK MKPAGE TMPDIR
set -u
LGCHECK=$1 MKPAGE=$2 T=$3
rm -rf "$T" && mkdir -p "$T"
. "$(dirname "$0")/../lib.sh"

"$MKPAGE" page "$T/page.bin" && "$MKPAGE" area "$T/area.bin" && "$MKPAGE" image "$T/image.bin" ||
	{ echo "mkpage failed"; exit 1; }

# --- the three raw input kinds are found and clean
run "$LGCHECK" "$T/page.bin"
expect_rc 0 page
expect_line page "$T/page.bin: 0 errors, 0 warnings, 0 notes"
expect_out page "ring contents were not checked"
run "$LGCHECK" --format json "$T/page.bin"
expect_out page-json '"address":	"0x4000000"'
run "$LGCHECK" "$T/area.bin"
expect_rc 0 area
expect_line area "$T/area.bin: 0 errors, 0 warnings, 0 notes"
expect_no_out area "not checked"
run "$LGCHECK" --layout "$T/image.bin"
expect_rc 0 image
expect_out image "page found by zero page e820 entry"
expect_line image "descriptor page at 0x4000000 (pfn 0x4000), RAM ends at 0x4000000"
expect_line image "  vq[0] num 256 irq 3 pfn 0x4007: ring [0x4007000, 0x4009806) desc 0x4007000 avail 0x4008000 used 0x4009000"
expect_out image "offered  SEG_MAX(2) FLUSH(9)"
run "$LGCHECK" --base 0x4000000 "$T/area.bin"
expect_rc 0 area-base
# --scan on a device area without --base: the base is still inferred from the rings
run "$LGCHECK" --scan --format json "$T/area.bin"
expect_rc 0 area-scan
expect_out area-scan '"found_by":	"scan (base 0x4000000 inferred from the rings: 6 of 6 agree)"'
expect_out area-scan '"address":	"0x4000000"'

# --- the text format, exactly as documented: device[1] is block, vq[0].num at 0x2c
cp "$T/area.bin" "$T/pow2.bin"
poke "$T/pow2.bin" 0x2c 2c01
run "$LGCHECK" "$T/pow2.bin"
expect_rc 1 pow2
expect_line pow2 "$T/pow2.bin:0x400002c: error (vq_num_pow2): device[1] (block) vq[0]: num 300 is not a power of two"
expect_line pow2 "$T/pow2.bin: 1 error, 0 warnings, 0 notes"
run "$LGCHECK" -W vq_num_pow2 "$T/pow2.bin"
expect_rc 0 pow2-W
expect_out pow2-W "warning (vq_num_pow2)"
run "$LGCHECK" -W no-vq_num_pow2 "$T/pow2.bin"
expect_rc 0 pow2-Wno
expect_line pow2-Wno "$T/pow2.bin: 0 errors, 0 warnings, 0 notes"
run "$LGCHECK" --format json "$T/pow2.bin"
expect_rc 1 pow2-json
expect_out pow2-json '"check":	"vq_num_pow2"'
expect_out pow2-json '"path":	"device[1].vq[0].num"'
expect_out pow2-json '"address":	"0x400002c"'
run "$LGCHECK" --format sarif "$T/pow2.bin"
expect_rc 1 pow2-sarif
expect_out pow2-sarif '"ruleId":	"vq_num_pow2"'
expect_out pow2-sarif '"version":	"2.1.0"'
expect_valid_sarif pow2-sarif
run "$LGCHECK" --color always "$T/pow2.bin"
expect_out color $'\033[1;31merror\033[0m'
run "$LGCHECK" "$T/pow2.bin"
expect_no_out no-color $'\033['

# a note raised to an error: swap two ring pfns (ring_stock_order)
cp "$T/area.bin" "$T/order.bin"
poke "$T/order.bin" 9 04400000
poke "$T/order.bin" 17 01400000
run "$LGCHECK" "$T/order.bin"
expect_rc 0 order
expect_out order "note (ring_stock_order): device[0] (net) vq[0]: ring at pfn 0x4004, where the Launcher's allocator would have put it at pfn 0x4001"
run "$LGCHECK" -E ring_stock_order "$T/order.bin"
expect_rc 1 order-E
expect_out order-E "error (ring_stock_order)"

# --- options
run "$LGCHECK" --help
expect_rc 0 help
expect_out help "usage: lgcheck [options] FILE"
run "$LGCHECK" --version
expect_rc 0 version
expect_out version "lgcheck (lgkit) "
run "$LGCHECK" --list-checks
expect_rc 0 list
expect_out list "vq_num_pow2"
expect_out list "desc_loop"
[ "$(wc -l <<<"$out")" -eq 62 ] || { checks=$((checks+1)); fail list "expected 62 checks"; }
run "$LGCHECK"
expect_rc 2 noargs
expect_err noargs "lgcheck: no input file given"
run "$LGCHECK" a b
expect_rc 2 twoargs
run "$LGCHECK" -W no-such-check "$T/page.bin"
expect_rc 2 unknown-check
expect_err unknown-check "lgcheck: -W no-such-check: no check named 'such-check' (see --list-checks)"
run "$LGCHECK" -E bogus "$T/page.bin"
expect_rc 2 unknown-check-E
expect_err unknown-check-E "no check named 'bogus'"
run "$LGCHECK" --scan --page-addr 0x4000000 "$T/area.bin"
expect_rc 2 scan-and-page
expect_err scan-and-page "lgcheck: --scan looks for the page; --page-addr names it: give one"
run "$LGCHECK" --format xml "$T/page.bin"
expect_rc 2 format
expect_err format "--format 'xml': expected text, json or sarif"

# --- bad inputs: one clear message, exit 1 or 2, never a crash
run "$LGCHECK" "$T/missing.bin"
expect_rc 2 missing
expect_err missing "lgcheck: $T/missing.bin: cannot open: No such file or directory"
run "$LGCHECK" "$T"
expect_rc 2 directory
expect_err directory "lgcheck: $T: not a regular file"
# a FIFO with no writer: read at once (nothing: empty), not waited on
mkfifo "$T/fifo"
run timeout 10 "$LGCHECK" "$T/fifo"
expect_rc 2 fifo
expect_err fifo "lgcheck: $T/fifo: file is empty, expected guest memory"
: >"$T/empty.bin"
run "$LGCHECK" "$T/empty.bin"
expect_rc 2 empty
expect_err empty "lgcheck: $T/empty.bin: file is empty, expected guest memory"
printf '\003' >"$T/one.bin"
run "$LGCHECK" "$T/one.bin"
expect_rc 1 one-byte
expect_out one-byte "error (page_truncated): page: only 1 of the page's 4096 bytes are in the image"
head -c 2000 "$T/page.bin" >"$T/trunc.bin"
run "$LGCHECK" "$T/trunc.bin"
expect_rc 1 truncated
expect_out truncated "error (page_truncated): page: only 2000 of the page's 4096 bytes are in the image"
# Noise with a first byte that is not 0 (a 0 there is "no page", another message).  RANDOM
# is read in this shell: a command substitution would reseed it and make the bytes differ.
RANDOM=42
{
	printf '\x5a'
	for _ in $(seq 4095); do
		printf -v b '\\x%02x' $((RANDOM % 256))
		printf "$b"
	done
} >"$T/random.bin"
run "$LGCHECK" "$T/random.bin"
expect_rc 2 random
expect_err random "lgcheck: $T/random.bin: cannot tell where the page is: its "
run "$LGCHECK" --base 0xfffffffffffff000 "$T/area.bin"
expect_rc 2 base-wrap
expect_err base-wrap "passes the end of the 64-bit address space"
run "$LGCHECK" --base banana "$T/page.bin"
expect_rc 2 base-syntax
expect_err base-syntax "lgcheck: --base 'banana': expected a number such as 0x2000000 or 32M"
run "$LGCHECK" --mem 99999999999999999999999 "$T/page.bin"
expect_rc 2 mem-overflow
expect_err mem-overflow "--mem '99999999999999999999999': expected a number"
run "$LGCHECK" --mem 17179869184G "$T/page.bin"
expect_rc 2 mem-suffix-overflow
run "$LGCHECK" --mem 0xffffffffffffffff "$T/area.bin"
expect_rc 1 mem-huge
expect_out mem-huge "error (ring_above_ram): device[0] (net) vq[0]: ring at 0x4001000 starts inside guest RAM, which ends at 0xffffffffffffffff"
run "$LGCHECK" --page-addr 0x1234 "$T/page.bin"
expect_rc 2 page-unaligned
expect_err page-unaligned "--page-addr 0x1234 is not a multiple of 4096"
run "$LGCHECK" --page-addr 0x9000000 "$T/image.bin"
expect_rc 2 page-outside
expect_err page-outside "the page address 0x9000000 is not in the image"
run "$LGCHECK" --pfn-limit 0x4012 "$T/area.bin"
expect_rc 1 pfn-limit
expect_out pfn-limit "error (ring_in_pfnlimit): device[3] (console) vq[1]"
run "$LGCHECK" --mem 32M "$T/area.bin"
expect_rc 0 mem-32M
# a leading zero is still decimal (as in specs), not C's octal
run "$LGCHECK" --mem 064M --layout "$T/area.bin"
expect_rc 0 mem-leading-zero
expect_line mem-leading-zero "descriptor page at 0x4000000 (pfn 0x4000), RAM ends at 0x4000000"
finish
