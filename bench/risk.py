"""The dynamic risk run (monitoring/risk, ADR 0021) at scale: N enterprises with gateways,
open alarms and warnings, half of them obliged to commit with the day's cards (one in
twenty of those missing), written in one transaction, then `risk_compute` timed (the first
run inserts today's rows, the next ones upsert them); rolled back at the end, so the
database is left as it was.

    .venv/bin/python -m bench.risk [--enterprises 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime

from bench import common

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()

from django.db import connection, transaction  # noqa: E402

from monitoring.risk.services import risk_compute  # noqa: E402

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)

_FILL = """
INSERT INTO geo_division (code, name, level, parent_id, geom)
SELECT code, code, lv, NULL, ST_Multi(ST_MakeEnvelope(118, 32, 119, 33, 4326))
FROM (SELECT '390000000000', 'province' UNION ALL SELECT '390100000000', 'city'
      UNION ALL SELECT '3901' || lpad(n::text, 2, '0') || '000000', 'county'
        FROM generate_series(1, 20) n
      UNION ALL SELECT '3901' || lpad(n::text, 2, '0') || '001000', 'town'
        FROM generate_series(1, 20) n) d(code, lv)
ON CONFLICT (code) DO NOTHING;
INSERT INTO registry_enterprise (name, credit_code, industry, address, risk_level,
  has_major_hazard, geom, status, division_code, employees, categories, updated)
SELECT '基准企业' || i, 'B' || lpad(i::text, 17, '0'), 'C2614', '', 1 + i %% 4, false,
  ST_SetSRID(ST_MakePoint(118 + (i %% 1000) * 0.001, 32 + (i / 1000) * 0.001), 4326),
  'registered', '3901' || lpad((1 + i %% 20)::text, 2, '0') || '001001', 0, '{}', now()
FROM generate_series(1, %s) i;
INSERT INTO monitoring_gateway (code, name, geom, in_use, hmac_key, enc_key, online,
  enterprise_id, division_code)
SELECT 'bench-gw-' || e.id || '-' || k, 'gw', e.geom, true, 'k', '', (e.id + k) %% 7 <> 0,
  e.id, e.division_code
FROM registry_enterprise e CROSS JOIN generate_series(1, 2) k WHERE e.name LIKE '基准企业%%';
INSERT INTO monitoring_alarm (key, kind, level, direction, gateway, title, rules_version,
  raised_at, received_at, flaps, status, false_alarm, feedback, return_reason, geom,
  enterprise_id, division_code)
SELECT 'bench-' || e.id || '-' || k, 'threshold', 1 + k %% 4, '', '', 'b', 'r',
  %s - (k || ' hours')::interval, %s, 0, 'pushed', false, '', '', e.geom, e.id,
  e.division_code
FROM registry_enterprise e CROSS JOIN generate_series(1, 3) k
WHERE e.name LIKE '基准企业%%' AND e.id %% 5 = 0;
UPDATE registry_enterprise SET categories = '{hazardous_chemicals}'
WHERE name LIKE '基准企业%%' AND id %% 2 = 0;
INSERT INTO monitoring_commitment (enterprise_id, division_code, day, units_total,
  units_running, units_stopped, units_overhaul, hot_work_special, hot_work_first,
  hot_work_second, confined_space, trial_production, start_stop, hazards_safe, principal,
  filed_at)
SELECT e.id, e.division_code, (%s AT TIME ZONE 'Asia/Shanghai')::date, 1, 1, 0, 0, 0, 0, 0,
  0, false, false, true, '负责人', %s - ((e.id %% 7) || ' minutes')::interval
FROM registry_enterprise e WHERE e.name LIKE '基准企业%%' AND e.id %% 2 = 0 AND e.id %% 40 <> 0;
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_FILL, [args.enterprises, NOW, NOW, NOW, NOW])
            cursor.execute("ANALYZE")
            cursor.execute("SELECT count(*) FROM registry_enterprise")
            total = cursor.fetchone()[0]
        times = []
        for i in range(args.runs):
            started = time.perf_counter()
            run = risk_compute(now=NOW.replace(minute=5 * i))
            times.append(time.perf_counter() - started)
        print(f"enterprises {total}, regions {run.regions}, model {run.model_version}")
        print(f"first run (insert) {times[0]:.2f} s; upsert runs median "
              f"{statistics.median(times[1:] or times):.2f} s")
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
