#!/usr/bin/env bash
# Runs the fuzzers of tests/fuzz/ (built by `make fuzzers`).
# usage: scripts/fuzz.sh short|long [seconds]
#   short: what `make test` runs: each target replays its regressions and
#          its seed corpus, then fuzzes for FUZZ_SHORT_SECONDS (default 10)
#          into a scratch copy of the corpus; the committed corpus stays.
#   long:  `make fuzz`: FUZZ_SECONDS (default 60) each, keeping what it
#          learns in build/fuzz/corpus/<parser>.
# A crash is saved under build/fuzz/crashes/<parser>/; once fixed, it goes
# into tests/fuzz/regressions/<parser>/ with the fix. Ends with
# "N passed, N failed": one pass or failure for each replay and each run.
set -uo pipefail
cd "$(dirname "$0")/.."

mode=${1:-short}
if [ "$mode" = long ]; then secs=${2:-${FUZZ_SECONDS:-60}}; else secs=${2:-${FUZZ_SHORT_SECONDS:-10}}; fi
scratch=$(mktemp -d /tmp/registry-fuzz.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

passed=0
failed=0
for bin in build/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name=${bin#build/fuzz/fuzz_}
  seeds=tests/fuzz/corpus/$name
  regress=tests/fuzz/regressions/$name
  crashes=build/fuzz/crashes/$name
  mkdir -p "$crashes"

  # Every saved input once: the regressions and the seeds.
  inputs=$(find "$seeds" "$regress" -type f 2>/dev/null | sort)
  if [ -n "$inputs" ]; then
    # shellcheck disable=SC2086
    if "$bin" -runs=1 $inputs >"$scratch/$name.replay" 2>&1; then
      echo "ok - fuzz_$name replays $(echo "$inputs" | wc -l) saved inputs"
      passed=$((passed + 1))
    else
      echo "not ok - fuzz_$name: a saved input fails again:"
      grep -E 'Running:|ERROR|runtime error|SUMMARY' "$scratch/$name.replay" | tail -n 20
      failed=$((failed + 1))
    fi
  fi

  if [ "$mode" = long ]; then
    work=build/fuzz/corpus/$name
  else
    work=$scratch/corpus-$name
  fi
  mkdir -p "$work"
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
      -artifact_prefix="$crashes/" "$work" "$seeds" >"$scratch/$name.log" 2>&1
  rc=$?
  runs=$(grep -E '^stat::number_of_executed_units' "$scratch/$name.log" | awk '{print $2}')
  if [ "$rc" -eq 0 ]; then
    echo "ok - fuzz_$name ${secs}s, ${runs:-?} inputs"
    passed=$((passed + 1))
  else
    echo "not ok - fuzz_$name found a failing input (exit $rc):"
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$scratch/$name.log" | tail -n 20
    grep -A 12 -E '==ERROR' "$scratch/$name.log" | grep -E '^ +#[0-9]+ .* in ' | head -n 8
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
