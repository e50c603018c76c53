"""Supervising department (监管部门): deepest division, then longest industry prefix,
catch-all fallback, reassignment when the industry changes or the rules change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from geo.models import Division, Organisation
from registry.enterprises.departments import department_for, supervising_departments_reassign
from registry.enterprises.models import Enterprise
from registry.enterprises.review import file_snapshot
from registry.enterprises.services import enterprise_file_update
from tests.conftest import box


def _gov(name: str, division: Division, prefixes: list[str]) -> Organisation:
    return Organisation.objects.create(name=name, kind="government", division=division,
                                       industry_prefixes=prefixes)


@pytest.fixture
def rules(world):
    """Province catch-all; city chemicals (C26) and manufacturing (C); county A catch-all."""
    return {
        "province": _gov("测试省应急管理厅", world.province, []),
        "city_c26": _gov("测试市危化处", world.city, ["C26"]),
        "city_c": _gov("测试市工贸处", world.city, ["C", "B"]),
        "county_a": _gov("甲县应急管理局", world.county_a, []),
    }


def test_deepest_division_wins_over_a_longer_prefix(world, rules):
    # county A's catch-all beats the city's C26 rule for a chemical plant in county A
    assert department_for(industry="C2614", division_code="320101001001") == \
        rules["county_a"].pk


def test_longest_prefix_wins_within_a_division(world, rules):
    # county B has no department: the city decides, C26 beats C
    assert department_for(industry="C2614", division_code="320102001001") == \
        rules["city_c26"].pk
    assert department_for(industry="C3311", division_code="320102001001") == \
        rules["city_c"].pk
    assert department_for(industry="B1011", division_code="320102001001") == \
        rules["city_c"].pk


def test_catch_all_fallback_and_no_rule(world, rules):
    # G (logistics) matches no city prefix: the province's catch-all takes it
    assert department_for(industry="G5430", division_code="320102001001") == \
        rules["province"].pk
    # outside every division with a government organisation
    assert department_for(industry="C2614", division_code="330101001001") is None
    # enterprise organisations never supervise
    Organisation.objects.create(name="某企业", kind="enterprise", division=world.county_b)
    assert department_for(industry="G5430", division_code="320102001001") == \
        rules["province"].pk


def test_a_village_department_is_deeper_than_a_county(world, rules):
    village = Division.objects.create(code="320102001001", name="某村", level="village",
                                      parent=world.county_b, geom=box(118.6, 32.1, 118.7, 32.2))
    dept = _gov("某村安全员站", village, ["G"])
    assert department_for(industry="G5430", division_code="320102001001") == dept.pk
    assert department_for(industry="G5430", division_code="320102001002") == \
        rules["province"].pk


def test_department_for_is_one_query(world, rules):
    with CaptureQueriesContext(connection) as ctx:
        department_for(industry="C2614", division_code="320102001001")
    assert len(ctx.captured_queries) == 1


def test_reassign_all_in_one_update(world, rules):
    assert Enterprise.objects.filter(supervising_department__isnull=False).count() == 0
    with CaptureQueriesContext(connection) as ctx:
        changed = supervising_departments_reassign()
    assert len(ctx.captured_queries) == 1
    assert ctx.captured_queries[0]["sql"].lstrip().startswith("WITH")
    assert "UPDATE registry_enterprise" in ctx.captured_queries[0]["sql"]
    assert changed == 8
    got = dict(Enterprise.objects.values_list("pk", "supervising_department_id"))
    for e in world.enterprises_a:
        assert got[e.pk] == rules["county_a"].pk
    for e in world.enterprises_b:
        assert got[e.pk] == rules["city_c26"].pk
    assert supervising_departments_reassign() == 0  # idempotent: nothing changes twice
    # rules change: the C26 department closes, county B's chemical plants go to 工贸处
    rules["city_c26"].industry_prefixes = ["C27"]
    rules["city_c26"].save()
    assert supervising_departments_reassign(division_prefix="320102") == 3
    assert set(Enterprise.objects.filter(division_code__startswith="320102")
               .values_list("supervising_department_id", flat=True)) == {rules["city_c"].pk}


def test_reassignment_after_an_industry_change(world, rules):
    enterprise = world.enterprises_b[0]
    proposed = file_snapshot(enterprise)
    proposed["enterprise"]["industry"] = "G5430"
    enterprise_file_update(actor=world.users["province"], enterprise=enterprise,
                           proposed=proposed)
    enterprise.refresh_from_db()
    assert enterprise.industry == "G5430"
    assert enterprise.supervising_department_id == rules["province"].pk
    proposed["enterprise"]["industry"] = "C2662"
    enterprise_file_update(actor=world.users["province"], enterprise=enterprise,
                           proposed=proposed)
    enterprise.refresh_from_db()
    assert enterprise.supervising_department_id == rules["city_c26"].pk


def test_reassign_command_reports_the_count(world):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("reassign_departments", "--division", "3201", stdout=out)
    assert out.getvalue().strip().endswith("enterprises changed department")
    call_command("reassign_departments", stdout=out)
    assert "0 enterprises changed department" in out.getvalue().splitlines()[-1]
