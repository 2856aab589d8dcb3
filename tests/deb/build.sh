#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# build.sh WORKDIR — build lgkit's Debian packages from a copy of the committed tree
# (dpkg-buildpackage -us -uc -b), check them with lintian (no errors), install them, and
# use them as a user would: the tools, man pages, completion and schemas in place, and the
# consumer of tests/install built against /usr with pkg-config and find_package.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$1
rm -rf "$work"
mkdir -p "$work/src"
# The tree as committed, plus uncommitted changes to tracked files (what CI has is clean).
(cd "$root" && git ls-files -z | xargs -0 tar -cf - ) | tar -xf - -C "$work/src"
(cd "$work/src" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
	{ tail -40 "$work/build.log"; echo "FAIL: dpkg-buildpackage"; exit 1; }
ls "$work"/*.deb
lintian --fail-on error "$work"/*.changes | tee "$work/lintian.log" ||
	{ echo "FAIL: lintian reports errors"; exit 1; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$work"/*.deb >/dev/null
fails=0
check() { "$@" >/dev/null 2>&1 || { echo "FAIL: $*"; fails=$((fails + 1)); }; }
check test "$(/usr/bin/lgcheck --version)" = "lgcheck (lgkit) 0.1.0"
check /usr/bin/lggen --help
check /usr/bin/lglaunch --help
check man -w lgcheck
check man -w lglaunch
check test -f /usr/share/lgkit/schemas/layout.schema.json
check test -f /usr/share/doc/lgkit/checks.md.gz # dh_compress
check test -f "$(pkg-config --variable=completionsdir bash-completion)/lglaunch"
check test -z "$(readelf -d /usr/bin/lgcheck | grep -i runpath)"
bash "$root/tests/install/consume.sh" /usr "$work/consumer"
[ $fails -eq 0 ] || exit 1
echo "PASS: packages built, lintian-clean, installed and used"
