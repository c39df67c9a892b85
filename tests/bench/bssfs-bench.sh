#!/usr/bin/env bash
# Benchmark: bssfs against bss-emulator; prints a table, asserts nothing.
#   tests/bench/bssfs-bench.sh [BUILD_DIR]     (default build)
# Env: SCALE (default large), LATENCY (emulator --latency-ms, default 20-50),
#      RECORDS (--records-per-month, default: from the scale).
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
scale=${SCALE:-large}
latency=${LATENCY:-20-50}
work=$(mktemp -d /tmp/bssfs-bench.XXXXXX)
mnt=$work/mnt; cache=$work/cache
mkdir -p "$mnt" "$cache"
ak=BENCHAK0000000000001
sk=BenchSecret$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
dom=0123456789abcdef0123456789abcdef
emu_pid=; fs_pid=
cleanup() {
  mountpoint -q "$mnt" && fusermount3 -u "$mnt"
  [ -n "$fs_pid" ] && kill "$fs_pid" 2>/dev/null
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

extra=()
[ -n "${RECORDS:-}" ] && extra+=(--records-per-month "$RECORDS")
"$build/bss-emulator" --listen 127.0.0.1:0 --port-file "$work/port" --ak "$ak" --sk "$sk" \
  --domain-id "$dom" --scale "$scale" --latency-ms "$latency" "${extra[@]}" \
  >"$work/emu.log" 2>&1 &
emu_pid=$!
for _ in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(sed 's/.*://' "$work/port")
url=http://127.0.0.1:$port
printf '[global]\nak = %s\nsk = %s\ndomain_id = %s\n' "$ak" "$sk" "$dom" >"$work/cred"
chmod 600 "$work/cred"
"$build/bssfs" -f -o "endpoint=$url,eps_endpoint=$url,iam_endpoint=$url,credentials=$work/cred,cache_dir=$cache" \
  "$mnt" >"$work/bssfs.log" 2>&1 &
fs_pid=$!
for _ in $(seq 600); do mountpoint -q "$mnt" && break; sleep 0.05; done
mountpoint -q "$mnt" || { echo "bssfs did not mount"; tail "$work/bssfs.log"; exit 1; }

t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", b - a }'; }
reqs() { curl -s "$url/_emulator/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests_total"])'; }
hwm() { awk '/VmHWM/ {print $2}' /proc/$fs_pid/status; }

month=$(ls "$mnt/bills" | grep -E '^[0-9]{4}-[0-9]{2}$' | tail -n 2 | head -n 1)
printf '%-44s %10s %10s\n' "step (scale $scale, latency $latency ms)" "seconds" "API reqs"
declare -A secs
row() { local name=$1; shift; local r0 r1 s; r0=$(reqs); s=$(t "$@"); r1=$(reqs); secs[$name]=$s; printf '%-44s %10.2f %10d\n' "$name" "$s" $((r1 - r0)); }
ratio() { awk -v a="${secs[$2]}" -v b="${secs[$3]}" -v n="$1" 'BEGIN { printf "%-44s %10.1fx\n", n, (b > 0 ? a / b : 0) }'; }
row "ls -l bills/$month (cold)" ls -l "$mnt/bills/$month"
row "cat bills/$month/records.csv (warm)" cat "$mnt/bills/$month/records.csv"
row "ls -l products account orders (cold)" ls -l "$mnt/products" "$mnt/account" "$mnt/orders"
# not "tar -cf /dev/null": GNU tar then skips reading the files
row "tar bills/ (every month)" tar -cf "$work/bills.tar" -C "$mnt" bills
rm -f "$work/bills.tar"
row "tar bills/ again (cached)" tar -cf "$work/bills.tar" -C "$mnt" bills
rm -f "$work/bills.tar"
row "rsync -a bills/" rsync -a "$mnt/bills/" "$work/copy/"
row "rsync -a bills/ again" rsync -a "$mnt/bills/" "$work/copy/"
ratio "tar: cold / cached" "tar bills/ (every month)" "tar bills/ again (cached)"
printf '%-44s %10s KiB\n' "bssfs VmHWM" "$(hwm)"
printf '%-44s %10s\n' "bytes of bills/" "$(du -sb "$work/copy" | cut -f1)"
