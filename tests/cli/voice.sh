#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# voice.sh LGCHECK LGGEN LGLAUNCH — the three tools speak alike: --version, a wrong option
# (one line from getopt naming the tool, then "Try 'TOOL --help'", exit 2), and
# --list-checks in text and as JSON (lgcheck and lggen: the same checks).
set -u
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
for path in "$@"; do
	tool=$(basename "$path")
	[ "$("$path" --version)" = "$tool (lgkit) 0.1.0" ] || fail "$tool --version: $("$path" --version)"
	err=$("$path" --no-such-option 2>&1 >/dev/null)
	rc=$?
	[ $rc = 2 ] || fail "$tool --no-such-option: exit $rc, expected 2"
	want="$tool: unrecognized option '--no-such-option'
Try '$tool --help' for more information."
	[ "$err" = "$want" ] || fail "$tool --no-such-option said: $err"
done
for path in "$1" "$2"; do
	tool=$(basename "$path")
	text=$("$path" --list-checks | awk '{ print $1 }')
	json=$("$path" --list-checks --format json | perl -MJSON::PP -e '
		local $/; my $a = decode_json(<STDIN>);
		die "not an array\n" unless ref $a eq "ARRAY";
		for (@$a) { die "entry without name, severity or summary\n"
			unless $_->{name} && $_->{severity} && $_->{summary} && $_->{section} }
		print "$_->{name}\n" for @$a') || fail "$tool --list-checks --format json is not the expected JSON"
	[ -n "$text" ] && [ "$text" = "$json" ] || fail "$tool: the JSON list differs from the text list"
done
[ "$("$1" --list-checks)" = "$("$2" --list-checks)" ] || fail "lgcheck and lggen list different checks"
[ $fails -eq 0 ] && echo "PASS: one voice"
exit $((fails > 0))
