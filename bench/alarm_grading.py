"""Alarm-handling grading (monitoring/alarms/metrics.py) at province scale: our one grouped
statement per level beside a query per enterprise (the ORM aggregate a view would make in
a loop, without the repeat check, so the peer does less work than ours).

    .venv/bin/python -m bench.alarm_grading [--alarms 300000] [--sensors 4] [--runs 5]

Needs the enterprises of `manage.py load_demo --scale N` (`make bench` builds them) in
the database of DATABASE_URL / var/services.env. A gateway and --sensors sensors per
enterprise and --alarms alarms over 30 days (levels, handling times, releases, false
alarms and flaps drawn with a fixed seed) are written in one transaction that is rolled
back at the end: the database is left as it was.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

from bench import common

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Avg, Count, F, Q  # noqa: E402
from django.test import Client  # noqa: E402

from geo.models import User  # noqa: E402
from geo.scope import EVERYTHING  # noqa: E402
from monitoring.alarms.metrics import Period, false_alarm_sensors, grading_rows  # noqa: E402
from monitoring.alarms.models import Alarm  # noqa: E402
from monitoring.devices.models import Sensor  # noqa: E402

END = datetime(2026, 12, 1, tzinfo=UTC)
PERIOD = Period(END - timedelta(days=30), END)
NOW = END + timedelta(hours=1)

_DATA = ["""SELECT setseed(0.42)""", """
INSERT INTO monitoring_gateway (division_code, organisation_id, code, name, geom, in_use,
    online, enterprise_id, enc_key, hmac_key)
SELECT e.division_code, e.organisation_id, 'bench-' || e.id, 'bench', e.geom, true, true,
       e.id, '', ''
FROM registry_enterprise e""", """
INSERT INTO monitoring_sensor (division_code, organisation_id, point, name, indicator, tag,
    measure_unit, cas, geom, in_use, last_quality, alarm_state, enterprise_id, gateway_id)
SELECT e.division_code, e.organisation_id, 'P-' || n, 'bench ' || n, 'level', '', 'm', '',
       e.geom, n <> 1 OR e.id %% 7 <> 0, '', 'unknown', e.id, 'bench-' || e.id
FROM registry_enterprise e, generate_series(1, %(sensors)s) n""", """
WITH bs AS (SELECT s.*, row_number() OVER (ORDER BY s.id) - 1 AS rn
            FROM monitoring_sensor s WHERE s.gateway_id LIKE 'bench-%%'),
n AS (SELECT count(*) AS n FROM bs)
INSERT INTO monitoring_alarm (division_code, organisation_id, key, kind, level, direction,
    gateway, title, rules_version, raised_at, received_at, cleared_at, flaps, status,
    feedback, false_alarm, return_reason, geom, enterprise_id, sensor_id, handled_at,
    released_at, pushed_at)
SELECT s.division_code, s.organisation_id, 'bench:' || g, 'threshold', 1 + (g %% 4), 'high',
       s.gateway_id, 'bench', 'default', r.raised, r.raised, r.raised + interval '5 min',
       CASE WHEN random() < 0.1 THEN 1 ELSE 0 END, r.status, '', random() < 0.1, '',
       s.geom, s.enterprise_id, s.id,
       CASE WHEN r.status IN ('handled', 'released', 'returned')
            THEN r.raised + random() * interval '3 hours' END,
       CASE WHEN r.status = 'released' THEN r.raised + interval '3 hours'
            + random() * interval '5 hours' END,
       r.raised
FROM generate_series(1, %(alarms)s) g
CROSS JOIN n
JOIN bs s ON s.rn = (g::bigint * 7919) %% n.n
CROSS JOIN LATERAL (SELECT %(start)s::timestamptz + random() * interval '30 days' AS raised,
    (ARRAY['released', 'released', 'released', 'handled', 'pushed', 'returned',
           'suppressed'])[1 + floor(random() * 7)::int] AS status, g AS gi) r""",
         "ANALYZE monitoring_alarm", "ANALYZE monitoring_sensor"]


def data_make(*, alarms: int, sensors: int) -> None:
    params = {"sensors": sensors, "alarms": alarms, "start": PERIOD.start}
    with connection.cursor() as cur:
        for statement in _DATA:
            cur.execute(statement, params if "%(" in statement else None)


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def per_enterprise() -> int:
    """The peer: two queries per enterprise (alarm aggregate, sensors in use)."""
    handled = Q(status__in=["handled", "released"])
    ids = list(Alarm._meta.get_field("enterprise").related_model.objects
               .values_list("id", flat=True))
    for pk in ids:
        Alarm.objects.filter(enterprise_id=pk, raised_at__gte=PERIOD.start,
                             raised_at__lt=PERIOD.end).exclude(status="suppressed").aggregate(
            alarms=Count("id"), handled=Count("id", filter=handled),
            on_time=Count("id", filter=handled & Q(handled_at__lte=F("raised_at")
                                                   + timedelta(minutes=60))),
            released=Count("released_at"),
            release=Avg(F("released_at") - F("raised_at")),
            false=Count("id", filter=handled & Q(false_alarm=True)))
        Sensor.objects.filter(enterprise_id=pk, in_use=True).count()
    return len(ids)


def page_province() -> int:
    """The whole page (10,000 enterprises sorted, the first 100 rendered) through Django."""
    client = Client()
    client.force_login(User.objects.get(username="province"))
    response = client.get("/monitoring/grading/", {
        "level": "enterprise", "start": "2026-11-01", "end": "2026-11-30",
        "sort": "timely_rate", "dir": "asc"})
    return response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alarms", type=int, default=300_000)
    parser.add_argument("--sensors", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with transaction.atomic():
        t0 = time.perf_counter()
        data_make(alarms=args.alarms, sensors=args.sensors)
        print(f"data: {args.alarms} alarms, {args.sensors} sensors per enterprise, "
              f"{time.perf_counter() - t0:.1f} s to write")
        ours = {}
        # one untimed pass: the first scan after the bulk insert writes the rows' hint bits
        grading_rows(scope=EVERYTHING, level="county", period=PERIOD, now=NOW)
        for level in ("province", "city", "county", "enterprise"):
            seconds, rows = timed(lambda lv=level: grading_rows(
                scope=EVERYTHING, level=lv, period=PERIOD, now=NOW), args.runs)
            ours[level] = seconds
            print(f"ours  {level:<10} {len(rows):>6} rows  {seconds * 1000:8.1f} ms "
                  f"(median of {args.runs}, 2 queries)")
        seconds, found = timed(lambda: false_alarm_sensors(scope=EVERYTHING, period=PERIOD),
                               args.runs)
        print(f"ours  false-alarm sensors {len(found):>2} rows  {seconds * 1000:8.1f} ms")
        seconds, status = timed(page_province, 3)
        print(f"page  /monitoring/grading/?level=enterprise as the province user "
              f"{seconds * 1000:8.1f} ms (median of 3, HTTP {status})")
        peer, n = timed(per_enterprise, 1)
        print(f"peer  enterprise {n:>6} enterprises  {peer * 1000:8.1f} ms "
              f"({2 * n} queries, no repeat check)")
        print(f"ratio peer / ours at the enterprise level: {peer / ours['enterprise']:.1f}x")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
