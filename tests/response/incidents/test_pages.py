"""Incident pages through HTTP: intake (offline once), the list and one incident in the
caller's scope only, follow-ups and steps through the page, the header queues, and an
incident opened from a monitoring warning."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from geo.queues import header_counts
from monitoring.alarms.models import Alarm, EarlyWarning
from response.incidents import flow
from response.incidents.models import Incident, Stage
from response.incidents.services import incident_from_warning
from tests.response.conftest import receive

pytestmark = pytest.mark.django_db
FORM = {"title": "甲县某厂火灾", "kind": "25", "level": "3", "occurred_at": "2026-12-02T08:40",
        "address": "甲县纬三路", "lon": "118.2", "lat": "32.2", "deaths": "0", "injuries": "1",
        "missing": "0", "trapped": "2", "text": "厂房起火，2人被困", "reporter": "王五",
        "reporter_phone": "13800000000", "reporter_unit": "某厂"}


def signed_in(client, user):
    client.force_login(user)
    return client


def test_intake_page_is_offline_and_stored_once(client, people):
    c = signed_in(client, people["county_a"])
    page = c.get("/response/incidents/new/")
    assert page.status_code == 200
    assert b'data-offline="' in page.content and b'id="incident-map"' in page.content
    key = str(uuid.uuid4())
    first = c.post("/response/incidents/new/", FORM, headers={"X-Offline-Id": key})
    again = c.post("/response/incidents/new/", FORM, headers={"X-Offline-Id": key})
    assert first.status_code == again.status_code == 302
    assert again["X-Offline-Replayed"] == "1"
    incident = Incident.objects.get()
    assert (incident.kind, incident.level, incident.trapped, incident.division_code) == (
        "25", 3, 2, "320101000000")
    assert first["Location"] == f"/response/incidents/{incident.pk}/"


def test_intake_refused_outside_the_jurisdiction(client, people):
    c = signed_in(client, people["county_b"])
    assert c.post("/response/incidents/new/", FORM).status_code == 400
    assert signed_in(client, people["enterprise"]).get(
        "/response/incidents/new/").status_code == 403
    assert not Incident.objects.exists()


def test_list_and_detail_in_scope_only(client, people):
    incident = receive(people["county_a"], title="甲县储罐泄漏")
    c = signed_in(client, people["county_a"])
    listed = c.get("/response/incidents/?stage=open&level=3&category=2")
    assert f'id="incident-{incident.pk}"'.encode() in listed.content
    assert b"id=\"incident-" in c.get("/response/incidents/?q=储罐").content
    assert f'id="incident-{incident.pk}"'.encode() not in c.get(
        "/response/incidents/?level=1").content
    detail = c.get(f"/response/incidents/{incident.pk}/")
    assert detail.status_code == 200
    assert 'id="report-1"' in detail.content.decode() and "首报" in detail.content.decode()
    assert b'id="step-report_city"' in detail.content
    assert b'data-offline="' in detail.content  # the follow-up form
    for other in ("county_b", "enterprise"):
        c = signed_in(client, people[other])
        assert f'id="incident-{incident.pk}"'.encode() not in c.get(
            "/response/incidents/").content
        assert c.get(f"/response/incidents/{incident.pk}/").status_code == 404


def test_follow_up_and_steps_through_the_page(client, people):
    incident = receive(people["county_a"], level=4)
    c = signed_in(client, people["county_a"])
    key = str(uuid.uuid4())
    form = {"level": "3", "deaths": "1", "injuries": "2", "missing": "0", "trapped": "0",
            "text": "续报：1人死亡", "reporter": "张三"}
    for _ in range(2):  # replayed by the phone's queue: stored once
        assert c.post(f"/response/incidents/{incident.pk}/follow-up/", form,
                      headers={"X-Offline-Id": key}).status_code == 302
    assert incident.reports.count() == 2
    assert c.post(f"/response/incidents/{incident.pk}/step/",
                  {"action": flow.REPORT_CITY}).status_code == 302
    other = signed_in(client, people["county_b"])
    assert other.post(f"/response/incidents/{incident.pk}/step/",
                      {"action": flow.RECEIVE_CITY}).status_code == 404
    c = signed_in(client, people["province"])
    assert c.post(f"/response/incidents/{incident.pk}/step/",
                  {"action": flow.RECEIVE_CITY}).status_code == 403
    incident.refresh_from_db()
    assert (incident.stage, incident.level, incident.deaths) == (Stage.TO_CITY, 3, 1)


def test_header_queue_and_its_list(client, people):
    incident = receive(people["county_a"], level=3)
    flow.SUBMISSION.take(flow.REPORT_CITY, incident, user=people["county_a"])
    counts = {q.queue.key: q.count for q in header_counts(people["city"]).queues}
    assert counts == {"incidents_receive": 1, "incidents_report": 1}
    assert "incidents_receive" not in {q.queue.key for q in header_counts(
        people["county_b"]).queues}
    c = signed_in(client, people["city"])
    page = c.get("/response/incidents/?todo=receive").content.decode()
    assert f'id="incident-{incident.pk}"' in page and 'id="queue-incidents_receive"' in page
    c = signed_in(client, people["county_a"])
    assert f'id="incident-{incident.pk}"' not in c.get(
        "/response/incidents/?todo=receive").content.decode()


def _warning(enterprise) -> EarlyWarning:
    now = timezone.now()
    alarm = Alarm.objects.create(
        enterprise=enterprise, division_code=enterprise.division_code,
        organisation_id=enterprise.organisation_id, key="k-1", kind="threshold", level=1,
        direction="high", title="储罐液位高高报", rules_version="1", raised_at=now,
        received_at=now, geom=Point(118.15, 32.12, srid=4326))
    return EarlyWarning.objects.create(
        alarm=alarm, enterprise=enterprise, division_code=enterprise.division_code,
        organisation_id=enterprise.organisation_id, level=1, title="一级预警", reason="高高报",
        rules_version="1", raised_at=now, geom=Point(118.15, 32.12, srid=4326))


def test_incident_from_a_warning_in_one_step(client, people, world):
    warning = _warning(world.enterprises_a[0])
    c = signed_in(client, people["county_a"])
    url = f"/response/incidents/from-warning/{warning.pk}/"
    assert b'id="open-incident"' in c.get(url).content
    answer = c.post(url)
    incident = Incident.objects.get()
    assert answer["Location"] == f"/response/incidents/{incident.pk}/"
    assert (incident.warning_id, incident.kind, incident.level) == (warning.pk, "21", 4)
    assert (incident.division_code, incident.occurred_at) == ("320101000000",
                                                              warning.raised_at)
    assert incident.reports.get().kind == "first"
    assert c.post(url)["Location"] == answer["Location"]  # the same warning, one incident
    assert incident_from_warning(warning.pk, people["city"]).pk == incident.pk
    assert Incident.objects.count() == 1
    assert b'id="existing"' in c.get(url).content


def test_a_warning_out_of_scope_opens_nothing(client, people, world):
    warning = _warning(world.enterprises_a[0])
    c = signed_in(client, people["county_b"])
    assert c.get(f"/response/incidents/from-warning/{warning.pk}/").status_code == 404
    assert c.post(f"/response/incidents/from-warning/{warning.pk}/").status_code == 404
    assert not Incident.objects.exists()


def test_the_firm_sees_its_warning_but_opens_no_incident(client, people, world):
    warning = _warning(world.enterprises_a[0])  # the enterprise user's own firm
    c = signed_in(client, people["enterprise"])
    page = c.get(f"/response/incidents/from-warning/{warning.pk}/")
    assert page.status_code == 200 and b'id="open-incident"' not in page.content
    assert c.post(f"/response/incidents/from-warning/{warning.pk}/").status_code == 403
    assert not Incident.objects.exists()
