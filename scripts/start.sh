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

# The PLC simulator: a demo plant IDM reads out of the box (Modbus PLCs, and the last IDM_SIM_OPCUA_PLCS of them
# over the simulator's OPC UA server, security None). IDM_PLC_SIM=0 skips it, e.g. when DEVICE_FILE
# lists real PLCs. Its control API injects faults: see the README, "PLC simulator".
if [ "${IDM_PLC_SIM:-1}" = "1" ]; then
  mkdir -p .local/logs .local/run
  sim_pid_file=.local/run/plc-sim.pid
  sim_file=.local/plc-sim-devices.json
  if [ -f "$sim_pid_file" ] && kill -0 "$(cat "$sim_pid_file")" 2>/dev/null; then
    echo "[start] PLC simulator already running (pid $(cat "$sim_pid_file"))"
  else
    rm -f "$sim_file"
    node dist/apps/plc-sim/main.js --plcs "${IDM_SIM_PLCS:-6}" --tags "${IDM_SIM_TAGS:-24}" --port "${IDM_SIM_PORT:-5020}" \
      --control-port "${IDM_SIM_CONTROL_PORT:-5080}" --seed "${IDM_SIM_SEED:-1}" --device-file "$sim_file" \
      --opcua-port "${IDM_SIM_OPCUA_PORT:-4840}" --opcua-plcs "${IDM_SIM_OPCUA_PLCS:-1}" --opcua-pki .local/plc-sim-opcua-pki \
      >> .local/logs/plc-sim.log 2>&1 &
    echo $! > "$sim_pid_file"
    # Up to a minute: the OPC UA server makes its certificate on the first start.
    for _ in $(seq 1 300); do [ -f "$sim_file" ] && break; sleep 0.2; done
    [ -f "$sim_file" ] || { echo "[start] ERROR: the PLC simulator did not start; see .local/logs/plc-sim.log" >&2; exit 1; }
    echo "[start] PLC simulator: ${IDM_SIM_PLCS:-6} PLCs on Modbus TCP ports ${IDM_SIM_PORT:-5020}+ (the last ${IDM_SIM_OPCUA_PLCS:-1} read over OPC UA at opc.tcp://127.0.0.1:${IDM_SIM_OPCUA_PORT:-4840}/UA/PlcSim), control API http://127.0.0.1:${IDM_SIM_CONTROL_PORT:-5080}"
  fi
  # Imported at start only while IDM has no devices registered.
  export DEVICE_FILE="${DEVICE_FILE:-$sim_file}"
  # The demo plant's process graphics (one screen per area), imported while no screen is stored.
  export SCREENS_DIR="${SCREENS_DIR:-demo/screens}"
fi

echo "[start] IDM on http://localhost:$PORT (API docs: /docs, mail sink: ${SMTP_WEB_URL:-n/a}); Ctrl-C stops it"
exec node dist/apps/server/main.js
