#!/usr/bin/env bash
# make bench: the paths a person waits on, each beside PostgreSQL's own
# limit for the same work on this machine in the same run (table printed,
# JSON under bench/results/). Timings live here, never in the tests.
# A registry of BENCH_ASSETS assets (default 1,000,000; BENCH_ORDERS 2,000,
# BENCH_SITES 200, BENCH_ORGS 500, BENCH_SEED 0.42) is loaded first by
# scripts/bench-data.sql; scripts/bench-api.mjs measures. Then every
# scripts/bench-*.sh, each on its own server.
set -euo pipefail
cd "$(dirname "$0")/.."

ASSETS=${BENCH_ASSETS:-1000000}
ORDERS=${BENCH_ORDERS:-2000}
SITES=${BENCH_SITES:-200}
ORGS=${BENCH_ORGS:-500}
SEED=${BENCH_SEED:-0.42}
command -v wrk >/dev/null || {
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq wrk >/dev/null; else
    echo "bench: needs wrk (apt-get install wrk)"; exit 1; fi; }

tmp=$(mktemp -d /tmp/registry-bench.XXXXXX)
chmod 755 "$tmp"
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  scripts/pg.sh stop "$tmp/pg" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

PGDATABASE=bench scripts/pg.sh start "$tmp/pg" >/dev/null
export PGHOST=$tmp/pg/run PGUSER=registry PGDATABASE=bench
db="host=$PGHOST user=registry dbname=bench"
port=$((20000 + RANDOM % 20000))
DATABASE_URL=$db REGISTRY_ROOT=$PWD PORT=$port REGISTRY_ADMIN_PASSWORD=bench-password-123 \
  REGISTRY_SIGNING_KEY_FILE=$tmp/signing.key build/registry serve >"$tmp/server.out" 2>"$tmp/server.err" &
server=$!
for _ in $(seq 300); do grep -q listening "$tmp/server.out" 2>/dev/null && break; sleep 0.1; done
base=http://127.0.0.1:$port

echo "== loading $ASSETS assets, $ORDERS orders, $SITES sites, $ORGS organisations (seed $SEED)"
start=$(date +%s)
psql -q -X -v assets="$ASSETS" -v orders="$ORDERS" -v sites="$SITES" -v orgs="$ORGS" \
  -v seed="$SEED" -f scripts/bench-data.sql >/dev/null
echo "   loaded in $(( $(date +%s) - start )) s"
# pgbench -S's own tables, in a database of their own: 1,000,000 accounts.
createdb bench_pgbench
/usr/lib/postgresql/15/bin/pgbench -i -q -s 10 bench_pgbench >/dev/null 2>&1

token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@localhost","password":"bench-password-123"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
BENCH_BASE=$base BENCH_TOKEN=$token BENCH_SERVER_PID=$server BENCH_ASSETS=$ASSETS \
  BENCH_SITES=$SITES BENCH_PATHS=${BENCH_PATHS:-1,2,3,6} BENCH_PASSWORD=bench-password-123 REGISTRY_BIN=$PWD/build/registry node scripts/bench-api.mjs

for b in scripts/bench-*.sh; do
  [ -e "$b" ] && env -u PGDATABASE PGHOST=$PGHOST "$b"
done
