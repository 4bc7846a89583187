#!/usr/bin/env bash
# make run: the project's own cluster under var/pg (unless DATABASE_URL is
# set), then the server in the foreground. Ctrl-C stops the server; the
# database keeps running for the next start (make db-stop stops it).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(scripts/pg.sh start var/pg)
  export DATABASE_URL
  echo "database: $DATABASE_URL (make db-stop stops it)"
fi
export REGISTRY_ROOT=${REGISTRY_ROOT:-$PWD}
exec build/registry serve
