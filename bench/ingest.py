"""Ingest benchmark: readings per second through what an ingest worker does with each
message (signature check, `message_store`: nonce, COPY, the one statement that inserts,
rolls up and updates the sensors' live state, then the alarm rules over the batch) beside
a bare COPY of the same rows into the same partitioned readings table (the floor), two
workers each, in one run; then the alarm latency: batches that each carry one gas
reading past its high-high limit, from the reading's time to the commit of its warning
(stored, recipients found by place, inbox rows written).

    .venv/bin/python -m bench.ingest [--readings 200000] [--batch 500] [--sensors 100]

Rows: "ours" (in process, the transport left out: both it and the bare COPY start from
bytes in memory), "ours via HTTPS" (the same messages POSTed to /ingest/v1/batches of our
site under granian, 2 workers, 2 client threads) and "ours via MQTT" (published at QoS 1
to the broker of `make services`, stored by two `manage.py ingest` workers of one shared
subscription; timed until every reading is in the table). The readings are a plant in
normal operation (values wander inside the limits).
Goals: >= 100,000 readings/s, >= 0.25x the bare COPY, alarm latency p99 < 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import psycopg

from bench import common

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()

from django.urls import reverse  # noqa: E402

from collectors.protocol import H_NONCE, batch_body, dumps, sign  # noqa: E402
from geo.models import Notification  # noqa: E402
from monitoring.alarms.models import Alarm, EarlyWarning  # noqa: E402
from monitoring.devices.models import Gateway, Sensor  # noqa: E402
from monitoring.devices.services import gateway_create, sensor_create  # noqa: E402
from monitoring.ingest.keys import Keys  # noqa: E402
from monitoring.ingest.services import COLUMNS, message_store  # noqa: E402
from registry.enterprises.models import Enterprise  # noqa: E402

GATEWAY, BARE = "bench-ingest", "bench-bare"
GOALS = [(name, peer, goal) for name in ("ours", "ours via HTTPS", "ours via MQTT")
         for peer, goal in ((None, 100_000), ("bare COPY", 0.25))]
PROBES = 100  # gas detectors, one alarm each
HTTPS_SEQ, MQTT_SEQ = 10**7, 2 * 10**7  # each transport's run has its own records
LATENCY_GOAL_MS = 1000


def make_gateway(sensors: int) -> Gateway:
    enterprise = Enterprise.objects.order_by("pk").first()
    if enterprise is None:
        raise SystemExit("no enterprises: load the demo or the bench data first")
    gateway = gateway_create(enterprise=enterprise, code=GATEWAY, name="bench",
                             geom=enterprise.geom)
    for i in range(sensors):
        sensor_create(gateway=gateway, point=f"P-{i}.level", name=f"P-{i}", indicator="level",
                      measure_unit="m", range_low=0, range_high=100, threshold_h=80,
                      threshold_hh=90, geom=enterprise.geom)
    for i in range(PROBES):  # GB/T 50493 set-points: 25 / 50 %LEL
        sensor_create(gateway=gateway, point=f"G-{i}.lel", name=f"G-{i}",
                      indicator="combustible_gas", measure_unit="%LEL", range_low=0,
                      range_high=100, geom=enterprise.geom)
    return gateway


def messages(gateway: Gateway, readings: int, batch: int, sensors: int, *,
             seq0: int = 0) -> list:
    """Signed batch messages (headers, body) of `readings` records, as an agent sends;
    each run of them its own sequence numbers (`seq0`) and later times."""
    rng = random.Random(42)
    start = int((datetime.now(UTC) - timedelta(minutes=30)).timestamp() * 1000)
    key, out = bytes.fromhex(gateway.hmac_key), []
    for first in range(seq0 + 1, seq0 + readings + 1, batch):
        records = [{"seq": s, "kind": "reading", "point": f"P-{s % sensors}.level",
                    "ts": start + s * 1000 // sensors, "value": _normal(rng, s, sensors),
                    "quality": "good", "unit": "m", "reason": ""}
                   for s in range(first, min(first + batch, seq0 + readings + 1))]
        body = dumps(batch_body(GATEWAY, records, 0, agent_version="bench"))
        out.append((sign(key, body, GATEWAY), body, len(records)))
    return out


def _normal(rng: random.Random, seq: int, sensors: int) -> float:
    """A level read once a second, wandering around 50 m (limits 80 and 90) with 2 cm of
    transmitter noise: no alarm."""
    second = seq // sensors
    return round(50 + 10 * math.sin(second / 600 + seq % sensors) + rng.gauss(0, 0.02), 3)


def latency(gateway: Gateway) -> list[float]:
    """Milliseconds from a high-high gas reading's time to its warning committed."""
    keys, key, out = Keys(), bytes.fromhex(gateway.hmac_key), []
    seq = 10**9
    for i in range(PROBES):
        seq += 1
        ts = time.time()
        record = {"seq": seq, "kind": "reading", "point": f"G-{i}.lel",
                  "ts": int(ts * 1000), "value": 60.0, "quality": "good", "unit": "%LEL",
                  "reason": ""}
        body = dumps(batch_body(GATEWAY, [record], 0, agent_version="bench"))
        headers = sign(key, body, GATEWAY)
        message_store(keys.open(headers, body), headers[H_NONCE])
        out.append((time.time() - ts) * 1000)
    warned = EarlyWarning.objects.filter(alarm__gateway=GATEWAY, alarm__kind="threshold")
    if warned.count() != PROBES:
        raise SystemExit(f"expected {PROBES} warnings, found {warned.count()}")
    return out


def bare_rows(readings: int, batch: int, sensor_ids: list[int]) -> list[list[tuple]]:
    """The same records as ready-made table rows, one list per batch (for the floor)."""
    start = datetime.now(UTC) - timedelta(minutes=30)
    now, rng = datetime.now(UTC), random.Random(42)
    n = len(sensor_ids)
    rows = [(BARE, s, start + timedelta(milliseconds=s * 1000 // n), sensor_ids[s % n],
             v := _normal(rng, s, len(sensor_ids)), v, "good", True, "", now)
            for s in range(1, readings + 1)]
    return [rows[i:i + batch] for i in range(0, len(rows), batch)]


def run_ours(items: list) -> common.Result:
    keys = Keys()
    reverse("alarms:warning", args=[1])  # the URLconf loads once per process, not timed

    def store(_state, item) -> None:
        headers, body, _count = item
        message_store(keys.open(headers, body), headers[H_NONCE])

    return _timed("ours", store, items, lambda: None)


def run_bare(batches: list[list[tuple]]) -> common.Result:
    def copy(conn, rows) -> None:
        with conn.cursor() as cur, cur.copy(f"COPY monitoring_reading ({COLUMNS}) FROM STDIN"
                                            ) as out:
            for row in rows:
                out.write_row(row)
        conn.commit()

    return _timed("bare COPY", copy, batches,
                  lambda: psycopg.connect(common.psycopg_conninfo()))


def _timed(name: str, fn, items: list, setup) -> common.Result:
    """`common.pool` over the batches, reported per reading (not per batch)."""
    count = sum(item[2] if isinstance(item, tuple) else len(item) for item in items)
    started = time.perf_counter()
    batches = common.pool(name, fn, items, workers=2, setup=setup, group="ingest")
    seconds = time.perf_counter() - started
    return common.Result(name, count, seconds, count / seconds, batches.p50_ms,
                         batches.p95_ms, batches.errors, "ingest")


def run_https(signed) -> common.Result:
    """The messages POSTed as an agent does, over keep-alive connections (signed once
    the site is up)."""
    with common.site(workers=2) as site:
        host, port = site.base.split("//")[1].split(":")
        items = signed()

        def post(conn, item) -> None:
            headers, body, _count = item
            conn.request("POST", "/ingest/v1/batches", body=body,
                         headers={**headers, "Content-Type": "application/json"})
            answer = conn.getresponse()
            answer.read()
            if answer.status != 200:
                raise RuntimeError(f"HTTP {answer.status}")

        return _timed("ours via HTTPS", post, items,
                      lambda: http.client.HTTPConnection(host, int(port), timeout=60))


def run_mqtt(items: list, conninfo: str) -> common.Result:
    """Published at QoS 1; two ingest workers; timed until every reading is stored."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    url = os.environ["MQTT_URL"]
    host, port = url.split("//")[1].split(":")
    workers = [subprocess.Popen(
        [sys.executable, "manage.py", "ingest", "--mqtt-url", url, "--client-id",
         f"bench-ingest-{i}"], cwd=common.ROOT, stdout=subprocess.PIPE, text=True,
        stderr=subprocess.DEVNULL) for i in range(2)]
    try:
        for w in workers:  # published before that, a batch reaches no worker of a new group
            _wait_line(w, "subscribed as ", 120)
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-agent",
                             protocol=mqtt.MQTTv5)
        client.connect(host, int(port))
        client.loop_start()
        count = sum(n for _h, _b, n in items)
        started = time.perf_counter()
        for headers, body, _n in items:
            props = Properties(PacketTypes.PUBLISH)
            props.UserProperty = list(headers.items())
            client.publish(f"safeatlas/{GATEWAY}/batch", body, qos=1,
                           properties=props).wait_for_publish(30)
        with psycopg.connect(conninfo) as conn:
            while conn.execute("SELECT count(*) FROM monitoring_reading WHERE gateway = %s"
                               " AND seq > %s", [GATEWAY, MQTT_SEQ]).fetchone()[0] < count:
                if time.perf_counter() - started > 600:
                    raise RuntimeError("MQTT readings not all stored in 10 minutes")
                time.sleep(0.05)
        seconds = time.perf_counter() - started
        client.loop_stop()
        client.disconnect()
    finally:
        for w in workers:
            w.terminate()
            w.wait(30)
    return common.Result("ours via MQTT", count, seconds, count / seconds, 0.0, 0.0, 0,
                         "ingest")


def _wait_line(proc: subprocess.Popen, start: str, timeout: float) -> None:
    """Read the process's output until a line starting with `start` (a fixed sleep lost
    every message when a loaded machine took longer to start the workers)."""
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        if line.startswith(start):
            return
        if time.monotonic() > deadline:
            break
    raise RuntimeError(f"no {start!r} line from {proc.args} within {timeout} s")


def cleanup(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("DELETE FROM monitoring_reading WHERE gateway IN (%s, %s)",
                     [GATEWAY, BARE])
        conn.execute("DELETE FROM monitoring_seennonce WHERE gateway = %s", [GATEWAY])
    warnings = list(EarlyWarning.objects.filter(alarm__gateway=GATEWAY)
                    .values_list("pk", flat=True))
    for warning in warnings:
        Notification.objects.filter(key__startswith=f"warning:{warning}:").delete()
    Alarm.objects.filter(gateway=GATEWAY).delete()
    Sensor.objects.filter(gateway_id=GATEWAY).delete()  # sensors protect their gateway
    Gateway.objects.filter(code=GATEWAY).delete()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--sensors", type=int, default=100)
    args = parser.parse_args(argv)
    conninfo = common.psycopg_conninfo()
    cleanup(conninfo)
    gateway = make_gateway(args.sensors)
    try:
        # each run signs its messages just before it: signatures age out (protocol §4)
        def signed(seq0: int = 0) -> list:
            return messages(gateway, args.readings, args.batch, args.sensors, seq0=seq0)

        sensor_ids = list(gateway.sensors.order_by("pk").values_list("pk", flat=True))
        rows = bare_rows(args.readings, args.batch, sensor_ids)
        results = [run_ours(signed()), run_https(lambda: signed(HTTPS_SEQ)),
                   run_mqtt(signed(MQTT_SEQ), conninfo), run_bare(rows)]
        waits = sorted(latency(gateway))
    finally:
        cleanup(conninfo)
    print(f"{args.readings} readings in batches of {args.batch} over {args.sensors} sensors;"
          " req/s = readings per second, p50/p95 = per batch", flush=True)
    common.print_table("Ingest: readings per second", results, ratio_to=["bare COPY"])
    p50, p99 = waits[len(waits) // 2], waits[int(len(waits) * 0.99) - 1]
    print(f"alarm latency, reading time -> warning committed and pushed ({PROBES} alarms):"
          f" p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {waits[-1]:.1f} ms")
    print(f"goal alarm p99 < {LATENCY_GOAL_MS} ms: {p99:.1f} ms "
          f"{'met' if p99 < LATENCY_GOAL_MS else 'NOT met'}")
    for name, peer, goal in GOALS:
        row = next(r for r in results if r.name == name)
        if peer is None:
            print(f"goal {name} >= {goal:,} readings/s: {row.rps:,.0f} "
                  f"{'met' if row.rps >= goal else 'NOT met'}")
        else:
            ratio = row.rps / next(r for r in results if r.name == peer).rps
            print(f"goal {name} >= {goal}x {peer}: {ratio:.2f}x "
                  f"{'met' if ratio >= goal else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
