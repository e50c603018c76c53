#!/usr/bin/env bash
# Private PostGIS cluster and MQTT broker under var/, so nothing outside the
# checkout is needed or touched. Usage: scripts/services.sh up|down|status|env
# With DATABASE_URL / MQTT_URL already set, the matching private service is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VAR="$ROOT/var"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
PGDATA="$VAR/pg/data"
PGRUN="$VAR/pg/run"
PGPORT=55432          # only names the unix socket; the cluster listens on no TCP port
MQDIR="$VAR/mqtt"

as_pg() {  # PostgreSQL refuses to run as root: use the postgres account then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_up() {
  mkdir -p "$VAR/pg" "$PGRUN"
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$VAR/pg"; chmod 755 "$VAR" "$VAR/pg"; fi
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U safeatlas --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$PGRUN'
port = $PGPORT
fsync = on
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_connections = 200
jit = off
CONF
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$VAR/pg/server.log" -w -t 60 start >/dev/null
  fi
  "$PGBIN/psql" -h "$PGRUN" -p $PGPORT -U safeatlas -d postgres -qtAc \
    "SELECT 1 FROM pg_database WHERE datname='safeatlas'" | grep -q 1 ||
    "$PGBIN/createdb" -h "$PGRUN" -p $PGPORT -U safeatlas safeatlas
  "$PGBIN/psql" -h "$PGRUN" -p $PGPORT -U safeatlas -d safeatlas -qc \
    "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm" >/dev/null
}

pg_down() {
  [ -s "$PGDATA/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mqtt_up() {
  mkdir -p "$MQDIR"
  if [ -s "$MQDIR/pid" ] && kill -0 "$(cat "$MQDIR/pid")" 2>/dev/null; then return; fi
  local port; port=$(free_port)
  cat > "$MQDIR/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence true
persistence_location $MQDIR/
pid_file $MQDIR/pid
log_dest file $MQDIR/mosquitto.log
user $(id -un)
CONF
  echo "$port" > "$MQDIR/port"
  /usr/sbin/mosquitto -d -c "$MQDIR/mosquitto.conf"
  for _ in $(seq 50); do [ -s "$MQDIR/pid" ] && break; sleep 0.1; done
}

mqtt_down() {
  [ -s "$MQDIR/pid" ] && kill "$(cat "$MQDIR/pid")" 2>/dev/null || true
  rm -f "$MQDIR/pid"
}

print_env() {
  if [ -z "${DATABASE_URL:-}" ]; then
    echo "DATABASE_URL='postgis://safeatlas@/safeatlas?host=$PGRUN&port=$PGPORT'"
  else echo "DATABASE_URL='$DATABASE_URL'"; fi
  if [ -z "${MQTT_URL:-}" ]; then
    echo "MQTT_URL='mqtt://127.0.0.1:$(cat "$MQDIR/port" 2>/dev/null || echo 0)'"
  else echo "MQTT_URL='$MQTT_URL'"; fi
}

case "${1:-}" in
  up)   [ -n "${DATABASE_URL:-}" ] || pg_up; [ -n "${MQTT_URL:-}" ] || mqtt_up; print_env > "$VAR/services.env" ;;
  down) pg_down; mqtt_down ;;
  env)  print_env ;;
  status) as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status || true; print_env ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
