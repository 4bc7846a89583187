#!/usr/bin/env bash
# make bench (scripts/bench.sh runs it): streaming both ways, measured.
#   200 concurrent 20 MiB uploads: the server's resident memory above idle;
#   a download of the asset register (BENCH_EXPORT_ROWS, default 1,000,000;
#   10,000,000 works, given the time) against COPY of the same SELECT;
#   an abandoned download: how long until its statement stops.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGHOST:?run through make bench, or set PGHOST to the socket folder of a cluster}"
PGUSER=${PGUSER:-registry} REGISTRY_BIN=${REGISTRY_BIN:-$PWD/build/registry} \
  node scripts/bench-stream.mjs
