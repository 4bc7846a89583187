#!/usr/bin/env bash
# make bench: throughput of a simple authenticated read through the whole
# service, against PostgreSQL's own limit for the same query on the same
# machine in the same run. Timings live here, never in the tests.
#   GET /api/v1/organizations/1 with a bearer token (session cached:
#   one round trip, the org_get statement)   vs   pgbench running the
#   same SELECT as a prepared statement over the same number of connections.
# Then every scripts/bench-*.sh, if any.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_SECONDS:-10}
CONNS=${BENCH_CONNECTIONS:-16}
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
export PGHOST=$tmp/pg/run PGUSER=registry
db="host=$PGHOST user=registry dbname=bench"
port=$((20000 + RANDOM % 20000))
DATABASE_URL=$db REGISTRY_ROOT=$PWD PORT=$port REGISTRY_ADMIN_PASSWORD=bench-password-123 \
  build/registry serve >"$tmp/server.out" 2>"$tmp/server.err" &
server=$!
for _ in $(seq 100); do grep -q listening "$tmp/server.out" 2>/dev/null && break; sleep 0.1; done
base=http://127.0.0.1:$port
token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@localhost","password":"bench-password-123"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')

echo "== GET /api/v1/organizations/1, $CONNS connections, ${DURATION}s"
api=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" -H "Authorization: Bearer $token" \
  "$base/api/v1/organizations/1" | tee /dev/stderr | awk '/Requests\/sec/ {print $2}')

# The same statement the handler runs (server/db_organizations.c org_get).
cat >"$tmp/org_get.sql" <<'SQL'
SELECT json_build_object('id', o.id, 'name', o.name, 'kind', o.kind, 'registration_number', o.registration_number, 'country', o.country, 'active', o.active, 'created_at', o.created_at, 'updated_at', o.updated_at)::text FROM organizations o WHERE o.id = 1;
SQL
echo "== pgbench, the same SELECT prepared, $CONNS connections, ${DURATION}s"
pg=$(/usr/lib/postgresql/15/bin/pgbench -n -M prepared -c "$CONNS" -j 2 -T "$DURATION" \
  -f "$tmp/org_get.sql" bench 2>/dev/null | tee /dev/stderr |
  awk '/^tps/ {print $3}')

# wrk and pgbench each use the machine's cores alongside PostgreSQL.
awk -v a="$api" -v p="$pg" 'BEGIN {
  printf "\nauthenticated read: %.0f req/s; PostgreSQL alone: %.0f q/s; ratio %.2f\n", a, p, a / p }'

for b in scripts/bench-*.sh; do
  [ -e "$b" ] && PGHOST=$PGHOST "$b"
done
