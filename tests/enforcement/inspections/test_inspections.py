"""On-site inspections: the plan (检查方案), the record with findings and photos, measures,
the rectification order and re-inspection on `geo.workflow.Flow` — legal and illegal steps
and who may take them; failed items suggesting violations; the case hook; the layer, the
enterprise section and the pages in scope."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from enforcement.inspections import cases
from enforcement.inspections.draws import draw_conflicts
from enforcement.inspections.models import Finding, InspectionState
from enforcement.inspections.selectors import inspected_enterprise_ids, inspection_failed_items
from enforcement.inspections.services import (
    CaseRequest,
    case_opener_register,
    inspection_case_open,
    inspection_close,
    inspection_record,
    measure_add,
    rectification_order,
    reinspection_record,
)
from enforcement.library.models import Target
from tests.enforcement.inspections.helpers import DAY, findings, png, schedule
from tests.enforcement.inspections.helpers import items as planned_items
from tests.tiles.conftest import decode, tile_of, tile_url

NOW = timezone.make_aware(datetime.datetime(2026, 12, 4, 10, 0))
FAIL = {"WHP-ZD-02": "2名电工无特种作业操作证"}


def _recorded(world, staff, failed=FAIL):
    row = schedule(world, staff)
    return inspection_record(user=world.users["county_a"], inspection=row,
                             findings=findings(failed, photo=png()), inspected_at=NOW,
                             place="厂区", summary="现场检查3项")


# ---- the plan (检查方案) -------------------------------------------------------------------------
def test_a_supervisor_plans_an_inspection_with_two_of_their_inspectors(world, staff):
    row = schedule(world, staff)
    assert (row.state, row.division_code, row.organisation_id) == (
        "planned", world.enterprises_a[0].division_code, world.enterprises_a[0].organisation_id)
    assert row.bureau == staff.bureau_a and row.geom == world.enterprises_a[0].geom
    assert set(row.inspectors.all()) == set(staff.a[:2])
    assert row.items.count() == 3


def test_an_inspection_needs_two_inspectors_of_the_area_and_a_supervisor_of_the_place(
        world, staff):
    with pytest.raises(ValidationError):
        schedule(world, staff, inspectors=staff.a[:1])
    with pytest.raises(ValidationError):  # county B's inspectors are not county A's
        schedule(world, staff, inspectors=[staff.a[0], staff.b[0]])
    with pytest.raises(PermissionDenied):
        schedule(world, staff, user=world.users["county_b"], inspectors=staff.b)
    with pytest.raises(PermissionDenied):
        schedule(world, staff, user=world.users["analyst"])


# ---- the record ------------------------------------------------------------------------------
def test_the_record_with_a_failed_item_and_its_photo(world, staff):
    row = _recorded(world, staff)
    assert (row.state, row.failed_count, row.place) == ("recorded", 1, "厂区")
    failed = Finding.objects.get(inspection=row, result="fail")
    assert failed.item.code == "WHP-ZD-02" and failed.photo.name.endswith(".png")
    assert Finding.objects.filter(inspection=row, result="pass").count() == 2


def test_an_all_passed_record_ends_the_inspection(world, staff):
    row = schedule(world, staff)
    row = inspection_record(user=world.users["county_a"], inspection=row, findings=findings(),
                            inspected_at=NOW)
    assert (row.state, row.failed_count) == ("closed", 0)
    assert inspection_failed_items(row) == []


def test_only_an_assigned_inspector_records_once_and_completely(world, staff):
    row = schedule(world, staff)
    outsider = staff.officers["甲执法3"]  # an inspector of the area, not of this inspection
    with pytest.raises(PermissionDenied):
        inspection_record(user=outsider, inspection=row, findings=findings(), inspected_at=NOW)
    with pytest.raises(PermissionDenied):
        inspection_record(user=world.users["enterprise"], inspection=row, findings=findings(),
                          inspected_at=NOW)
    with pytest.raises(ValidationError):  # an item without a conclusion
        inspection_record(user=world.users["county_a"], inspection=row,
                          findings=findings()[:2], inspected_at=NOW)
    with pytest.raises(ValidationError):  # a failure must be described
        inspection_record(user=world.users["county_a"], inspection=row,
                          findings=findings({"WHP-ZD-02": " "}), inspected_at=NOW)
    with pytest.raises(ValidationError):  # a photo is a JPEG or PNG
        inspection_record(user=world.users["county_a"], inspection=row,
                          findings=findings(FAIL, photo=SimpleUploadedFile("x.png", b"GIF89a")),
                          inspected_at=NOW)
    inspection_record(user=staff.officers["甲执法2"], inspection=row, findings=findings(),
                      inspected_at=NOW)
    with pytest.raises(ValidationError):
        inspection_record(user=world.users["county_a"], inspection=row, findings=findings(),
                          inspected_at=NOW)


# ---- measures, order, re-inspection ----------------------------------------------------------
def test_order_and_reinspection_close_the_loop(world, staff):
    row = _recorded(world, staff, {**FAIL, "WHP-GL-08": "罐区无安全警示标志"})
    user = world.users["county_a"]
    measure_add(user=user, inspection=row, kind="remove_now", description="立即设置警示标志",
                decided_at=NOW)
    failed = list(row.findings.filter(result="fail").order_by("item__code"))
    passed = row.findings.filter(result="pass").first()
    with pytest.raises(ValidationError):  # only failed items are ordered
        rectification_order(user=user, inspection=row, finding_ids=[passed.pk],
                            deadline=DAY + datetime.timedelta(days=15), ordered_at=NOW)
    with pytest.raises(ValidationError):
        rectification_order(user=user, inspection=row, finding_ids=[failed[0].pk],
                            deadline=DAY, ordered_at=NOW)
    with pytest.raises(ValidationError):  # re-inspection before any order
        reinspection_record(user=user, inspection=row, results={}, at=NOW)
    row = rectification_order(user=user, inspection=row, finding_ids=[f.pk for f in failed],
                              deadline=DAY + datetime.timedelta(days=15), ordered_at=NOW)
    assert (row.state, row.rectify_deadline) == ("rectifying", datetime.date(2026, 12, 19))
    with pytest.raises(ValidationError):  # every ordered item needs a conclusion
        reinspection_record(user=user, inspection=row, results={failed[0].pk: True}, at=NOW)
    with pytest.raises(PermissionDenied):
        reinspection_record(user=world.users["county_b"], inspection=row,
                            results={f.pk: True for f in failed}, at=NOW)
    row = reinspection_record(user=user, inspection=row,
                              results={failed[0].pk: True, failed[1].pk: False},
                              notes={failed[1].pk: "证书仍在办理"}, note="部分整改", at=NOW)
    assert row.state == InspectionState.CLOSED
    assert [(f.suggestion.code, f.rectified) for f in inspection_failed_items(row)] == [
        ("WHP-GL-08", True), ("WHP-ZD-02", False)]
    assert row.measures.get().kind == "remove_now"
    with pytest.raises(ValidationError):
        measure_add(user=user, inspection=row, kind="other", description="x", decided_at=NOW)


def test_a_recorded_inspection_may_end_without_an_order(world, staff):
    row = inspection_close(user=world.users["county_a"], inspection=_recorded(world, staff))
    assert row.state == "closed"
    with pytest.raises(ValidationError):
        inspection_close(user=world.users["county_a"], inspection=row)


def test_failed_items_suggest_the_violation_and_its_penalty(world, staff):
    (failed,) = inspection_failed_items(_recorded(world, staff))
    assert failed.description == "2名电工无特种作业操作证"
    assert failed.suggestion.penalty.endswith("第九十七条第（七）项")
    assert failed.suggestion.ranges[1]["fine_max"] == 200000


# ---- what other slices use -------------------------------------------------------------------
def test_a_case_is_opened_through_the_registered_opener(world, staff, monkeypatch):
    row = _recorded(world, staff)
    monkeypatch.setattr(cases, "_openers", [])
    with pytest.raises(ValidationError):  # no cases slice yet
        inspection_case_open(user=world.users["county_a"], inspection=row)
    seen: list[CaseRequest] = []
    case_opener_register(lambda *, user, request: seen.append(request) or "case-1")
    assert inspection_case_open(user=world.users["county_a"], inspection=row) == "case-1"
    (request,) = seen
    assert (request.inspection_id, request.enterprise_id) == (row.pk, row.enterprise_id)
    assert sorted(request.inspector_ids) == sorted(i.pk for i in staff.a[:2])
    assert [f.suggestion.code for f in request.failed] == ["WHP-ZD-02"]
    with pytest.raises(PermissionDenied):
        inspection_case_open(user=world.users["county_b"], inspection=row)


def test_inspected_enterprises_since_a_day_and_conflicts_from_inspections(world, staff):
    row = _recorded(world, staff)
    assert inspected_enterprise_ids(DAY) == {row.enterprise_id}
    assert inspected_enterprise_ids(DAY + datetime.timedelta(days=1)) == set()
    target = Target.objects.get(enterprise=row.enterprise)
    assert draw_conflicts([target.pk], window=1) == {
        target.pk: sorted(i.pk for i in staff.a[:2])}


# ---- faces: pages, layer, section ------------------------------------------------------------
def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_inspection_pages_in_scope_and_for_the_inspected_enterprise(world, staff):
    row = _recorded(world, staff)
    url = f"/enforcement/inspections/{row.pk}/"
    page = _client(world.users["county_a"]).get(url).content.decode()
    assert "2名电工无特种作业操作证" in page and "第九十七条第（七）项" in page
    assert _client(world.users["enterprise"]).get(url).status_code == 200  # its own
    assert _client(world.users["county_b"]).get(url).status_code == 404
    listed = _client(world.users["county_b"]).get("/enforcement/inspections/").content.decode()
    assert row.name not in listed
    assert _client(world.users["enterprise"]).get(
        "/enforcement/inspections/").status_code == 403


def test_the_record_through_the_page(world, staff):
    row = schedule(world, staff)
    client = _client(world.users["county_a"])
    data = {"action": "record", "place": "罐区"}
    for item in row.items.all():
        data[f"result-{item.pk}"] = "fail" if item.code == "WHP-ZD-12" else "pass"
    data[f"description-{row.items.get(code='WHP-ZD-12').pk}"] = "罐区未设可燃气体检测报警"
    assert client.post(f"/enforcement/inspections/{row.pk}/", data).status_code == 302
    row.refresh_from_db()
    assert (row.state, row.failed_count) == ("recorded", 1)
    refused = _client(staff.officers["甲执法3"]).post(f"/enforcement/inspections/{row.pk}/",
                                                       {"action": "close"})
    assert refused.status_code == 403


def test_a_record_sent_from_the_phones_queue_is_stored_once_at_the_time_filled(world, staff):
    """geo.offline: the record form is sent from the offline queue with its id and the
    time it was filled on site; sent again (a lost answer), it is not recorded twice."""
    row = schedule(world, staff)
    client = _client(world.users["county_a"])
    data = {"action": "record", "place": "罐区",
            **{f"result-{item.pk}": "pass" for item in row.items.all()}}
    filled = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=3)
    headers = {"X-Offline-Id": str(uuid.uuid4()),
               "X-Offline-Filled-At": str(int(filled.timestamp() * 1000))}
    first = client.post(f"/enforcement/inspections/{row.pk}/", data, headers=headers)
    again = client.post(f"/enforcement/inspections/{row.pk}/", data, headers=headers)
    assert (first.status_code, again.status_code, again["X-Offline-Replayed"]) == (302, 302, "1")
    row.refresh_from_db()
    assert row.state == "closed" and row.inspected_at == filled  # all passed: closed at once
    assert row.findings.count() == row.items.count()  # one set of findings, not two


def test_a_supervisor_plans_through_the_page(world, staff):
    client = _client(world.users["county_a"])
    enterprise = world.enterprises_a[1]
    assert client.get(f"/enforcement/inspections/new/?enterprise={enterprise.pk}").status_code \
        == 200
    made = client.post("/enforcement/inspections/new/", {
        "enterprise": enterprise.pk, "scheduled_on": "2026-12-10",
        "inspectors": [staff.a[0].pk, staff.a[2].pk],
        "items": [i.pk for i in planned_items()]})
    assert made.status_code == 302
    assert enterprise.inspections.get().state == "planned"


def test_the_layer_and_its_tiles_follow_scope(world, staff):
    row = _recorded(world, staff)
    items = "/ogc/collections/inspections/items?f=json"

    def ids(role: str) -> list[int]:
        body = Client().get(items, HTTP_AUTHORIZATION=f"Token {world.tokens[role]}").json()
        return [f["id"] for f in body["features"]]

    assert ids("county_a") == [row.pk]
    assert ids("enterprise") == [row.pk]
    assert ids("county_b") == []
    geom = world.enterprises_a[0].geom
    tile = tile_url("inspections", *tile_of(geom.x, geom.y, 14))
    features = decode(_client(world.users["county_a"]).get(tile))["inspections"]["features"]
    assert [f["properties"]["state"] for f in features] == ["recorded"]
    assert decode(_client(world.users["county_b"]).get(tile)) == {}


def test_the_enterprise_page_lists_its_inspections(world, staff):
    row = _recorded(world, staff)
    page = _client(world.users["county_a"]).get(
        f"/enterprises/{row.enterprise_id}/").content.decode()
    assert 'id="inspections"' in page and row.name in page


def test_an_inspection_of_a_drawn_target_shows_on_the_public_draw(world, staff):
    from enforcement.inspections.services import draw_publish, draw_run, inspection_schedule
    from enforcement.library.selectors import TargetFilter

    user = world.users["county_a"]
    draw = draw_run(user=user, title="公示批次", where=TargetFilter(prefix="320101"), count=1,
                    seed=11)
    draw_publish(user=user, draw=draw)
    pick = draw.picks.get()
    drawn = list(pick.assignments.order_by("position").values_list("inspector_id", flat=True))
    form = _client(user).get(f"/enforcement/inspections/new/?pick={pick.pk}").content.decode()
    assert f'value="{drawn[0]}" checked' in form
    row = inspection_schedule(user=user, enterprise_id=pick.enterprise_id, scheduled_on=DAY,
                              inspector_ids=[], item_ids=[i.pk for i in planned_items()],
                              pick=pick)
    assert sorted(row.inspectors.values_list("pk", flat=True)) == sorted(drawn)
    lead = next(i for i in staff.a if i.pk == drawn[0]).user
    inspection_record(user=lead, inspection=row, findings=findings(), inspected_at=NOW)
    page = Client().get("/enforcement/draws/public/").content.decode()
    assert "公示批次" in page and "已完成" in page


def test_the_inspectors_work_queue(world, staff):
    from geo.queues import header_counts

    row = _recorded(world, staff)
    counts = {c.queue.key: c.count for c in header_counts(world.users["county_a"]).mine}
    assert counts["inspections_waiting"] == 1
    # another county's supervisor (no certificate here) has nothing waiting; the queue is
    # decided by role, so the header stays one query (geo.queues)
    other = {c.queue.key: c.count for c in header_counts(world.users["county_b"]).mine}
    assert other.get("inspections_waiting", 0) == 0
    assert "inspections_waiting" not in {
        c.queue.key for c in header_counts(world.users["enterprise"]).mine}
    rectification_order(user=world.users["county_a"], inspection=row,
                        finding_ids=[row.findings.get(result="fail").pk],
                        deadline=timezone.localdate() + datetime.timedelta(days=10),
                        ordered_at=NOW)
    from geo.queues import forget_statements

    forget_statements()
    counts = {c.queue.key: c.count for c in header_counts(world.users["county_a"]).mine}
    assert counts["inspections_waiting"] == 0  # re-inspection not due yet
    page = _client(world.users["county_a"]).get("/enforcement/inspections/?mine=1")
    assert page.content.decode().count('class="inspection-row"') == 0


def test_the_workbench_shows_the_areas_inspections_to_government_users(world, staff):
    _recorded(world, staff)
    home = _client(world.users["county_a"]).get("/").content.decode()
    assert 'id="home-enforcement_draws"' in home and "/enforcement/inspections/?state=" in home
    assert 'id="home-enforcement_draws"' not in _client(world.users["enterprise"]).get(
        "/").content.decode()


def test_the_data_of_the_inspections_documents(world, staff):
    from enforcement.inspections.selectors import inspection_document_data

    row = _recorded(world, staff)
    user = world.users["county_a"]
    measure_add(user=user, inspection=row, kind="remove_now", description="立即整改",
                decided_at=NOW)
    row = rectification_order(user=user, inspection=row,
                              finding_ids=[row.findings.get(result="fail").pk],
                              deadline=datetime.date(2026, 12, 19), ordered_at=NOW)
    data = inspection_document_data(row)
    assert data["enterprise"]["name"] == "测试化工1号有限公司"
    assert [i["certificate_number"] for i in data["inspectors"]] == ["A0001", "A0002"]
    assert [f["result"] for f in data["record"]["findings"]] == ["pass", "fail", "pass"]
    assert data["measures"][0]["kind"] == "责令立即排除事故隐患"
    assert data["order"] == {"deadline": datetime.date(2026, 12, 19), "ordered_at": NOW,
                             "items": ["WHP-ZD-02 特种作业人员持证上岗：2名电工无特种作业操作证"]}
