"""Chemicals catalogue, hazard source services and the hazard_sources layer (real PostGIS)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from registry.enterprises.models import Enterprise
from registry.hazards.models import Chemical, HazardSource
from registry.hazards.selectors import chemical_search
from registry.hazards.services import (
    hazard_source_create,
    hazard_source_set_chemicals,
    hazard_source_update,
)
from tests.conftest import box
from tests.tiles.conftest import decode, tile_of, tile_url

ITEMS = "/ogc/collections/hazard_sources/items?f=json"


@pytest.fixture
def chemicals(db) -> dict[str, Chemical]:
    call_command("load_chemicals", stdout=StringIO())
    return {c.name: c for c in Chemical.objects.all()}


def _near(enterprise: Enterprise, d: float = 0.0005):
    """A ~100 m box around the enterprise point."""
    x, y = enterprise.geom.x, enterprise.geom.y
    return box(x - d, y - d, x + d, y + d)


def _tank_farm(enterprise: Enterprise, name: str = "液氯罐区") -> HazardSource:
    return hazard_source_create(enterprise=enterprise, name=name, kind="tank_farm",
                                geom=_near(enterprise), exposed_people=60)


def test_load_chemicals_is_idempotent(chemicals):
    out = StringIO()
    call_command("load_chemicals", stdout=out)
    assert out.getvalue() == "chemicals: 0 created, 85 updated\n"
    assert Chemical.objects.count() == 85
    chlorine = Chemical.objects.get(gb18218_seq=12)
    assert (chlorine.name, chlorine.aliases, chlorine.cas) == ("氯", ["液氯", "氯气"], "7782-50-5")
    assert (chlorine.critical_quantity, chlorine.beta) == (Decimal("5"), Decimal("4"))
    methanol = Chemical.objects.get(gb18218_seq=65)
    assert (methanol.hazard_symbols, methanol.beta) == (["W5.3"], Decimal("1"))
    benzene = Chemical.objects.get(gb18218_seq=57)  # flammable liquid cat 2
    assert (benzene.hazard_symbols, benzene.beta) == (["W5.3"], Decimal("1"))
    propylene_oxide = Chemical.objects.get(gb18218_seq=63)  # cat 1: fp < 23 °C, bp ≤ 35 °C
    assert (propylene_oxide.hazard_symbols, propylene_oxide.beta) == (["W5.1"], Decimal("1.5"))
    phosphorus = Chemical.objects.get(gb18218_seq=73)  # W8 and J5 both β 1: smaller Q wins
    assert (phosphorus.hazard_symbols, phosphorus.beta) == (["W8", "J5"], Decimal("1"))
    assert Chemical.objects.get(gb18218_seq=66).beta is None  # 汽油: class left open
    assert chlorine.hazard_symbols == []  # Table 3 gives its β
    assert (chlorine.physical_state, chlorine.colours, chlorine.un_number) == (
        "gas", ["黄绿色"], "1017")
    assert "石灰" in chlorine.leak_handling
    assert Chemical.objects.exclude(physical_state="").count() == 36


def test_chemical_search_by_name_alias_cas_and_un(chemicals):
    assert [c.name for c in chemical_search("光气")] == ["碳酰氯"]
    assert [c.name for c in chemical_search("7782-50-5")] == ["氯"]
    assert [c.gb18218_seq for c in chemical_search("硝化棉")] == [37, 38, 39, 40, 41, 42]
    assert [c.name for c in chemical_search("液氯")] == ["氯"]
    assert [c.name for c in chemical_search("氯")][:3] == ["氯", "碳酰氯", "氯化氢（无水）"]
    Chemical.objects.filter(gb18218_seq=12).update(un_number="1017")
    assert [c.name for c in chemical_search("1017")] == ["氯"]
    assert list(chemical_search("  ")) == []


def test_evaluation_is_stored_with_its_steps(world, chemicals):
    enterprise = world.enterprises_a[1]
    assert enterprise.has_major_hazard is False
    source = _tank_farm(enterprise)
    assert (source.division_code, source.s_value, source.is_major) == (
        "320101001001", None, False)
    assert source.evaluation["error"] == "未登记危险化学品"
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], Decimal("30"))])
    source.refresh_from_db()
    assert (source.s_value, source.r_value, source.level, source.is_major) == (
        Decimal("6.0000000"), Decimal("36.0000000"), 3, True)
    step = source.evaluation["chemicals"][0]
    assert (step["Q_text"], step["beta_text"], step["weighted"]) == (
        "表1第12项“氯”", "表3 毒性气体“氯”", "24.0000000")
    assert source.evaluation["level_text"] == "R = 36，50 > R ≥ 10，为3级重大危险源"
    enterprise.refresh_from_db()
    assert enterprise.has_major_hazard is True


def test_changes_re_run_the_evaluation(world, chemicals):
    source = _tank_farm(world.enterprises_a[1])
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], "30")])
    hazard_source_update(source=source, exposed_people=100)
    source.refresh_from_db()
    assert (source.r_value, source.level) == (Decimal("48.0000000"), 3)
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], "62.5")])
    source.refresh_from_db()
    assert (source.r_value, source.level) == (Decimal("100.0000000"), 1)
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], "4.99")])
    source.refresh_from_db()
    assert (source.s_value, source.r_value, source.level, source.is_major) == (
        Decimal("0.9980000"), None, None, False)
    assert source.items.count() == 1


def test_unit_hazard_class_overrides_the_catalogue(world, chemicals):
    source = _tank_farm(world.enterprises_a[1], "甲醇罐区")
    hazard_source_set_chemicals(source=source, items=[
        (chemicals["氨"], "100"), (chemicals["甲醇"], "1000")])
    source.refresh_from_db()
    assert (source.s_value, source.r_value) == (Decimal("12.0000000"), Decimal("33.0000000"))
    hazard_source_update(source=source, exposed_people=0)
    source.refresh_from_db()
    assert (source.r_value, source.level) == (Decimal("11.0000000"), 3)  # reference T4
    # operated above its boiling point 甲醇 is W5.1 for this unit: β 1.5
    hazard_source_set_chemicals(source=source, items=[
        (chemicals["氨"], "100"), (chemicals["甲醇"], "1000", ["W5.1"])])
    source.refresh_from_db()
    assert source.r_value == Decimal("11.5000000")
    assert source.evaluation["chemicals"][1]["beta_source"] == "table4:W5.1"


def test_missing_beta_keeps_identification_and_says_why(world, chemicals):
    gasoline = chemicals["汽油（乙醇汽油、甲醇汽油）"]
    source = _tank_farm(world.enterprises_a[1], "汽油罐区")
    hazard_source_set_chemicals(source=source, items=[(gasoline, "400")])
    source.refresh_from_db()
    assert (source.s_value, source.is_major, source.r_value, source.level) == (
        Decimal("2.0000000"), True, None, None)
    assert source.evaluation["error"] == (
        "“汽油（乙醇汽油、甲醇汽油）”不在表3中且未给出危险性类别，无法确定校正系数β")


def test_geometry_must_be_near_the_enterprise(world, chemicals):
    enterprise = world.enterprises_a[1]
    x, y = enterprise.geom.x, enterprise.geom.y
    with pytest.raises(ValidationError, match="范围须在企业位置1000米以内"):
        hazard_source_create(enterprise=enterprise, name="远处", kind="warehouse",
                             geom=box(x + 0.02, y, x + 0.021, y + 0.001))
    assert HazardSource.objects.count() == 0
    with pytest.raises(ValidationError):
        hazard_source_set_chemicals(source=_tank_farm(enterprise),
                                    items=[(chemicals["氯"], "-1")])


def test_ogc_items_follow_scope(client, world, chemicals):
    source = _tank_farm(world.enterprises_a[0])  # 测试化工1号, owned by the enterprise user
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], "30")])

    def items(role):
        body = client.get(ITEMS, HTTP_AUTHORIZATION=f"Token {world.tokens[role]}").json()
        return [(f["id"], f["properties"]["name"], f["properties"]["level"],
                 f["properties"]["is_major"]) for f in body["features"]]

    assert items("county_a") == [(source.pk, "液氯罐区", 3, True)]
    assert items("enterprise") == [(source.pk, "液氯罐区", 3, True)]
    assert items("county_b") == []


def test_tile_at_z14_contains_the_source(client, world, chemicals):
    enterprise = world.enterprises_a[1]
    source = _tank_farm(enterprise)
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], "62.5")])
    tile = tile_url("hazard_sources", *tile_of(enterprise.geom.x, enterprise.geom.y, 14))
    client.force_login(world.users["county_a"])
    features = decode(client.get(tile))["hazard_sources"]["features"]
    assert [(f["properties"]["name"], f["properties"]["level"]) for f in features] == [
        ("液氯罐区", 2)]  # R = 1.5 × 4 × 12.5 = 75
    assert features[0]["geometry"]["type"] == "Polygon"
    client.force_login(world.users["county_b"])
    assert decode(client.get(tile)) == {}


# ---- issue 9 §5 ----------------------------------------------------------------------------

def test_catalogue_names_from_the_loader(chemicals):
    town_gas = Chemical.objects.get(gb18218_seq=13)
    assert (town_gas.aliases, town_gas.critical_quantity, town_gas.beta) == (
        ["一氧化碳"], Decimal("20"), Decimal("2"))
    assert Chemical.objects.get(gb18218_seq=14).aliases == ["砷化三氢", "胂"]
    assert Chemical.objects.get(gb18218_seq=21).aliases == [
        "环氧氯丙烷（3-氯-1,2-环氧丙烷）", "环氧氯丙烷", "3-氯-1,2-环氧丙烷"]
    assert Chemical.objects.get(gb18218_seq=49).aliases == ["甲烷", "天然气"]


@pytest.mark.parametrize(("text", "seq"), [
    ("天然气", 49), ("甲烷", 49), ("胂", 14), ("砷化三氢", 14), ("环氧氯丙烷", 21),
    ("一氧化碳", 13)])
def test_common_names_are_found_by_search_and_lookup(chemicals, text, seq):
    from registry.hazards.selectors import chemical_lookup

    assert chemical_search(text)[0].gb18218_seq == seq  # the exact hit first
    assert [c.gb18218_seq for c in chemical_lookup()[text]] == [seq]


def test_methane_is_an_exact_hit_before_the_names_containing_it(chemicals):
    assert [c.gb18218_seq for c in chemical_search("甲烷")] == [49, 17, 53, 64]


def test_catalogue_validation_names_the_chemical(chemicals):
    bad = Chemical(name="某化学品", gb18218_seq=86)
    with pytest.raises(ValidationError) as caught:
        bad.full_clean()
    assert caught.value.message_dict == {
        "gb18218_seq": ["“某化学品”的GB 18218表1序号86不存在（表1为第1–85项）"]}
    with pytest.raises(ValidationError) as caught:  # entered by hand it would get W2's 10 t
        Chemical(name="一氧化碳", hazard_symbols=["W2"]).full_clean()
    assert caught.value.message_dict == {"name": [
        "“一氧化碳”是GB 18218表1第13项“煤气（CO，CO和H₂、CH₄的混合物等）”，已在目录中"]}
    with pytest.raises(ValidationError) as caught:
        Chemical(name="某气体", hazard_symbols=["W2", "X9"]).full_clean()
    assert caught.value.message_dict == {"hazard_symbols": [
        "“某气体”：“X9”不是GB 18218表2的危险性类别符号"]}


def _bad_row_chemical() -> Chemical:
    """A catalogue row whose Table 1 number is out of range (written past validation)."""
    return Chemical.objects.create(name="某化学品", gb18218_seq=86)


def test_a_table1_row_outside_1_85_is_refused_when_entered(world, chemicals):
    source = _tank_farm(world.enterprises_a[1])
    with pytest.raises(ValidationError) as caught:
        hazard_source_set_chemicals(source=source, items=[(_bad_row_chemical(), "1")])
    assert caught.value.message_dict == {
        "chemical": ["“某化学品”的GB 18218表1序号86不存在（表1为第1–85项）"]}
    assert source.items.count() == 0


def test_a_table1_row_outside_1_85_leaves_the_source_unevaluated(world, chemicals):
    from registry.hazards.models import HazardSourceChemical
    from registry.hazards.services import hazard_source_evaluate

    source = _tank_farm(world.enterprises_a[1])
    HazardSourceChemical.objects.create(source=source, chemical=_bad_row_chemical(),
                                        max_tonnes=1)
    assert hazard_source_evaluate(source) is None  # no RuntimeError
    source.refresh_from_db()
    assert (source.s_value, source.level, source.unevaluated_reason) == (
        None, None, "“某化学品”的GB 18218表1序号86不存在（表1为第1–85项）")


def test_exposed_population_must_be_entered_before_grading(world, chemicals):
    enterprise = world.enterprises_a[1]
    source = hazard_source_create(enterprise=enterprise, name="液氯罐区", kind="tank_farm",
                                  geom=_near(enterprise))
    assert source.exposed_people is None  # no default: 0 would silently give α = 0.5
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], "62.5")])
    source.refresh_from_db()
    assert (source.s_value, source.is_major, source.r_value, source.level) == (
        Decimal("12.5000000"), True, None, None)
    assert source.unevaluated_reason == (
        "未填写厂外500米内常住人口（0人也须填写），无法确定校正系数α")
    hazard_source_update(source=source, exposed_people=100)
    source.refresh_from_db()
    assert (source.r_value, source.level, source.unevaluated_reason) == (
        Decimal("100.0000000"), 1, "")  # reference T6, not level 3 as with α = 0.5
    hazard_source_update(source=source, exposed_people=0)  # entered: 0 people is a value
    source.refresh_from_db()
    assert (source.r_value, source.level) == (Decimal("25.0000000"), 3)


def test_a_not_major_source_is_not_unevaluated(world, chemicals):
    enterprise = world.enterprises_a[1]
    source = hazard_source_create(enterprise=enterprise, name="小罐区", kind="tank_farm",
                                  geom=_near(enterprise))
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], "1")])
    source.refresh_from_db()
    assert (source.is_major, source.level, source.unevaluated_reason) == (False, None, "")


def test_ogc_items_say_why_a_source_is_unevaluated(client, world, chemicals):
    enterprise = world.enterprises_a[0]
    source = hazard_source_create(enterprise=enterprise, name="液氯罐区", kind="tank_farm",
                                  geom=_near(enterprise))
    hazard_source_set_chemicals(source=source, items=[(chemicals["氯"], "62.5")])
    body = client.get(ITEMS, HTTP_AUTHORIZATION=f"Token {world.tokens['county_a']}").json()
    props = body["features"][0]["properties"]
    assert (props["level"], props["exposed_people"], props["unevaluated_reason"]) == (
        None, None, "未填写厂外500米内常住人口（0人也须填写），无法确定校正系数α")


def test_classes_of_table1_rows_come_with_their_source(chemicals):
    methanol = chemicals["甲醇"]
    assert methanol.hazard_symbols_source == "domain-standards.md §1.5 T4 (β 甲醇 = 1 via W5.3)"
    assert chemicals["氯"].hazard_symbols_source == "表3所列毒性气体，β按表3取值，不需危险性类别"
    open_rows = Chemical.objects.filter(gb18218_seq__isnull=False, hazard_symbols=[],
                                        hazard_symbols_source="")
    assert open_rows.count() == 18
    assert {c.gb18218_seq for c in open_rows} >= {13, 66}  # 煤气, 汽油


def test_catalogue_page_shows_the_rows_without_a_class(client, world, chemicals):
    client.force_login(world.users["county_a"])
    html = client.get("/hazards/chemicals/").content.decode()
    assert html.count('<td class="class-open">未定</td>') == 18
    page = client.get(f"/hazards/chemicals/{chemicals['汽油（乙醇汽油、甲醇汽油）'].pk}/")
    assert "未定：GB 18218表1未给出，本平台亦未定，须由监管部门按单元填写危险性类别及其依据" in (
        page.content.decode())


def test_a_supervisor_enters_the_class_of_an_open_row_with_its_source(world, chemicals):
    from django.core.exceptions import PermissionDenied

    from geo.models import AuditEntry
    from registry.hazards.services import hazard_source_chemical_classify

    source = _tank_farm(world.enterprises_a[0], "汽油罐区")  # owned by `enterprise`
    hazard_source_set_chemicals(source=source, items=[(chemicals["汽油（乙醇汽油、甲醇汽油）"],
                                                       "400")])
    item = source.items.get()
    note = "供应商SDS：初沸点28℃、闪点-43℃，易燃液体类别1"
    for name in ("enterprise", "county_b", "analyst"):
        with pytest.raises(PermissionDenied, match="只有管辖该重大危险源的监管部门"):
            hazard_source_chemical_classify(item=item, user=world.users[name],
                                            symbols=["W5.1"], note=note)
    with pytest.raises(ValidationError) as caught:
        hazard_source_chemical_classify(item=item, user=world.users["county_a"],
                                        symbols=["W5.1", "W99"], note="")
    assert caught.value.message_dict == {
        "hazard_symbols": ["“汽油（乙醇汽油、甲醇汽油）”：“W99”不是GB 18218表2的危险性类别符号"],
        "hazard_symbols_note": ["“汽油（乙醇汽油、甲醇汽油）”：填写危险性类别时须注明依据"]}
    hazard_source_chemical_classify(item=item, user=world.users["county_a"],
                                    symbols=["W5.1"], note=note)
    source.refresh_from_db()
    # S 2, β 1.5 (W5.1), α 1.5 (60 people): R = 4.5, level 4
    assert (source.r_value, source.level, source.unevaluated_reason) == (
        Decimal("4.5000000"), 4, "")
    step = source.evaluation["chemicals"][0]
    assert (step["beta_source"], step["beta_text"]) == (
        "table4:W5.1", f"表4 W5.1（本单元监管部门填写，依据：{note}）")
    entry = AuditEntry.objects.filter(model="registry.hazardsourcechemical",
                                      object_pk=str(item.pk), action="update").get()
    assert (entry.user.username, entry.changes["hazard_symbols"],
            entry.changes["hazard_symbols_note"]) == ("county_a", [[], ["W5.1"]], ["", note])
    # replacing the chemicals keeps the class entered for a chemical that stays
    hazard_source_set_chemicals(source=source, items=[(chemicals["汽油（乙醇汽油、甲醇汽油）"],
                                                       "800")])
    kept = source.items.get()
    assert (kept.hazard_symbols, kept.hazard_symbols_note) == (["W5.1"], note)


def test_load_chemicals_regrades_the_sources_of_a_changed_chemical(world, chemicals):
    source = _tank_farm(world.enterprises_a[1], "甲醇罐区")  # 60 people: α 1.5
    Chemical.objects.filter(gb18218_seq=65).update(hazard_symbols=["W5.1"])  # a stale class
    hazard_source_set_chemicals(source=source, items=[(Chemical.objects.get(gb18218_seq=65),
                                                       "5000")])
    source.refresh_from_db()
    assert source.r_value == Decimal("22.5000000")  # 1.5 × 1.5 × 10
    out = StringIO()
    call_command("load_chemicals", stdout=out)
    assert out.getvalue() == "chemicals: 0 created, 85 updated\nhazard sources re-graded: 1\n"
    source.refresh_from_db()
    assert source.r_value == Decimal("15.0000000")  # W5.3 again: β 1
