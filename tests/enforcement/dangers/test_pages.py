"""The hidden-danger faces (real PostGIS): the pages (an enterprise registers and works its
dangers; supervisors see them in scope with filters and act on 重大), the layer's OGC
collection and tiles in scope, the section of the one-enterprise file, the header's work
queues and the workbench block."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from enforcement.dangers.models import HiddenDanger, Tone
from enforcement.dangers.selectors import precise_enforcement_candidates
from geo.queues import forget_statements, header_counts
from geo.scope import scope_for_user
from tests.enforcement.dangers.test_loop import PNG, photo, register, to_awaiting, to_rectifying
from tests.tiles.conftest import decode, tile_of, tile_url

PAST = datetime.date(2020, 1, 1)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dangers(plant, users, departments, world):
    """A major one handed in, a general one rectifying and overdue, one just registered in
    county A; one of county B's enterprises (no organisation) registered by its county."""
    ent = users["enterprise"]
    major = to_awaiting(register(plant, ent, name="液氯储罐安全阀失效"), ent, "major")
    late = to_rectifying(register(plant, ent, name="配电室门未上锁"), ent)
    HiddenDanger.objects.filter(pk=late.pk).update(deadline=PAST)
    fresh = register(plant, ent, name="消防通道堵塞")
    other = register(world.enterprises_b[0], users["county_b"], name="乙县企业隐患")
    return {"major": major, "late": late, "fresh": fresh, "other": other}


def test_the_enterprise_registers_through_the_page_with_a_photo(plant, users, departments):
    client = client_of(users["enterprise"])
    assert client.get("/enforcement/dangers/new/").status_code == 200
    response = client.post("/enforcement/dangers/new/", {
        "name": "楼梯扶手松动", "description": "二楼楼梯扶手松动", "source": "self",
        "category": "workplace", "photos": [photo()]})
    danger = HiddenDanger.objects.get()
    assert response["Location"] == f"/enforcement/dangers/{danger.pk}/"
    assert (danger.enterprise, danger.photos.get().stage) == (plant, "before")
    page = client.get(f"/enforcement/dangers/{danger.pk}/").content.decode()
    assert 'id="step-grade"' in page and "楼梯扶手松动" in page
    photo_url = f"/enforcement/dangers/{danger.pk}/photos/{danger.photos.get().pk}/"
    assert client.get(photo_url).getvalue() == PNG
    assert client_of(users["county_b"]).get(photo_url).status_code == 404


def test_the_enterprise_works_a_danger_through_its_steps(plant, users, departments):
    ent = users["enterprise"]
    client, danger = client_of(ent), register(plant, ent)
    url = f"/enforcement/dangers/{danger.pk}/step"
    client.post(f"{url}/grade/", {"grade-level": "general", "grade-manage_type": "immediate",
                                  "grade-category": "fire"})
    client.post(f"{url}/start/", {"start-control_measures": "清理通道",
                                  "start-liable_person": "李四",
                                  "start-deadline": datetime.date.today().isoformat()})
    client.post(f"{url}/submit/", {"submit-rectification": "已清理"})
    client.post(f"{url}/accept/", {"reason": "合格"})
    danger.refresh_from_db()
    assert (danger.state, danger.category, danger.liable_person, danger.acceptance_comment) == (
        "accepted", "fire", "李四", "合格")
    response = client.post(f"{url}/confirm/", follow=True)  # not its step: refused, said why
    assert "一般隐患由企业自行验收、销号" in response.content.decode()


def test_the_supervisor_lists_in_scope_with_filters_and_acts_on_a_major(dangers, users):
    county = client_of(users["county_a"])
    page = county.get("/enforcement/dangers/").content.decode()
    assert page.count('class="danger-row"') == 3 and "乙县企业隐患" not in page
    assert county.get("/enforcement/dangers/?level=major").content.decode().count(
        'class="danger-row"') == 1
    overdue = county.get("/enforcement/dangers/?overdue=1").content.decode()
    assert overdue.count('class="danger-row"') == 1 and "配电室门未上锁" in overdue
    assert county.get("/enforcement/dangers/?state=registered&division=320101"
                      ).content.decode().count('class="danger-row"') == 1
    assert county.get("/enforcement/dangers/?division=320102").content.decode().count(
        'class="danger-row"') == 0
    major = dangers["major"]
    detail = county.get(f"/enforcement/dangers/{major.pk}/").content.decode()
    assert 'id="step-confirm"' in detail and 'id="supervise"' in detail
    county.post(f"/enforcement/dangers/{major.pk}/supervise/supervise/",
                {"deadline": "2030-01-01", "note": "限期治理"})
    county.post(f"/enforcement/dangers/{major.pk}/step/confirm/", {"reason": "合格"})
    major.refresh_from_db()
    assert (major.state, major.supervision) == ("accepted", "supervised")


def test_another_county_reaches_nothing_through_the_pages(dangers, users):
    other = client_of(users["county_b"])
    major = dangers["major"]
    assert other.get(f"/enforcement/dangers/{major.pk}/").status_code == 404
    assert other.post(f"/enforcement/dangers/{major.pk}/step/confirm/").status_code == 404
    assert other.post(f"/enforcement/dangers/{major.pk}/supervise/supervise/",
                      {"deadline": "2030-01-01"}).status_code == 404
    page = other.get("/enforcement/dangers/").content.decode()
    assert page.count('class="danger-row"') == 1 and "乙县企业隐患" in page
    assert client_of(users["analyst"]).post(
        f"/enforcement/dangers/{major.pk}/step/confirm/").status_code == 403
    assert HiddenDanger.objects.get(pk=major.pk).state == "awaiting"


def test_the_layer_in_scope_through_ogc_and_tiles(dangers, users, plant):
    items = client_of(users["county_a"]).get(
        "/ogc/collections/hidden_dangers/items?f=json").json()
    tones = {f["properties"]["name"]: f["properties"]["tone"] for f in items["features"]}
    assert tones == {"液氯储罐安全阀失效": Tone.MAJOR_OPEN, "配电室门未上锁": Tone.GENERAL_OPEN,
                     "消防通道堵塞": Tone.UNGRADED}
    b_items = client_of(users["county_b"]).get(
        "/ogc/collections/hidden_dangers/items?f=json").json()
    assert [f["properties"]["name"] for f in b_items["features"]] == ["乙县企业隐患"]
    own = client_of(users["enterprise"]).get(
        "/ogc/collections/hidden_dangers/items?f=json").json()
    assert own["numberMatched"] == 3
    path = tile_url("hidden_dangers", *tile_of(plant.geom.x, plant.geom.y, 14))
    assert len(decode(client_of(users["county_a"]).get(path))["hidden_dangers"]["features"]) == 3
    assert decode(client_of(users["county_b"]).get(path)) == {}


def test_the_enterprise_file_shows_its_dangers(dangers, users, plant):
    page = client_of(users["county_a"]).get(f"/enterprises/{plant.pk}/").content.decode()
    assert 'id="dangers"' in page and page.count('class="danger-row"') == 3
    assert "液氯储罐安全阀失效" in page and 'id="danger-new"' in page
    new = client_of(users["county_a"]).get(f"/enforcement/dangers/new/?enterprise={plant.pk}")
    assert new.status_code == 200
    assert client_of(users["county_b"]).get(
        f"/enforcement/dangers/new/?enterprise={plant.pk}").status_code == 403
    analyst = client_of(users["analyst"]).get(f"/enterprises/{plant.pk}/").content.decode()
    assert 'id="dangers"' in analyst and 'id="danger-new"' not in analyst


def test_work_queues_and_the_workbench(dangers, users):
    def queues(who):
        return {q.queue.key: q.count for q in header_counts(users[who]).queues
                if q.queue.key.startswith("dangers")}

    assert queues("county_a") == {"dangers_to_confirm": 1}
    assert queues("province") == {"dangers_to_confirm": 1}
    assert queues("county_b") == {}
    assert queues("enterprise") == {"dangers_to_work": 2}
    todo = client_of(users["enterprise"]).get("/enforcement/dangers/?todo=1").content.decode()
    assert todo.count('class="danger-row"') == 2 and "液氯储罐安全阀失效" not in todo
    assert queues("analyst") == {}
    HiddenDanger.objects.filter(pk=dangers["major"].pk).update(state="rectifying",
                                                               deadline=PAST)
    forget_statements()
    assert queues("county_a") == {"dangers_overdue": 1}
    home = client_of(users["county_a"]).get("/").content.decode()
    assert 'id="home-dangers"' in home and 'id="queue-dangers_overdue"' in home


def test_precise_enforcement_candidates_are_enterprises_with_overdue_major_dangers(
        dangers, users, plant):
    scope = scope_for_user(users["county_a"])
    assert list(precise_enforcement_candidates(scope=scope)) == []  # the late one is general
    HiddenDanger.objects.filter(pk=dangers["major"].pk).update(state="rectifying",
                                                               deadline=PAST)
    found = list(precise_enforcement_candidates(scope=scope))
    assert [(e.pk, e.overdue_major) for e in found] == [(plant.pk, 1)]
    assert list(precise_enforcement_candidates(scope=scope_for_user(users["county_b"]))) == []
