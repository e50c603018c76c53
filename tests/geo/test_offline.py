"""geo.offline: a form sent from the phone's queue is stored once however often it
arrives (real PostGIS; the daily commitment is the form). The queue itself, offline and
back online in a real browser: tests/geo/test_offline_browser.py."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client

from geo.models import OfflineReceipt
from monitoring.commitments.models import Commitment
from tests.monitoring.commitments.conftest import CARD, people  # noqa: F401  (fixture)

URL = "/monitoring/commitments/"
FORM = {**{k: ("True" if v is True else "False" if v is False else v) for k, v in CARD.items()},
        "principal": "王主任", "confirmed": "on"}


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def send(c: Client, key, **changes):
    return c.post(URL, {**FORM, **changes}, headers={"X-Offline-Id": str(key)})


def test_a_record_sent_twice_is_stored_once_and_answered_alike(world, people):  # noqa: F811
    c, key = client_of(world.users["enterprise"]), uuid.uuid4()
    first, again = send(c, key), send(c, key)
    assert (first.status_code, first["Location"]) == (302, URL)
    assert (again.status_code, again["Location"], again["X-Offline-Replayed"]) == (302, URL, "1")
    assert Commitment.objects.count() == 1 and OfflineReceipt.objects.get().status == 302


def test_a_refused_record_keeps_nothing_and_may_be_sent_again_corrected(world, people):  # noqa: F811
    c, key = client_of(world.users["enterprise"]), uuid.uuid4()
    assert send(c, key, confirmed="").status_code == 400
    assert not OfflineReceipt.objects.exists() and not Commitment.objects.exists()
    assert send(c, key).status_code == 302 and Commitment.objects.count() == 1


def test_the_id_is_checked_and_belongs_to_its_user(world, people):  # noqa: F811
    c = client_of(world.users["enterprise"])
    answer = c.post(URL, FORM, headers={"X-Offline-Id": "not-a-uuid"})
    assert answer.status_code == 400 and "离线记录标识无效" in answer.json()["error"]
    key = uuid.uuid4()
    send(c, key)
    other = send(client_of(world.users["county_a"]), key)  # not theirs: the view decides
    assert other.status_code == 403 and OfflineReceipt.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_store_one_and_both_succeed(world, people):  # noqa: F811
    key, answers, start = uuid.uuid4(), [], threading.Barrier(2)

    def one() -> None:
        start.wait()
        try:
            answers.append(send(client_of(world.users["enterprise"]), key).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302] and Commitment.objects.count() == 1


def test_the_service_worker_and_manifest_are_served_from_the_root(client):
    worker = client.get("/sw.js")
    assert worker["Content-Type"] == "text/javascript"
    assert worker["Service-Worker-Allowed"] == "/"
    assert b"safeatlas-pages" in b"".join(worker.streaming_content)
    manifest = client.get("/manifest.webmanifest")
    body = manifest.json()
    assert manifest["Content-Type"] == "application/manifest+json"
    assert body["display"] == "standalone" and body["start_url"] == "/"
    for icon in body["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))
