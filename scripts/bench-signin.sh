#!/usr/bin/env bash
# make bench (scripts/bench.sh runs it): an authenticated GET's p50/p99
# alone, and again while sign-ins flood the service (argon2id in the hash
# pool, core/defer.c); prints the ratio of the two p99s. Against a
# database of its own in the bench cluster ($PGHOST). BENCH_SECONDS,
# BENCH_SIGNIN_PARALLEL and BENCH_GET_CONNECTIONS change the load;
# REGISTRY_BIN the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGHOST:?run through make bench, or set PGHOST to the socket folder of a cluster}"
command -v wrk >/dev/null || { echo "bench-signin: needs wrk (apt-get install wrk)"; exit 1; }
PGUSER=${PGUSER:-registry} REGISTRY_BIN=${REGISTRY_BIN:-$PWD/build/registry} \
  node scripts/bench-signin.mjs
