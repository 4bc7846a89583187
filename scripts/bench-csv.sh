#!/usr/bin/env bash
# make bench (scripts/bench.sh runs it): a 30,000-row serial CSV upload,
# timed end to end against a database of its own in the bench cluster
# ($PGHOST). BENCH_CSV_ROWS changes the size; REGISTRY_BIN the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGHOST:?run through make bench, or set PGHOST to the socket folder of a cluster}"
PGUSER=${PGUSER:-registry} REGISTRY_BIN=${REGISTRY_BIN:-$PWD/build/registry} \
  node scripts/bench-csv.mjs
