#!/bin/bash
# SPDX-License-Identifier: MIT
# broken.sh — every broken spec gives one clear message per problem (or, for a layout the
# named checks reject, their findings), each as FILE:LINE:COL: error: …, exit 1, and never
# an output file: an existing OUT is left untouched and no temporary file is left beside
# it.  Also: a 10 MB file of random bytes, a file over the size limit, an unreadable spec
# and an unwritable output.
# usage: broken.sh LGGEN SAMPLES_DIR WORKDIR
set -u
LGGEN=$1 SAMPLES=$2 W=$3
rm -rf "$W" && mkdir -p "$W/out" || exit 2
. "$(dirname "$0")/../lib.sh"

# run SPEC: lggen SPEC -o $W/out/OUT over a precious OUT; sets rc, err (stderr), nlines.
run() {
	printf 'precious' >"$W/out/OUT"
	"$LGGEN" "$@" -o "$W/out/OUT" 2>"$W/err" >"$W/stdout"
	rc=$?
	nlines=$(wc -l <"$W/err")
	if [ "$(cat "$W/out/OUT")" = precious ]; then ok; else bad "$1: OUT was overwritten"; fi
	if [ -z "$(ls -A "$W/out" | grep -v '^OUT$')" ]; then ok; else bad "$1: left $(ls -A "$W/out")"; fi
	if [ ! -s "$W/stdout" ]; then ok; else bad "$1: wrote to stdout"; fi
}

# expect SPEC EXIT LINES FIRST-LINE
expect() {
	run "$1"
	if [ "$rc" = "$2" ]; then ok; else bad "$1: exit $rc, expected $2: $(cat "$W/err")"; fi
	if [ "$nlines" = "$3" ]; then ok; else bad "$1: $nlines lines of messages, expected $3: $(cat "$W/err")"; fi
	if [ "$(head -n 1 "$W/err")" = "$4" ]; then ok; else
		bad "$1: message
  got      $(head -n 1 "$W/err")
  expected $4"
	fi
}

cd "$SAMPLES" || exit 2
# JSON Schema can say these are wrong too (schema.sh checks that).
expect broken/bad-hex.json 1 1 'broken/bad-hex.json:1:88: error: .devices[0].config.hex: expected pairs of hex digits such as "00400000", got "0g"'
expect broken/bad-mac.json 1 1 'broken/bad-mac.json:2:21: error: .devices[0].config.mac: expected a MAC address such as "02:4c:47:00:00:01", got "02:4c:47:00:00"'
expect broken/config-field-of-another-type.json 1 1 'broken/config-field-of-another-type.json:1:101: error: .devices[0].config: unknown key "mac"; expected one of: capacity, size_max, seg_max, cylinders, heads, sectors, blk_size, physical_block_exp, alignment_offset, min_io_size, opt_io_size, wce'
expect broken/empty.json 1 1 'broken/empty.json:1:1: error: empty file, expected a JSON object {"mem": …, "devices": […]}'
expect broken/feature-bit-too-high.json 1 1 'broken/feature-bit-too-high.json:1:83: error: .devices[0].features[0]: expected an integer from 0 to 2039, got 2040'
expect broken/hex-and-fields.json 1 1 'broken/hex-and-fields.json:1:114: error: .devices[0].config: unknown key "rows"; expected one of: hex'
expect broken/irq-negative.json 1 1 'broken/irq-negative.json:1:75: error: .devices[0].queues[0].irq: expected an integer from 0 to 65535, got -1'
expect broken/mem-bad-string.json 1 1 'broken/mem-bad-string.json:1:9: error: .mem: expected a size (a number, or a string such as "32M" or "0x2000000"), got "32 MB"'
expect broken/mem-not-page-aligned.json 1 1 'broken/mem-not-page-aligned.json:1:9: error: .mem: expected a non-zero multiple of 4096 (the page follows RAM), got 2099200'
expect broken/missing-devices.json 1 1 'broken/missing-devices.json:1:1: error: .: missing key "devices" (an array of devices)'
expect broken/num-fraction.json 1 1 'broken/num-fraction.json:1:63: error: .devices[0].queues[0].num: expected a power of two from 1 to 32768, got 256.5'
expect broken/vq-num-not-pow2.json 1 1 'broken/vq-num-not-pow2.json:6:42: error: .devices[2].queues[0].num: expected a power of two, got 300'
expect broken/num-too-large.json 1 1 'broken/num-too-large.json:1:63: error: .devices[0].queues[0].num: expected a power of two from 1 to 32768, got 65536'
expect broken/queue-not-object.json 1 1 'broken/queue-not-object.json:1:55: error: .devices[0].queues[0]: expected an object such as {"num": 256}, got 256'
expect broken/root-not-object.json 1 1 'broken/root-not-object.json:1:1: error: .: expected an object {"mem": …, "devices": […]}, got an array'
expect broken/status-out-of-range.json 1 1 'broken/status-out-of-range.json:1:54: error: .devices[0].status: expected an integer from 0 to 255, got 256'
expect broken/truncated.json 1 1 'broken/truncated.json:4:42: error: invalid JSON: unexpected end of input (truncated?)'
expect broken/type-zero.json 1 1 'broken/type-zero.json:1:37: error: .devices[0].type: expected a virtio id 1..255 (0 would end the device list), got 0'
expect broken/unknown-feature.json 1 1 'broken/unknown-feature.json:1:96: error: .devices[0].features[1]: unknown feature "FLUSHH" for a block device; expected a bit number or one of: BARRIER, SIZE_MAX, SEG_MAX, GEOMETRY, RO, BLK_SIZE, SCSI, FLUSH, TOPOLOGY, CONFIG_WCE, NOTIFY_ON_EMPTY, ANY_LAYOUT, RING_INDIRECT_DESC, RING_EVENT_IDX, BAD_FEATURE, VERSION_1'
expect broken/unknown-key.json 1 1 'broken/unknown-key.json:1:70: error: .devices[0]: unknown key "queue_size"; expected one of: type, queues, features, acked, feature_len, status, config, config_len, comment'
expect broken/unknown-top-key.json 1 1 'broken/unknown-top-key.json:1:16: error: .: unknown key "memory"; expected one of: $schema, comment, era, mem, page_addr, pfn_limit, devices'
expect broken/unknown-type.json 1 1 'broken/unknown-type.json:1:37: error: .devices[0].type: expected net, block, console, rng or a virtio id 1..255, got "floppy"'
expect broken/wrong-type-mem.json 1 1 'broken/wrong-type-mem.json:1:9: error: .mem: expected a size (a number, or a string such as "32M" or "0x2000000"), got true'
expect broken/era-unknown.json 1 1 'broken/era-unknown.json:1:9: error: .era: expected "2.6.23" (E0), "2.6.24" (E1) or "2.6.25" (early E2), got "2.6.22"'
expect broken/era-e0-queues.json 1 1 'broken/era-e0-queues.json:1:65: error: .devices[0]: unknown key "queues"; expected one of: type, slot, features, status, num_pages, pfn, config, comment'
expect broken/era-e0-feature.json 1 1 'broken/era-e0-feature.json:1:88: error: .devices[0].features[1]: expected "RANDOMNESS", "NOCSUM" or a bit number 0..15, got "MAC"'
expect broken/era-e1-features.json 1 1 'broken/era-e1-features.json:1:63: error: .devices[0]: unknown key "features"; expected one of: type, queues, status, config, comment'
expect broken/era-e1-config-field.json 1 1 'broken/era-e1-config-field.json:1:92: error: .devices[0].config: unknown key "blk_size"; expected one of: capacity, size_max, seg_max'
# Beyond JSON Schema: the loader says these ...
expect broken-layout/era-e0-slot-order.json 1 1 "broken-layout/era-e0-slot-order.json:1:103: error: .devices[1].slot: expected a slot after the previous device's (3): devices are listed in slot order, got 2"
expect broken-layout/era-e0-config-no-pages.json 1 1 'broken-layout/era-e0-config-no-pages.json:1:89: error: .devices[0].config: the device has num_pages 0: no memory to hold a config'
expect broken-layout/era-e1-config-too-long.json 1 1 "broken-layout/era-e1-config-too-long.json:1:45: error: .devices[0]: the queues' and device's fields take 262 bytes; config_len is 8 bits (at most 255)"
expect broken-layout/config-len-too-small.json 1 1 'broken-layout/config-len-too-small.json:1:132: error: .devices[0].config_len: expected at least 16 to hold the config given, got 8'
expect broken-layout/duplicate-key.json 1 1 'broken-layout/duplicate-key.json:4:47: error: .devices[0].type: duplicate key "type" (each key may appear once)'
expect broken-layout/feature-len-too-small.json 1 1 'broken-layout/feature-len-too-small.json:1:121: error: .devices[0].feature_len: expected at least 2 to hold the highest feature bit listed, got 1'
expect broken-layout/page-overflow.json 1 1 'broken-layout/page-overflow.json:10:5: error: .devices[5]: descriptor of 778 bytes at page offset 3890 ends at 4668, past the end of the 4096-byte page'
expect broken-layout/pfn-limit-below-page.json 1 1 "broken-layout/pfn-limit-below-page.json:1:29: error: .pfn_limit: expected more than the page's frame 0x2000 (the limit counts the page), got 0x2000"
# ... and the named checks say these, in lgcheck's format: finding(s), summary, refusal.
expect broken-layout/acked-not-offered.json 1 3 'broken-layout/acked-not-offered.json:1:106: error: .devices[0].acked: acked feature byte 1 is 0x02 but offered is 0x00: bit 9 acked without being offered (at 0x2000010) [feat_acked_subset]'
expect broken-layout/irq-zero.json 1 3 'broken-layout/irq-zero.json:1:75: error: .devices[0].queues[0].irq: irq 0 belongs to the timer; device irqs start at 1 (at 0x2000007) [vq_irq_zero]'
expect broken-layout/ring-does-not-fit.json 1 3 'broken-layout/ring-does-not-fit.json:5:60: error: .devices[0].queues[1]: ring [0x2004000, 0x2006806) ends beyond the pfn limit 0x2005 (address 0x2005000) (at 0x2000011) [ring_in_pfnlimit]'
expect broken-layout/ring-on-the-page.json 1 3 'broken-layout/ring-on-the-page.json:1:75: error: .devices[0].queues[0].pfn: ring [0x2000000, 0x2002806) overlaps the descriptor page at 0x2000000 (at 0x2000009) [ring_above_ram]'
expect broken-layout/status-features-ok.json 1 3 'broken-layout/status-features-ok.json:1:54: error: .devices[0].status: status 0x0b has bits 0x08 outside ACKNOWLEDGE|DRIVER|DRIVER_OK|FAILED (0x87) (at 0x2000004) [status_bits]'
if [ "$(sed -n 2,3p "$W/err")" = "broken-layout/status-features-ok.json: 1 error, 0 warnings, 0 notes
lggen: broken-layout/status-features-ok.json: the layout has errors; nothing written (--force writes it anyway)" ]; then ok; else bad "summary and refusal lines: $(cat "$W/err")"; fi

# Every problem of a spec, each at its line and column (counted by hand), in document order
# (an object's missing keys after its members); exit 1 as for one.
cat >"$W/multi.json" <<'END'
{
  "mem": "32 MB",
  "memory": 1,
  "devices": [
    {"type": "floppy", "queues": [{"num": 300}], "features": ["X"]},
    {"type": "block", "queues": [{"num": 256, "irq": -1}, 5], "status": 256},
    {"queues": {}},
    7
  ]
}
END
run "$W/multi.json"
m=$W/multi.json
if [ "$rc" = 1 ] && [ "$(cat "$W/err")" = "$m:2:10: error: .mem: expected a size (a number, or a string such as \"32M\" or \"0x2000000\"), got \"32 MB\"
$m:3:3: error: .: unknown key \"memory\"; expected one of: \$schema, comment, era, mem, page_addr, pfn_limit, devices
$m:5:14: error: .devices[0].type: expected net, block, console, rng or a virtio id 1..255, got \"floppy\"
$m:5:43: error: .devices[0].queues[0].num: expected a power of two, got 300
$m:6:54: error: .devices[1].queues[0].irq: expected an integer from 0 to 65535, got -1
$m:6:59: error: .devices[1].queues[1]: expected an object such as {\"num\": 256}, got 5
$m:6:73: error: .devices[1].status: expected an integer from 0 to 255, got 256
$m:7:16: error: .devices[2].queues: expected an array of queues such as [{\"num\": 256}], got an object
$m:7:5: error: .devices[2]: missing key \"type\" (net, block, console, rng or a virtio id)
$m:8:5: error: .devices[3]: expected a device object such as {\"type\": \"rng\", \"queues\": [{\"num\": 256}]}, got 7" ]; then ok; else
	bad "multi: exit $rc: $(cat "$W/err")"
fi
# At most 20 are printed; the last line counts the rest and points at the first of them.
{
	echo '{"mem": "32M", "devices": ['
	for i in $(seq 1 24); do echo '  {"type": "floppy", "queues": []},'; done
	echo '  {"type": "floppy", "queues": []}]}'
} >"$W/many.json"
run "$W/many.json"
if [ "$rc" = 1 ] && [ "$nlines" = 21 ] &&
	[ "$(sed -n 20p "$W/err")" = "$W/many.json:21:12: error: .devices[19].type: expected net, block, console, rng or a virtio id 1..255, got \"floppy\"" ] &&
	[ "$(sed -n 21p "$W/err")" = "$W/many.json:22:12: error: 5 more errors not shown, the first here" ]; then ok; else
	bad "many: exit $rc: $(tail -n 2 "$W/err")"
fi

# Editors: every line lggen -q prints for a broken spec matches the problem matcher of
# VS Code's $gcc (its regular expression, as it is); notes (lgcheck's informational
# findings) are gcc's "note:" lines, which that matcher skips as it skips gcc's.  Without
# -q, only the summary and the refusal line (checked above) are added.
gcc_re='^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+(.*)$'
note_re='^(.*?):(\d+):(\d*):?\s+note:\s+(.*)$'
for f in broken/*.json broken-layout/*.json "$W/multi.json"; do
	"$LGGEN" -q "$f" -o "$W/out/OUT" 2>"$W/err"
	if [ -s "$W/err" ] && ! grep -Pv "$gcc_re|$note_re" "$W/err" >"$W/nomatch"; then ok; else
		bad "$f: lines the gcc problem matcher does not take: $(cat "$W/nomatch")"
	fi
	if grep -Pq "$gcc_re" "$W/err"; then ok; else bad "$f: no error line: $(cat "$W/err")"; fi
done

# Every broken sample is covered above.
for f in broken/*.json broken-layout/*.json; do
	if grep -q "^expect $f " "${BASH_SOURCE[0]}"; then ok; else bad "$f has no expectation in broken.sh"; fi
done

# 10 MB of random bytes: one syntax error with line and column, exit 1.
head -c 10485760 /dev/urandom >"$W/garbage.json"
run "$W/garbage.json"
if [ "$rc" = 1 ] && [ "$nlines" = 1 ] &&
	grep -Eq "^$W/garbage.json:[0-9]+:[0-9]+: error: invalid JSON: unexpected (text at \".*\"|end of input \(truncated\?\))$" "$W/err"; then ok; else
	bad "garbage: exit $rc, $(head -c 300 "$W/err")"
fi
# Over the size limit.
truncate -s 17M "$W/huge.json"
run "$W/huge.json"
if [ "$rc" = 1 ] && [ "$(cat "$W/err")" = "$W/huge.json:1:1: error: more than 16 MiB: too large for a layout spec" ]; then ok; else bad "huge: exit $rc, $(cat "$W/err")"; fi
# The tool cannot run: exit 2.
run "$W/absent.json"
if [ "$rc" = 2 ] && [ "$(cat "$W/err")" = "lggen: $W/absent.json: cannot open: No such file or directory" ]; then ok; else bad "absent: exit $rc, $(cat "$W/err")"; fi
"$LGGEN" vectors/lguest-3.19.8-b-rng-32M.json -o "$W/no/such/dir/out.bin" 2>"$W/err"
rc=$?
if [ "$rc" = 2 ] && grep -q "^lggen: $W/no/such/dir/out.bin: cannot create a temporary file beside it: No such file or directory$" "$W/err"; then ok; else bad "unwritable: exit $rc, $(cat "$W/err")"; fi
finish
