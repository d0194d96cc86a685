#!/usr/bin/env bash
# Local services for IDM: FerretDB (MongoDB wire, SQLite backend), Redis, an SMTP sink (maildev) and an
# MQTT broker (Mosquitto, for the MQTT / Sparkplug B source and the simulator's edge node).
#
#   scripts/services.sh up       start what is not running (idempotent, quick on a second run)
#   scripts/services.sh down     stop what this script started
#   scripts/services.sh status   say what runs where
#   scripts/services.sh env      print the MONGO_URI / REDIS_URL / SMTP_* / MQTT_URL lines for the local services
#
# When MONGO_URI or REDIS_URL are set in the environment, those servers are used (and checked) instead of
# starting local ones. Everything local lives in the ignored .local/ folder: binaries, data, logs, pids.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
LOGS="$LOCAL/logs"
RUN="$LOCAL/run"
FERRETDB_BIN="$LOCAL/bin/ferretdb"
FERRETDB_PORT="${IDM_FERRETDB_PORT:-27027}"
REDIS_PORT="${IDM_REDIS_PORT:-6389}"
SMTP_PORT="${IDM_SMTP_PORT:-1025}"
SMTP_WEB_PORT="${IDM_SMTP_WEB_PORT:-1080}"
MQTT_PORT="${IDM_MQTT_PORT:-1893}" # not 1883: a plant broker or the distribution's own Mosquitto may hold that
ENV_FILE="$LOCAL/services.env"

mkdir -p "$LOGS" "$RUN"

say() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

pid_alive() { # pidfile
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

wait_for() { # name, seconds, command...
  local name="$1" seconds="$2"; shift 2
  local i
  for ((i = 0; i < seconds * 5; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  die "$name did not answer within ${seconds}s (see $LOGS)"
}

mongo_ping() { # uri
  node "$ROOT/scripts/ping.js" mongo "$1"
}

redis_ping() { # url
  node "$ROOT/scripts/ping.js" redis "$1"
}

smtp_ping() { # port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

port_busy() { # port: true when something already listens there
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

refuse_busy_port() { # name port variable
  if port_busy "$2"; then
    die "$1 cannot start: port $2 is already used by another process (not started by this script). Stop it, or pick another port with $3=..."
  fi
}

# --- FerretDB ---------------------------------------------------------------------------------------
build_ferretdb() {
  # Rebuild only when the pinned module changed since the last build.
  local stamp="$LOCAL/bin/ferretdb.stamp" want
  want="$(cat "$ROOT/scripts/ferretdb/go.mod" "$ROOT/scripts/ferretdb/go.sum" "$ROOT/scripts/ferretdb/main.go" "$ROOT/scripts/ferretdb/build.sh" | sha256sum | cut -d' ' -f1)"
  if [ -x "$FERRETDB_BIN" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  command -v go >/dev/null || die "Go is needed to build FerretDB (apt-get install golang, or see https://go.dev/doc/install)"
  say "building FerretDB v1.24.2 from the Go module proxy (first run only, a few minutes)..."
  mkdir -p "$LOCAL/bin"
  bash "$ROOT/scripts/ferretdb/build.sh" "$FERRETDB_BIN.new" >"$LOGS/ferretdb-build.log" 2>&1 \
    || { tail -20 "$LOGS/ferretdb-build.log" >&2; die "FerretDB build failed (log: $LOGS/ferretdb-build.log)"; }
  mv -f "$FERRETDB_BIN.new" "$FERRETDB_BIN" # a running server keeps its old file; the next start uses this one
  echo "$want" >"$stamp"
  say "FerretDB built: $FERRETDB_BIN (with the _id index patch, scripts/ferretdb/build.sh)"
}

start_ferretdb() {
  local uri="mongodb://127.0.0.1:$FERRETDB_PORT/"
  if pid_alive "$RUN/ferretdb.pid" && mongo_ping "$uri"; then
    say "FerretDB already running on 127.0.0.1:$FERRETDB_PORT (pid $(cat "$RUN/ferretdb.pid"))"
    return 0
  fi
  build_ferretdb
  refuse_busy_port "FerretDB" "$FERRETDB_PORT" IDM_FERRETDB_PORT
  mkdir -p "$LOCAL/ferretdb/data"
  nohup "$FERRETDB_BIN" --listen-addr="127.0.0.1:$FERRETDB_PORT" \
    --sqlite-url="file:$LOCAL/ferretdb/data/" --log-level=warn \
    >>"$LOGS/ferretdb.log" 2>&1 </dev/null &
  echo $! >"$RUN/ferretdb.pid"
  wait_for "FerretDB" 30 mongo_ping "$uri"
  say "FerretDB started on 127.0.0.1:$FERRETDB_PORT (data: .local/ferretdb/data, log: .local/logs/ferretdb.log)"
}

# --- Redis ------------------------------------------------------------------------------------------
ensure_redis_installed() {
  command -v redis-server >/dev/null && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    say "installing redis-server with apt-get..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) \
      >"$LOGS/redis-install.log" 2>&1 || die "apt-get install redis-server failed (log: $LOGS/redis-install.log)"
    # The package starts a system-wide instance on 6379; IDM runs its own on $REDIS_PORT, so leave it be.
  else
    die "redis-server is not installed. Install it with: sudo apt-get install redis-server (or set REDIS_URL)"
  fi
}

start_redis() {
  local url="redis://127.0.0.1:$REDIS_PORT"
  if pid_alive "$RUN/redis.pid" && redis_ping "$url"; then
    say "Redis already running on 127.0.0.1:$REDIS_PORT (pid $(cat "$RUN/redis.pid"))"
    return 0
  fi
  ensure_redis_installed
  refuse_busy_port "Redis" "$REDIS_PORT" IDM_REDIS_PORT
  mkdir -p "$LOCAL/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$LOCAL/redis" --daemonize yes \
    --pidfile "$RUN/redis.pid" --logfile "$LOGS/redis.log" --save 60 1000 --appendonly no >/dev/null
  wait_for "Redis" 15 redis_ping "$url"
  say "Redis started on 127.0.0.1:$REDIS_PORT (log: .local/logs/redis.log)"
}

# --- SMTP sink (maildev) ------------------------------------------------------------------------------
start_smtp() {
  if pid_alive "$RUN/maildev.pid" && smtp_ping "$SMTP_PORT"; then
    say "SMTP sink already running: smtp 127.0.0.1:$SMTP_PORT, web http://127.0.0.1:$SMTP_WEB_PORT"
    return 0
  fi
  local bin="$ROOT/node_modules/.bin/maildev"
  [ -x "$bin" ] || die "maildev is missing: run npm ci first"
  refuse_busy_port "SMTP sink" "$SMTP_PORT" IDM_SMTP_PORT
  nohup "$bin" --smtp "$SMTP_PORT" --web "$SMTP_WEB_PORT" --ip 127.0.0.1 --silent \
    >>"$LOGS/maildev.log" 2>&1 </dev/null &
  echo $! >"$RUN/maildev.pid"
  wait_for "SMTP sink" 20 smtp_ping "$SMTP_PORT"
  say "SMTP sink started: smtp 127.0.0.1:$SMTP_PORT, read mail at http://127.0.0.1:$SMTP_WEB_PORT"
}

# --- MQTT broker (Mosquitto) -----------------------------------------------------------------------------
ensure_mosquitto_installed() {
  command -v mosquitto >/dev/null && return 0
  [ -x /usr/sbin/mosquitto ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    say "installing mosquitto with apt-get..."
    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto; }) \
      >"$LOGS/mosquitto-install.log" 2>&1 || die "apt-get install mosquitto failed (log: $LOGS/mosquitto-install.log)"
    # Like redis-server, the package may start a system-wide broker on 1883; IDM runs its own on $MQTT_PORT.
  else
    die "mosquitto is not installed. Install it with: sudo apt-get install mosquitto"
  fi
}

mosquitto_bin() {
  command -v mosquitto 2>/dev/null || echo /usr/sbin/mosquitto
}

start_mosquitto() {
  if pid_alive "$RUN/mosquitto.pid" && port_busy "$MQTT_PORT"; then
    say "Mosquitto already running on 127.0.0.1:$MQTT_PORT (pid $(cat "$RUN/mosquitto.pid"))"
    return 0
  fi
  ensure_mosquitto_installed
  refuse_busy_port "Mosquitto" "$MQTT_PORT" IDM_MQTT_PORT
  mkdir -p "$LOCAL/mosquitto/data"
  # Persistence on: a persistent session (clean start off) keeps its subscriptions and queued QoS 1
  # messages across a broker restart too. The queue limit is raised so a client that is away for a while
  # (IDM restarting) finds everything that arrived meanwhile.
  # `user`: started as root, Mosquitto would switch to the "mosquitto" user and could not write .local/.
  printf '%s\n' \
    "listener $MQTT_PORT 127.0.0.1" \
    "allow_anonymous true" \
    "user $(id -un)" \
    "persistence true" \
    "persistence_location $LOCAL/mosquitto/data/" \
    "autosave_interval 10" \
    "max_queued_messages 100000" \
    "log_dest stdout" \
    "log_type error" "log_type warning" "log_type notice" \
    >"$LOCAL/mosquitto/mosquitto.conf"
  nohup "$(mosquitto_bin)" -c "$LOCAL/mosquitto/mosquitto.conf" >>"$LOGS/mosquitto.log" 2>&1 </dev/null &
  echo $! >"$RUN/mosquitto.pid"
  wait_for "Mosquitto" 15 port_busy "$MQTT_PORT"
  say "Mosquitto started on mqtt://127.0.0.1:$MQTT_PORT (data: .local/mosquitto/data, log: .local/logs/mosquitto.log)"
}

write_env() {
  local mongo="${MONGO_URI:-mongodb://127.0.0.1:$FERRETDB_PORT/idm}"
  local redis="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"
  cat >"$ENV_FILE" <<EOF
MONGO_URI=$mongo
REDIS_URL=$redis
SMTP_HOST=127.0.0.1
SMTP_PORT=$SMTP_PORT
SMTP_WEB_URL=http://127.0.0.1:$SMTP_WEB_PORT
MQTT_URL=mqtt://127.0.0.1:$MQTT_PORT
FERRETDB_BIN=$FERRETDB_BIN
EOF
}

up() {
  if [ -n "${MONGO_URI:-}" ]; then
    mongo_ping "$MONGO_URI" || die "MONGO_URI is set but does not answer a ping: $MONGO_URI"
    say "using MONGO_URI from the environment"
    build_ferretdb # tests also start throw-away FerretDB instances of their own
  else
    start_ferretdb
  fi
  if [ -n "${REDIS_URL:-}" ]; then
    redis_ping "$REDIS_URL" || die "REDIS_URL is set but does not answer a ping: $REDIS_URL"
    say "using REDIS_URL from the environment"
  else
    start_redis
  fi
  start_smtp
  start_mosquitto
  write_env
  say "ready; connection settings in .local/services.env"
}

stop_one() { # name pidfile
  if pid_alive "$2"; then
    kill "$(cat "$2")" 2>/dev/null || true
    local i
    for ((i = 0; i < 50; i++)); do pid_alive "$2" || break; sleep 0.1; done
    say "$1 stopped"
  else
    say "$1 not running"
  fi
  rm -f "$2"
}

down() {
  stop_one "Mosquitto" "$RUN/mosquitto.pid"
  stop_one "SMTP sink" "$RUN/maildev.pid"
  stop_one "Redis" "$RUN/redis.pid"
  stop_one "FerretDB" "$RUN/ferretdb.pid"
}

status() {
  local state
  if pid_alive "$RUN/ferretdb.pid"; then state="running (pid $(cat "$RUN/ferretdb.pid"))"; else state="stopped"; fi
  say "FerretDB  mongodb://127.0.0.1:$FERRETDB_PORT  $state"
  if pid_alive "$RUN/redis.pid"; then state="running (pid $(cat "$RUN/redis.pid"))"; else state="stopped"; fi
  say "Redis     redis://127.0.0.1:$REDIS_PORT  $state"
  if pid_alive "$RUN/maildev.pid"; then state="running (pid $(cat "$RUN/maildev.pid"))"; else state="stopped"; fi
  say "SMTP sink smtp://127.0.0.1:$SMTP_PORT web http://127.0.0.1:$SMTP_WEB_PORT  $state"
  if pid_alive "$RUN/mosquitto.pid"; then state="running (pid $(cat "$RUN/mosquitto.pid"))"; else state="stopped"; fi
  say "Mosquitto mqtt://127.0.0.1:$MQTT_PORT  $state"
  [ -n "${MONGO_URI:-}" ] && say "MONGO_URI from the environment: $MONGO_URI"
  [ -n "${REDIS_URL:-}" ] && say "REDIS_URL from the environment: $REDIS_URL"
  return 0
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) write_env; cat "$ENV_FILE" ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
