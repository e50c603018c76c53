"""The live event stream (/monitoring/events, ADR 0018) over real HTTP against a live
server thread: the ingest's store makes the alarms, PostgreSQL's NOTIFY carries them to
the process's one listener, each stream reads them again through its caller's scope."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from bench.sse import Stream
from geo import listen
from geo.models import ApiToken, Role, User
from geo.scope import scope_for_user
from geo.tokens import token_revoke
from monitoring.alarms import selectors
from monitoring.alarms.fanout import HUB
from monitoring.alarms.models import (
    Alarm,
    AlarmStep,
    EarlyWarning,
    Suppression,
    SuppressionState,
)
from monitoring.alarms.services import alarm_acknowledge
from monitoring.devices.models import Sensor
from monitoring.devices.services import gateway_create, sensor_create
from tests.monitoring.alarms.conftest import NOW, send, series

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/monitoring/events"


@pytest.fixture(scope="module", autouse=True)
def _listener(django_db_setup):
    """The stream's LISTEN connection must be gone before the test database is dropped."""
    yield
    HUB.stop()


@pytest.fixture(autouse=True)
def _streams(settings):
    settings.EVENT_STREAMS_MAX = 10
    settings.EVENT_HEARTBEAT_SECONDS = 1  # a closed client is found at the next beat
    yield
    deadline = time.monotonic() + 10
    while HUB.count() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert HUB.count() == 0  # every stream a test closed has let go of its subscription


@pytest.fixture
def served(live_server):
    """The live server, past its first request (the URLconf builds the Dash apps)."""
    requests.get(live_server.url + URL, timeout=120)
    return live_server


@pytest.fixture
def gateway_b(world, gateway):
    """A second plant, in county B, with the same level sensor as county A's."""
    ent = world.enterprises_b[0]
    gw = gateway_create(enterprise=ent, code="gw-b", name="乙县网关", geom=ent.geom)
    sensor_create(gateway=gw, point="T-1.level", name="液位", indicator="level",
                  measure_unit="m", range_low=0, range_high=20, threshold_h=16,
                  threshold_hh=18, geom=ent.geom)
    yield gw
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM monitoring_reading WHERE gateway = 'gw-b'")


def _high_high(gateway_code: str, seq0: int = 1) -> float:
    """An HH level: an alarm and its orange warning, committed; returns the commit time."""
    send(series("T-1.level", [17.0, 18.5, 18.6, 18.7, 18.8, 18.9, 19.0], seq0=seq0),
         at=7, gateway_code=gateway_code)
    return time.monotonic()


def _token(world, name: str) -> dict:
    return {"Authorization": f"Token {world.tokens[name]}"}


def _session(user) -> dict:
    client = Client()
    client.force_login(user)
    return {"Cookie": f"{django_settings.SESSION_COOKIE_NAME}="
                      f"{client.cookies[django_settings.SESSION_COOKIE_NAME].value}"}


def _open(served, headers: dict, **kw) -> Stream:
    stream = Stream(served.url + URL, headers, **kw)
    assert stream.status == 200, stream.response.read()
    assert stream.response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
    return stream


def _summary(events) -> list[tuple]:
    return [(e.type, e.data["alarm"]["enterprise"]["name"], e.data["alarm"]["level"],
             (e.data["warning"] or {}).get("level")) for e in events]


def test_each_county_receives_its_own_new_warning_only(served, world, gateway_b):
    a = _open(served, _token(world, "county_a"))     # an API-token client
    b = _open(served, _session(world.users["county_b"]))  # a signed-in browser
    try:
        assert [a.next().type, b.next().type] == ["stream.ready", "stream.ready"]
        committed = _high_high("gw-a")
        got_a = a.events(2)
        print(f"\ncommit -> event received: {1000 * (got_a[1].received - committed):.0f} ms")
        name_a, name_b = world.enterprises_a[0].name, world.enterprises_b[0].name
        # rows as they are when read: the alarm's warning committed with it, so both show it
        assert _summary(got_a) == [("alarm.raised", name_a, 1, 2),
                                   ("warning.raised", name_a, 1, 2)]
        warning_a = EarlyWarning.objects.get(enterprise=world.enterprises_a[0])
        assert got_a[1].data["warning"]["id"] == warning_a.pk
        assert got_a[1].data["warning"]["url"] == f"/monitoring/warnings/{warning_a.pk}/"
        assert [e.id for e in got_a] == list(AlarmStep.objects.filter(
            alarm__enterprise=world.enterprises_a[0]).order_by("pk").values_list("pk", flat=True))
        _high_high("gw-b")
        assert _summary(b.events(2)) == [("alarm.raised", name_b, 1, 2),
                                         ("warning.raised", name_b, 1, 2)]
        time.sleep(1.0)  # B's events had every chance to reach A's stream too
        assert a.pending() == [] and b.pending() == []
    finally:
        a.close()
        b.close()


def test_a_stream_reads_each_event_again_through_its_scope(world, gateway_b):
    """Whatever the notification said, the ids are read through the caller's scope."""
    _high_high("gw-b")
    ids = list(AlarmStep.objects.values_list("pk", flat=True))
    county_a, county_b = (scope_for_user(world.users[n]) for n in ("county_a", "county_b"))
    assert selectors.events_read(scope=county_a, ids=ids) == []
    assert [e["type"] for e in selectors.events_read(scope=county_b, ids=ids)] == \
        ["alarm.raised", "warning.raised"]


def test_a_reconnecting_client_gets_what_it_missed(served, world, gateway, settings):
    first = _open(served, _token(world, "county_a"))
    ready = first.next()
    first.close()
    assert (ready.type, ready.data) == ("stream.ready", {"since": ready.id})
    _high_high("gw-a")  # while nobody listens
    steps = list(AlarmStep.objects.order_by("pk").values_list("pk", flat=True))
    resumed = _open(served, {**_token(world, "county_a"), "Last-Event-ID": str(ready.id)})
    try:
        got = resumed.events(2)
        assert [(e.type, e.id) for e in got] == list(zip(["alarm.raised", "warning.raised"],
                                                         steps, strict=True))
    finally:
        resumed.close()
    # from the first of them: only the second; with a bound of one: told, then the newest
    again = _open(served, _token(world, "county_a") | {"Last-Event-ID": str(steps[0])})
    assert [(e.type, e.id) for e in [again.next()]] == [("warning.raised", steps[1])]
    again.close()
    settings.EVENT_REPLAY_MAX = 1
    bounded = _open(served, _token(world, "county_a"), )
    bounded.close()
    bounded = Stream(f"{served.url}{URL}?last_event_id={ready.id}", _token(world, "county_a"))
    try:
        got = bounded.events(2)
        assert [(e.type, e.id) for e in got] == [("stream.truncated", None),
                                                 ("warning.raised", steps[1])]
        assert got[0].data == {"replayed": 1}
    finally:
        bounded.close()


def test_heartbeats_keep_an_idle_stream_and_a_gone_client_is_let_go(served, world,
                                                                    settings):
    settings.EVENT_HEARTBEAT_SECONDS = 0.3
    stream = _open(served, _token(world, "province"))
    assert stream.next().type == "stream.ready"
    started = time.monotonic()
    beat = stream.next(comments=True)
    assert (beat.type, beat.data) == ("comment", {"text": "heartbeat"})
    assert 0.2 < beat.received - started < 2.0
    assert HUB.count() == 1
    stream.close()
    deadline = time.monotonic() + 5
    while HUB.count() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert HUB.count() == 0  # the next heartbeat found the client gone


def test_anonymous_and_bad_callers_are_refused(served, world):
    url = served.url + URL
    anonymous = requests.get(url, timeout=10)
    assert (anonymous.status_code, anonymous.json()) == (401, {"detail": "需要登录或访问令牌"})
    assert requests.get(url, headers={"Authorization": "Token nope"}, timeout=10) \
        .status_code == 401
    auditor = User.objects.create_user("auditor", password="pw", role=Role.AUDITOR)
    refused = requests.get(url, headers=_session(auditor), timeout=10)
    assert (refused.status_code, refused.json()) == (403, {"detail": "调用者无权查看"})


def test_a_revoked_token_ends_its_stream(served, world, settings):
    settings.EVENT_HEARTBEAT_SECONDS = 0.3
    stream = _open(served, _token(world, "county_a"))
    assert stream.next().type == "stream.ready"
    token_revoke(ApiToken.objects.get(user=world.users["county_a"]))
    closed = stream.next()
    assert (closed.type, closed.data) == ("stream.closed", {"reason": "unauthorised"})
    assert stream.next() is None
    stream.close()


def test_streams_per_process_are_capped(served, world, settings):
    settings.EVENT_STREAMS_MAX = 1
    first = _open(served, _token(world, "county_a"))
    try:
        second = requests.get(served.url + URL, headers=_token(world, "county_b"),
                              timeout=10)
        assert (second.status_code, second.headers["Retry-After"]) == (503, "30")
        assert second.json() == {"detail": "实时事件连接数已达上限，请稍后重试"}
    finally:
        first.close()


def test_the_enterprise_signing_for_an_alarm_is_an_update(served, world, gateway):
    stream = _open(served, _token(world, "enterprise"))  # the enterprise's own scope
    try:
        assert stream.next().type == "stream.ready"
        _high_high("gw-a")
        assert [e.type for e in stream.events(2)] == ["alarm.raised", "warning.raised"]
        alarm_acknowledge(alarm=Alarm.objects.get(), user=world.users["enterprise"])
        update = stream.next()
        assert (update.type, update.data["step"], update.data["alarm"]["status"]) == \
            ("alarm.updated", "acknowledged", "acknowledged")
    finally:
        stream.close()


def test_a_suppressed_alarm_is_never_an_event(world, gateway):
    """An approved maintenance window keeps the alarm on record and off the stream."""
    window = Suppression.objects.create(
        enterprise=world.enterprises_a[0], kind="maintenance", starts=NOW - timedelta(hours=1),
        ends=NOW + timedelta(hours=1), reason="检修", state=SuppressionState.APPROVED,
        division_code=world.enterprises_a[0].division_code,
        organisation_id=world.enterprises_a[0].organisation_id)
    window.sensors.add(Sensor.objects.get(gateway=gateway, point="T-1.level"))
    _high_high("gw-a")
    assert list(AlarmStep.objects.values_list("step", flat=True)) == ["raised", "suppressed"]
    province = scope_for_user(world.users["province"])
    assert selectors.events_after(scope=province, after=0, limit=10) == ([], False)
    assert selectors.events_last_id(scope=province) == 0


def test_events_committed_while_the_listener_reconnects_are_caught_up(served, world,
                                                                      gateway):
    stream = _open(served, _token(world, "county_a"))
    try:
        assert stream.next().type == "stream.ready"
        with connection.cursor() as cursor:  # PostgreSQL drops the process's LISTEN session
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE application_name = %s AND datname = current_database()",
                           [listen.APPLICATION_NAME])
            assert cursor.fetchone() == (True,)
        _high_high("gw-a")  # within the listener's 1 s pause: no notification reaches it
        assert [e.type for e in stream.events(2)] == ["alarm.raised", "warning.raised"]
    finally:
        stream.close()
