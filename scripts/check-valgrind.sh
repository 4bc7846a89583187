#!/usr/bin/env bash
# make check-valgrind: a representative part of the API suite against
# build/registry under valgrind's memcheck (scripts/valgrind-registry.sh),
# with a throwaway cluster as in make test. Fails on any memcheck error or
# definite leak in any process of the run, and prints its report.
#
# Not the whole suite: under memcheck the server runs 20-50 times slower,
# and every sign-in's argon2id (64 MiB, 170 ms natively) takes seconds, so
# the whole suite would take hours on two cores, and the tests that judge
# rates and timeouts (hardening, streaming) would fail for the slowness,
# not for the code. The files below go through every layer: HTTP parsing
# and limits, sessions and sign-in, Idempotency-Key replays and their
# release on a lost connection, transactions retried, JSON bodies against
# field tables, the serial CSV upload streamed to disk, lists and cursors,
# the audit trail, the call's PDF files, and the database restarted and
# killed under load. VALGRIND_TESTS overrides the list.
set -uo pipefail
cd "$(dirname "$0")/.."

tests=${VALGRIND_TESTS:-"tests/api/core/http.test.mjs tests/api/core/transactions.test.mjs
  tests/api/core/input_bytes.test.mjs tests/api/accounts/accounts.test.mjs
  tests/api/procurement/procurement.test.mjs tests/api/deliveries/deliveries_csv.test.mjs
  tests/api/sites/allocations.test.mjs tests/api/audit/audit.test.mjs
  tests/api/calls/letters.test.mjs tests/api/core/faults.test.mjs"}

# shellcheck source=scripts/throwaway.sh
. scripts/throwaway.sh valgrind
throwaway_cluster || exit 1
mkdir -p "$tmp/logs"

# shellcheck disable=SC2086
REGISTRY_BIN=$PWD/scripts/valgrind-registry.sh REGISTRY_VALGRIND_LOGS=$tmp/logs REGISTRY_TEST_START_SECONDS=300 \
  node --test --test-concurrency=2 --test-timeout=3600000 --test-reporter=spec $tests
rc=$?

# A process killed on purpose (the fault tests SIGKILL servers) leaves a
# report without its summary: that is not counted as a failure.
bad=$(grep -lE 'ERROR SUMMARY: [1-9]' "$tmp"/logs/vg.* 2>/dev/null)
count=$(ls "$tmp"/logs/vg.* 2>/dev/null | wc -l)
cut=$(grep -L 'ERROR SUMMARY' "$tmp"/logs/vg.* 2>/dev/null | wc -l)
if [ -n "$bad" ]; then
  for f in $bad; do echo "== $f"; cat "$f"; done
  echo "valgrind: errors or definite leaks in $(echo "$bad" | wc -l) of $count processes"
  exit 1
fi
echo "valgrind: $count processes ($cut killed before their summary), no errors, no definite leaks"
exit "$rc"
