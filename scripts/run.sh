#!/usr/bin/env bash
# make run: the project's own cluster under var/pg (unless DATABASE_URL is
# set), then the server in the foreground. Ctrl-C stops the server; the
# database keeps running for the next start (make db-stop stops it).
# As root the server migrates as root, then serves as the system user
# registry-http (REGISTRY_USER), which this script creates when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

own=
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(scripts/pg.sh start var/pg)
  export DATABASE_URL
  own=1
  echo "database: $DATABASE_URL (make db-stop stops it)"
fi
export REGISTRY_ROOT=${REGISTRY_ROOT:-$PWD}
# The default upload folder, var/uploads, is made by the server in var/.
[ -n "${REGISTRY_UPLOAD_DIR:-}" ] || mkdir -p "$REGISTRY_ROOT/var"

if [ "$(id -u)" -eq 0 ]; then
  export REGISTRY_USER=${REGISTRY_USER:-registry-http}
  if ! id "$REGISTRY_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$REGISTRY_USER"
  fi
  # The project cluster's socket is open to the group registry-pg.
  if [ -n "$own" ] && ! id -nG "$REGISTRY_USER" | grep -qw registry-pg; then
    usermod -aG registry-pg "$REGISTRY_USER"
  fi
  for f in static/index.html docs/openapi.yaml sql; do
    if ! runuser -u "$REGISTRY_USER" -- test -r "$REGISTRY_ROOT/$f"; then
      echo "make run: $REGISTRY_USER cannot read $REGISTRY_ROOT/$f; make the checkout" \
        "and its parent folders readable to others (chmod o+rX), or run as a normal user" >&2
      exit 1
    fi
  done
  if [ -n "$own" ] && ! runuser -u "$REGISTRY_USER" -- test -w "$PWD/var/pg/run/.s.PGSQL.5432"; then
    echo "make run: $REGISTRY_USER cannot reach the cluster's socket in var/pg/run;" \
      "if the cluster was started before, make db-stop and make run again" >&2
    exit 1
  fi
fi
exec build/registry serve
