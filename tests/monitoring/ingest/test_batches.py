"""Storing batches: idempotent on (gateway, seq), bad values kept as invalid with a reason
and never moving the alarm state, unknown points refused as security events, gaps kept."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection

from geo.models import SecurityEvent
from monitoring.devices.models import Sensor
from monitoring.ingest.models import DataGap, Reading
from monitoring.ingest.services import batch_store

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
MS = int(NOW.timestamp() * 1000)


def _reading(seq, point, value, *, ts=MS, quality="good", reason=""):
    return {"seq": seq, "kind": "reading", "point": point, "ts": ts, "value": value,
            "quality": quality, "unit": "", "reason": reason}


def _batch(records, **extra):
    return {"v": 1, "kind": "batch", "gateway": "gw-a", "records": records,
            "first_seq": records[0]["seq"], "last_seq": records[-1]["seq"], **extra}


def _tables() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT gateway, seq, ts, sensor_id, value, quality, valid, reason"
                       " FROM monitoring_reading ORDER BY gateway, seq")
        readings = cursor.fetchall()
    sensors = list(Sensor.objects.order_by("pk").values_list(
        "point", "last_value", "last_quality", "last_at", "alarm_state", "alarm_level"))
    return readings, sensors, list(DataGap.objects.values_list("gateway", "before_seq", "count"))


def test_a_resent_batch_changes_nothing(gateway):
    doc = _batch([_reading(1, "T-1.level", 12.5), _reading(2, "T-1.level", 18.2, ts=MS + 1000),
                  _reading(3, "GD-1.lel", 3.0)], dropped={"count": 250, "before_seq": 1})
    first = batch_store(doc, now=NOW)
    before = _tables()
    again = batch_store(doc, now=NOW)
    assert (first.stored, first.duplicates, again.stored, again.duplicates) == (3, 0, 0, 3)
    assert _tables() == before
    assert before[2] == [("gw-a", 1, 250)]
    level = Sensor.objects.get(point="T-1.level")
    assert (level.last_value, level.alarm_state, level.alarm_level) == (18.2, "high_high", 1)
    # a resend cut differently (the agent halves batches on 413) is a no-op as well
    assert batch_store(_batch(doc["records"][1:]), now=NOW).stored == 0


def test_bad_values_are_kept_invalid_and_never_move_the_alarm(gateway):
    batch_store(_batch([_reading(1, "T-1.level", 17.0)]), now=NOW)
    later = MS + 1000
    result = batch_store(_batch([
        _reading(2, "T-1.level", float("nan"), ts=later),
        _reading(3, "T-1.level", "12", ts=later + 1),
        _reading(4, "T-1.level", 5.0, ts=MS + 3_600_000),
        _reading(5, "T-1.level", 25.0, ts=later + 2),
        _reading(6, "T-1.level", None, ts=later + 3, quality="bad", reason="source_down"),
        _reading(7, "T-1.level", 1.0, ts=later + 4, quality="uncertain", reason="raw_below")]),
        now=NOW)
    assert (result.stored, result.invalid) == (6, 6)
    reasons = list(Reading.objects.filter(valid=False).order_by("seq")
                   .values_list("seq", "reason"))
    assert reasons == [(2, "not_finite"), (3, "not_a_number"), (4, "future_time"),
                       (5, "out_of_range"), (6, "source_down"), (7, "raw_below")]
    level = Sensor.objects.get(point="T-1.level")
    # the newest record counts for the live value and quality; the alarm stays at H
    assert (level.last_value, level.last_quality, level.alarm_state) == (1.0, "uncertain",
                                                                         "high")


def test_points_the_gateway_has_no_sensor_for_are_refused_and_logged(gateway, world):
    other = batch_store(_batch([_reading(1, "T-1.level", 3.0), _reading(2, "X-9.level", 1.0)]),
                        now=NOW)
    assert (other.stored, other.refused) == (1, ("X-9.level",))
    event = SecurityEvent.objects.get(kind="ingest_refused")
    assert event.detail == {"gateway": "gw-a", "reason": "unknown_points",
                            "points": ["X-9.level"], "count": 1}
