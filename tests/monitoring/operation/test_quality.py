"""Data quality per enterprise / division: drop reports (DataGap), invalid readings by
reason from the ingest's hourly tallies (kept in its one statement, resends not counted),
flat-line alarms; in scope."""

from __future__ import annotations

from datetime import timedelta

from geo.scope import EVERYTHING, scope_for_user
from monitoring.devices.models import Sensor
from monitoring.ingest.models import InvalidTally
from monitoring.ingest.services import batch_store
from monitoring.operation import selectors
from tests.monitoring.alarms.grading_data import alarm
from tests.monitoring.operation.conftest import T0, H

MS = int(T0.timestamp() * 1000)


def _reading(seq, point, value, *, ts=MS, quality="good"):
    return {"seq": seq, "kind": "reading", "point": point, "ts": ts, "value": value,
            "quality": quality, "unit": "", "reason": ""}


def _batch(code, records, **extra):
    return {"v": 1, "kind": "batch", "gateway": code, "records": records,
            "first_seq": records[0]["seq"], "last_seq": records[-1]["seq"], **extra}


def _quality(scope=EVERYTHING, level="enterprise"):
    rows = selectors.operation_rows(scope=scope, level=level, start=T0, end=T0 + 24 * H,
                                    now=T0 + 24 * H)
    return {r.key: (r.gaps, r.dropped, r.invalid, r.flatlines) for r in rows}


def test_quality_counts(gateways):
    e1, e2 = gateways.world.enterprises_a[:2]
    e11 = gateways.world.enterprises_b[0]
    doc = _batch("gw-a", [
        _reading(1, "gw-a.level", 25.0),                        # above its 0–20 range
        _reading(2, "gw-a.level", 30.0, ts=MS + 1000),
        _reading(3, "gw-a.level", 5.0, ts=MS + 2000, quality="bad"),
        _reading(4, "gw-a.level", 5.0, ts=MS + 2 * 3600_000),   # valid, two hours on
    ], dropped={"count": 120, "before_seq": 1})
    stored = batch_store(doc, now=T0 + 3 * H)
    assert (stored.stored, stored.invalid) == (4, 3)
    batch_store(doc, now=T0 + 3 * H)  # a resend counts nothing twice
    batch_store(_batch("gw-c", [_reading(1, "gw-c.level", -1.0)]), now=T0 + H)
    assert sorted(InvalidTally.objects.values_list("reason", "count")) == [
        ("bad", 1), ("out_of_range", 1), ("out_of_range", 2)]
    alarm(e1, Sensor.objects.get(point="gw-a.level"), 4, T0 + 2 * H, kind="flatline")
    alarm(e1, Sensor.objects.get(point="gw-a.level"), 4, T0 - H, kind="flatline")  # before
    assert _quality() == {
        str(e1.pk): (1, 120, {"out_of_range": 2, "bad": 1}, 1),
        str(e2.pk): (0, 0, {}, 0),
        str(e11.pk): (0, 0, {"out_of_range": 1}, 0)}
    assert _quality(level="county") == {
        "320101": (1, 120, {"out_of_range": 2, "bad": 1}, 1),
        "320102": (0, 0, {"out_of_range": 1}, 0)}
    county_b = scope_for_user(gateways.world.users["county_b"])
    assert _quality(county_b) == {str(e11.pk): (0, 0, {"out_of_range": 1}, 0)}
    late = selectors.operation_rows(scope=EVERYTHING, level="enterprise",
                                    start=T0 + timedelta(hours=4), end=T0 + 24 * H,
                                    now=T0 + 24 * H)
    assert {r.key: r.invalid_total for r in late}[str(e1.pk)] == 0
