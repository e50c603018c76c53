"""Two ingest workers storing batches of the same sensors at once (a gateway's batches
spread over the shared subscription) take turns instead of deadlocking."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from monitoring.devices.services import sensor_create
from monitoring.ingest.services import batch_store

SENSORS, BATCHES, PER_BATCH = 50, 16, 250
NOW = datetime.now(UTC).replace(microsecond=0)


def _batch(worker: int, n: int, rng: random.Random) -> dict:
    """Records of every sensor in a shuffled order, each worker its own seqs."""
    first = (worker * BATCHES + n) * PER_BATCH
    start = int((NOW - timedelta(minutes=30)).timestamp() * 1000)
    records = [{"seq": s, "kind": "reading", "point": f"C-{s % SENSORS}.level",
                "ts": start + s * 10, "value": float(s % 7), "quality": "good"}
               for s in range(first, first + PER_BATCH)]
    rng.shuffle(records)
    return {"v": 1, "kind": "batch", "gateway": "gw-a", "records": records}


@pytest.mark.django_db(transaction=True)
def test_two_workers_with_batches_of_the_same_sensors_take_turns(gateway):
    for i in range(SENSORS):
        sensor_create(gateway=gateway, point=f"C-{i}.level", name=f"C-{i}", indicator="level",
                      measure_unit="m", range_low=0, range_high=20, threshold_h=16,
                      threshold_hh=18, geom=gateway.geom)
    errors: list[Exception] = []

    def work(worker: int) -> None:
        rng = random.Random(worker)
        try:
            for n in range(BATCHES):
                batch_store(_batch(worker, n, rng), now=NOW)
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_reading WHERE gateway = 'gw-a'")
        assert cursor.fetchone()[0] == 2 * BATCHES * PER_BATCH
        cursor.execute("SELECT sum(count) FROM monitoring_readingrollup r JOIN"
                       " monitoring_sensor s ON s.id = r.sensor_id WHERE s.gateway_id = 'gw-a'"
                       " AND r.step = 'hour'")
        assert cursor.fetchone()[0] == 2 * BATCHES * PER_BATCH
