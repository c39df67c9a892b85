#!/bin/sh
# Signing interop with Huawei's official Node.js SDK core.
# usage: tests/interop/run.sh BUILD_DIR [--seed N] [--count N]
# Installs node_modules (npm ci from the committed lock) only when missing;
# builds BUILD_DIR/tests/unit/sign/sign-tool with ninja if it is missing.
# Ends with "interop: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [--seed N] [--count N]" >&2
	echo "interop: 0 passed, 1 failed"
	exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || { echo "no build dir $1" >&2; echo "interop: 0 passed, 1 failed"; exit 2; }
shift
tool="$build/tests/unit/sign/sign-tool"
if [ ! -x "$tool" ]; then
	ninja -C "$build" tests/unit/sign/sign-tool >&2 || true
fi
if [ ! -x "$tool" ]; then
	echo "missing $tool (run: ninja -C $build tests/unit/sign/sign-tool)" >&2
	echo "interop: 0 passed, 1 failed"
	exit 2
fi
if [ ! -d "$here/node_modules/@huaweicloud/huaweicloud-sdk-core" ]; then
	if [ -f "$here/package-lock.json" ]; then
		(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
	else
		(cd "$here" && npm install --no-audit --no-fund --loglevel=error) >&2
	fi || { echo "npm install failed" >&2; echo "interop: 0 passed, 1 failed"; exit 2; }
fi
: "${BSSFS_SHARED_DIR:=$(cd "$here/../../../shared" 2>/dev/null && pwd)}"
export BSSFS_SHARED_DIR
TZ=UTC exec node "$here/interop.mjs" "$tool" "$@"
