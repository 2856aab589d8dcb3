#!/bin/bash
# SPDX-License-Identifier: MIT
# launch_test.sh CASE FLAVOUR ACCEL [FILE] — one lglaunch test (ctest label "launch") on one
# backend: ACCEL is emu (the software CPU, runs everywhere) or kvm.
#
# Environment (set by tests/launch/CMakeLists.txt): LGLAUNCH, GUEST32, GUEST64, LGCHECK.
# Exit 0 pass, 1 fail, 77 skip — and skip ONLY the kvm copy, only when /dev/kvm is missing.
set -u
case_=$1
flavour=$2
accel=$3
file=${4:-}
: "${LGLAUNCH:?LGLAUNCH, GUEST32, GUEST64 and LGCHECK are set by tests/launch/CMakeLists.txt}"
guest_var=GUEST$flavour
guest=${!guest_var:?}

if [ "$accel" = kvm ] && { [ ! -c /dev/kvm ] || [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; }; then
	echo "SKIP: the KVM copy of this case needs /dev/kvm, which is missing or not accessible here (the emu copy runs)"
	exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lgkit-launch.XXXXXX")
trap 'rm -rf "$work"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# run ARGS...: lglaunch with a timeout; sets $rc, $work/out, $work/err.
run() {
	"$LGLAUNCH" --accel "$accel" --timeout 30 "$@" >"$work/out" 2>"$work/err"
	rc=$?
	if grep -qE 'Sanitizer|runtime error:|LeakSanitizer' "$work/err"; then
		fail "sanitizer report:"
		cat "$work/err"
	fi
}

expect_rc() {
	if [ "$rc" != "$1" ]; then
		fail "exit status $rc, expected $1"
		echo "--- stdout"; cat "$work/out"; echo "--- stderr"; cat "$work/err"
	fi
}

expect_out() { # expected stdout on stdin
	cat >"$work/want"
	if ! cmp -s "$work/want" "$work/out"; then
		fail "console output differs"
		diff -u "$work/want" "$work/out"
	fi
}

expect_err() { # fixed string expected in stderr
	if ! grep -qF -- "$1" "$work/err"; then
		fail "stderr lacks: $1"
		cat "$work/err"
	fi
}

# The 4096 bytes the sample guest writes to sectors 0..7.
disk_pattern() {
	local s l
	for s in 0 1 2 3 4 5 6 7; do
		for l in 0 1 2 3 4 5 6 7; do
			printf 'lgkit sector %d ................................................\n' "$s"
		done
	done
}

# What the sample guest prints after its device lines when it has a block device of
# CAPACITY sectors and an rng.
block_rng_lines() {
	cat <<END
block: capacity $1 sectors
block: wrote 8 sectors, status 0
block: read back 8 sectors, status 0, same bytes
block: flush, status 0
block: id "lgkit-block", status 0
block: write past the end, status 1 (IOERR, as expected)
rng: 16 bytes, not all zero
all done, shutting down with status 0
END
}

hdr="lgkit sample guest ($flavour-bit): RAM 32 MiB, device page at 0x2000000"

case $case_ in
console)
	run "$guest"
	expect_rc 0
	expect_out <<END
$hdr, 1 device
device 0: console at +0x0: vq0 num 256 irq 1 pfn 0x2001, vq1 num 256 irq 2 pfn 0x2004, status 7
all done, shutting down with status 0
END
	;;
console_input)
	# stdin (a pipe) reaches the guest through the console's receive queue.
	run "$guest" echo < <(printf 'hello, guest\n')
	expect_rc 0
	expect_out <<END
$hdr, 1 device
device 0: console at +0x0: vq0 num 256 irq 1 pfn 0x2001, vq1 num 256 irq 2 pfn 0x2004, status 7
console input: hello, guest
all done, shutting down with status 0
END
	# End of input is a used entry of length 0.
	run "$guest" echo < <(:)
	expect_rc 0
	grep -qx 'console input: (end of input)' "$work/out" || fail "no end of input: $(cat "$work/out")"
	;;
exit_status)
	run "$guest" exit=7
	expect_rc 7
	;;
block_rng)
	truncate -s 1M "$work/disk"
	run --block="$work/disk" --rng "$guest" exit=0
	expect_rc 0
	{
		cat <<END
$hdr, 3 devices
device 0: block at +0x0: vq0 num 256 irq 1 pfn 0x2001, features 04 02 acked 04 02, status 7
device 1: rng at +0x21: vq0 num 256 irq 2 pfn 0x2004, status 7
device 2: console at +0x2e: vq0 num 256 irq 3 pfn 0x2007, vq1 num 256 irq 4 pfn 0x200a, status 7
END
		block_rng_lines 2048
	} >"$work/want.in"
	expect_out <"$work/want.in" # not in a pipeline: fail() must count here
	expect_err "write past end: sector 2048 + 512 bytes > 1048576 bytes"
	disk_pattern >"$work/want.disk"
	truncate -s 1M "$work/want.disk"
	if ! cmp "$work/want.disk" "$work/disk"; then
		fail "the disk does not hold the guest's sectors"
		od -c "$work/disk" | head -20
	fi
	;;
block_order)
	# Flags in command-line order, console last: rng first here.
	truncate -s 64K "$work/disk"
	run --rng --block="$work/disk" --mem 16M "$guest"
	expect_rc 0
	{
		cat <<END
lgkit sample guest ($flavour-bit): RAM 16 MiB, device page at 0x1000000, 3 devices
device 0: rng at +0x0: vq0 num 256 irq 1 pfn 0x1001, status 7
device 1: block at +0xd: vq0 num 256 irq 2 pfn 0x1004, features 04 02 acked 04 02, status 7
device 2: console at +0x2e: vq0 num 256 irq 3 pfn 0x1007, vq1 num 256 irq 4 pfn 0x100a, status 7
END
		block_rng_lines 128
	} >"$work/want.in"
	expect_out <"$work/want.in" # not in a pipeline: fail() must count here
	;;
rng_bytes)
	run --rng "$guest" rnghex
	expect_rc 0
	a=$(grep -E '^rng: 16 bytes [0-9a-f]{32}, not all zero$' "$work/out")
	[ -n "$a" ] || fail "no rng line with 16 hex bytes: $(cat "$work/out")"
	run --rng "$guest" rnghex
	b=$(grep -E '^rng: 16 bytes [0-9a-f]{32}' "$work/out")
	[ "$a" != "$b" ] || fail "two boots got the same rng bytes: $a"
	;;
small_rings)
	run --num 8 --rng "$guest"
	expect_rc 0
	grep -q '^device 0: rng at +0x0: vq0 num 8 irq 1 pfn 0x2001, status 7$' "$work/out" ||
		fail "rng ring of 8 not shown: $(cat "$work/out")"
	;;
desc_loop | desc_next_range | buf_in_ram | buf_into_rings | idx_window | desc_out_after_in | head_range | status_bits)
	run "$guest" "$case_"
	expect_rc 3
	expect_err "error ($case_): device[0] (console)"
	expect_err "device[0] (console) failed"
	head -1 "$work/out" | grep -qF "$hdr" || fail "the guest did not print its banner first"
	;;
bad_notify)
	run "$guest" bad_notify
	expect_rc 3
	expect_err "bad notify 0x12345670"
	;;
early_kick)
	run "$guest" early_kick
	expect_rc 3
	expect_err "notification on device[0] (console) vq[1] before setup"
	;;
feat_acked_subset)
	truncate -s 64K "$work/disk"
	run --block="$work/disk" "$guest" feat_acked_subset
	expect_rc 3
	expect_err "error (feat_acked_subset): device[0] (block): acknowledged byte 0 = 0xff, offered 0x04"
	;;
status_failed)
	# FAILED is the guest's right: a warning and a reset, not a broken rule.
	run --verbose "$guest" status_failed
	expect_rc 0
	expect_err "device[0] (console) configuration FAILED"
	expect_err "lglaunch: resetting device[0] (console)"
	;;
hostile_wait)
	# The guest waits for the interrupt of the request the launcher refused: the launcher
	# sees it halted with nothing pending and stops it cleanly.
	run "$guest" desc_loop wait
	expect_rc 3
	expect_err "error (desc_loop)"
	expect_err "the guest halted waiting for an interrupt that no device will raise"
	;;
spec)
	# A sample spec (a real Launcher's layout) boots: block devices get a disk of the
	# capacity the spec gives, so the guest's write-past-the-end probe is refused.
	spec=$file
	cap=$(grep -o '"capacity": *"\?[0-9a-fA-Fx]*' "$spec" | head -1 | grep -o '[0-9][0-9a-fA-Fx]*$')
	args=()
	if [ -n "$cap" ]; then
		truncate -s $((cap * 512)) "$work/disk"
		args=(--block="$work/disk")
	fi
	run --spec "$spec" "${args[@]}" "$guest"
	expect_rc 0
	if [ "$(tail -1 "$work/out")" != "all done, shutting down with status 0" ]; then
		fail "the guest did not finish: $(cat "$work/out")"
	fi
	ndev=$(grep -c '"type"' "$spec")
	[ "$(grep -c '^device [0-9]*: .*, status 7$' "$work/out")" = "$ndev" ] ||
		fail "expected $ndev devices with status 7: $(cat "$work/out")"
	if [ -n "$cap" ]; then
		disk_pattern >"$work/want.disk"
		cmp -s -n 4096 "$work/want.disk" "$work/disk" || fail "the disk lacks the guest's sectors"
	fi
	;;
broken_spec)
	# A broken spec or a layout with errors: refused, the guest never runs; each problem or
	# finding as lggen prints it, FILE:LINE:COL: error: .path: … (findings end in [CHECK]).
	run --spec "$file" "$guest"
	grep -Pq "^\Q$file\E:\d+:\d+: error: " "$work/err" || fail "no FILE:LINE:COL: error: line: $(cat "$work/err")"
	case $rc in
	1) expect_err " (at 0x"; expect_err "the guest was not started" ;;
	2) expect_err "$file:" ;;
	*) fail "exit status $rc, expected 1 (layout errors) or 2 (spec refused)"; cat "$work/err" ;;
	esac
	[ ! -s "$work/out" ] || fail "the guest ran: $(cat "$work/out")"
	;;
layout_refused)
	run --num 300 "$guest"
	expect_rc 1
	expect_err "lglaunch:0x2000005: error (vq_num_pow2): device[0] (console) vq[0]: num 300 is not a power of two"
	expect_err "lglaunch: 2 errors, 0 warnings, 0 notes"
	expect_err "the guest was not started"
	[ ! -s "$work/out" ] || fail "the guest ran: $(cat "$work/out")"
	;;
spec_refused)
	if "$LGLAUNCH" --help | grep -q 'not built: no spec loader'; then
		echo "(--spec not built yet: checking the option is refused)"
		run --spec /dev/null "$guest"
		expect_rc 2
	else
		cat >"$work/bad.json" <<'END'
{ "mem": "32M", "devices": [ { "type": "console", "queues": [ { "num": 300 }, { "num": 256 } ] } ] }
END
		run --spec "$work/bad.json" "$guest"
		expect_rc 1
		expect_err "$work/bad.json:1:72: error: .devices[0].queues[0].num: num 300 is not a power of two (at 0x2000005) [vq_num_pow2]"
		[ ! -s "$work/out" ] || fail "the guest ran: $(cat "$work/out")"
	fi
	;;
elf_checks)
	# One message per rejected PT_LOAD field, naming the index and the values (exit 2).
	# Program header 0 sits at e_phoff (64 in ELF64, 52 in ELF32).
	if [ "$flavour" = 64 ]; then
		paddr=88 filesz=96 wide=8
	else
		paddr=64 filesz=68 wide=4
	fi
	poke() { # FILE OFFSET HEXBYTES (little-endian, as given)
		printf "$(echo "$3" | sed 's/../\\x&/g')" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
	}
	cp "$guest" "$work/k1"
	poke "$work/k1" $filesz ffffff7f
	run "$work/k1"
	expect_rc 2
	expect_err "program header 0: p_filesz 0x7fffffff > p_memsz"
	expect_err "program header 0: p_offset 0x1000 + p_filesz 0x7fffffff is beyond the file"
	cp "$guest" "$work/k2"
	poke "$work/k2" $paddr 00000080
	run "$work/k2"
	expect_rc 2
	expect_err "program header 0: p_paddr 0x80000000 + p_memsz"
	expect_err "ends beyond RAM (0x2000000)"
	cp "$guest" "$work/k3"
	poke "$work/k3" $paddr 00800000
	run "$work/k3"
	expect_rc 2
	expect_err "program header 0: p_paddr 0x8000 is inside the launcher's boot area [0, 0x10000)"
	if [ $wide = 8 ]; then
		cp "$guest" "$work/k4"
		poke "$work/k4" $paddr 00f0ffffffffffff
		run "$work/k4"
		expect_rc 2
		expect_err "program header 0: p_paddr 0xfffffffffffff000 + p_memsz"
		expect_err "overflows"
	fi
	[ ! -s "$work/out" ] || fail "a rejected kernel ran"
	;;
bad_kernel)
	printf 'not an ELF file at all\n' >"$work/k"
	run "$work/k"
	expect_rc 2
	expect_err "not an ELF file"
	run /bin/true
	expect_rc 2
	expect_err "e_type 3: expected ET_EXEC (2)"
	run --mem 1M "$guest"
	expect_rc 2
	expect_err "--mem 1M"
	run --bogus "$guest"
	expect_rc 2
	[ "$(cat "$work/err")" = "lglaunch: unrecognized option '--bogus'
Try 'lglaunch --help' for more information." ] ||
		fail "a wrong option: $(cat "$work/err")"
	run
	expect_rc 2
	expect_err "no KERNEL given"
	;;
dump)
	truncate -s 64K "$work/disk"
	run --dump "$work/core" --block="$work/disk" --rng "$guest"
	expect_rc 0
	[ -s "$work/core" ] || fail "no dump written"
	readelf -n "$work/core" 2>/dev/null | grep -q LGKIT || fail "the dump has no LGKIT note"
	"$LGCHECK" --layout "$work/core" >"$work/lgcheck.out" 2>&1
	lrc=$?
	cat "$work/lgcheck.out"
	[ $lrc -eq 0 ] || fail "lgcheck exit $lrc on the dump"
	grep -q 'page found by lgkit note' "$work/lgcheck.out" || fail "lgcheck did not use the note"
	grep -q ': 0 errors, 0 warnings, 0 notes$' "$work/lgcheck.out" || fail "lgcheck reported problems"
	# The rings' traffic, as lgcheck shows it: every request the guest made was used.
	grep -qF 'device[0] (block) vq[0]: avail idx 5 flags 0, used idx 5 flags 0' "$work/lgcheck.out" ||
		fail "block ring: expected 5 requests, all used"
	grep -qF 'device[1] (rng) vq[0]: avail idx 1 flags 0, used idx 1 flags 0' "$work/lgcheck.out" ||
		fail "rng ring: expected 1 request, used"
	read -r con_avail con_used < <(sed -n 's/.*device\[2\] (console) vq\[1\]: avail idx \([0-9]*\) .*used idx \([0-9]*\) .*/\1 \2/p' "$work/lgcheck.out")
	[ "${con_avail:-0}" -ge 10 ] && [ "$con_avail" = "${con_used:-}" ] ||
		fail "console output ring: avail idx ${con_avail:-?}, used idx ${con_used:-?}; expected >= 10 and equal"
	# An existing output that is not a regular file is never replaced by the dump.
	mkfifo "$work/fifo"
	run --dump "$work/fifo" "$guest"
	expect_rc 2
	expect_err "fifo: exists and is not a regular file; not replaced"
	[ -p "$work/fifo" ] || fail "the FIFO was replaced"
	# Nor the guest's own disk or kernel, through any name: refused before the guest runs.
	cp "$work/disk" "$work/disk.before"
	ln -s disk "$work/disk.link"
	run --dump "$work/disk.link" --block="$work/disk" "$guest"
	expect_rc 2
	expect_err "disk.link: is the input $work/disk; refusing to overwrite it"
	[ ! -s "$work/out" ] || fail "the guest ran"
	cmp -s "$work/disk" "$work/disk.before" || fail "the disk was touched"
	cp "$guest" "$work/kernel"
	run --dump "$work/kernel" "$work/kernel"
	expect_rc 2
	cmp -s "$guest" "$work/kernel" || fail "the kernel was overwritten"
	;;
timeout)
	# A guest that spins with interrupts off: only --timeout ends it, on either backend.
	"$LGLAUNCH" --accel "$accel" --timeout 1 "$guest" crash=spin >"$work/out" 2>"$work/err"
	rc=$?
	expect_rc 3
	expect_err "lglaunch: the guest ran for more than 1 s; stopping it"
	;;
accel)
	# The backend is named with -v; --accel kvm without /dev/kvm is one clear line (exit 2),
	# after the layout check: a layout with errors is exit 1 whatever the machine has.
	run -v "$guest" now
	expect_rc 0
	expect_err "lglaunch: backend $accel"
	if [ -c /dev/kvm ]; then
		"$LGLAUNCH" -v "$guest" now >"$work/out" 2>"$work/err"
		grep -q '^lglaunch: backend kvm (--accel auto' "$work/err" || fail "auto did not pick kvm: $(cat "$work/err")"
	else
		"$LGLAUNCH" -v "$guest" now >"$work/out" 2>"$work/err"
		rc=$?
		expect_rc 0
		expect_err "lglaunch: backend kvm unavailable: /dev/kvm: No such file or directory"
		expect_err "lglaunch: backend emu (--accel auto: the first that runs here)"
		"$LGLAUNCH" --accel kvm "$guest" now >"$work/out" 2>"$work/err"
		rc=$?
		expect_rc 2
		[ "$(cat "$work/err")" = "lglaunch: --accel kvm: /dev/kvm: No such file or directory" ] ||
			fail "--accel kvm without /dev/kvm: $(cat "$work/err")"
		"$LGLAUNCH" --accel kvm --num 300 "$guest" >"$work/out" 2>"$work/err"
		rc=$?
		expect_rc 1
		expect_err "the guest was not started"
	fi
	"$LGLAUNCH" --accel bogus "$guest" >"$work/out" 2>"$work/err"
	rc=$?
	expect_rc 2
	expect_err "lglaunch: --accel bogus: expected auto, kvm or emu"
	;;
crash_ud | crash_div | crash_pf | crash_wild | crash_halt)
	# A crash before the guest has an IDT: exit 3, one line naming the vector, the
	# instruction (the guest labels it crash_KIND_at) and the guest address.
	kind=${case_#crash_}
	sym=$(nm "$guest" | awk -v s="crash_${kind}_at" '$3 == s { print $1 }')
	[ -n "$sym" ] || fail "the guest has no symbol crash_${kind}_at"
	ip=$(printf '%#x' $((16#$sym)))
	run "$guest" crash=$kind
	expect_rc 3
	[ ! -s "$work/out" ] || fail "the guest printed: $(cat "$work/out")"
	[ "$(grep -c '^lglaunch: ' "$work/err")" = 1 ] || fail "expected one line: $(cat "$work/err")"
	case $kind:$accel in
	ud:emu) want="at ip $ip: vector 6 (#UD invalid opcode) and no handler: the IDT has no gate for it (IDT limit 0); stopping it" ;;
	div:emu) want="at ip $ip: vector 0 (#DE divide error) and no handler: the IDT has no gate for it (IDT limit 0); stopping it" ;;
	pf:emu) want="at ip $ip: vector 14 (#PF page fault) at guest address 0x1000000 and no handler: the IDT has no gate for it (IDT limit 0); stopping it" ;;
	ud:kvm | div:kvm | pf:kvm) want=": triple fault (an exception it could not handle; KVM does not say which); stopping it" ;;
	wild:*) want="at ip $ip: read 4 bytes at guest address 0x80000000, outside its memory [0, 0x2100000); stopping it" ;;
	halt:*) want="lglaunch: the guest halted with interrupts disabled; stopping it" ;;
	esac
	expect_err "$want"
	;;
trap_handled)
	# The same fault after the guest installed its IDT: its own handler runs (status 99).
	for kind in ud pf; do
		run "$guest" trap=$kind
		expect_rc 99
		[ "$kind" = ud ] && v=06 || v=14
		[ "$(cat "$work/err")" = "guest: exception $v" ] || fail "trap=$kind: $(cat "$work/err")"
	done
	;;
many_queues)
	# Every queue of a device is served: an rng with three queues (before, a kick of the
	# third ring was a "bad notify").
	run --spec "$(dirname "$0")/specs/rng-three-queues.json" "$guest"
	expect_rc 0
	expect_out <<END
lgkit sample guest ($flavour-bit): RAM 32 MiB, device page at 0x2000000, 2 devices
device 0: rng at +0x0: vq0 num 8 irq 1 pfn 0x2001, vq1 num 8 irq 2 pfn 0x2003, vq2 num 8 irq 3 pfn 0x2005, status 7
device 1: console at +0x1d: vq0 num 16 irq 4 pfn 0x2007, vq1 num 16 irq 5 pfn 0x2009, status 7
rng: 16 bytes, not all zero
rng vq1: 16 bytes, not all zero
rng vq2: 16 bytes, not all zero
all done, shutting down with status 0
END
	expect_err "rng-three-queues.json:6:31: warning: .devices[0].queues: num_vq 3 does not suit a rng device: expected exactly 1 (at 0x2000001) [desc_num_vq]"
	;;
indirect)
	# RING_INDIRECT_DESC offered by the spec and acked by the guest: its request comes
	# through an indirect table, which the walk follows (before, ind_not_negotiated).
	run --spec "$(dirname "$0")/specs/rng-indirect.json" "$guest"
	expect_rc 0
	expect_out <<END
lgkit sample guest ($flavour-bit): RAM 32 MiB, device page at 0x2000000, 2 devices
device 0: rng at +0x0: vq0 num 8 irq 1 pfn 0x2001, features 00 00 00 10 acked 00 00 00 10, status 7
device 1: console at +0x15: vq0 num 16 irq 2 pfn 0x2003, vq1 num 16 irq 3 pfn 0x2005, status 7
rng: 16 bytes through an indirect table, not all zero
all done, shutting down with status 0
END
	[ ! -s "$work/err" ] || fail "stderr: $(cat "$work/err")"
	;;
net_socket | net_spec)
	# The socket backend, unprivileged: netpeer sends an ARP request and an echo request
	# as datagrams and requires the exact replies; the guest exits 0 after one echo.  The
	# dump of the running net device is clean for lgcheck and shows the MAC.
	if [ "$case_" = net_socket ]; then
		mac=02:4c:4b:00:00:02
		args=(--net "socket:$work/sock,mac=$mac")
		want_dev="device 0: net at +0x0: vq0 num 256 irq 1 pfn 0x2001, vq1 num 256 irq 2 pfn 0x2004, features 20 00 00 18 acked 20 00 00 00, status 7"
	else
		# A spec's net devices take the --net backends in order; the MAC is the spec's.
		mac=02:4c:47:00:00:01
		args=(--spec "$(dirname "$0")/../../samples/vectors/lguest-3.19.8-d-net-mac-32M.json" --net "socket:$work/sock")
		want_dev="device 0: net at +0x0: vq0 num 256 irq 1 pfn 0x2001, vq1 num 256 irq 2 pfn 0x2004, features a3 3b 00 18 acked 20 00 00 00, status 7"
	fi
	"$LGLAUNCH" --accel "$accel" --timeout 30 "${args[@]}" --dump "$work/core" "$guest" \
		ip=169.254.7.2 pings=1 >"$work/out" 2>"$work/err" &
	pid=$!
	"$NETPEER" "$work/sock" "$mac" 169.254.7.2 >"$work/peer" 2>&1 || fail "netpeer: $(cat "$work/peer")"
	wait $pid
	rc=$?
	expect_rc 0
	expect_out <<END
lgkit sample guest ($flavour-bit): RAM 32 MiB, device page at 0x2000000, 2 devices
$want_dev
device 1: console at +0x27: vq0 num 256 irq 3 pfn 0x2007, vq1 num 256 irq 4 pfn 0x200a, status 7
net: mac $mac, ip 169.254.7.2, answering 1 echo requests
net: answered 1 echo requests
all done, shutting down with status 0
END
	[ ! -e "$work/sock" ] || fail "the socket $work/sock was not removed at exit"
	"$LGCHECK" --layout "$work/core" >"$work/lgcheck.out" 2>&1
	lrc=$?
	[ $lrc -eq 0 ] || fail "lgcheck exit $lrc on the dump: $(cat "$work/lgcheck.out")"
	grep -q ': 0 errors, 0 warnings, 0 notes$' "$work/lgcheck.out" || fail "lgcheck reported problems: $(cat "$work/lgcheck.out")"
	grep -qF "mac $mac" "$work/lgcheck.out" || fail "lgcheck --layout does not show mac $mac: $(cat "$work/lgcheck.out")"
	grep -qF 'device[0] (net) vq[1]: avail idx 2 flags 0, used idx 2 flags 0' "$work/lgcheck.out" ||
		fail "net transmit ring: expected the two replies, used: $(grep 'vq\[1\]' "$work/lgcheck.out")"
	;;
net_tap)
	# A real tap device in a network namespace of its own (169.254.0.0/16 only), and
	# Linux's own ping: 3 replies, and the guest exits 0.  Only this case may skip where
	# the machine refuses a namespace or /dev/net/tun.
	if ! unshare -n true 2>/dev/null; then
		echo "SKIP: this machine refuses a network namespace (unshare -n): not root?"
		exit 77
	fi
	if [ ! -c /dev/net/tun ]; then
		echo "SKIP: no /dev/net/tun here"
		exit 77
	fi
	command -v ping >/dev/null || { fail "ping (iputils-ping) is not installed"; }
	cat >"$work/ns.sh" <<'NS'
set -u
ip link set lo up
ip tuntap add dev lgt0 mode tap || exit 77
ip addr add 169.254.7.1/16 dev lgt0
ip link set lgt0 up
"$LGLAUNCH" --accel "$1" --timeout 30 --net tap:lgt0 "$2" ip=169.254.7.2 pings=3 >"$3/out" 2>"$3/err" &
pid=$!
ping -c 3 -w 25 -i 0.2 169.254.7.2 >"$3/ping" 2>&1
echo $? >"$3/ping.rc"
wait $pid
NS
	LGLAUNCH=$LGLAUNCH unshare -n bash "$work/ns.sh" "$accel" "$guest" "$work"
	rc=$?
	[ "$rc" != 77 ] || { echo "SKIP: cannot create a tap device in the namespace"; exit 77; }
	expect_rc 0
	[ "$(cat "$work/ping.rc")" = 0 ] || fail "ping failed: $(cat "$work/ping")"
	grep -q '^3 packets transmitted, 3 received\|, 3 received,' "$work/ping" || fail "ping did not get 3 replies: $(cat "$work/ping")"
	grep -qx 'net: answered 3 echo requests' "$work/out" || fail "guest: $(cat "$work/out")"
	;;
net_rx_readonly | net_rx_into_rings | net_tx_short | net_tx_huge)
	# A hostile guest's net device: reported by check name or one clear line, the device
	# failed (never the launcher), exit 3; nothing reaches the wire.
	"$NETPEER" "$work/sock" 02:4c:4b:00:00:02 169.254.7.2 >"$work/peer" 2>&1 &
	peer=$!
	run --net "socket:$work/sock,mac=02:4c:4b:00:00:02" "$guest" "$case_"
	expect_rc 3
	case $case_ in
	net_rx_readonly) expect_err "lglaunch: device[0] (net) vq[0]: chain at head 0: device-readable buffers in the receive queue" ;;
	net_rx_into_rings) expect_err "error (buf_into_rings): device[0] (net) vq[0]: device-writable buffer [0x2001000, 0x2001040) overlaps the device area" ;;
	net_tx_short) expect_err "lglaunch: device[0] (net) vq[1]: chain at head 0: 4 bytes, shorter than the 10-byte virtio_net_hdr; nothing sent" ;;
	net_tx_huge) expect_err "lglaunch: device[0] (net) vq[1]: chain at head 0: a frame of 69990 bytes, longer than 65535; nothing sent" ;;
	esac
	expect_err "device[0] (net) failed"
	kill $peer 2>/dev/null
	wait $peer 2>/dev/null
	;;
cli_voice)
	# One voice with lgcheck and lggen: --version, -q (errors only), --color.
	[ "$("$LGLAUNCH" --version)" = "lglaunch (lgkit) 0.1.0" ] || fail "--version: $("$LGLAUNCH" --version)"
	spec3="$(dirname "$0")/specs/rng-three-queues.json"
	run -q --spec "$spec3" "$guest" now
	expect_rc 0
	[ ! -s "$work/err" ] || fail "-q printed: $(cat "$work/err")"
	run --spec "$spec3" "$guest" now
	expect_err "warning: .devices[0].queues: num_vq 3 does not suit a rng device"
	expect_err "0 errors, 1 warning, 0 notes"
	run -q --color always --num 300 "$guest"
	expect_rc 1
	grep -q $'\e\[' "$work/err" || fail "--color always: no escape sequence: $(cat "$work/err")"
	grep -q 'errors, ' "$work/err" && fail "-q printed a summary: $(cat "$work/err")"
	NO_COLOR= run --color never --num 300 "$guest"
	grep -q $'\e\[' "$work/err" && fail "--color never coloured: $(cat "$work/err")"
	;;
*)
	echo "unknown case $case_"
	exit 2
	;;
esac

if [ $fails -ne 0 ]; then
	echo "$case_ ($flavour-bit, $accel) $file: $fails failure(s)"
	exit 1
fi
echo "PASS: $case_ ($flavour-bit, $accel)"
exit 0
