# Sourced by scripts/test.sh and scripts/check-valgrind.sh: a temporary
# folder ($tmp, removed at exit) and a throwaway PostgreSQL cluster in it,
# fast and not durable, reached through PGHOST and PGUSER.
# usage: . scripts/throwaway.sh NAME; throwaway_cluster || exit 1
tmp=$(mktemp -d "/tmp/registry-$1.XXXXXX")
chmod 755 "$tmp"
throwaway_cleanup() {
  scripts/pg.sh stop "$tmp/pg" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap throwaway_cleanup EXIT

throwaway_cluster() {
  REGISTRY_PG_FAST=1 PGDATABASE=postgres scripts/pg.sh start "$tmp/pg" >/dev/null || {
    echo "could not start the test cluster"; return 1; }
  export PGHOST=$tmp/pg/run PGUSER=registry
}
