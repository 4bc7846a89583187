#!/usr/bin/env bash
# make bench (scripts/bench.sh runs it): the asset register report
# (GET /api/v1/exports/assets) of BENCH_EXPORT_ROWS GPUs (default
# 1,000,000; 10,000,000 works, given the time) as CSV and as XLSX, each
# with the server's peak resident memory above idle, against COPY of the
# same SELECT through psql; and how long a client that stops reading
# holds its database connection.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGHOST:?run through make bench, or set PGHOST to the socket folder of a cluster}"
PGUSER=${PGUSER:-registry} REGISTRY_BIN=${REGISTRY_BIN:-$PWD/build/registry} \
  node scripts/bench-exports.mjs
