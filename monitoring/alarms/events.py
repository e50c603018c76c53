"""Alarm and warning events announced on PostgreSQL's `NOTIFY` channel `safeatlas_events`,
sent when the transaction that made them commits (so a rolled-back batch announces
nothing).

An event is a step of an alarm's timeline (`AlarmStep`): its id is the step's id, so the
table is also the event log that a stream replays from after a reconnect (ADR 0018). The
payload carries ids and place only; a listener reads the rows themselves through the
caller's scope, so the stream can never show what the reader may not see.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection

from monitoring.alarms.models import AlarmStep, Step

CHANNEL = "safeatlas_events"
# Which steps are events, and of which type. Reminders change nothing a viewer sees, and
# suppression keeps an alarm silent, so neither is announced.
STEP_EVENTS = {
    Step.RAISED: "alarm.raised",
    Step.REOPENED: "alarm.updated", Step.CLEARED: "alarm.updated",
    Step.ACKNOWLEDGED: "alarm.updated", Step.HANDLED: "alarm.updated",
    Step.RETURNED: "alarm.updated", Step.RELEASED: "alarm.updated",
    Step.PUSHED: "warning.raised",
    Step.UPGRADED: "warning.updated", Step.ESCALATED: "warning.updated",
}


def steps_publish(steps: Iterable[AlarmStep]) -> None:
    """Announce the steps that are events (one notification each, at commit)."""
    payloads = [json.dumps(step_payload(s)) for s in steps if s.step in STEP_EVENTS]
    if not payloads:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, p) FROM unnest(%s::text[]) AS p",
                       [CHANNEL, payloads])


def step_payload(step: AlarmStep) -> dict:
    alarm = step.alarm
    return {"id": step.pk, "type": STEP_EVENTS[step.step], "alarm": alarm.pk,
            "level": alarm.level, "division_code": alarm.division_code,
            "organisation_id": alarm.organisation_id}
