# SPDX-License-Identifier: MIT
# lib.sh — assertions for the bash tests: run a command, then state its exact exit code
# and the text that must (or must not) appear.  Sourced by tests/*/*.sh; each script
# sets T to its scratch folder first.
fails=0
checks=0
out=""
err=""
rc=0

# run CMD...: capture stdout, stderr and the exit code.
run() {
	out=$("$@" 2>"$T/stderr") && rc=0 || rc=$?
	err=$(cat "$T/stderr")
}

fail() {
	fails=$((fails + 1))
	echo "FAIL ($1): $2" >&2
	echo "  exit $rc; stdout:" >&2
	printf '%s\n' "$out" | head -20 | sed 's/^/    /' >&2
	echo "  stderr:" >&2
	printf '%s\n' "$err" | head -10 | sed 's/^/    /' >&2
}

expect_rc() {
	checks=$((checks + 1))
	[ "$rc" -eq "$1" ] || fail "$2" "expected exit $1, got $rc"
}

# expect_out NAME TEXT: stdout contains TEXT (fixed string).
expect_out() {
	checks=$((checks + 1))
	grep -qF -- "$2" <<<"$out" || fail "$1" "stdout lacks: $2"
}

expect_no_out() {
	checks=$((checks + 1))
	! grep -qF -- "$2" <<<"$out" || fail "$1" "stdout must not contain: $2"
}

expect_err() {
	checks=$((checks + 1))
	grep -qF -- "$2" <<<"$err" || fail "$1" "stderr lacks: $2"
}

# expect_line NAME LINE: stdout has exactly this whole line.
expect_line() {
	checks=$((checks + 1))
	grep -qxF -- "$2" <<<"$out" || fail "$1" "stdout lacks the line: $2"
}

# expect_one_err_line NAME: stderr is exactly one line (one clear message).
expect_one_err_line() {
	checks=$((checks + 1))
	[ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ] || fail "$1" "expected one line on stderr"
}

# json_checks: the sorted, distinct check names of a JSON report on stdout.
json_checks() {
	grep -o '"check":[[:space:]]*"[a-z0-9_]*"' <<<"$out" | sed 's/.*"\([a-z0-9_]*\)"$/\1/' |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}

# poke FILE OFFSET HEXBYTES: overwrite bytes in place.
poke() {
	printf "$(sed 's/\(..\)/\\x\1/g' <<<"$3")" |
		dd of="$1" bs=1 seek="$(($2))" conv=notrunc status=none
}

# ok / bad WHAT: the verdict of a check the script makes itself, counted with the expect_*
# ones (bad says what failed).
ok() { checks=$((checks + 1)); }
bad() {
	checks=$((checks + 1))
	fails=$((fails + 1))
	echo "FAIL: $*" >&2
}

# finish [NAME]: the closing line; exit status 0 only when nothing failed.
finish() {
	echo "${1:-$(basename "$0")}: $checks checks, $fails failed"
	[ "$fails" -eq 0 ]
}

# expect_valid_sarif NAME: stdout is a SARIF log valid for the official SARIF 2.1.0 schema
# (tests/dumps/sarif-schema-2.1.0.json, with tests/validate-schema.pl).
expect_valid_sarif() {
	local here v
	here=$(dirname "${BASH_SOURCE[0]}")
	checks=$((checks + 1))
	printf '%s\n' "$out" >"$T/sarif-check.sarif"
	v=$(perl "$here/validate-schema.pl" "$here/dumps/sarif-schema-2.1.0.json" "$T/sarif-check.sarif" 2>&1)
	[ "$v" = "$T/sarif-check.sarif: valid" ] || fail "$1" "not valid SARIF 2.1.0: $v"
	rm -f "$T/sarif-check.sarif"
}
