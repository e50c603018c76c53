"""Writes of the operation slice: the outage log (设备异常日志). Called where the states
change, inside their transactions: a gateway's `online` flag in
`devices.services.gateways_offline_mark` (falls) and the ingest's `_seen` (rises); its
sensors' no-valid-data alarm where the alarm rules raise it (`alarms.evaluate._no_data`)
and clear it (`alarms.services.gateway_heard`); and by the job runner's prune."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from monitoring.operation.models import Outage, OutageCause

_OPEN = f"""
INSERT INTO {Outage._meta.db_table} (gateway_id, cause, started)
SELECT code, %s, coalesce(%s, last_seen, %s) FROM monitoring_gateway WHERE code = ANY(%s)
ON CONFLICT DO NOTHING"""


def outages_open(codes: list[str], *, now: datetime, cause: str = OutageCause.OFFLINE,
                 since: datetime | None = None) -> int:
    """Open an outage for each of these gateways from `since`, else from when it was last
    heard (now when never); one already open for the cause stays as it is. One
    statement."""
    if not codes:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_OPEN, [cause, since, now, list(codes)])
        return cursor.rowcount


def outage_close(code: str, *, now: datetime, cause: str = OutageCause.OFFLINE) -> int:
    """The gateway is heard again: its open outage of `cause` ends now."""
    return Outage.objects.filter(gateway_id=code, cause=cause, ended__isnull=True) \
        .update(ended=now)


def outages_prune(*, now: datetime) -> int:
    """Ended outages older than OUTAGE_RETENTION_DAYS go (open ones stay however old)."""
    cutoff = now - timedelta(days=settings.OUTAGE_RETENTION_DAYS)
    deleted, _ = Outage.objects.filter(ended__lt=cutoff).delete()
    return deleted
