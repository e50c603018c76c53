"""`manage.py import_layer hazard_sources FILE` with a `chemicals` column: checked with
every other cell, written all or nothing, evaluated for every imported source."""

from __future__ import annotations

import csv
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from layers.base import registry
from layers.imports import LayerImportError, import_layer
from registry.hazards.imports import parse_chemicals
from registry.hazards.models import HazardSource, HazardSourceChemical
from registry.hazards.selectors import chemical_lookup

COLUMNS = ["name", "kind", "division_code", "enterprise", "exposed_people", "chemicals", "wkt"]


@pytest.fixture
def catalogue(db) -> None:
    call_command("load_chemicals", stdout=StringIO())


def _wkt(enterprise, d=0.0005) -> str:
    x, y = enterprise.geom.x, enterprise.geom.y
    return f"POLYGON(({x-d} {y-d},{x+d} {y-d},{x+d} {y+d},{x-d} {y+d},{x-d} {y-d}))"


def _csv(tmp_path, rows) -> str:
    path = tmp_path / "sources.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return str(path)


def _row(enterprise, name, chemicals, people=60, division=None):
    return [name, "tank_farm", division or enterprise.division_code, enterprise.pk, people,
            chemicals, _wkt(enterprise)]


def test_parse_names_aliases_cas_and_refuses_ambiguity(catalogue):
    lookup = chemical_lookup()
    items, problems = parse_chemicals("液氯:5；7664-41-7：20; 氯化氢:1", lookup)
    assert [(c.name, t) for c, t in items] == [
        ("氯", Decimal("5")), ("氨", Decimal("20")), ("氯化氢（无水）", Decimal("1"))]
    assert problems == []
    _, problems = parse_chemicals("硝化棉:1;水:3;氯:-1;氨;液氨:1;氨气:2;甲醇:abc", lookup)
    assert problems[0].startswith("“硝化棉”对应多个化学品：硝化纤维素［干的")
    assert problems[1:] == ["化学品目录中没有“水”", "“氯”的吨数“-1”不是非负数",
                            "“氨”应写成“名称:吨数”", "“氨”重复填写", "“甲醇”的吨数“abc”不是非负数"]


def test_import_with_chemicals_evaluates_every_source(world, catalogue, tmp_path):
    owner, other = world.enterprises_a[0], world.enterprises_a[1]
    path = _csv(tmp_path, [_row(owner, "液氯罐区", "液氯:30"),
                           _row(other, "甲醇罐区", "氨:100;甲醇:1000", people=0),
                           _row(other, "空库房", "")])
    out = StringIO()
    call_command("import_layer", "hazard_sources", path, "--no-progress", stdout=out)
    assert out.getvalue().startswith("imported 3 rows into hazard_sources")
    assert "ignored columns" not in out.getvalue()
    rows = {s.name: s for s in HazardSource.objects.all()}
    chlorine = rows["液氯罐区"]
    assert (chlorine.s_value, chlorine.r_value, chlorine.level, chlorine.is_major) == (
        Decimal("6.0000000"), Decimal("36.0000000"), 3, True)  # reference T3
    assert chlorine.organisation_id == owner.organisation_id  # the owner follows the enterprise
    assert (rows["甲醇罐区"].r_value, rows["甲醇罐区"].level) == (Decimal("11.0000000"), 3)  # T4
    assert rows["空库房"].evaluation["error"] == "未登记危险化学品"
    assert HazardSourceChemical.objects.count() == 3
    other.refresh_from_db()
    assert other.has_major_hazard is True


def test_a_bad_chemical_stops_the_whole_file(world, catalogue, tmp_path):
    owner = world.enterprises_a[0]
    path = _csv(tmp_path, [_row(owner, "一号罐区", "氯:30"),
                           _row(owner, "二号罐区", "氯:5;液态阳光:3"),
                           _row(owner, "三号罐区", "氨:1", division="320101001002")])
    with pytest.raises(LayerImportError) as caught:
        import_layer(registry.get("hazard_sources"), path)
    assert [str(e) for e in caught.value.errors] == [
        "row 2 (line 3), chemicals: 化学品目录中没有“液态阳光”",
        "row 3 (line 4), division_code: 与企业的区划代码 320101001001 不一致"]
    assert HazardSource.objects.count() == HazardSourceChemical.objects.count() == 0
    with pytest.raises(CommandError, match="row 2 \\(line 3\\), chemicals"):
        call_command("import_layer", "hazard_sources", path, "--no-progress")


def test_dry_run_checks_chemicals_and_writes_nothing(world, catalogue, tmp_path):
    path = _csv(tmp_path, [_row(world.enterprises_a[0], "一号罐区", "氯:30")])
    result = import_layer(registry.get("hazard_sources"), path, dry_run=True)
    assert (result.rows, result.written, result.ignored) == (1, 0, [])
    assert HazardSource.objects.count() == 0


def test_common_names_are_imported(catalogue):
    items, problems = parse_chemicals("天然气:60;胂:1;环氧氯丙烷:20;一氧化碳:20;甲烷：1",
                                      chemical_lookup())
    assert [(c.gb18218_seq, t) for c, t in items] == [
        (49, Decimal("60")), (14, Decimal("1")), (21, Decimal("20")), (13, Decimal("20"))]
    assert problems == ["“甲烷，天然气”重复填写"]


def test_a_blank_exposed_population_is_imported_unevaluated(world, catalogue, tmp_path):
    owner = world.enterprises_a[0]
    path = _csv(tmp_path, [_row(owner, "液氯罐区", "液氯:62.5", people="")])
    import_layer(registry.get("hazard_sources"), path)
    source = HazardSource.objects.get()
    assert (source.exposed_people, source.s_value, source.level) == (
        None, Decimal("12.5000000"), None)
    assert source.unevaluated_reason == (
        "未填写厂外500米内常住人口（0人也须填写），无法确定校正系数α")


def test_a_table1_row_outside_1_85_is_a_row_error(world, catalogue, tmp_path):
    from registry.hazards.models import Chemical

    Chemical.objects.create(name="某化学品", gb18218_seq=86)  # written past validation
    path = _csv(tmp_path, [_row(world.enterprises_a[0], "一号罐区", "某化学品:1")])
    with pytest.raises(LayerImportError) as caught:
        import_layer(registry.get("hazard_sources"), path)
    assert [str(e) for e in caught.value.errors] == [
        "row 1 (line 2), chemicals: “某化学品”的GB 18218表1序号86不存在（表1为第1–85项）"]
    assert HazardSource.objects.count() == 0
