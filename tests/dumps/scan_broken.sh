#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scan_broken.sh — issue 10 item 4: --scan finds a descriptor page that breaks rules (a ring
# of 300 entries, an irq of 40, unknown status bits, a ring outside the image) by the loose
# rule of docs/dumps.md, ranks it below clean pages, and checks the best with every
# finding; "scan found no plausible descriptor page" only when nothing resembles one.
# usage: scan_broken.sh LGCHECK MKPAGE TMPDIR
set -u
LGCHECK=$1 MKPAGE=$2 T=$3
rm -rf "$T" && mkdir -p "$T"
. "$(dirname "$0")/../lib.sh"

"$MKPAGE" image "$T/image.bin" || exit 2 # the stock page at 0x4000000, rings after it
P=$((0x4000000))
broken() { # NAME PAGE_OFFSET HEXBYTES: a copy of the image with the page changed
	cp --sparse=always "$T/image.bin" "$T/$1.bin"
	poke "$T/$1.bin" $((P + $2)) "$3"
}
broken pow2 0x2c 2c01       # device[1] (block) vq[0] num 300
broken irq 0x2e 2800        # device[1] (block) vq[0] irq 40
broken status 0x4 40        # device[0] (net) status 0x40
broken pfn 0x30 ffff0f00    # device[1] (block) vq[0] at pfn 0xfffff: outside the image

loose="(not clean: walks only by the loose rule)"
run "$LGCHECK" --scan "$T/pow2.bin"
expect_rc 1 pow2
expect_line pow2 "$T/pow2.bin: scan: 1 plausible descriptor page"
expect_line pow2 "   1. 0x4000000  score -999250: 4 devices, 6 vqs, 5 rings in the image, 1 error, 0 warnings $loose"
expect_line pow2 "$T/pow2.bin:0x400002c: error (vq_num_pow2): device[1] (block) vq[0]: num 300 is not a power of two"
expect_line pow2 "$T/pow2.bin: 1 error, 0 warnings, 0 notes"

run "$LGCHECK" --scan "$T/irq.bin"
expect_rc 1 irq
expect_line irq "   1. 0x4000000  score -999150: 4 devices, 6 vqs, 6 rings in the image, 1 error, 0 warnings $loose"
expect_line irq "$T/irq.bin:0x400002e: error (vq_irq_range): device[1] (block) vq[0]: irq 40 is not below LGUEST_IRQS (32): the Host refuses to raise it"
expect_line irq "$T/irq.bin: 1 error, 0 warnings, 0 notes"

run "$LGCHECK" --scan "$T/status.bin"
expect_rc 1 status
expect_line status "   1. 0x4000000  score -999150: 4 devices, 6 vqs, 6 rings in the image, 1 error, 0 warnings $loose"
expect_line status "$T/status.bin:0x4000004: error (status_bits): device[0] (net): status 0x40 has bits 0x40 outside ACKNOWLEDGE|DRIVER|DRIVER_OK|FAILED (0x87)"

# A ring outside the image breaks no rule of the walk: a clean candidate, every finding
# (both placement errors of the ring at pfn 0xfffff; it breaks them, so no order note).
run "$LGCHECK" --scan --format json "$T/pfn.bin"
expect_rc 1 pfn
checks=$((checks + 1))
[ "$(json_checks)" = "ring_below_4g ring_in_image" ] ||
	fail pfn "checks: $(json_checks)"
expect_out pfn '"clean":	true'

# JSON names a loose candidate; the check names are exactly the broken ones.
run "$LGCHECK" --scan --format json "$T/irq.bin"
expect_rc 1 irq-json
expect_out irq-json '"clean":	false'
checks=$((checks + 1))
[ "$(json_checks)" = "vq_irq_range" ] || fail irq-json "checks: $(json_checks)"

# A clean page and a broken copy of it: the clean one ranks first and is checked.
cp --sparse=always "$T/image.bin" "$T/two.bin"
dd if="$T/pow2.bin" of="$T/two.bin" bs=4096 skip=$((P / 4096)) seek=256 count=1 conv=notrunc status=none
run "$LGCHECK" --scan "$T/two.bin"
expect_rc 0 two
expect_line two "$T/two.bin: scan: 2 plausible descriptor pages"
expect_line two "   1. 0x4000000  score 1050: 4 devices, 6 vqs, 6 rings in the image, 0 errors, 0 warnings"
expect_line two "   2. 0x100000  score -999301: 4 devices, 6 vqs, 5 rings in the image, 1 error, 0 warnings $loose"
expect_line two "$T/two.bin: 0 errors, 0 warnings, 0 notes"

# Nothing that resembles a page: exit 2 with the one line.  Neither an unknown type, nor
# an irq beyond the loose rule (256), nor a tail that is not zero makes a candidate.
truncate -s 64M "$T/zero.bin"
broken type 0x0 7f          # device[0] type 0x7f
broken irq256 0x7 0001      # device[0] vq[0] irq 256
broken tail 0x800 01        # a byte after the terminator
for f in zero type irq256 tail; do
	run "$LGCHECK" --scan "$T/$f.bin"
	expect_rc 2 "none-$f"
	expect_err "none-$f" "lgcheck: $T/$f.bin: scan found no plausible descriptor page"
	expect_one_err_line "none-$f"
done
rm -rf "$T"
finish scan_broken.sh
