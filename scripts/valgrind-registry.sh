#!/usr/bin/env bash
# build/registry under valgrind's memcheck, for make check-valgrind
# (scripts/check-valgrind.sh points REGISTRY_BIN here). Every process
# writes its report to $REGISTRY_VALGRIND_LOGS/vg.<pid>; an error or a
# definite leak makes it exit 99, and the report says which.
here=$(cd "$(dirname "$0")" && pwd)
exec valgrind --tool=memcheck --error-exitcode=99 \
  --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
  --num-callers=30 \
  --log-file="${REGISTRY_VALGRIND_LOGS:?}/vg.%p" \
  "$here/../build/registry" "$@"
