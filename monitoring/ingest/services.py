"""Storing what gateways send (protocol §3): batches and heartbeats, each in one
transaction, so the transport acknowledges only what is committed.

A batch's readings are written with COPY into a scratch table, then moved into the
partitioned readings table with `ON CONFLICT DO NOTHING` (a resent record is a no-op), and
the sensors' live columns follow the newest new reading of each, in the same statement:
one COPY and one statement per batch, never a query per reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from collectors.protocol import REPLAY_WINDOW, Rejected
from geo.models import SecurityEventKind
from geo.security_log import security_event
from monitoring.alarms import services as alarms
from monitoring.devices.models import ALARM_LEVELS, Gateway, Sensor
from monitoring.ingest.models import DataGap
from monitoring.ingest.records import Point, reading_rows
from monitoring.operation.services import outage_close

COLUMNS = "gateway, seq, ts, sensor_id, value, raw, quality, valid, reason, received"
_ALARM = """CASE
    WHEN s.threshold_hh IS NOT NULL AND l.value >= s.threshold_hh THEN 'high_high'
    WHEN s.threshold_ll IS NOT NULL AND l.value <= s.threshold_ll THEN 'low_low'
    WHEN s.threshold_h IS NOT NULL AND l.value >= s.threshold_h THEN 'high'
    WHEN s.threshold_l IS NOT NULL AND l.value <= s.threshold_l THEN 'low'
    ELSE 'normal' END"""
# Judged on the row being updated (no second join of the sensors): an invalid value
# keeps the state it had.
_STATE = f"coalesce(CASE WHEN l.valid THEN {_ALARM} END, s.alarm_state)"
# The map colour of each state comes from the one table in the devices slice.
_LEVELS = " ".join(f"WHEN '{state}' THEN {level}" for state, level in ALARM_LEVELS.items())
# The statement's parts run in no set order, and two workers storing batches of the same
# sensors (a gateway's batches spread over a shared subscription) locked the sensors' and
# the rollups' rows in different orders: deadlocks (4 in 200 batches of bench.ingest).
# Every part that locks reads `held`, which waits for `locked`: the batch's sensor rows are
# locked in id order (the lock the live-state update takes, which foreign keys to the
# sensors do not wait for) before any rollup, tally or sensor row, so the rest of the
# batch queues behind them. The readings' insert runs before, side by side with the other
# worker's: it waits only for a resent copy of its own rows, never while holding those.
_MOVE = f"""
WITH locked AS (  -- the batch's sensors, in id order (see the comment above)
    SELECT id FROM monitoring_sensor WHERE id IN (SELECT sensor_id FROM ingest_rows)
    ORDER BY id FOR NO KEY UPDATE),
ins AS (
    INSERT INTO monitoring_reading ({COLUMNS}) SELECT {COLUMNS} FROM ingest_rows
    ON CONFLICT DO NOTHING RETURNING sensor_id, ts, value, quality, valid, reason),
held AS (  -- the new rows once the sensors are locked (the condition is always true)
    SELECT * FROM ins WHERE (SELECT count(*) FROM locked) >= 0),
latest AS (  -- a time that cannot be trusted must not hold the live value
    SELECT DISTINCT ON (sensor_id) sensor_id, ts, value, quality, valid
    FROM held WHERE reason NOT IN ('future_time', 'bad_time') ORDER BY sensor_id, ts DESC),
rolled AS (  -- per-minute and per-hour sums of the valid new readings, for charts
    INSERT INTO monitoring_readingrollup AS r (sensor_id, step, bucket, count, total, low, high)
    SELECT sensor_id, step, date_trunc(step, ts), count(*), sum(value), min(value), max(value)
    FROM held CROSS JOIN (VALUES ('minute'), ('hour')) AS steps (step)
    WHERE valid GROUP BY sensor_id, step, date_trunc(step, ts)
    ON CONFLICT (sensor_id, step, bucket) DO UPDATE SET count = r.count + excluded.count,
        total = r.total + excluded.total, low = least(r.low, excluded.low),
        high = greatest(r.high, excluded.high)),
tallied AS (  -- invalid new readings per sensor, hour and reason (data-quality statistics)
    INSERT INTO monitoring_invalidtally AS t (sensor_id, bucket, reason, count)
    SELECT sensor_id, date_trunc('hour', ts), reason, count(*) FROM held
    WHERE NOT valid GROUP BY sensor_id, date_trunc('hour', ts), reason
    ON CONFLICT (sensor_id, bucket, reason) DO UPDATE SET count = t.count + excluded.count),
upd AS (
    UPDATE monitoring_sensor s SET last_value = l.value, last_quality = l.quality,
        last_at = l.ts, alarm_state = {_STATE}, alarm_level = CASE {_STATE} {_LEVELS} END
    FROM latest l WHERE s.id = l.sensor_id AND (s.last_at IS NULL OR l.ts >= s.last_at)
    RETURNING 1)
SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM upd),
    -- what the alarm rules evaluate: the valid new readings in sample order, and the
    -- sensors that sent only invalid ones
    (SELECT array_agg(sensor_id ORDER BY sensor_id, ts) FROM ins WHERE valid),
    (SELECT array_agg(extract(epoch FROM ts)::float8 ORDER BY sensor_id, ts)
     FROM ins WHERE valid),
    (SELECT array_agg(value ORDER BY sensor_id, ts) FROM ins WHERE valid),
    (SELECT array_agg(DISTINCT sensor_id) FROM ins WHERE NOT valid)
"""


@dataclass(frozen=True)
class Stored:
    """What one batch did: rows new to the table, resent rows ignored, records refused."""

    stored: int
    duplicates: int
    invalid: int
    refused: tuple[str, ...]
    sensors_updated: int


class Replayed(Rejected):
    """The message's nonce was already stored: a replay, or a redelivery of a message
    that is committed (an MQTT worker died before its acknowledgement)."""

    def __init__(self) -> None:
        super().__init__(409, "replayed_nonce")


@transaction.atomic
def message_store(doc: dict, nonce: str, *, now: datetime | None = None) -> Stored | None:
    """Store one verified message (batch or heartbeat) once per nonce, in one transaction
    with the nonce: what is refused as a replay was committed, and what was not committed
    can come again. Raises Replayed, or Rejected for an unknown kind."""
    now = now or datetime.now(UTC)
    kind = doc.get("kind")
    if kind not in ("batch", "heartbeat") or \
            (kind == "batch" and not isinstance(doc.get("records"), list)):
        raise Rejected(400, "unknown_kind")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO monitoring_seennonce (nonce, gateway, seen) "
                       "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                       [nonce[:64], doc["gateway"][:64], now])
        if cursor.rowcount == 0:
            raise Replayed()
        if nonce.startswith("00"):  # random hex: one message in 256 clears the old ones
            cursor.execute("DELETE FROM monitoring_seennonce WHERE seen < %s",
                           [now - timedelta(seconds=2 * REPLAY_WINDOW)])
    if kind == "heartbeat":
        return heartbeat_store(doc, now=now)
    return batch_store(doc, now=now)


# No savepoint inside message_store's transaction (two statements a batch saved): nothing
# catches an error between the two, so it rolls the whole transaction back either way.
@transaction.atomic(savepoint=False)
def batch_store(doc: dict, *, now: datetime | None = None) -> Stored:
    """Store one verified `batch` message (protocol §3.1) of `doc["gateway"]`."""
    now = now or datetime.now(UTC)
    gateway = doc["gateway"]
    records = [r for r in doc.get("records", []) if r.get("kind") == "reading"]
    rows = reading_rows(gateway, records, _points(gateway, records), now)
    stored = updated = 0
    ids: list[int] = []
    if rows.rows:
        stored, updated, *judged = _move(rows.rows)
        ids, times, values, invalid = (x or [] for x in judged)
        alarms.batch_evaluate(gateway=gateway, sensor_ids=ids, times=times, values=values,
                              invalid_only=invalid, now=now)
    _gap(gateway, doc.get("dropped"), now)
    _seen(gateway, now, valid=bool(ids))
    if rows.refused:
        security_event(None, SecurityEventKind.INGEST_REFUSED, gateway=gateway,
                       reason="unknown_points", points=sorted(rows.refused)[:50],
                       count=len(rows.refused))
    return Stored(stored, len(rows.rows) - stored, rows.invalid, tuple(sorted(rows.refused)),
                  updated)


@transaction.atomic(savepoint=False)
def heartbeat_store(doc: dict, *, now: datetime | None = None) -> None:
    _seen(doc["gateway"], now or datetime.now(UTC))


def refusal_log(gateway: str, reason: str, **detail) -> None:
    """A message refused before it could be opened (bad signature, unknown gateway, …)."""
    security_event(None, SecurityEventKind.INGEST_REFUSED, gateway=gateway[:64],
                   reason=reason, **detail)


def _points(gateway: str, records: list[dict]) -> dict[str, Point]:
    wanted = {r.get("point") for r in records if isinstance(r.get("point"), str)}
    rows = Sensor.objects.filter(gateway_id=gateway, point__in=wanted, in_use=True) \
        .values_list("point", "id", "range_low", "range_high")
    return {point: Point(pk, low, high) for point, pk, low, high in rows}


def _move(rows: list[tuple]) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS ingest_rows"
                       " (LIKE monitoring_reading) ON COMMIT DELETE ROWS")
        with cursor.cursor.copy(f"COPY ingest_rows ({COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(_MOVE)
        return cursor.fetchone()


def _gap(gateway: str, dropped, now: datetime) -> None:
    if isinstance(dropped, dict) and isinstance(dropped.get("count"), int) \
            and isinstance(dropped.get("before_seq"), int) and dropped["count"] > 0:
        DataGap.objects.get_or_create(gateway=gateway, before_seq=dropped["before_seq"],
                                      defaults={"count": dropped["count"], "reported": now})


# One statement whatever the state; it returns whether the gateway was offline before
# (the row locked first, so of two workers only one sees the flag rise).
_SEEN = f"""
WITH old AS (SELECT id, online FROM {Gateway._meta.db_table} WHERE code = %s FOR UPDATE)
UPDATE {Gateway._meta.db_table} g SET last_seen = %s, online = TRUE FROM old
WHERE g.id = old.id RETURNING old.online"""


def _seen(gateway: str, now: datetime, valid: bool = False) -> None:
    """The gateway is heard: online again; when it was offline, its outage ends."""
    with connection.cursor() as cursor:
        cursor.execute(_SEEN, [gateway, now])
        row = cursor.fetchone()
    if row is not None and not row[0]:
        outage_close(gateway, now=now)
    alarms.gateway_heard(gateway, now=now, valid=valid)
