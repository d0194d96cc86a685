#!/usr/bin/env bash
# The one run command: sets everything up and starts IDM (server + control-room client) on http://localhost:3000.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh

set -a
# Local services (unless MONGO_URI / REDIS_URL were given), then the user's own .env, if any.
. .local/services.env
[ -f .env ] && . ./.env
set +a

# A local secret made once, so sessions survive restarts; production deployments set their own JWT_SECRET.
if [ -z "${JWT_SECRET:-}" ]; then
  [ -f .local/jwt-secret ] || node -e "process.stdout.write(require('crypto').randomBytes(32).toString('hex'))" > .local/jwt-secret
  JWT_SECRET="$(cat .local/jwt-secret)"
  export JWT_SECRET
fi
export NODE_ENV="${NODE_ENV:-production}"
export PORT="${PORT:-3000}"

echo "[start] IDM on http://localhost:$PORT (API docs: /docs, mail sink: ${SMTP_WEB_URL:-n/a}); Ctrl-C stops it"
exec node dist/apps/server/main.js
