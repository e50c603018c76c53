"""The risk pages through HTTP: create from the library and blank, assess, measures and
log, the control list and its export, the enterprise section, the work queue, the rules
page; and a user of another county reaching none of it (pages, OGC, tiles)."""

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from enforcement.risk import services
from enforcement.risk.models import LibraryPoint, RiskPoint


@pytest.fixture
def as_user(client, world):
    def login(name):
        client.force_login(world.users[name])
        return client
    return login


def _form(ent, **fields):
    return {"name": "冲压车间冲压机", "kind": "equipment", "hazard_factors": "模具区伤手",
            "accident_types": ["machinery"], "lon": ent.geom.x + 0.0002,
            "lat": ent.geom.y, "outline": "", "floor_plan": "", **fields}


def test_enterprise_creates_from_library_and_blank(as_user, ent, library):
    client = as_user("enterprise")
    entry = LibraryPoint.objects.get(name="冷库液氨制冷系统")
    page = client.get(reverse("risk:new") + f"?library={entry.pk}")
    assert page.status_code == 200 and "冷库液氨制冷系统" in page.content.decode()
    done = client.post(reverse("risk:new") + f"?library={entry.pk}",
                       _form(ent, name="1号冷库", kind="equipment"))
    point = RiskPoint.objects.get(name="1号冷库")
    assert done.status_code == 302 and done["Location"] == reverse("risk:detail",
                                                                   args=[point.pk])
    assert (point.enterprise, point.library_point, point.measures.count()) == (ent, entry, 6)
    blank = client.post(reverse("risk:new"), _form(ent))
    assert blank.status_code == 302
    assert RiskPoint.objects.get(name="冲压车间冲压机").measures.count() == 0


def test_refused_fields_are_named(as_user, ent):
    page = as_user("enterprise").post(reverse("risk:new"), _form(ent, accident_types=["x"]))
    assert page.status_code == 400 and "可能导致的事故类型" in page.content.decode()


def test_assess_measure_and_log_through_the_page(as_user, make_point):
    point = make_point()
    client = as_user("enterprise")
    url = reverse("risk:assess", args=[point.pk, "LEC"])
    client.post(url, {"lec-stage": "final", "lec-L": "1", "lec-E": "10", "lec-C": "7"})
    point.refresh_from_db()
    assert (point.level, point.control_level) == (3, "workshop")
    bad = client.post(reverse("risk:assess", args=[point.pk, "LS"]),
                      {"ls-stage": "final", "ls-L": "7", "ls-S": "1"}, follow=True)
    assert "L：" in bad.content.decode()
    client.post(reverse("risk:measure_add", args=[point.pk]),
                {"kind": "engineering", "text": "设泄漏报警", "owner": "李工"})
    measure = point.measures.get()
    client.post(reverse("risk:measure_check", args=[measure.pk]), {"result": "effective"})
    page = client.get(reverse("risk:detail", args=[point.pk])).content.decode()
    assert "设泄漏报警" in page and "一般风险（黄）" in page and "有效" in page
    assert measure.checks.count() == 1


def test_control_list_page_and_export(as_user, world, ent, make_point):
    point = make_point()
    services.control_measure_add(user=world.users["admin"], point=point, kind="training",
                                 text="岗位培训")
    make_point(name="空压站")
    client = as_user("county_a")
    page = client.get(reverse("risk:control_list", args=[ent.pk])).content.decode()
    assert "岗位培训" in page and "缺少管控措施" in page
    answer = client.get(reverse("risk:control_list", args=[ent.pk]) + "?f=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("风险点", "类型", "风险等级")
    assert sorted(r[0] for r in rows[1:]) == ["液氯储罐区", "空压站"]
    assert ("岗位培训" in [r[8] for r in rows[1:]])


def test_other_county_reaches_nothing(as_user, world, ent, make_point):
    point = make_point()
    client = as_user("county_b")
    assert client.get(reverse("risk:detail", args=[point.pk])).status_code == 404
    assert client.get(reverse("risk:control_list", args=[ent.pk])).status_code == 404
    assert client.get(reverse("risk:control_list", args=[ent.pk]) + "?f=csv") \
        .status_code == 404
    assert client.post(reverse("risk:assess", args=[point.pk, "LS"]),
                       {"ls-stage": "final", "ls-L": "1", "ls-S": "1"}).status_code == 404
    assert point.name not in client.get(reverse("risk:list")).content.decode()
    items = client.get("/ogc/collections/risk_points/items?f=json").json()
    assert items["features"] == []
    mine = as_user("county_a").get("/ogc/collections/risk_points/items?f=json").json()
    assert [f["properties"]["name"] for f in mine["features"]] == ["液氯储罐区"]


def test_supervisor_in_scope_reads_but_analyst_cannot_write(as_user, make_point):
    point = make_point()
    page = as_user("analyst").get(reverse("risk:detail", args=[point.pk]))
    assert page.status_code == 200 and "assess-LEC" not in page.content.decode()
    refused = as_user("analyst").post(reverse("risk:measure_add", args=[point.pk]),
                                      {"kind": "training", "text": "x"})
    assert refused.status_code == 403


def test_enterprise_section_lists_points_by_level(as_user, world, ent, make_point):
    point = make_point()
    services.risk_point_assess(user=world.users["admin"], point=point, stage="final",
                               method="LS", factors={"L": 5, "S": 5})
    page = as_user("county_a").get(reverse("enterprise_detail", args=[ent.pk])).content.decode()
    assert 'id="risk"' in page and reverse("risk:detail", args=[point.pk]) in page
    assert "重大风险（红）" in page


def test_work_queue_until_a_point_is_identified(as_user, make_point):
    client = as_user("enterprise")
    assert 'id="queue-risk_unidentified"' in client.get("/").content.decode()
    make_point()
    assert 'id="queue-risk_unidentified"' not in client.get("/").content.decode()


def test_rules_page_makes_a_version(as_user):
    client = as_user("province")
    page = client.get(reverse("risk:rules")).content.decode()
    assert "70 ≤ · &lt; 160" in page and "default" in page
    client.post(reverse("risk:rules"), {"area": "32", "lec": "B", "ls": "C", "note": "省定"})
    assert "32v1" in client.get(reverse("risk:rules")).content.decode()
    refused = client.post(reverse("risk:rules"), {"area": "33", "lec": "A", "ls": "A"},
                          follow=True)
    assert "只能为本辖区制定判定准则" in refused.content.decode()


def test_library_page_filters_by_industry(as_user, library):
    page = as_user("enterprise").get(reverse("risk:library") + "?industry=mines")
    text = page.content.decode()
    assert "尾矿库" in text and "液氯储罐区" not in text


def test_precise_enforcement_pages_list_the_enterprises(as_user, world, make_point):
    make_point()
    names = lambda page: [e.name for e in page.context["page"].object_list]  # noqa: E731
    county = as_user("county_a")
    assert names(county.get(reverse("risk:unidentified"))) == \
        [e.name for e in world.enterprises_a[1:]]
    assert names(county.get(reverse("risk:missing"))) == [e.name for e in world.enterprises_a]
    assert names(as_user("county_b").get(reverse("risk:missing"))) == \
        [e.name for e in world.enterprises_b]


def test_edit_draws_an_outline(as_user, ent, make_point):
    point = make_point()
    client = as_user("enterprise")
    assert client.get(reverse("risk:edit", args=[point.pk])).status_code == 200
    x, y = ent.geom.x, ent.geom.y
    ring = [[x, y], [x + 0.001, y], [x + 0.001, y + 0.001], [x, y + 0.001], [x, y]]
    bad = client.post(reverse("risk:edit", args=[point.pk]),
                      _form(ent, name=point.name, outline='{"type": "Polygon"}'))
    assert bad.status_code == 400 and "范围须为GeoJSON多边形" in bad.content.decode()
    outline = json.dumps({"type": "Polygon", "coordinates": [ring]})
    done = client.post(reverse("risk:edit", args=[point.pk]),
                       _form(ent, name=point.name, kind="area", outline=outline))
    assert done.status_code == 302
    point.refresh_from_db()
    assert point.outline is not None and point.outline.contains(point.geom)
    page = client.get(reverse("risk:detail", args=[point.pk])).content.decode()
    assert "risk-map" in page
