"""Upstream exchange (monitoring/upstream, ADR 0022): how long the minute job takes to
fill a platform's outbox with minute rollups and to send them to a loopback province over
TCP + AES-256-GCM (the tests' peer), and the idle job's cost once everything is sent.

    .venv/bin/python -m bench.upstream [--minutes 120] [--batch 500]

Uses the sensors of the database of DATABASE_URL / var/services.env (`make demo-data`).
Rollups for --minutes minutes of every sensor are written in one transaction that is
rolled back at the end: the database is left as it was."""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime

from bench import common

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geo.settings")
os.environ.setdefault("DATABASE_URL", common.database_url())

import django  # noqa: E402  (settings must be chosen first)

django.setup()

from django.db import connection, transaction  # noqa: E402

from monitoring.upstream.models import OutboxRow, Platform  # noqa: E402
from monitoring.upstream.services import platform_enqueue, platform_send  # noqa: E402
from tests.monitoring.upstream.peer import TcpPeer  # noqa: E402  (the loopback province)

KEY = bytes.fromhex("11" * 32)
FIELDS = {"id": "DATA_ID", "sensor": "POINT_CODE", "enterprise": "CREDIT_CODE",
          "minute": "COLLECT_TIME", "mean": "AVG_VALUE", "low": "MIN_VALUE",
          "high": "MAX_VALUE", "count": "SAMPLE_NUM"}


class _Rollback(Exception):
    pass


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run(minutes: int, batch: int) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    peer = TcpPeer(KEY, "aes-256-gcm")
    peer.start()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("""
                    INSERT INTO monitoring_readingrollup (sensor_id, step, bucket, count,
                        total, low, high)
                    SELECT s.id, 'minute', %s - make_interval(mins => m), 60, 600.0, 9.0, 11.0
                      FROM monitoring_sensor s, generate_series(5, %s + 4) m
                    ON CONFLICT DO NOTHING""", [now, minutes])
                rows = cursor.rowcount
            platform = Platform.objects.create(
                code="bench", name="bench", area="", kind="tcp", endpoint=peer.endpoint,
                sender="SAFEATLAS-BENCH", encryption="aes-256-gcm", key=KEY.hex(),
                tables={"readings_minute": {"name": "t_minute", "fields": FIELDS}},
                batch_size=batch)
            queued, t_fill = _timed(lambda: platform_enqueue(platform=platform, now=now))
            acked, t_send = _timed(lambda: _send_all(platform, now))
            _, t_idle_fill = _timed(lambda: platform_enqueue(platform=platform, now=now))
            _, t_idle_send = _timed(lambda: platform_send(platform=platform, now=now))
            at_peer = len(peer.rows.get("t_minute", {}))
            outbox = OutboxRow.objects.filter(platform=platform).count()
            raise _Rollback
    except _Rollback:
        pass
    finally:
        peer.stop()
    print(f"upstream exchange: {rows} minute rollups written, batch {batch}")
    print(f"  enqueue (anti-join into the outbox): {queued['readings_minute']} rows in "
          f"{t_fill:.3f} s = {queued['readings_minute'] / t_fill:,.0f} rows/s")
    print(f"  send (TCP + AES-256-GCM, loopback peer): {acked} acked in {t_send:.3f} s = "
          f"{acked / t_send:,.0f} rows/s; at the peer {at_peer}, outbox {outbox}")
    print(f"  idle minute once all sent: enqueue {t_idle_fill * 1000:.1f} ms, "
          f"send {t_idle_send * 1000:.1f} ms")


def _send_all(platform, now) -> int:
    acked = 0
    while n := platform_send(platform=platform, now=now)["readings_minute"]:
        acked += n
    return acked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=int, default=120)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    run(args.minutes, args.batch)


if __name__ == "__main__":
    main()
