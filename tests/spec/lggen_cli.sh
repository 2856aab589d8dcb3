#!/bin/bash
# SPDX-License-Identifier: MIT
# lggen_cli.sh — lggen's command line: help and version, usage errors (exit 2), --force
# writing a bad layout whose diagnostics are exactly lgcheck's, --image accepted by lgcheck
# as it is, --mem, --cmdline, --decode of pages, areas and images (same spec from each),
# spec -> page -> spec and page -> spec -> page on the hand-written sample.
# usage: lggen_cli.sh LGGEN LGCHECK SAMPLES_DIR WORKDIR
set -u
LGGEN=$1 LGCHECK=$2 SAMPLES=$3 W=$4
rm -rf "$W" && mkdir -p "$W" || exit 2
. "$(dirname "$0")/../lib.sh"
# t EXPECTED-EXIT CMD...: run, keep stdout/stderr in $W/out and $W/err.
t() {
	local want=$1
	shift
	"$@" >"$W/out" 2>"$W/err"
	local rc=$?
	[ "$rc" = "$want" ] && ok || bad "$*: exit $rc, expected $want: $(head -c 400 "$W/err")"
}
first_err() { head -n 1 "$W/err"; }
same() { [ "$1" = "$2" ] && ok || bad "$3
  got      $1
  expected $2"; }

umask 022
cd "$SAMPLES" || exit 2
V=vectors/lguest-3.19.8-c-block-rng-32M.json

t 0 "$LGGEN" --help
same "$(head -n 1 "$W/out")" "usage: lggen [options] SPEC.json -o OUT [--page|--area|--image|--lhreq]" "--help"
t 0 "$LGGEN" --version
same "$(cat "$W/out")" "lggen (lgkit) 0.1.0" "--version"
t 2 "$LGGEN"
same "$(first_err)" "lggen: no input file given" "no arguments"
t 2 "$LGGEN" "$V"
same "$(first_err)" "lggen: no output file given (-o OUT)" "no -o"
t 2 "$LGGEN" "$V" --page --area -o "$W/x"
same "$(first_err)" "lggen: give at most one of --page, --area, --image and --lhreq" "two kinds"
t 2 "$LGGEN" "$V" --cmdline quiet -o "$W/x"
same "$(first_err)" "lggen: --cmdline applies to --image only" "--cmdline without --image"
t 2 "$LGGEN" "$V" -W no-such-check -o "$W/x"
same "$(first_err)" "lggen: -W no-such-check: no check named 'such-check' (see --list-checks)" "-W"
t 2 "$LGGEN" "$V" --mem 5000 -o "$W/x"
same "$(first_err)" "lggen: --mem 0x1388: expected a non-zero multiple of 4096" "--mem 5000"
t 2 "$LGGEN" "$V" --mem 0x8000000000000000 -o "$W/x"
same "$(first_err)" "lggen: --mem 0x8000000000000000: expected less than 2^63 (0x8000000000000000)" "--mem 2^63"
t 2 "$LGGEN" --decode "$V" --force
same "$(first_err)" "lggen: --decode writes a spec: --page, --area, --image, --lhreq, --cmdline and --force do not apply" "--decode --force"
t 2 "$LGGEN" --decode "$V" --lhreq
same "$(first_err)" "lggen: --decode writes a spec: --page, --area, --image, --lhreq, --cmdline and --force do not apply" "--decode --lhreq"
t 2 "$LGGEN" "$V" --guest-base 0x1000 -o "$W/x"
same "$(first_err)" "lggen: --guest-base, --start, --pgdir and --eventfd apply to --lhreq only" "--guest-base without --lhreq"
t 2 "$LGGEN" "$V" --lhreq --start 0x100000000 -o "$W/x"
same "$(first_err)" "lggen: --start 0x100000000: expected at most 0xffffffff (a 32-bit word)" "--start above 32 bits"
t 2 "$LGGEN" "$V" --lhreq --eventfd -1 -o "$W/x"
same "$(first_err)" "lggen: --eventfd '-1': expected a file descriptor number 0..2147483647" "--eventfd -1"
t 2 "$LGGEN" "$V" --era e1 -o "$W/x"
same "$(first_err)" "lggen: --base, --page-addr, --raw and --era apply to --decode only" "--era without --decode"
t 2 "$LGGEN" --decode "$V" --era e3
same "$(first_err)" "lggen: --era 'e3': expected e0 (2.6.23), e1 (2.6.24) or e2" "--era e3"
[ ! -e "$W/x" ] && ok || bad "a usage error wrote $W/x"
# An output that is not a regular file (a FIFO here; /dev/null as root) is not replaced
# by the temporary file's rename.
mkfifo "$W/fifo"
t 2 "$LGGEN" "$V" -o "$W/fifo"
same "$(first_err)" "lggen: $W/fifo: exists and is not a regular file; not replaced (the output is written to a temporary file and renamed over it)" "-o FIFO"
[ -p "$W/fifo" ] && ok || bad "-o FIFO: the FIFO was replaced"
t 0 "$LGGEN" "$V" -o "$W/fifo-src.bin"
t 2 "$LGGEN" --decode "$W/fifo-src.bin" -o "$W/fifo"
[ -p "$W/fifo" ] && ok || bad "--decode -o FIFO: the FIFO was replaced"

# An output that is the input, through any path, is refused and nothing is touched
# (issue 9.1).  The folder then holds exactly what it held: no temporary file is left.
mkdir -p "$W/same/sub" && cp "$V" "$W/same/spec.json" && cp "$V" "$W/same/orig.json"
ln "$W/same/spec.json" "$W/same/hard.json" && ln -s ../spec.json "$W/same/sub/sym.json"
listing() { ls -A "$W/same" "$W/same/sub" | tr '\n' ' '; }
before=$(listing)
for o in "$W/same/spec.json" "$W/same/sub/../spec.json" "$W/same/hard.json" "$W/same/sub/sym.json"; do
	t 2 "$LGGEN" "$W/same/spec.json" -o "$o"
	same "$(cat "$W/err")" "lggen: $o: is the input $W/same/spec.json; refusing to overwrite it" "-o $o (the input)"
	cmp -s "$W/same/spec.json" "$W/same/orig.json" && ok || bad "-o $o: the spec was changed"
done
t 2 "$LGGEN" - -o "$W/same/spec.json" <"$W/same/spec.json"
same "$(cat "$W/err")" "lggen: $W/same/spec.json: is the input (standard input); refusing to overwrite it" "stdin -o the same file"
same "$(listing)" "$before" "refusals left files behind"
t 0 "$LGGEN" "$W/same/spec.json" --area -o "$W/same/area.bin"
cp "$W/same/area.bin" "$W/same/area.orig"
before=$(listing)
t 2 "$LGGEN" --decode "$W/same/area.bin" -o "$W/same/area.bin"
same "$(cat "$W/err")" "lggen: $W/same/area.bin: is the input $W/same/area.bin; refusing to overwrite it" "--decode -o the input"
cmp -s "$W/same/area.bin" "$W/same/area.orig" && ok || bad "--decode -o the input: the area was changed"
"$LGGEN" --decode "$W/same/area.bin" -o - >>"$W/same/area.bin" 2>"$W/err"
same "$?: $(cat "$W/err")" "2: lggen: standard output: is the input $W/same/area.bin; refusing to overwrite it" "--decode -o - >> the input"
cmp -s "$W/same/area.bin" "$W/same/area.orig" && ok || bad "--decode -o - >> the input: the area was changed"
same "$(listing)" "$before" "refusals left files behind"

# A symbolic link is written through to its target; the link stays a link (issue 9.2).
t 0 "$LGGEN" "$V" -o "$W/page.ref"
mkdir -p "$W/links/a" "$W/links/b"
: >"$W/links/b/target.bin"
ln -s ../b/target.bin "$W/links/a/rel-link"
ln -s "$W/links/a/rel-link" "$W/links/chain"
t 0 "$LGGEN" "$V" -o "$W/links/chain"
[ -L "$W/links/chain" ] && [ -L "$W/links/a/rel-link" ] && ok || bad "-o LINK replaced the link"
cmp -s "$W/links/b/target.bin" "$W/page.ref" && ok || bad "-o LINK: the target does not hold the page"
same "$(ls -A "$W/links/a" "$W/links/b" | tr '\n' ' ')" "$W/links/a: rel-link  $W/links/b: target.bin " "-o LINK: files beside the link and the target"
ln -s missing.bin "$W/links/dangling"
t 0 "$LGGEN" "$V" -o "$W/links/dangling"
[ -L "$W/links/dangling" ] && cmp -s "$W/links/missing.bin" "$W/page.ref" && ok || bad "-o a dangling link: its target was not created"
ln -s fifo "$W/fifo-link"
t 2 "$LGGEN" "$V" -o "$W/fifo-link"
[ -L "$W/fifo-link" ] && [ -p "$W/fifo" ] && ok || bad "-o a link to a FIFO replaced something"
# The case of /dev/stdout (a link to /proc/self/fd/1), in our own folder: the file that
# standard output is gets the bytes, the link stays.
ln -s /proc/self/fd/1 "$W/links/stdout"
"$LGGEN" "$V" -o "$W/links/stdout" >"$W/links/f" 2>"$W/err"
rc=$?
[ $rc = 0 ] && [ -L "$W/links/stdout" ] && cmp -s "$W/links/f" "$W/page.ref" && ok ||
	bad "-o a link to standard output: exit $rc, $(stat -c '%F %s' "$W/links/stdout" "$W/links/f" | tr '\n' ' ')$(cat "$W/err")"
"$LGGEN" "$V" -o "$W/links/stdout" 2>"$W/err" | cat >/dev/null
same "$(cat "$W/err")" "lggen: $W/links/stdout: exists and is not a regular file; not replaced (the output is written to a temporary file and renamed over it)" "-o a link to a pipe"
# -o - is standard output, for pages, areas and decoded specs alike.
t 0 "$LGGEN" "$V" -o -
cmp -s "$W/out" "$W/page.ref" && ok || bad "-o - does not write the page to standard output"
t 0 "$LGGEN" "$V" --area -o "$W/area.ref"
t 0 "$LGGEN" "$V" --area -o -
cmp -s "$W/out" "$W/area.ref" && ok || bad "--area -o - differs from the file"
[ ! -e ./- ] && ok || bad "-o - created a file named -"

# A clean layout: nothing printed, the file is there with the usual permissions.
t 0 "$LGGEN" "$V" -o "$W/page.bin"
[ ! -s "$W/err" ] && [ ! -s "$W/out" ] && ok || bad "clean layout printed: $(cat "$W/err" "$W/out")"
[ "$(stat -c '%s %a' "$W/page.bin")" = "4096 644" ] && ok || bad "page.bin: $(stat -c '%s %a' "$W/page.bin")"
# From standard input.
t 0 "$LGGEN" - -o "$W/stdin.bin" <"$V"
cmp -s "$W/page.bin" "$W/stdin.bin" && ok || bad "spec on stdin gives other bytes"

# --force: a bad layout is written, with the findings lgcheck reports for the same bytes
# (lggen places them in the spec: FILE:LINE:COL: SEVERITY: .path: MESSAGE (at ADDR) [CHECK]).
t 0 "$LGGEN" broken-layout/acked-not-offered.json --force --area -o "$W/forced.bin"
perl -ne 'print "$3 $1 ($4): $2\n" if /^[^ ]+:\d+:\d+: (error|warning|note): \.[^ ]*: (.*) \(at (0x[0-9a-f]+)\) \[(\w+)\]$/' \
	"$W/err" >"$W/lggen.diag"
"$LGCHECK" "$W/forced.bin" >"$W/lgcheck.out"
rc=$?
[ "$rc" = 1 ] && ok || bad "lgcheck on the forced layout: exit $rc"
perl -ne 'print "$1 $2 ($3): $4\n" if /^[^ ]+:(0x[0-9a-f]+): (error|warning|note) \((\w+)\): [^:]*: (.*)$/' \
	"$W/lgcheck.out" >"$W/lgcheck.diag"
[ -s "$W/lggen.diag" ] && cmp -s "$W/lggen.diag" "$W/lgcheck.diag" && ok ||
	bad "lggen and lgcheck disagree:
$(cat "$W/lggen.diag")
---
$(cat "$W/lgcheck.diag")"
same "$(cat "$W/lggen.diag")" "0x2000010 error (feat_acked_subset): acked feature byte 1 is 0x02 but offered is 0x00: bit 9 acked without being offered" "forced diagnostics"
# --force also accepts ring sizes the wire holds but the Guest refuses.
t 0 "$LGGEN" broken/vq-num-not-pow2.json --force -o "$W/num300.bin"
grep -q "^broken/vq-num-not-pow2.json:6:42: error: .devices\[2\].queues\[0\].num: num 300 is not a power of two (at 0x2000027) \[vq_num_pow2\]$" "$W/err" && ok || bad "num 300 with --force: $(cat "$W/err")"
# -W turns a check off, as in lgcheck.
t 0 "$LGGEN" broken-layout/irq-zero.json -W no-vq_irq_zero -o "$W/irq0.bin"

# A variable-length config field from the device-type table (9p's mount tag): written at
# its offset, named in --layout, decoded back as typed config.
printf '%s\n' '{"mem": "32M", "devices": [{"type": "9p", "queues": [{"num": 128}], "features": ["MOUNT_TAG"], "config": {"tag_len": 5, "tag": "share"}}, {"type": "console", "queues": [{"num": 256}, {"num": 256}]}]}' >"$W/9p.json"
t 0 "$LGGEN" "$W/9p.json" --page -o "$W/9p.bin"
t 0 "$LGCHECK" --layout --base 0x2000000 "$W/9p.bin"
same "$(grep '^    config ' "$W/out")" "    config   05 00 73 68 61 72 65  (tag share)" "9p config in --layout"
t 0 "$LGGEN" --decode --base 0x2000000 "$W/9p.bin" -o "$W/9p-back.json"
same "$(grep '"config"' "$W/9p-back.json")" '      "config": {"tag_len": 5, "tag": "share"}' "9p config decoded"

# --image: lgcheck accepts it as it is, finding the page through the e820 entry.
t 0 "$LGGEN" full-layout.json --image --cmdline "console=hvc0 root=/dev/vda" -o "$W/image.bin"
t 0 "$LGCHECK" --layout "$W/image.bin"
same "$(head -n 1 "$W/out")" "$W/image.bin: raw image, page found by zero page e820 entry" "lgcheck --layout on the image"
same "$(tail -n 1 "$W/out")" "$W/image.bin: 0 errors, 0 warnings, 0 notes" "lgcheck on the image"
same "$(stat -c %s "$W/image.bin")" "$((0x800d000))" "image size (RAM + page + rings to the pfn limit)"
same "$(dd if="$W/image.bin" bs=1 skip=4096 count=26 2>/dev/null)" "console=hvc0 root=/dev/vda" "command line at 0x1000"
same "$(od -An -tx1 -j $((0x1e8)) -N1 "$W/image.bin" | tr -d ' ')" "01" "e820_entries"
same "$(od -An -tx1 -j $((0x2d0)) -N20 "$W/image.bin" | tr -d '\n' | tr -s ' ')" " 00 00 00 00 00 00 00 00 00 00 00 08 00 00 00 00 01 00 00 00" "e820_map[0]: 0, 128M, RAM"
same "$(od -An -tx1 -j $((0x206)) -N2 "$W/image.bin" | tr -s ' ')" " 07 02" "hdr.version"
same "$(od -An -tx1 -j $((0x228)) -N4 "$W/image.bin" | tr -s ' ')" " 00 10 00 00" "cmd_line_ptr"
same "$(od -An -tx1 -j $((0x230)) -N4 "$W/image.bin" | tr -s ' ')" " 00 00 00 01" "kernel_alignment"
same "$(od -An -tx1 -j $((0x23c)) -N4 "$W/image.bin" | tr -s ' ')" " 01 00 00 00" "hardware_subarch"

# Every vector configuration as a whole image: lgcheck finds no problem in any.
for spec in vectors/*.json; do
	"$LGGEN" "$spec" --image -o "$W/v.img" && "$LGCHECK" "$W/v.img" >"$W/out"
	rc=$?
	[ "$rc" = 0 ] && [ "$(tail -n 1 "$W/out")" = "$W/v.img: 0 errors, 0 warnings, 0 notes" ] && ok ||
		bad "$spec --image: exit $rc: $(cat "$W/out")"
done

# --decode: an image, its area and its page all give the same spec (a bare page leaves
# the pfn limit to the rings, which is where they end here anyway).
t 0 "$LGGEN" full-layout.json --area -o "$W/area.bin"
t 0 "$LGGEN" full-layout.json --page -o "$W/fpage.bin"
t 0 "$LGGEN" --decode "$W/image.bin" -o "$W/from-image.json"
t 0 "$LGGEN" --decode "$W/area.bin" -o "$W/from-area.json"
cmp -s "$W/from-image.json" "$W/from-area.json" && ok || bad "image and area decode differently: $(diff "$W/from-image.json" "$W/from-area.json")"
t 0 "$LGGEN" --decode "$W/fpage.bin"
grep -v '"pfn_limit"' "$W/from-area.json" >"$W/no-limit.json"
cmp -s "$W/out" "$W/no-limit.json" && ok || bad "page decodes differently: $(diff "$W/out" "$W/no-limit.json")"
t 0 "$LGGEN" --decode "$W/fpage.bin" --base 0x8000000
cmp -s "$W/out" "$W/no-limit.json" && ok || bad "--base 0x8000000 decodes differently"
t 0 "$LGGEN" --decode "$W/fpage.bin" --base 0x8000000 --page-addr 0x8000000 --mem 64M
grep -q '^  "mem": "64M",$' "$W/out" && grep -q '^  "page_addr": "128M",$' "$W/out" && ok || bad "--decode --mem: $(head -3 "$W/out")"
t 2 "$LGGEN" --decode "$W/fpage.bin" --base 0x8000000000000000
same "$(first_err)" "lggen: $W/fpage.bin: cannot write a spec: the page at 0x8000000000000000 is not below 2^63 (0x8000000000000000)" "--decode of a page at 2^63"
t 2 "$LGGEN" --decode "$W/fpage.bin" --mem 256M
same "$(first_err)" "lggen: $W/fpage.bin: cannot write a spec: RAM ends at 0x10000000, above the page at 0x8000000; a spec needs a page-aligned top of RAM at or below the page" "--decode --mem above the page"
# spec -> page -> spec -> page: the same bytes, and the spec is a fixed point.
t 0 "$LGGEN" "$W/from-area.json" --area -o "$W/area2.bin"
cmp -s "$W/area.bin" "$W/area2.bin" && ok || bad "spec -> area -> spec -> area differs"
t 0 "$LGGEN" --decode "$W/area2.bin" -o "$W/from-area2.json"
cmp -s "$W/from-area.json" "$W/from-area2.json" && ok || bad "decoded spec is not a fixed point"
# --mem moves everything: the 32M rng spec at 64M is the 64M rng spec.
t 0 "$LGGEN" vectors/lguest-3.19.8-b-rng-32M.json --mem 64M --area -o "$W/rng64a.bin"
t 0 "$LGGEN" vectors/lguest-3.19.8-b-rng-64M.json --area -o "$W/rng64b.bin"
cmp -s "$W/rng64a.bin" "$W/rng64b.bin" && ok || bad "--mem 64M differs from the 64M spec"
# --decode of what is no dump.
: >"$W/empty.bin"
t 2 "$LGGEN" --decode "$W/empty.bin"
same "$(first_err)" "lggen: $W/empty.bin: file is empty, expected guest memory" "--decode empty"
finish
