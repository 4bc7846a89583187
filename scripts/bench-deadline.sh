#!/usr/bin/env bash
# make bench (scripts/bench.sh runs it): deadline day for sealed proposals.
#   BENCH_DEADLINE_ORGS organisations (default 500), each with a letter of
#   intent on file, send a BENCH_DEADLINE_MIB sealed proposal (default 5)
#   in the last minute before the deadline, by the server's clock; prints
#   how many were receipted before the deadline, how many refused, the
#   p50/p99 of a submission, and the server's peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PGHOST:?run through make bench, or set PGHOST to the socket folder of a cluster}"
PGUSER=${PGUSER:-registry} REGISTRY_BIN=${REGISTRY_BIN:-$PWD/build/registry} \
  node scripts/bench-deadline.mjs
