#!/usr/bin/env bash
# Installs every Debian package bssfs needs to build, test and run the demo.
# Idempotent; run as root on Debian 12.
set -euo pipefail
pkgs=(build-essential clang meson ninja-build pkg-config
      libfuse3-dev fuse3 libcurl4-openssl-dev libjson-c-dev libssl-dev
      libcmocka-dev libmicrohttpd-dev
      python3 rsync tar curl ca-certificates openssl procps psmisc)
# Node.js runs the signing interop test with Huawei's official SDK core; a
# machine that already has node and npm (e.g. from NodeSource) keeps them.
command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
