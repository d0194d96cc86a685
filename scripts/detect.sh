#!/usr/bin/env bash
# Command-line detector: `scripts/detect.sh [--train-rows N] in.csv [out.csv]`, or many files / directories in
# one process with `--out-dir DIR`. Reads NAB-format `timestamp,value` and writes
# `timestamp,value,anomaly_score` with the server's detection engine (causal; scores in [0, 1]).
# `--asset`: one asset per CSV (timestamp, then a column per sensor), scored by the multivariate detector into
# `timestamp,anomaly_score,anomaly,top_sensor` (`--model pca|mewma` picks the detector model).
# Runs the compiled build (dist/libs/detection/main.js), building it first when missing or older than the
# engine's sources.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/dist/libs/detection/main.js"
if [[ ! -f "$BUILD" ]] || [[ -n "$(find "$ROOT/libs/detection/src" "$ROOT/libs/contracts/src" -name '*.ts' ! -name '*.spec.ts' -newer "$BUILD" -print -quit)" ]]; then
  echo "detect: building the command-line detector (npx nest build detect)..." >&2
  (cd "$ROOT" && npx nest build detect >&2)
fi
exec node "$BUILD" "$@"
