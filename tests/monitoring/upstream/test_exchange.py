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


def test_replayed_twice_the_province_holds_each_row_once(gateway, places, tcp_peer):
    send(series("T-1.level", LEVELS), at=9)
    platform = platform_make(tcp_peer)
    upstream_tick(now=LATER)
    upstream_tick(now=LATER + timedelta(minutes=1))   # nothing new: nothing sent
    assert len(tcp_peer.messages) == 3
    # an acknowledgement lost on the way back: the cursors never moved, all is sent again
    Cursor.objects.filter(platform=platform).update(acked_seq=0)
    upstream_tick(now=LATER + timedelta(minutes=2))
    upstream_tick(now=LATER + timedelta(minutes=3))
    assert len(tcp_peer.messages) == 6
    assert _received(tcp_peer) == _expected()
    assert set(tcp_peer.receipts.values()) == {2}      # each row came twice, kept once
    assert OutboxRow.objects.count() == 3               # and was enqueued once
    # the replay carried the same bytes: same batch ids and rows
    assert tcp_peer.messages[:3] == tcp_peer.messages[3:]


def test_a_province_down_resumes_from_its_last_acknowledged_row(gateway, places, tcp_peer):
    send(series("T-1.level", LEVELS), at=9)
    platform = platform_make(tcp_peer)
    upstream_tick(now=LATER)
    first = {(c.table, c.acked_seq) for c in Cursor.objects.all()}
    tcp_peer.stop()
    # two more minutes of readings while the province is down
    send(series("T-1.level", [19.2] * 3, seq0=20, s0=60), at=63)
    send(series("T-1.level", [19.3] * 3, seq0=30, s0=120), at=123)
    upstream_tick(now=LATER + timedelta(minutes=2))
    cursors = Cursor.objects.filter(platform=platform)
    assert {(c.table, c.acked_seq) for c in cursors} == first      # not advanced
    minute_cursor = cursors.get(table="readings_minute")
    assert "Connection refused" in minute_cursor.error
    assert OutboxRow.objects.filter(table="readings_minute").count() == 3
    tcp_peer.start()                                              # same port again
    upstream_tick(now=LATER + timedelta(minutes=3))
    assert _ids(tcp_peer, "t_monitor_minute") == [
        "gw-a/T-1.level@2026-12-02T08:00:00Z", "gw-a/T-1.level@2026-12-02T08:01:00Z",
        "gw-a/T-1.level@2026-12-02T08:02:00Z"]
    assert set(tcp_peer.receipts.values()) == {1}                 # nothing doubled
    minute_cursor.refresh_from_db()
    assert (minute_cursor.acked_seq, minute_cursor.error) == (
        OutboxRow.objects.filter(table="readings_minute").latest("seq").seq, "")


def test_a_partial_acknowledgement_moves_the_cursor_over_the_acknowledged_only(
        gateway, places, tcp_peer):
    send(series("T-1.level", LEVELS), at=9)
    send(series("T-1.level", [19.2] * 3, seq0=20, s0=60), at=63)
    platform = platform_make(tcp_peer)
    tcp_peer.ack_limit = 1
    upstream_tick(now=LATER)
    cursor = Cursor.objects.get(platform=platform, table="readings_minute")
    rows = list(OutboxRow.objects.filter(table="readings_minute").order_by("seq"))
    assert (cursor.acked_seq, cursor.error) == (rows[0].seq, "acknowledged 1 of 2")
    tcp_peer.ack_limit = None
    upstream_tick(now=LATER + timedelta(minutes=1))
    cursor.refresh_from_db()
    assert (cursor.acked_seq, cursor.error) == (rows[1].seq, "")
    assert tcp_peer.receipts[("t_monitor_minute", rows[0].stable_id)] == 1
    assert tcp_peer.receipts[("t_monitor_minute", rows[1].stable_id)] == 2


def test_sm4_with_a_crlf_delimiter(gateway, places, sm4_peer):
    send(series("T-1.level", LEVELS), at=9)
    platform_make(sm4_peer, alg="sm4-cbc", delimiter="\\r\\n")
    upstream_tick(now=LATER)
    assert _received(sm4_peer) == _expected()


def test_a_wrong_key_is_not_taken_as_acknowledged(gateway, places, tcp_peer):
    send(series("T-1.level", LEVELS), at=9)
    platform = platform_make(tcp_peer)
    tcp_peer.key = bytes.fromhex("33" * 32)        # the province changed its key
    upstream_tick(now=LATER)
    assert set(Cursor.objects.filter(platform=platform).values_list("acked_seq", flat=True)) \
        == {0}
    assert tcp_peer.messages == []


def test_http_adapter(gateway, places, http_peer):
    send(series("T-1.level", LEVELS), at=9)
    platform = platform_make(http_peer, kind="http")
    assert upstream_tick(now=LATER) == {
        platform.code: {"readings_minute": 1, "alarms": 1, "warnings": 1}}
    assert _received(http_peer) == _expected()


def test_kafka_is_an_interface_only(gateway, places, tcp_peer):
    send(series("T-1.level", LEVELS), at=9)
    platform = platform_make(tcp_peer, kind="kafka")
    upstream_tick(now=LATER)
    assert set(Cursor.objects.filter(platform=platform).values_list("error", flat=True)) \
        == {"Kafka adapter not implemented"}


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"tables": {"alarms": {"name": "t_alarm", "fields": {"id": "ID", "levle": "L"}}}},
     "tables", "tables.alarms.fields.levle"),
    ({"tables": {"alarm": {"name": "t", "fields": {"id": "ID"}}}}, "tables", "tables.alarm"),
    ({"tables": {"alarms": {"name": "t", "fields": {"level": "L"}}}}, "tables",
     "tables.alarms.fields"),
    ({"key": "11" * 16}, "key", "32"),
    ({"encryption": "sm4-cbc"}, "key", "16"),
    ({"key": "not-hex"}, "key", "十六进制"),
    ({"endpoint": "peer.example"}, "endpoint", "主机:端口"),
    ({"delimiter": "END"}, "delimiter", "分隔符"),
])
def test_a_bad_configuration_is_refused_naming_the_field(db, change, field, words):
    platform = Platform(code="p", name="省平台", area="32", kind="tcp",
                        endpoint="127.0.0.1:9", sender="S", encryption="aes-256-gcm",
                        key="11" * 32, delimiter="\\n", tables=TABLES)
    platform_check(platform)                                  # the good one passes
    for name, value in change.items():
        setattr(platform, name, value)
    with pytest.raises(ValidationError) as refused:
        platform_check(platform)
    assert list(refused.value.message_dict) == [field]
    assert words in refused.value.message_dict[field][0]


def test_a_refused_platform_is_skipped_by_the_job(db):
    Platform.objects.create(code="bad", name="省平台", area="32", kind="tcp",
                            endpoint="127.0.0.1:9", sender="S", encryption="aes-256-gcm",
                            key="11" * 8, tables=TABLES)
    done = upstream_tick(now=LATER)
    assert list(done["bad"]["refused"]) == ["key"]
    assert Cursor.objects.count() == 0


def test_acknowledged_rows_are_pruned_after_a_week_and_not_sent_again(
        gateway, places, tcp_peer):
    send(series("T-1.level", LEVELS), at=9)
    platform = platform_make(tcp_peer)
    tcp_peer.ack_limit = 0                              # nothing acknowledged
    upstream_tick(now=LATER)
    Cursor.objects.filter(platform=platform).exclude(table="readings_minute").update(
        acked_seq=10**9)                                # but the alarms and warnings were
    tcp_peer.stop()
    upstream_tick(now=LATER + timedelta(days=8))
    # acknowledged and old: gone, not queued again; the unacknowledged minute stays
    assert list(OutboxRow.objects.values_list("table", flat=True)) == ["readings_minute"]
    tcp_peer.ack_limit = None
    tcp_peer.start()
    upstream_tick(now=LATER + timedelta(days=8, minutes=1))
    assert len(tcp_peer.messages) == 4                  # 3 unacknowledged, then the minute
    minutes = [m for m in tcp_peer.messages if m["table"] == "t_monitor_minute"]
    assert len(minutes) == 2 and minutes[0] == minutes[1]     # the same message again
    assert OutboxRow.objects.count() == 0               # acknowledged and old: pruned too
    upstream_tick(now=LATER + timedelta(days=8, minutes=2))
    assert len(tcp_peer.messages) == 4                  # and not queued again
