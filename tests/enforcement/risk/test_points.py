"""Risk points, assessments (初评/终评/调整), control levels, the rule sets per area, the
standards library and the selectors other slices use."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError

from enforcement.risk import selectors, services
from enforcement.risk.library import library_rows
from enforcement.risk.models import LibraryPoint, RiskAssessment, RiskRuleSet
from enforcement.risk.rules import DEFAULT, LS_VARIANTS, rules_for

T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def hours(n):
    return T0 + datetime.timedelta(hours=n)


def test_point_copies_place_and_owner_of_its_enterprise(world, ent, make_point):
    point = make_point(user=world.users["enterprise"])
    assert (point.division_code, point.organisation_id) == (ent.division_code,
                                                            ent.organisation_id)
    assert point.level is None and point.control_level == ""


def test_polygon_gives_outline_and_a_point_on_it(world, ent, make_point):
    x, y = ent.geom.x, ent.geom.y
    square = Polygon.from_bbox((x, y, x + 0.001, y + 0.001))
    square.srid = 4326
    point = make_point(geom=square)
    assert point.outline.equals(square) and square.contains(point.geom)
    with pytest.raises(ValidationError) as caught:
        services.risk_point_update(user=world.users["admin"], point=point,
                                   geom=square.boundary)
    assert "geom" in caught.value.message_dict


def test_only_owner_or_supervisor_over_it_writes(world, ent, make_point):
    with pytest.raises(PermissionDenied):
        make_point(user=world.users["county_b"])
    with pytest.raises(PermissionDenied):
        make_point(user=world.users["analyst"])
    with pytest.raises(PermissionDenied):  # the enterprise user of another enterprise's row
        make_point(user=world.users["enterprise"], enterprise=world.enterprises_a[1])
    point = make_point(user=world.users["county_a"])
    with pytest.raises(PermissionDenied):
        services.risk_point_assess(user=world.users["county_b"], point=point, stage="final",
                                   method="LS", factors={"L": 1, "S": 1})


def test_accident_types_are_gb6441_choices(make_point):
    with pytest.raises(ValidationError) as caught:
        make_point(accident_types=["poisoning", "meteor"])
    assert "accident_types" in caught.value.message_dict


def test_current_level_is_the_latest_final_or_adjustment(world, make_point):
    user, point = world.users["enterprise"], make_point()
    first = services.risk_point_assess(user=user, point=point, stage="initial", method="LEC",
                                       factors={"L": 3, "E": 6, "C": 40}, now=hours(0))
    assert (first.score, first.level, first.rules_version) == (Decimal(720), 1, "default")
    point.refresh_from_db()
    assert point.level is None  # an initial assessment grades nothing yet
    services.risk_point_assess(user=user, point=point, stage="final", method="LEC",
                               factors={"L": 1, "E": 10, "C": 7}, now=hours(1))
    point.refresh_from_db()
    assert (point.level, point.control_level, point.assessed) == (3, "workshop", hours(1))
    with pytest.raises(ValidationError) as caught:
        services.risk_point_assess(user=user, point=point, stage="adjusted", method="LS",
                                   factors={"L": 5, "S": 5}, reason="  ", now=hours(2))
    assert "reason" in caught.value.message_dict
    adjusted = services.risk_point_assess(user=user, point=point, stage="adjusted",
                                          method="LS", factors={"L": 4, "S": 4},
                                          reason="工艺变更，增加储量", now=hours(2))
    point.refresh_from_db()
    assert (adjusted.level, point.level, point.control_level) == (2, 2, "company")
    assert [a.stage for a in selectors.risk_point_assessments(point)] == \
        ["adjusted", "final", "initial"]


def test_adjustment_needs_an_earlier_final(world, make_point):
    with pytest.raises(ValidationError) as caught:
        services.risk_point_assess(user=world.users["admin"], point=make_point(),
                                   stage="adjusted", method="LS", factors={"L": 1, "S": 1},
                                   reason="复评")
    assert "stage" in caught.value.message_dict


def test_bad_factors_store_nothing(world, make_point):
    point = make_point()
    with pytest.raises(ValidationError) as caught:
        services.risk_point_assess(user=world.users["admin"], point=point, stage="final",
                                   method="MES", factors={"M": 2, "E": 6, "S": 10})
    assert list(caught.value.message_dict) == ["M"]
    assert not RiskAssessment.objects.exists()


def test_mes_keeps_the_exposure_and_grades_180_red(world, make_point):
    point = make_point()
    row = services.risk_point_assess(user=world.users["admin"], point=point, stage="final",
                                     method="MES", factors={"M": 3, "E": 6, "S": 10,
                                                            "exposure": "E2"})
    assert row.factors == {"M": "3", "E": "6", "S": "10", "exposure": "E2"}
    assert (row.score, row.level) == (Decimal(180), 1)


def test_control_level_chosen_stays_until_released(world, make_point):
    user, point = world.users["admin"], make_point()
    services.risk_point_set_control_level(user=user, point=point, control_level="post")
    services.risk_point_assess(user=user, point=point, stage="final", method="LS",
                               factors={"L": 5, "S": 5})
    point.refresh_from_db()
    assert (point.level, point.control_level) == (1, "post")
    services.risk_point_set_control_level(user=user, point=point, control_level="")
    assert point.control_level == "company"
    with pytest.raises(ValidationError):
        services.risk_point_set_control_level(user=user, point=point, control_level="boss")


def test_rule_sets_versioned_longest_prefix_wins(world, ent, make_point):
    assert rules_for(ent.division_code).version == "default"
    county = world.users["county_a"]
    province = world.users["province"]
    b = {**DEFAULT, "LS": LS_VARIANTS["B"]}
    c = {**DEFAULT, "LS": LS_VARIANTS["C"]}
    services.risk_rules_create(user=province, area="32", rules=b)
    assert rules_for(ent.division_code).version == "32v1"
    services.risk_rules_create(user=county, area="320101", rules=c)
    services.risk_rules_create(user=province, area="32", rules=c, note="第二版")
    assert rules_for(ent.division_code).version == "320101v1"
    assert rules_for(world.enterprises_b[0].division_code).version == "32v2"
    assert list(RiskRuleSet.objects.filter(area="32").values_list("version", flat=True)
                .order_by("version")) == [1, 2]
    row = services.risk_point_assess(user=county, point=make_point(), stage="final",
                                     method="LS", factors={"L": 3, "S": 3})
    assert (row.level, row.rules_version) == (2, "320101v1")  # 9 is 较大 under variant C


def test_rule_sets_only_inside_the_jurisdiction_and_checked(world):
    with pytest.raises(PermissionDenied):
        services.risk_rules_create(user=world.users["county_a"], area="320102", rules=DEFAULT)
    with pytest.raises(PermissionDenied):
        services.risk_rules_create(user=world.users["province"], area="", rules=DEFAULT)
    with pytest.raises(PermissionDenied):
        services.risk_rules_create(user=world.users["enterprise"], area="320101",
                                   rules=DEFAULT)
    with pytest.raises(ValidationError) as caught:
        services.risk_rules_create(user=world.users["admin"], area="",
                                   rules={**DEFAULT, "LS": []})
    assert caught.value.message_dict["rules"] == ["LS: 须依次给出等级 1、2、3、4 四档"]
    assert services.risk_rules_create(user=world.users["admin"], area="",
                                      rules=DEFAULT).version == 1


def test_library_is_loaded_with_every_industry(library):
    rows = library_rows()
    assert LibraryPoint.objects.count() == len(rows) == 30
    assert set(LibraryPoint.objects.values_list("industry", flat=True)) == {
        "chemicals", "metallurgy", "building", "machinery", "light", "trade", "mines"}
    for name in ("液氯储罐区", "煤气柜", "水泥回转窑", "冲压机", "粉尘涉爆除尘系统",
                 "冷库液氨制冷系统", "尾矿库"):
        entry = LibraryPoint.objects.get(name=name)
        assert entry.hazard_factors and entry.accident_types and len(entry.measures) >= 5


def test_point_from_library_copies_factors_and_measures(world, ent, library):
    entry = LibraryPoint.objects.get(name="液氯储罐区")
    point = services.risk_point_from_library(
        user=world.users["enterprise"], enterprise=ent, entry=entry,
        geom=Point(ent.geom.x, ent.geom.y, srid=4326), department="储运车间")
    assert (point.name, point.kind, point.library_point, point.department) == \
        ("液氯储罐区", "area", entry, "储运车间")
    assert point.accident_types == ["poisoning", "vessel_explosion"]
    assert [m.kind for m in point.measures.all()] == [
        "emergency", "engineering", "engineering", "management", "protection", "training"]


def test_measures_and_control_log(world, make_point):
    user, point = world.users["enterprise"], make_point()
    measure = services.control_measure_add(user=user, point=point, kind="engineering",
                                           text="设氯气泄漏报警", owner="张工")
    with pytest.raises(ValidationError):
        services.control_measure_add(user=user, point=point, kind="prayer", text="x")
    check = services.control_check_record(user=user, measure=measure, result="effective",
                                          now=hours(3))
    assert (check.checked_by, check.checked) == (user, hours(3))
    services.control_measure_update(user=user, measure=measure, active=False)
    with pytest.raises(ValidationError):
        services.control_check_record(user=user, measure=measure, result="effective")
    assert list(selectors.control_log(point)) == [check]
    with pytest.raises(PermissionDenied):
        services.control_measure_add(user=world.users["county_b"], point=point,
                                     kind="training", text="x")


def test_selectors_for_other_slices(world, ent, make_point):
    point = make_point()
    other = make_point(name="甲醇储罐区", enterprise=world.enterprises_a[1])
    services.control_measure_add(user=world.users["admin"], point=other, kind="management",
                                 text="巡检")
    assert list(selectors.risk_points_of(ent.pk)) == [point]
    scope_b = selectors.Scope(prefix="320102")
    assert list(selectors.risk_points_of(ent.pk, scope=scope_b)) == []
    scope_a = selectors.Scope(prefix="320101")
    missing = list(selectors.enterprises_missing_measures(scope_a))
    # enterprise 1's point has no measure, 3–5 have no point; 2 is complete
    assert [e.pk for e in missing] == sorted(
        [e.pk for e in world.enterprises_a if e != world.enterprises_a[1]],
        key=lambda pk: next(e.name for e in world.enterprises_a if e.pk == pk))
    assert world.enterprises_b[0] not in selectors.enterprises_missing_measures(scope_a)
    assert set(selectors.enterprises_without_points(scope_a)) == set(world.enterprises_a[2:])


def test_library_reload_updates_and_refuses_a_bad_file(library, tmp_path):
    from django.core.management import call_command

    LibraryPoint.objects.filter(name="尾矿库").update(hazard_factors="旧")
    call_command("load_risk_library", stdout=io.StringIO())
    assert LibraryPoint.objects.count() == 30
    assert LibraryPoint.objects.get(name="尾矿库").hazard_factors.startswith("坝体失稳")
    bad = tmp_path / "library.json"
    bad.write_text('{"points": [{"industry": "mines", "name": "x", "kind": "area", '
                   '"hazard_factors": "", "accident_types": ["meteor"], "measures": []}]}',
                   encoding="utf-8")
    with pytest.raises(ValueError, match="mines/x"):
        library_rows(bad)
