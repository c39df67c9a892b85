#!/usr/bin/env bash
# Runs every test of bssfs and ends with one line "N passed, N failed".
#   1. gcc build (warnings are errors) and its cmocka unit tests
#   2. clang build with ASan + UBSan and the same unit tests
#   3. signing interop with Huawei's official Node.js SDK core
#   4. the emulator against the official SDK's signer
#   5. integration tests: real FUSE mounts against bss-emulator, on the
#      sanitizer build, then again with the emulator injecting latency, then
#      faults (5xx, 429, drops, truncated and malformed answers), and
#      a 1,000,000-record month read within bounded memory
# Set BSSFS_SKIP_HUGE=1 to skip the 1,000,000-record month.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
passed=0
failed=0
failures=()

note() { printf '\n==== %s\n' "$*"; }
count() { # name rc
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}
# Adds the "N passed, N failed" figures that a sub-runner printed last.
add_counts() { # name logfile rc
  local line p f
  line=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
  if [ -z "$line" ]; then count "$1" 1; return; fi
  p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -ne 0 ] || [ "$3" -ne 0 ]; then
    failures+=("$1")
    [ "$f" -eq 0 ] && failed=$((failed + 1))
  fi
}
# Counts meson's per-test results from its JSON log.
meson_counts() { # name builddir rc
  local log="$2/meson-logs/testlog.json" p f
  if [ ! -s "$log" ]; then count "$1" 1; return; fi
  p=$(grep -c '"result": "OK"' "$log" || true)
  f=$(grep -c '"result": "\(FAIL\|TIMEOUT\|ERROR\|UNEXPECTEDPASS\)"' "$log" || true)
  passed=$((passed + p)); failed=$((failed + f))
  [ "$f" -eq 0 ] && [ "$3" -ne 0 ] && failed=$((failed + 1))
  [ "$f" -ne 0 ] || [ "$3" -ne 0 ] && failures+=("$1")
}

note "setup"
bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

note "gcc build"
if CC=gcc bash scripts/build.sh build; then
  count "gcc build" 0
  note "unit tests (gcc)"
  meson test -C build --print-errorlogs --num-processes 2
  meson_counts "unit tests (gcc)" build $?
else
  count "gcc build" 1
fi

note "clang build with ASan and UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if CC=clang bash scripts/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false; then
  count "clang asan build" 0
  note "unit tests (clang, ASan+UBSan)"
  meson test -C build-asan --print-errorlogs --num-processes 2
  meson_counts "unit tests (asan)" build-asan $?
else
  count "clang asan build" 1
fi

if [ -x tests/interop/run.sh ]; then
  note "signing interop with the official Node.js SDK"
  tests/interop/run.sh build 2>&1 | tee /tmp/bssfs-interop.log
  add_counts "interop" /tmp/bssfs-interop.log "${PIPESTATUS[0]}"
fi

if [ -x tests/interop/run-emulator.sh ] && [ -x build/bss-emulator ]; then
  note "emulator accepts the official SDK's signatures"
  tests/interop/run-emulator.sh build 2>&1 | tee /tmp/bssfs-emu-sdk.log
  add_counts "emulator sdk" /tmp/bssfs-emu-sdk.log "${PIPESTATUS[0]}"
fi

if [ -f tests/integration/run.py ]; then
  note "integration tests (real mounts, ASan+UBSan build)"
  BSSFS_BUILD_DIR="$root/build-asan" BSSFS_SKIP_HUGE=1 \
    python3 tests/integration/run.py 2>&1 | tee /tmp/bssfs-integ.log
  add_counts "integration" /tmp/bssfs-integ.log "${PIPESTATUS[0]}"
  note "integration tests with emulator latency 5-30 ms (gcc build)"
  BSSFS_BUILD_DIR="$root/build" BSSFS_EMU_LATENCY=5-30 BSSFS_SKIP_HUGE=1 \
    python3 tests/integration/run.py 2>&1 | tee /tmp/bssfs-integ-lat.log
  add_counts "integration (latency)" /tmp/bssfs-integ-lat.log "${PIPESTATUS[0]}"
  note "integration tests with the emulator injecting faults (gcc build)"
  BSSFS_BUILD_DIR="$root/build" BSSFS_SKIP_HUGE=1 python3 tests/integration/run.py \
    --faults "503=0.05,429=0.05,drop=0.01,truncate=0.01,malformed=0.01" 2>&1 | tee /tmp/bssfs-integ-faults.log
  add_counts "integration (faults)" /tmp/bssfs-integ-faults.log "${PIPESTATUS[0]}"
  if [ "${BSSFS_SKIP_HUGE:-0}" != 1 ]; then
    # Memory is measured on the plain build: ASan's own memory would hide it.
    note "a 1,000,000-record month (gcc build)"
    BSSFS_BUILD_DIR="$root/build" python3 tests/integration/run.py -k huge 2>&1 | tee /tmp/bssfs-huge.log
    add_counts "huge month" /tmp/bssfs-huge.log "${PIPESTATUS[0]}"
  fi
fi

note "summary"
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
