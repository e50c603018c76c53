"""Unified messaging: inbox once per key, e-mail and SMS copies after commit, inbox page."""

from __future__ import annotations

import pytest
from django.core import mail

from geo import sms
from geo.messaging import Message, notify, notify_many
from geo.models import Notification


@pytest.fixture
def outboxes(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "geo.sms.LocmemBackend"
    sms.outbox.clear()
    yield mail.outbox, sms.outbox
    sms.outbox.clear()


def _msg(key: str = "k1") -> Message:
    return Message(kind="test", title="测试标题", body="测试内容", key=key, link="/layers/")


def test_each_key_reaches_each_user_once(world, outboxes, django_capture_on_commit_callbacks):
    emails, texts = outboxes
    a, b = world.users["county_a"], world.users["county_b"]
    a.email, a.mobile = "a@example.org", "13800000001"
    a.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([a, b], _msg()) == [a, b]
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([a, b], _msg()) == []              # same key: nothing new
        assert notify([a], _msg("k2")) == [a]
    assert Notification.objects.filter(recipient=a).count() == 2
    assert Notification.objects.filter(recipient=b).count() == 1
    assert [m.to for m in emails] == [["a@example.org"], ["a@example.org"]]  # b has no e-mail
    assert "http" in emails[0].body and "/layers/" in emails[0].body
    assert texts == [("13800000001", "测试标题：测试内容")] * 2


def test_rolled_back_job_sends_no_copies(world, outboxes, django_capture_on_commit_callbacks):
    emails, texts = outboxes
    user = world.users["county_a"]
    user.email, user.mobile = "a@example.org", "13800000001"
    user.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_many([(user, _msg())])
    assert len(callbacks) == 1 and emails == [] and texts == []


def test_inbox_shows_only_own_messages_and_marks_read(world, client):
    notify([world.users["county_a"]], _msg("mine"))
    notify([world.users["county_b"]], Message(kind="t", title="别人的消息", body="", key="x"))
    client.force_login(world.users["county_a"])
    page = client.get("/inbox/").content.decode()
    assert "测试标题" in page and "别人的消息" not in page
    assert '<b class="badge">1</b>' in page
    mine = Notification.objects.get(key="mine")
    other = Notification.objects.get(key="x")
    assert client.get(f"/inbox/{other.pk}/").status_code == 404
    response = client.get(f"/inbox/{mine.pk}/")
    assert response.status_code == 302 and response["Location"] == "/layers/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert '<b class="badge">' not in client.get("/inbox/").content.decode()


def test_inbox_needs_login(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_offsite_link_is_not_followed(world, client):
    notify([world.users["county_a"]], Message(kind="t", title="t", body="", key="evil",
                                               link="https://evil.example/"))
    client.force_login(world.users["county_a"])
    note = Notification.objects.get(key="evil")
    assert client.get(f"/inbox/{note.pk}/")["Location"] == "/inbox/"
