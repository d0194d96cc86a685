#!/usr/bin/env bash
# Runs the README test command N times on the current tree and prints, per test, how many runs failed it,
# so a test that fails one run in a few (a flake) is found before it blocks a submission.
#
#   bash scripts/test-repeat.sh 5            # five full runs
#   bash scripts/test-repeat.sh 3 test/e2e   # three runs of the jest files matching a pattern (client tests too)
#
# Each run's log and summaries are kept in .local/test-repeat/<start time>/run-<k>/.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

runs="${1:-}"
case "$runs" in
  ''|*[!0-9]*|0) echo "usage: bash scripts/test-repeat.sh N [jest arguments...]  (N: how many runs, 1 or more)" >&2; exit 2 ;;
esac
shift

out="$ROOT/.local/test-repeat/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
for ((k = 1; k <= runs; k++)); do
  dir="$out/run-$k"
  mkdir -p "$dir"
  start=$(date +%s)
  echo "== test-repeat: run $k of $runs (log: $dir/test.log) =="
  bash scripts/test.sh "$@" >"$dir/test.log" 2>&1
  echo $? >"$dir/rc"
  echo $(($(date +%s) - start)) >"$dir/seconds"
  cp -f .local/test-summary-jest.json .local/test-summary-client.json "$dir/" 2>/dev/null
  echo "   $(tail -n 1 "$dir/test.log") in $(cat "$dir/seconds") s"
done
node scripts/test-repeat-report.js "$out"
