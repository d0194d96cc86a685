#!/usr/bin/env bash
# Command-line detector: `scripts/detect.sh in.csv [out.csv]` reads NAB-format `timestamp,value` and writes
# `timestamp,value,anomaly_score` with the server's detection engine (causal; scores in [0, 1]).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARGS=()
for a in "$@"; do
  # Paths are made absolute before moving to the repository (node must start there to find ts-node).
  if [[ "$a" != "-" && "$a" != -* ]]; then ARGS+=("$(cd "$(dirname "$a")" && pwd)/$(basename "$a")"); else ARGS+=("$a"); fi
done
cd "$ROOT"
TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=tsconfig.json exec node -r ts-node/register -r tsconfig-paths/register libs/detection/src/cli/detect.ts "${ARGS[@]}"
