#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/net/run.sh LGLAUNCH GUEST64 [COUNT] — lglaunch's net device against a veth pair,
# in the same run, in network namespaces of its own (root; 169.254.0.0/16 only):
#  (a) echo round trip: `ping -c COUNT -i 0.01` to the sample guest through a tap device
#      and lglaunch, against the same ping over a veth pair between two namespaces;
#  (b) a burst: `ping -f -c COUNT -s 1000` (1 KiB payloads) through lglaunch, frames per
#      second both ways, and the launcher's host time per frame (lglaunch -v).
# On every backend the machine has (the emulator always, KVM where /dev/kvm opens).
# Not a test: it prints figures; tools/lglaunch/README.md keeps measured ones.
set -euo pipefail
lgl=$(realpath "$1")
guest=$(realpath "$2")
count=${3:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

avg_rtt() { sed -n 's|^rtt min/avg/max/mdev = [0-9.]*/\([0-9.]*\)/.*|\1|p' "$1"; }

# (a) the baseline: veth between two namespaces.
cat >"$work/veth.sh" <<'NS'
set -eu
ip link set lo up
ip link add v0 type veth peer name v1
ip netns add lgbench-peer 2>/dev/null || true
ip link set v1 netns lgbench-peer
ip addr add 169.254.8.1/16 dev v0
ip link set v0 up
ip netns exec lgbench-peer ip addr add 169.254.8.2/16 dev v1
ip netns exec lgbench-peer ip link set v1 up
ping -c "$1" -i 0.01 -q 169.254.8.2 >"$2/veth.ping"
ip netns del lgbench-peer
NS
unshare -n -m bash -c "mount -t tmpfs none /run 2>/dev/null; mkdir -p /run/netns; bash '$work/veth.sh' '$count' '$work'"
veth=$(avg_rtt "$work/veth.ping")
printf 'echo round trip, %s pings, average:\n  veth pair                  %8.3f ms\n' "$count" "$veth"

for accel in emu kvm; do
	if [ $accel = kvm ] && [ ! -w /dev/kvm ]; then
		echo "  (backend kvm: not measured, no usable /dev/kvm here)"
		continue
	fi
	cat >"$work/tap.sh" <<'NS'
set -u
ip link set lo up
ip tuntap add dev lgt0 mode tap
ip addr add 169.254.7.1/16 dev lgt0
ip link set lgt0 up
"$LGL" --accel "$1" -v --net tap:lgt0 "$GUEST" ip=169.254.7.2 "pings=$3" >/dev/null 2>"$2/lgl.$4" &
pid=$!
# Wait for the guest's first answer, then measure.
until ping -c 1 -W 1 169.254.7.2 >/dev/null 2>&1; do sleep 0.1; done
if [ "$4" = rtt ]; then
	ping -c "$5" -i 0.01 -q 169.254.7.2 >"$2/tap.ping"
else
	ping -f -c "$5" -s 1000 -q 169.254.7.2 >"$2/flood.ping"
fi
wait $pid
NS
	# The guest answers the probe and then COUNT pings (pings=N counts all echoes).
	LGL=$lgl GUEST=$guest unshare -n bash "$work/tap.sh" $accel "$work" $((count + 1)) rtt "$count"
	tap=$(avg_rtt "$work/tap.ping")
	printf '  lglaunch --accel %-5s    %8.3f ms   ratio %.2fx the veth pair\n' "$accel" "$tap" \
		"$(awk -v a="$tap" -v b="$veth" 'BEGIN { print a / b }')"
	LGL=$lgl GUEST=$guest unshare -n bash "$work/tap.sh" $accel "$work" $((count + 1)) flood "$count"
	t=$(sed -n 's/.* received, .*time \([0-9]*\)ms$/\1/p' "$work/flood.ping")
	host=$(sed -n 's/.* \([0-9.]*\) us host time per frame$/\1/p' "$work/lgl.flood")
	printf '  burst (%s): %s echoes of 1 KiB in %s ms: %.0f frames/s both ways, %s us host time per frame\n' \
		"$accel" "$count" "$t" "$(awk -v c="$count" -v t="$t" 'BEGIN { print 2 * c * 1000 / t }')" "$host"
done
