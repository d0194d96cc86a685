#!/usr/bin/env bash
# Benchmarks: `npm run bench [-- name ...]`. Sets up like the tests, then prints a table and writes
# bench-results/*.json. Speed lives here, never in tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=tsconfig.json exec node -r ts-node/register -r tsconfig-paths/register test/bench/run.ts "$@"
