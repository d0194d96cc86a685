#!/usr/bin/env bash
# The one test command: sets everything up, runs unit, integration and client tests, and ends with
# a plain `N passed, N failed` line.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

mkdir -p .local
export IDM_SERVICES_READY=1
rm -f .local/test-summary-*.json

echo "== server: unit, integration and browser tests (jest) =="
IDM_TEST_SUMMARY="$ROOT/.local/test-summary-jest.json" npx jest --ci --maxWorkers=2 "$@"
jest_rc=$?

echo "== client: component tests (vitest) =="
(cd client && npx vitest run --reporter=default --reporter=json --outputFile.json="$ROOT/.local/test-summary-client.json")
client_rc=$?

node scripts/test-summary.js .local/test-summary-jest.json .local/test-summary-client.json
summary_rc=$?

if [ $jest_rc -ne 0 ] || [ $client_rc -ne 0 ] || [ $summary_rc -ne 0 ]; then exit 1; fi
