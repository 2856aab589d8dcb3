#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# demo.sh — set up, build, then run lgkit over the samples: generate every sample spec
# with lggen, check the results with lgcheck, and boot the sample guest with lglaunch.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${LGKIT_BUILD_ROOT:-$root/build}
work="$out/demo"

bash "$root/tests/setup-deps.sh"
cmake -S "$root" -B "$out/main" >/dev/null
cmake --build "$out/main" -j"$(nproc)" >/dev/null
bin="$out/main/tools"
rm -rf "$work" && mkdir -p "$work"

say() { printf '\n$ %s\n' "$*"; }

if [ -x "$bin/lggen/lggen" ]; then
	for spec in "$root"/samples/full-layout.json "$root"/samples/vectors/lguest-3.19.8-{c-block-rng-32M,e-net-block-rng-64M}.json; do
		name=$(basename "$spec" .json)
		say "lggen ${spec#$root/} --area -o $name.area.bin"
		"$bin/lggen/lggen" "$spec" --area -o "$work/$name.area.bin"
		say "lgcheck $name.area.bin"
		(cd "$work" && "$bin/lgcheck/lgcheck" "$name.area.bin")
	done
	spec="$root/samples/broken/vq-num-not-pow2.json"
	if [ -f "$spec" ]; then
		say "lggen samples/broken/$(basename "$spec") -o broken.bin   # refused, nothing written"
		"$bin/lggen/lggen" "$spec" -o "$work/broken.bin" || echo "(exit $?)"
	fi
	say "lggen --decode lguest-3.19.8-c-block-rng-32M.area.bin   # back to a spec"
	"$bin/lggen/lggen" --decode "$work/lguest-3.19.8-c-block-rng-32M.area.bin"
fi

say "lgcheck --layout on a device area written by the real Linux 3.19 Launcher"
vec="$root/../shared/vectors/real-launcher/lguest-3.19.8-e-net-block-rng-64M.devmem.bin"
if [ -f "$vec" ]; then
	"$bin/lgcheck/lgcheck" --layout "$vec"
else
	echo "(../shared/vectors is not beside this checkout)"
fi

guest="$out/main/samples/guest/guest64.elf"
# The boot runs on every machine: KVM where /dev/kvm opens, else the software CPU.
if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	echo; echo "(/dev/kvm is here: lglaunch --accel auto picks the KVM backend)"
else
	echo; echo "(no usable /dev/kvm here: lglaunch --accel auto picks the emulator backend, a software CPU)"
fi
truncate -s 1M "$work/disk.img"
say "lglaunch -v --block=disk.img --rng --dump guest.core guest64.elf   # -v names the backend"
"$bin/lglaunch/lglaunch" -v --block="$work/disk.img" --rng --dump "$work/guest.core" "$guest" 2>"$work/lglaunch.log"
grep -E "^lglaunch: backend " "$work/lglaunch.log"
say "lgcheck --layout guest.core"
"$bin/lgcheck/lgcheck" --layout "$work/guest.core"
echo
echo "demo: done (outputs in $work)"
