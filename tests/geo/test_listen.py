"""The one LISTEN connection per process (geo.listen), with both of its channels (the
tile versions and the alarm events) on a real PostgreSQL."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from geo import listen
from geo.scope import Scope
from monitoring.alarms import events
from monitoring.alarms.fanout import HUB, RESYNC
from tiles import versions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _stopped():
    listen.stop()
    yield
    listen.stop()


def _listeners() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s"
                       " AND datname = current_database()", [listen.APPLICATION_NAME])
        return [pid for (pid,) in cursor.fetchall()]


def _until(check, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.05)
    return check()


def test_both_channels_share_one_connection():
    assert versions.ensure_listening(wait=5)
    assert HUB.ensure_listening(wait=5)
    assert listen.live(versions.CHANNEL) and listen.live(events.CHANNEL)
    assert len(_listeners()) == 1


def test_after_a_lost_connection_tiles_reload_and_streams_catch_up():
    assert versions.ensure_listening(wait=5) and HUB.ensure_listening(wait=5)
    sub = HUB.subscribe(Scope(everything=True), limit=10)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", _listeners())
        # written while nobody listens: no notification, only the reload can find it
        cursor.execute("INSERT INTO tiles_layerversion (layer_table, version)"
                       " VALUES ('listen_probe', 987654321)")
    try:
        assert _until(lambda: versions._layers.get("listen_probe") == 987654321)
        # each channel is live once it has caught up, the tiles' first
        assert _until(lambda: listen.live(versions.CHANNEL) and listen.live(events.CHANNEL))
        assert sub.queue.get(timeout=5) == RESYNC
        assert len(_listeners()) == 1
    finally:
        HUB.unsubscribe(sub)


def test_a_notification_reaches_its_channel_only():
    assert versions.ensure_listening(wait=5) and HUB.ensure_listening(wait=5)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [versions.CHANNEL, "listen_probe:42"])
    assert _until(lambda: versions._layers.get("listen_probe") == 42)
