#!/bin/sh
# The emulator against Huawei's official Node.js SDK core signer.
# usage: tests/interop/run-emulator.sh BUILD_DIR
# Installs node_modules (npm ci from the committed lock) only when missing.
# Ends with "emulator-sdk: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" 2>/dev/null && pwd) || { echo "emulator-sdk: 0 passed, 1 failed"; exit 2; }
if [ ! -d "$here/node_modules/@huaweicloud/huaweicloud-sdk-core" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
		{ echo "npm ci failed" >&2; echo "emulator-sdk: 0 passed, 1 failed"; exit 2; }
fi
TZ=UTC exec node "$here/emulator-sdk.mjs" "$build/bss-emulator"
