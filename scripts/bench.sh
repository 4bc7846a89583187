#!/usr/bin/env bash
# make bench: the six paths of the performance issue, each beside
# PostgreSQL's own limit for the same work on this machine in the same run,
# and its target: one table printed, the same rows kept as one JSON under
# bench/results/ (scripts/bench-report.mjs). Timings live here, never in
# the tests.
# A registry of BENCH_ASSETS assets (default 1,000,000; BENCH_ORDERS 2,000,
# BENCH_SITES 200, BENCH_ORGS 500, BENCH_SEED 0.42) is loaded first by
# scripts/bench-data.sql; scripts/bench-api.mjs measures paths 1, 2, 3, 6
# on it. Then scripts/bench-exports.sh and bench-stream.sh (path 4's
# downloads, of BENCH_EXPORT_ROWS rows, default BENCH_ASSETS),
# bench-csv.sh (path 4's import) and bench-deadline.sh (path 5), each on
# a server and a database of its own in the same cluster, each also
# runnable alone (BENCH_SCRIPTS names the ones to run, all four unless
# set; BENCH_PATHS the paths of bench-api.mjs). bench-signin.sh, path 6 on a small register, is left to
# be run alone: bench-api.mjs measures path 6 on this one.
set -euo pipefail
cd "$(dirname "$0")/.."

ASSETS=${BENCH_ASSETS:-1000000}
ORDERS=${BENCH_ORDERS:-2000}
SITES=${BENCH_SITES:-200}
ORGS=${BENCH_ORGS:-500}
SEED=${BENCH_SEED:-0.42}
EXPORT_ROWS=${BENCH_EXPORT_ROWS:-$ASSETS}
scripts/deps.sh bench       # wrk, curl, node and the npm packages: installed if missing

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
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
loaded=$(( $(date +%s) - start ))
echo "   loaded in $loaded s; database $(psql -X -A -t -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
# pgbench -S's own tables, in a database of their own: 1,000,000 accounts.
createdb bench_pgbench
/usr/lib/postgresql/15/bin/pgbench -i -q -s 10 bench_pgbench >/dev/null 2>&1

token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@localhost","password":"bench-password-123"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
rows=$tmp/rows.jsonl
: >"$rows"
export BENCH_ROWS=$rows
BENCH_BASE=$base BENCH_TOKEN=$token BENCH_SERVER_PID=$server BENCH_ASSETS=$ASSETS \
  BENCH_SITES=$SITES BENCH_PATHS=${BENCH_PATHS:-1,2,3,6} BENCH_PASSWORD=bench-password-123 \
  REGISTRY_BIN=$PWD/build/registry node scripts/bench-api.mjs
kill "$server" && wait "$server" 2>/dev/null || true
server=

# A script that fails (an import refused on an overloaded machine, say)
# must not cost the others' rows: the table is printed all the same, and
# make bench fails at the end.
failed=
for b in ${BENCH_SCRIPTS-exports stream csv deadline}; do
  echo "== scripts/bench-$b.sh"
  env -u PGDATABASE PGHOST="$PGHOST" BENCH_EXPORT_ROWS="$EXPORT_ROWS" "scripts/bench-$b.sh" ||
    failed="$failed bench-$b.sh"
done

BENCH_ASSETS=$ASSETS BENCH_ORDERS=$ORDERS BENCH_SITES=$SITES BENCH_ORGS=$ORGS BENCH_SEED=$SEED \
  BENCH_LOAD_SECONDS=$loaded BENCH_LOAD_START="$load_start" node scripts/bench-report.mjs
if [ -n "$failed" ]; then echo "bench: failed:$failed"; exit 1; fi
