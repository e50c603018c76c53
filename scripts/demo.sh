#!/usr/bin/env bash
# Serves SafeAtlas at http://HOST:PORT with live simulated sensors until Ctrl-C,
# then stops everything `make demo` started (web, job runner, ingest, simulator, agent,
# PostGIS, broker).
# Usage: scripts/demo.sh HOST PORT WORKERS [--no-sensors]
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${1:-127.0.0.1}; PORT=${2:-8000}; WORKERS=${3:-2}; SENSORS=${4:-}
PY=.venv/bin/python
LOG=var/log; mkdir -p "$LOG" var/collector
pids=()

cleanup() {
  trap - INT TERM EXIT
  echo; echo "stopping…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/services.sh down
}
trap cleanup INT TERM EXIT

free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

$PY manage.py collectstatic --noinput -v0
$PY manage.py send_reminders  # today's licence and plan reminders into the demo inboxes
# The job runner (ADR 0012): scheduled jobs of every app's tasks.py (gateways offline,
# readings partitions, daily reminders) and anything deferred by the site.
$PY manage.py procrastinate worker > "$LOG/jobs.log" 2>&1 &
pids+=($!)

if [ "$SENSORS" != "--no-sensors" ]; then
  MB=$(free_port); UA=$(free_port)
  $PY -m collectors simulate --modbus-port "$MB" --opcua-port "$UA" > "$LOG/simulator.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 120); do grep -q "simulator ready" "$LOG/simulator.log" && break; sleep 0.5; done
  $PY manage.py ingest --mqtt-url "$MQTT_URL" --client-id safeatlas-ingest-demo \
      > "$LOG/ingest.log" 2>&1 &
  pids+=($!)
  KEY=$($PY manage.py gateway_key gw-demo-01)  # the demo gateway's key, made by load_demo
  $PY -m collectors simulate --write-config var/collector/agent.yaml --hmac-key "$KEY" \
      --mqtt-url "$MQTT_URL" --modbus-port "$MB" --opcua-port "$UA" >/dev/null
  $PY -m collectors run var/collector/agent.yaml > "$LOG/collector.log" 2>&1 &
  pids+=($!)
  echo "live sensors: simulator on Modbus $MB / OPC UA $UA, agent publishing to $MQTT_URL, ingest worker storing them (var/log/ingest.log)"
fi

cat <<MSG

SafeAtlas is running:
  site        http://$HOST:$PORT/
  one map     http://$HOST:$PORT/dash/onemap/
  admin       http://$HOST:$PORT/admin/
  OGC API     http://$HOST:$PORT/ogc/
  a tile      http://$HOST:$PORT/tiles/divisions/8/213/104.mvt
  style       http://$HOST:$PORT/tiles/style.json
  events      http://$HOST:$PORT/monitoring/events (live alarms and warnings, server-sent events)
Press Ctrl-C to stop.

MSG
.venv/bin/granian --interface wsgi geo.wsgi:application --host "$HOST" --port "$PORT" \
  --workers "$WORKERS" --blocking-threads 4 --static-path-route /static \
  --static-path-mount var/static --log-level warning &
pids+=($!)
wait "${pids[-1]}"
