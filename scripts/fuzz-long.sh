#!/usr/bin/env bash
# Runs every proptest target of tests/fuzz.rs (or the ones named) for about SECS seconds of
# wall clock each, in rounds of CASES cases with fresh random seeds, at the lowest CPU
# priority, one target after the other. Stops at the first failure; proptest then saves the
# shrunk case in tests/fuzz.proptest-regressions (commit it: it is replayed on every run).
#
#   scripts/fuzz-long.sh                      (every target, 600 s each)
#   SECS=60 CASES=2000 scripts/fuzz-long.sh dates feed_is_always_well_formed
#
# Debug build on purpose: integer overflow panics instead of wrapping silently.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${SECS:-600}"
CASES="${CASES:-5000}"
bin="$(cargo test --test fuzz --no-run 2>&1 | sed -n 's/.*Executable tests\/fuzz.rs (\(.*\))/\1/p')"
[ -x "$bin" ] || { echo "error: could not build tests/fuzz.rs" >&2; exit 2; }
if [ "$#" -eq 0 ]; then
  set -- $("$bin" --list 2>/dev/null | sed -n 's/: test$//p')
fi
for target in "$@"; do
  start=$(date +%s)
  rounds=0
  while [ $(( $(date +%s) - start )) -lt "$SECS" ]; do
    rounds=$((rounds + 1))
    if ! PROPTEST_CASES="$CASES" nice -n 19 "$bin" "$target" --exact --test-threads 1 >/tmp/fuzz-long.$$.log 2>&1; then
      cat /tmp/fuzz-long.$$.log >&2
      echo "fuzz-long: $target FAILED in round $rounds" >&2
      exit 1
    fi
  done
  rm -f /tmp/fuzz-long.$$.log
  echo "$target: $rounds rounds of $CASES cases ($((rounds * CASES)) cases) in $(( $(date +%s) - start )) s"
done
