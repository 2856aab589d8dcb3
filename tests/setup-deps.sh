#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# setup-deps.sh — install what lgkit builds and tests with, from Debian 12's packages.
# Idempotent: packages already present are not fetched again.  Needs root (or sudo).
set -euo pipefail
pkgs=(
	build-essential cmake pkg-config   # the build
	libelf-dev libcjson-dev zlib1g-dev # the library's dependencies
	liblzo2-dev libsnappy-dev libzstd-dev # kdump page codecs besides zlib
	libkdumpfile-dev                   # an independent kdump reader (tests/dumps)
	clang libclang-rt-14-dev           # libFuzzer, sanitizers
	cppcheck clang-tidy                # static analysis
	gcc-multilib                       # the 32-bit sample guest
	libunicorn-dev                     # lglaunch's software CPU (no /dev/kvm needed)
	iproute2 iputils-ping              # the net device's tap test: ip, and Linux's own ping
	bash-completion                    # the completion test
	debhelper lintian fakeroot man-db  # the Debian packages (tests/deb)
	mandoc                             # man page lint (docs.man_lint)
	qemu-system-x86                    # real dumps from QEMU (tests/dumps)
	libjson-validator-perl             # JSON Schema validation of specs (no Python)
	gzip xz-utils zstd bzip2 lz4        # compressed cores that lgcheck must refuse (tests/cli)
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "setup-deps: installing ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
