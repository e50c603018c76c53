"""The upstream exchange against a loopback province: rows mapped to its names, sent
once whatever is replayed, resumed after the province was down, AES and SM4, TCP and
HTTP; a bad configuration refused naming its field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from monitoring.alarms.models import AlarmStep, EarlyWarning
from monitoring.upstream.config import platform_check
from monitoring.upstream.models import Cursor, OutboxRow, Platform
from monitoring.upstream.services import upstream_tick
from tests.monitoring.alarms.conftest import NOW, send, series
from tests.monitoring.upstream.conftest import TABLES, platform_make

LATER = NOW + timedelta(minutes=10)
# T-1.level from 08:00:00, one a second: H then HH (an alarm, an orange warning)
LEVELS = [15.0, 17.0, 18.1, 18.3, 18.4, 18.6, 18.8, 19.0, 19.1]


def _ids(peer, table: str) -> list[str]:
    return sorted(peer.rows.get(table, {}))


def _received(peer) -> dict[str, list[str]]:
    """Our table -> the ids the peer holds in its table of that name."""
    return {t: _ids(peer, TABLES[t]["name"]) for t in TABLES}


def _expected() -> dict:
    steps = {s.step: s for s in AlarmStep.objects.all()}
    return {"readings_minute": ["gw-a/T-1.level@2026-12-02T08:00:00Z"],
            "alarms": [f"step-{steps['raised'].pk}"],
            "warnings": [f"step-{steps['pushed'].pk}"]}


def test_rows_reach_the_province_under_its_names(gateway, places, tcp_peer, world):
    send(series("T-1.level", LEVELS), at=9)
    platform = platform_make(tcp_peer)
    done = upstream_tick(now=LATER)
    assert done == {platform.code: {"readings_minute": 1, "alarms": 1, "warnings": 1}}
    ent = world.enterprises_a[0]
    expected = _expected()
    assert _received(tcp_peer) == expected
    minute = tcp_peer.rows["t_monitor_minute"][expected["readings_minute"][0]]
    assert minute == {"DATA_ID": "gw-a/T-1.level@2026-12-02T08:00:00Z",
                      "POINT_CODE": "gw-a/T-1.level", "CREDIT_CODE": ent.credit_code,
                      "COLLECT_TIME": "2026-12-02T08:00:00Z",
                      "AVG_VALUE": pytest.approx(sum(LEVELS) / 9), "SAMPLE_NUM": 9}
    raised = AlarmStep.objects.get(step="raised")
    assert tcp_peer.rows["t_alarm"][f"step-{raised.pk}"] == {
        "DATA_ID": f"step-{raised.pk}", "ALARM_ID": raised.alarm_id, "EVENT": "raised",
        "ALARM_LEVEL": 1, "POINT_CODE": "gw-a/T-1.level",
        "EVENT_TIME": raised.at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    warning = EarlyWarning.objects.get()
    pushed = AlarmStep.objects.get(step="pushed")
    assert tcp_peer.rows["t_warning"][f"step-{pushed.pk}"] == {
        "DATA_ID": f"step-{pushed.pk}", "WARN_ID": warning.pk, "EVENT": "pushed",
        "WARN_LEVEL": 2}
    # the message names the province's table and is encrypted (the peer had to open it)
    assert sorted(m["table"] for m in tcp_peer.messages) == [
        "t_alarm", "t_monitor_minute", "t_warning"]


def test_rows_outside_the_area_are_not_sent(gateway, places, tcp_peer):
    send(series("T-1.level", LEVELS), at=9)
    platform_make(tcp_peer, area="320102")   # county B: the gateway is in county A
    upstream_tick(now=LATER)
    assert tcp_peer.messages == []
    assert OutboxRow.objects.count() == 0
