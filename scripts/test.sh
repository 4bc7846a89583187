#!/usr/bin/env bash
# make test: unit tests, the fuzzers' saved inputs and a short run of each
# (scripts/fuzz.sh), then the API and browser tests against the real
# binary and a throwaway PostgreSQL cluster, then the API tests once more
# against the AddressSanitizer + UBSan build. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/throwaway.sh
. scripts/throwaway.sh test

passed=0
failed=0

# Runs a command whose output ends with "N passed, N failed"; adds the
# counts to the totals (one failure more when it has no such line, or
# exits non-zero with none failed).
counted() {
  local out rc line
  out=$("$@" 2>&1); rc=$?
  echo "$out"
  line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
  if [ -z "$line" ]; then
    echo "FAIL: $* ended without a result line (exit $rc)"
    failed=$((failed + 1))
    return
  fi
  passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
  failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
  [ "$rc" -ne 0 ] && [ "$(echo "$line" | cut -d' ' -f3)" -eq 0 ] && failed=$((failed + 1))
}

echo "== unit tests"
for t in build/unit/test_*; do
  counted "$t"
done

echo "== fuzzers: saved inputs, then a short run of each"
counted scripts/fuzz.sh short

echo "== database"
throwaway_cluster || { echo "0 passed, 1 failed"; exit 1; }

# Runs node's test runner over files; adds its counts to the totals.
node_tests() {
  local label=$1; shift
  echo "== $label"
  local out
  out=$(node --test --test-concurrency=4 --test-reporter=spec \
        --test-reporter-destination=stdout --test-reporter=tap \
        --test-reporter-destination="$tmp/tap.txt" "$@" 2>&1)
  echo "$out"
  local p f
  p=$(grep -E '^# pass [0-9]+' "$tmp/tap.txt" | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$tmp/tap.txt" | awk '{print $3}')
  [ -z "$p" ] && { echo "FAIL: $label reported nothing"; f=$((${f:-0} + 1)); }
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
}

REGISTRY_BIN=$PWD/build/registry node_tests "API and browser tests" \
  tests/api/*/*.test.mjs tests/browser/*.test.mjs

mkdir -p "$tmp/asan"
REGISTRY_BIN=$PWD/build/asan/registry \
ASAN_OPTIONS="log_path=$tmp/asan/report:detect_leaks=1" \
UBSAN_OPTIONS="log_path=$tmp/asan/report:print_stacktrace=1" \
  node_tests "API tests under AddressSanitizer and UBSan" tests/api/*/*.test.mjs
if ls "$tmp"/asan/report* >/dev/null 2>&1; then
  echo "FAIL: the sanitizers reported:"
  cat "$tmp"/asan/report*
  failed=$((failed + 1))
else
  echo "sanitizers: no reports"
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
