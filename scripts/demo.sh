#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds bssfs, starts bss-emulator with a
# sample account, mounts it and prints a short tour.
#   scripts/demo.sh          start (idempotent: restarts a running demo)
#   scripts/demo.sh stop     unmount and stop the emulator
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
demo=${BSSFS_DEMO_DIR:-/tmp/bssfs-demo}
mnt=$demo/mnt

stop() {
  if mountpoint -q "$mnt" 2>/dev/null; then fusermount3 -u "$mnt" 2>/dev/null || umount -l "$mnt" || true; fi
  if [ -f "$demo/emulator.pid" ]; then kill "$(cat "$demo/emulator.pid")" 2>/dev/null || true; rm -f "$demo/emulator.pid"; fi
}
if [ "${1:-}" = stop ]; then stop; echo "demo stopped"; exit 0; fi

bash scripts/setup.sh
bash scripts/build.sh build >/dev/null
stop
mkdir -p "$mnt" "$demo/cache"
chmod 700 "$demo"

# Demo credentials: fake, known only to the local emulator.
ak=DEMOAK0000000000000001
sk=DemoSecretKey000000000000000000000000001
domain=0d2f1c4ad5b54b8a9e1f0e6c3a7b9d21
umask 077
printf '[global]\nak = %s\nsk = %s\ndomain_id = %s\n' "$ak" "$sk" "$domain" > "$demo/credentials"

rm -f "$demo/port"
build/bss-emulator --listen 127.0.0.1:0 --port-file "$demo/port" --ak "$ak" --sk "$sk" \
  --domain-id "$domain" --domain-name demo-company --scale small --seed 42 \
  >"$demo/emulator.log" 2>&1 &
echo $! > "$demo/emulator.pid"
for _ in $(seq 100); do [ -s "$demo/port" ] && break; sleep 0.1; done
[ -s "$demo/port" ] || { echo "the emulator did not start; see $demo/emulator.log"; exit 1; }
url=http://127.0.0.1:$(cat "$demo/port")

build/bssfs -o "endpoint=$url,eps_endpoint=$url,iam_endpoint=$url" \
  -o "credentials=$demo/credentials,cache_dir=$demo/cache" "$mnt"

month=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-15) -1 month" +%Y-%m)
cat <<MSG

bssfs demo: a synthetic Huawei Cloud account served by bss-emulator at $url,
mounted at $mnt.

\$ ls $mnt
$(ls "$mnt")

\$ ls $mnt/bills | tail -4
$(ls "$mnt/bills" | tail -4)

\$ ls $mnt/bills/$month
$(ls "$mnt/bills/$month")

\$ cat $mnt/account/balance
$(cat "$mnt/account/balance")

\$ head -5 $mnt/bills/$month/summary.csv
$(head -5 "$mnt/bills/$month/summary.csv")

\$ cat $mnt/.bssfs/stats.json | head -c 300
$(head -c 300 "$mnt/.bssfs/stats.json")

Try: ls -l $mnt/orders, python3 -c 'import csv;...' on any .csv, tar or rsync of $mnt/bills.
Unmount and stop the emulator:  fusermount3 -u $mnt   (or: scripts/demo.sh stop)
MSG
