#!/usr/bin/env bash
# Everything IDM needs before it runs or is tested, from a fresh clone: dependencies, local services, build.
# Idempotent and quick on a second run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '[setup] %s\n' "$*"; }

command -v node >/dev/null || { echo "[setup] ERROR: Node.js 20.19+ is required" >&2; exit 1; }

# npm ci only when the lockfile changed since the last install.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.idm-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  say "installing npm dependencies (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.idm-lock-hash
else
  say "npm dependencies up to date"
fi

# A Python venv with the independent implementations the tests compare against (Prometheus parser, ...).
req_hash="$(sha256sum scripts/requirements-test.txt | cut -d' ' -f1)"
if [ ! -x .local/venv/bin/python ] || [ "$(cat .local/venv/.idm-req-hash 2>/dev/null)" != "$req_hash" ]; then
  say "installing Python test tools into .local/venv..."
  python3 -m venv .local/venv
  .local/venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
  echo "$req_hash" > .local/venv/.idm-req-hash
fi

# Debian's Chromium for the client's end-to-end tests (driven by playwright-core; never `playwright install`).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    say "installing chromium for the browser tests (apt)..."
    (apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; }) \
      || say "WARNING: chromium could not be installed; the e2e tests will fail"
  else
    say "WARNING: /usr/bin/chromium is missing; install it (apt-get install chromium) for the e2e tests"
  fi
fi

bash scripts/services.sh up

if [ "${IDM_SKIP_BUILD:-0}" != "1" ]; then
  say "building server and client..."
  npx nest build server >/dev/null
  npx nest build plc-sim >/dev/null
  npm run build --workspace client --silent >/dev/null
  say "build done: dist/apps/server, dist/apps/plc-sim, client/dist"
fi
