"""New alarms and warnings announced on PostgreSQL's `NOTIFY` channel `safeatlas_events`,
sent when the transaction that made them commits (so a rolled-back batch announces
nothing). The payload carries ids and place only; a listener reads the rows themselves
through the caller's scope, so the stream can never show what the reader may not see."""

from __future__ import annotations

import json

from django.db import connection

CHANNEL = "safeatlas_events"


def event_publish(kind: str, row, **extra) -> None:
    payload = {"type": kind, "id": row.pk, "level": row.level,
               "division_code": row.division_code, "organisation_id": row.organisation_id,
               **extra}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, json.dumps(payload)])
