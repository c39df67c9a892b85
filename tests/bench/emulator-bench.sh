#!/bin/sh
# Benchmark of bss-emulator: starts it at --scale huge (real clock, --rps 0
# so the gateway limit does not cap the figure), fetches every page of 1000
# records of the biggest of the last 12 months of fee records
# (ListCustomerselfResourceRecords, statistic_type=3) with a signed client,
# and prints pages per second and the emulator's peak RSS (VmHWM).
#
# usage: tests/bench/emulator-bench.sh [BUILD_DIR] [MAX_PAGES]
#   BUILD_DIR  meson build directory (default: build)
#   MAX_PAGES  stop after this many pages (default 0 = the whole month)
# Extra emulator options can be given in EMU_BENCH_OPTS (e.g. "--rps 10").
set -eu

here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$here/$build ;; esac
max_pages=${2:-0}
emu=$build/bss-emulator
client=$build/tests/unit/emulator/emulator-bench-client
for f in "$emu" "$client"; do
	[ -x "$f" ] || { echo "missing $f (build first: ninja -C $build)" >&2; exit 1; }
done

ak=BENCHAK0000000000001
sk=BenchSecretKey00000000000000000000000001
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# shellcheck disable=SC2086
"$emu" --scale huge --rps 0 --ak "$ak" --sk "$sk" --port-file "$tmp/port" \
	--log-level warn ${EMU_BENCH_OPTS:-} 2>"$tmp/emu.log" &
pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "emulator did not start:" >&2
		cat "$tmp/emu.log" >&2
		exit 1
	fi
	sleep 0.1
done
port=$(cat "$tmp/port")
rss_before=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")

echo "bss-emulator --scale huge on port $port"
"$client" "$port" "$ak" "$sk" "$(date -u +%Y-%m)" 12 "$max_pages"

hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
echo "emulator RSS at start   ${rss_before} kB"
echo "emulator RSS now        ${rss} kB"
echo "emulator peak RSS       ${hwm} kB (VmHWM)"
