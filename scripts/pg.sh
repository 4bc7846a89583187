#!/usr/bin/env bash
# The project's own PostgreSQL cluster: unix socket only, no TCP.
# usage: scripts/pg.sh start DIR | stop DIR | conninfo DIR
# PostgreSQL refuses to run as root: as root the cluster belongs to the
# system user registry-pg, which this script creates when missing.
# Who may sign in as whom is rewritten at every start (write_access): the
# superuser only from the OS user running this script, root or
# registry-pg; the databases' serving roles from whoever reaches the socket.
# As root the socket is open to the group registry-pg, to which make run
# adds the service's own user (scripts/run.sh).
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop|conninfo DIR}
dir=$(mkdir -p "${2:?DIR}" && cd "$2" && pwd)
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/pg_ctl" ] || bin=$(dirname "$(command -v pg_ctl)")
pguser=registry
owner=$(id -un)

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u registry-pg -- "$@")
  else
    "$@"
  fi
}

conninfo() {
  echo "host=$dir/run user=$pguser dbname=${PGDATABASE:-registry}"
}

start() {
  if [ "$(id -u)" -eq 0 ]; then
    id registry-pg >/dev/null 2>&1 ||
      useradd --system --no-create-home --shell /usr/sbin/nologin registry-pg
    owner=registry-pg
    # The cluster's owner must be able to reach its folder.
    chown registry-pg "$dir"
  fi
  mkdir -p "$dir/run"
  if [ "$(id -u)" -eq 0 ]; then
    chown registry-pg:registry-pg "$dir/run"
    chmod 0750 "$dir/run"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir/data" -U "$pguser" --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir/run'
max_connections = 200
shared_buffers = 256MB
timezone = 'UTC'
log_min_messages = warning
CONF
    if [ "${REGISTRY_PG_FAST:-}" = 1 ]; then
      # Throwaway test clusters: durability is not wanted, speed is.
      printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' \
        >>"$dir/data/postgresql.conf"
    fi
  fi
  write_access
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null
  else
    # Sign-in rules apply at once; the socket's group after a restart.
    as_owner "$bin/pg_ctl" -D "$dir/data" reload >/dev/null
  fi
  if [ -n "${PGDATABASE:-registry}" ] &&
     ! "$bin/psql" -h "$dir/run" -U "$pguser" -d postgres -qAtc \
       "SELECT 1 FROM pg_database WHERE datname = '${PGDATABASE:-registry}'" | grep -q 1; then
    "$bin/psql" -h "$dir/run" -U "$pguser" -d postgres -qc \
      "CREATE DATABASE \"${PGDATABASE:-registry}\"" >/dev/null
  fi
}

# The sign-in rules and the socket's permissions, written as the cluster's
# owner into the data folder.
write_access() {
  local data=$dir/data me
  me=$(id -un)
  grep -q "^include_if_exists = 'registry.conf'" "$data/postgresql.conf" ||
    echo "include_if_exists = 'registry.conf'" | as_owner tee -a "$data/postgresql.conf" >/dev/null
  if [ "$(id -u)" -eq 0 ]; then
    printf "unix_socket_group = 'registry-pg'\nunix_socket_permissions = 0770\n"
  else
    printf "unix_socket_permissions = 0700\n"
  fi | as_owner tee "$data/registry.conf" >/dev/null
  printf '%s\n' "# Written by scripts/pg.sh at every start." \
    "local all $pguser peer map=owner" "local all all trust" |
    as_owner tee "$data/pg_hba.conf" >/dev/null
  printf 'owner %s %s\n' "$me" "$pguser" root "$pguser" registry-pg "$pguser" |
    sort -u | as_owner tee "$data/pg_ident.conf" >/dev/null
}

stop() {
  if [ -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

case "$cmd" in
  start) start; conninfo ;;
  stop) stop ;;
  conninfo) conninfo ;;
  *) echo "usage: pg.sh start|stop|conninfo DIR" >&2; exit 2 ;;
esac
