#!/usr/bin/env bash
# Installs what the build and the tests need and the machine lacks.
# usage: scripts/deps.sh run|test|bench
# As root it runs apt-get; otherwise it prints the one line to run.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(gcc make pkg-config libc6-dev libmicrohttpd-dev libjansson-dev libsodium-dev liboath-dev
      libpq-dev libxlsxwriter-dev libgfshare-dev postgresql-15 postgresql-client-15)
if [ "${1:-run}" = bench ]; then
  pkgs+=(wrk curl)             # make bench: the load, the sign-in; psql and pgbench come above
  command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
fi
if [ "${1:-run}" = test ]; then
  pkgs+=(chromium fonts-noto-cjk clang-14 libclang-rt-14-dev)   # clang: the fuzzers
  # Node.js may come from elsewhere than Debian (with its own npm): only
  # a machine without node gets Debian's.
  command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "deps: missing packages; run as root:"
    echo "  apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

if [ "${1:-run}" != run ]; then
  # npm ci only when the lock file changed since the last install.
  if [ ! -f node_modules/.package-lock.json ] ||
     [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
