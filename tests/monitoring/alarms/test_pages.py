"""The alarm pages through HTTP (django.test.Client): the list, one alarm with its actions,
the warning's 预警联动 panel, suppressions and alert preferences, for the roles that use
them and refused to the others; alarms raised through the ingest's store (test_chain)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from geo.models import Role, User
from geo.queues import header_counts
from monitoring.alarms.models import Alarm, AlarmPhoto, AlertPreference, Suppression
from monitoring.devices.models import Sensor
from monitoring.devices.services import monitored_unit_create, sensor_create
from registry.hazards.models import Chemical
from registry.hazards.services import (
    hazard_source_create,
    hazard_source_set_chemicals,
    responsible_persons_set,
)
from tests.conftest import box
from tests.monitoring.alarms.conftest import NOW, send, series

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _high_high(seq0: int = 1, s0: float = 0.0):
    return series("T-1.level", [17.0, 18.5, 18.6, 18.7, 18.8, 18.9, 19.0], seq0=seq0, s0=s0)


def _normal(seq0: int = 8, s0: float = 7.0):
    return series("T-1.level", [15.0, 14.0], seq0=seq0, s0=s0)


@pytest.fixture
def alarm(gateway, places) -> Alarm:
    send(_high_high(), at=7)
    return Alarm.objects.get()


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response) -> str:
    return response.content.decode()


ROLES = ["enterprise", "park", "grid", "county_a", "city", "province", "admin"]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_the_roles_of_the_place(alarm, places, role):
    c = client(places[role])
    listed = c.get("/monitoring/alarms/")
    assert listed.status_code == 200
    assert text(listed).count('class="alarm-row"') == 1
    detail = c.get(f"/monitoring/alarms/{alarm.pk}/")
    assert detail.status_code == 200
    assert 'id="value">18.9 m<' in text(detail) and 'id="peak">19 m<' in text(detail)
    panel = c.get(f"/monitoring/warnings/{alarm.warning.pk}/")
    assert panel.status_code == 200
    assert 'data-level="2"' in text(panel)
    assert c.get("/monitoring/suppressions/").status_code == 200
    assert c.get("/monitoring/preferences/").status_code == 200


def test_a_user_of_county_b_sees_none_of_county_a(alarm, places):
    row = Suppression.objects.create(
        enterprise=alarm.enterprise, kind="maintenance", starts=NOW, reason="检修",
        ends=NOW + timedelta(hours=1), state="submitted",
        division_code=alarm.division_code, organisation_id=alarm.organisation_id)
    c = client(places["county_b"])
    assert c.get(f"/monitoring/alarms/{alarm.pk}/").status_code == 404
    assert c.get(f"/monitoring/warnings/{alarm.warning.pk}/").status_code == 404
    assert c.post(f"/monitoring/suppressions/{row.pk}/approve").status_code == 404
    assert c.post(f"/monitoring/alarms/{alarm.pk}/acknowledge").status_code == 404
    listed = c.get("/monitoring/alarms/")
    assert 'class="alarm-row"' not in text(listed)
    assert 'id="tab-pushed">已推送<b>0</b>' in text(listed)
    assert 'class="suppression-row"' not in text(c.get("/monitoring/suppressions/"))
    assert 'class="suppression-row"' in text(client(places["county_a"])
                                             .get("/monitoring/suppressions/"))
    row.refresh_from_db()
    assert row.state == "submitted"


def test_the_enterprise_acknowledges_and_handles_the_county_releases(alarm, places):
    enterprise, county = client(places["enterprise"]), client(places["county_a"])
    url = f"/monitoring/alarms/{alarm.pk}/"
    page = text(enterprise.get(url))
    assert 'id="acknowledge"' in page and 'id="release"' not in page
    assert 'id="acknowledge"' not in text(county.get(url))
    # the wrong role is refused by the write gate, the state stays
    refused = county.post(url + "acknowledge")
    assert refused.status_code == 403 and "只有报警所属企业可以签收" in text(refused)
    assert enterprise.post(url + "acknowledge").status_code == 302
    alarm.refresh_from_db()
    assert alarm.status == "acknowledged"
    assert 'id="handle"' in text(enterprise.get(url))

    refused = enterprise.post(url + "handle", {
        "feedback": "关闭进料阀", "photos": SimpleUploadedFile("a.png", b"GIF89a not a png")})
    assert refused.status_code == 400
    assert "处置照片：" in text(refused)
    empty = enterprise.post(url + "handle", {"feedback": "  "})
    assert empty.status_code == 400 and "处置情况：请填写处置情况" in text(empty)
    alarm.refresh_from_db()
    assert (alarm.status, AlarmPhoto.objects.count()) == ("acknowledged", 0)

    assert enterprise.post(url + "handle", {
        "feedback": "关闭进料阀，液位回落", "false_alarm": "on",
        "photos": SimpleUploadedFile("a.png", PNG)}).status_code == 302
    alarm.refresh_from_db()
    assert (alarm.status, alarm.false_alarm, alarm.feedback) == (
        "handled", True, "关闭进料阀，液位回落")
    photo = AlarmPhoto.objects.get()
    served = enterprise.get(f"{url}photos/{photo.pk}")
    assert (served.status_code, served["Content-Type"]) == (200, "image/png")
    assert b"".join(served.streaming_content) == PNG
    assert client(places["county_b"]).get(f"{url}photos/{photo.pk}").status_code == 404

    page = text(county.get(url))
    assert 'id="release"' in page and 'id="handle"' not in page
    assert enterprise.post(url + "release").status_code == 403
    early = county.post(url + "release")  # the level is still above the limit
    assert early.status_code == 400
    assert "处置状态：监测值尚未恢复正常，不能解除报警" in text(early)
    send(_normal(), at=9)
    assert county.post(url + "release").status_code == 302
    alarm.refresh_from_db()
    assert (alarm.status, alarm.released_by) == ("released", places["county_a"])
    assert list(alarm.steps.order_by("pk").values_list("step", flat=True)) == [
        "raised", "pushed", "acknowledged", "handled", "cleared", "released"]


def test_the_county_returns_a_handling_report_with_a_reason(alarm, places):
    enterprise, county = client(places["enterprise"]), client(places["county_a"])
    url = f"/monitoring/alarms/{alarm.pk}/"
    enterprise.post(url + "acknowledge")
    enterprise.post(url + "handle", {"feedback": "已处理"})
    missing = county.post(url + "return", {"reason": ""})
    assert missing.status_code == 400 and "退回原因：请填写退回原因" in text(missing)
    assert county.post(url + "return", {"reason": "请补充现场照片"}).status_code == 302
    alarm.refresh_from_db()
    assert (alarm.status, alarm.return_reason) == ("returned", "请补充现场照片")
    assert 'id="handle"' in text(enterprise.get(url))  # handled again after a return


def test_the_list_filters_and_counts(alarm, places):
    c = client(places["county_a"])
    shown = text(c.get("/monitoring/alarms/?status=pushed&level=1&kind=threshold&open=open"))
    assert shown.count('class="alarm-row"') == 1
    for query in ("status=released", "level=2", "kind=rate", "open=closed",
                  f"start={(timezone.localdate() + timedelta(days=1)).isoformat()}"):
        assert 'class="alarm-row"' not in text(c.get(f"/monitoring/alarms/?{query}")), query
    day = timezone.localtime(alarm.raised_at).date().isoformat()
    assert text(c.get(f"/monitoring/alarms/?start={day}&end={day}")).count(
        'class="alarm-row"') == 1
    bad = text(c.get("/monitoring/alarms/?start=2026-12-05&end=2026-12-01&level=9"))
    assert "至：结束日期不能早于开始日期" in bad
    assert "报警等级：" in bad


def _more_alarms(alarm: Alarm, n: int) -> None:
    """Released copies of the alarm (as history), so the list has `n` more rows."""
    for i in range(n):
        Alarm.objects.create(**{f.attname: getattr(alarm, f.attname) for f in
                                Alarm._meta.concrete_fields if f.attname != "id"}
                             | {"key": f"copy:{i}", "status": "released",
                                "cleared_at": alarm.raised_at})


def test_the_list_costs_the_same_queries_for_one_row_or_many(alarm, places,
                                                             django_assert_num_queries):
    c = client(places["county_a"])
    c.get("/monitoring/alarms/")  # the scope cache warmed, as in a running site
    # the user (signed-cookie session), enterprises of the filter, counts by status, the
    # page's count and rows, the header's counts (inbox and every queue in one)
    with django_assert_num_queries(6):
        assert text(c.get("/monitoring/alarms/")).count('class="alarm-row"') == 1
    _more_alarms(alarm, 5)
    with django_assert_num_queries(6):
        assert text(c.get("/monitoring/alarms/")).count('class="alarm-row"') == 6


@pytest.fixture
def sourced_alarm(gateway, places) -> Alarm:
    """The level sensor in tank T-1 of a chlorine tank farm (a major hazard source) with a
    temperature sensor beside it; its HH alarm raised through the ingest."""
    call_command("load_chemicals", stdout=StringIO())
    ent = gateway.enterprise
    x, y = ent.geom.x, ent.geom.y
    source = hazard_source_create(enterprise=ent, name="液氯罐区", kind="tank_farm",
                                  geom=box(x - 5e-4, y - 5e-4, x + 5e-4, y + 5e-4),
                                  exposed_people=60)
    hazard_source_set_chemicals(source=source, items=[(Chemical.objects.get(name="氯"), "30")])
    responsible_persons_set(source=source, persons=[
        {"role": r, "name": n, "post": "岗位", "phone": "13900000001"}
        for r, n in (("principal", "王建国"), ("technical", "李志强"), ("operation", "张海燕"))])
    unit = monitored_unit_create(enterprise=ent, code="T-1", name="1号液氯储罐", kind="tank",
                                 geom=Point(x + 2e-4, y, srid=4326), hazard_source=source)
    sensor_create(gateway=gateway, unit=unit, point="T-1.temp", name="温度",
                  indicator="temperature", measure_unit="°C", range_low=-20, range_high=80,
                  threshold_h=40, threshold_hh=50, geom=Point(x + 2e-4, y, srid=4326))
    Sensor.objects.filter(point="T-1.level").update(unit=unit)
    send(_high_high(), at=7)
    return Alarm.objects.get()


def test_the_warning_panel_shows_the_place(sourced_alarm, places, django_assert_num_queries):
    alarm, warning = sourced_alarm, sourced_alarm.warning
    assert alarm.hazard_source.name == "液氯罐区"
    c = client(places["park"])
    c.get(f"/monitoring/warnings/{warning.pk}/")  # the scope cache warmed
    # user, warning (with alarm, enterprise, source), recipients, steps, the source's
    # file (4: with chemicals, persons, filings), related sensors, their series (2),
    # alarm history, header counts
    with django_assert_num_queries(13):
        page = text(c.get(f"/monitoring/warnings/{warning.pk}/"))
    assert f'data-level="{warning.level}"' in page
    assert page.count('class="sensor-card"') == 1  # the temperature beside it
    assert page.count(f'class="sensor-card own" id="sensor-{alarm.sensor_id}"') == 1
    assert page.count('<svg class="trend"') == 1  # the temperature sensor sent nothing
    assert f'href="/hazards/{alarm.hazard_source.pk}/"' in page
    assert "<td>氯" in page or ">氯</a>" in page
    assert "王建国" in page and 'href="tel:13900000001"' in page
    assert f'href="/enterprises/{alarm.enterprise.pk}/"' in page
    assert page.count('class="recipient"') == 4
    assert "vendor/maplibre-gl/maplibre-gl.js" in page and "cdn" not in page.lower()


def test_suppressions_filed_by_the_enterprise_decided_by_the_county(gateway, places):
    sensor = Sensor.objects.get(point="T-1.level")
    enterprise, county = client(places["enterprise"]), client(places["county_a"])
    page = text(enterprise.get("/monitoring/suppressions/"))
    assert 'id="suppression-form"' in page and "T-1.level" in page
    assert 'id="suppression-form"' not in text(county.get("/monitoring/suppressions/"))
    form = {"kind": "maintenance", "sensors": [sensor.pk], "starts": "2026-12-10T08:00",
            "ends": "2026-12-20T08:00", "reason": "储罐检修"}
    too_long = enterprise.post("/monitoring/suppressions/", form)
    assert too_long.status_code == 400
    assert "结束时间：屏蔽时长不能超过 7 天" in text(too_long)
    assert county.post("/monitoring/suppressions/", form).status_code == 404
    assert enterprise.post("/monitoring/suppressions/",
                           {**form, "ends": "2026-12-11T08:00"}).status_code == 302
    row = Suppression.objects.get()
    assert (row.state, list(row.sensors.all())) == ("submitted", [sensor])
    assert [q.queue.key for q in header_counts(places["county_a"]).queues] == [
        "suppressions_decide"]
    refused = enterprise.post(f"/monitoring/suppressions/{row.pk}/approve")
    assert refused.status_code == 403 and "只有管辖该企业的监管人员可以审批" in text(refused)
    assert 'class="approve"' in text(county.get("/monitoring/suppressions/?state=submitted"))
    assert county.post(f"/monitoring/suppressions/{row.pk}/approve").status_code == 302
    row.refresh_from_db()
    assert (row.state, row.decided_by) == ("approved", places["county_a"])


def test_preferences_are_saved_through_the_service(places):
    c = client(places["park"])
    assert 'id="preference-form"' in text(c.get("/monitoring/preferences/"))
    assert c.post("/monitoring/preferences/", {"sms_up_to": "1", "email_up_to": "3"}) \
        .status_code == 302
    pref = AlertPreference.objects.get(user=places["park"])
    assert (pref.sms_up_to, pref.email_up_to) == (1, 3)
    bad = c.post("/monitoring/preferences/", {"sms_up_to": "7", "email_up_to": "3"})
    assert bad.status_code == 400 and "短信接收至：请选择预警等级" in text(bad)


def test_the_work_queues_follow_the_alarm(alarm, places):
    def keys(role):  # the alarms' queues (other slices have theirs: risks to identify…)
        return [(q.queue.key, q.count) for q in header_counts(places[role]).queues
                if q.queue.key.startswith("alarms_")]

    assert keys("enterprise") == [("alarms_acknowledge", 1)]
    assert keys("county_a") == []
    page = text(client(places["enterprise"]).get("/monitoring/alarms/?status=raised&status=pushed"))
    assert page.count('class="alarm-row"') == 1 and 'id="queue-alarms_acknowledge"' in page
    enterprise = client(places["enterprise"])
    enterprise.post(f"/monitoring/alarms/{alarm.pk}/acknowledge")
    assert keys("enterprise") == [("alarms_handle", 1)]
    enterprise.post(f"/monitoring/alarms/{alarm.pk}/handle", {"feedback": "已处理"})
    assert keys("enterprise") == []
    assert keys("county_a") == [("alarms_release", 1)]
    assert keys("park") == [("alarms_release", 1)]
    assert keys("county_b") == [] and keys("grid") == []


def test_the_portal_links_monitoring_for_those_who_see_it(places):
    assert 'id="home-alarms"' in text(client(places["enterprise"]).get("/"))
    assert 'id="home-suppressions"' in text(client(places["county_a"]).get("/"))
    assert 'id="home-alarms"' not in text(Client().get("/"))


def test_an_alarm_costs_the_same_queries_whatever_its_timeline(alarm, places,
                                                               django_assert_num_queries):
    c = client(places["enterprise"])
    url = f"/monitoring/alarms/{alarm.pk}/"
    c.get(url)  # the scope cache warmed
    # user, alarm (with its relations), steps, photos, header counts
    with django_assert_num_queries(5):
        c.get(url)
    c.post(url + "acknowledge")
    c.post(url + "handle", {"feedback": "已处理", "photos": [
        SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.png", PNG)]})
    with django_assert_num_queries(5):
        page = text(c.get(url))
    assert page.count("<img ") == 2 and page.count("<li><b>") == 4


def test_overseers_get_no_monitoring_links(places):
    auditor = User.objects.create_user("auditor", password="pw", role=Role.AUDITOR)
    page = text(client(auditor).get("/"))
    assert 'id="home-alarms"' not in page
    assert 'class="alarm-row"' not in text(client(auditor).get("/monitoring/alarms/"))
