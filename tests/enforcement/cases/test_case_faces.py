"""The case's other faces: the `cases` layer through OGC API and vector tiles in the
caller's scope, and the fields the documents slice fills its documents from."""

from __future__ import annotations

from decimal import Decimal

import mapbox_vector_tile

from enforcement.cases import services
from enforcement.cases.selectors import case_document_fields
from tests.tiles.conftest import tile_of


def test_the_layer_keeps_to_the_scope_in_ogc_and_tiles(client, world, offices, case):
    items = "/ogc/collections/cases/items?f=json"
    client.force_login(offices["b"].head)
    assert client.get(items).json()["features"] == []
    z, x, y = tile_of(case.geom.x, case.geom.y, 12)
    assert client.get(f"/tiles/cases/{z}/{x}/{y}.mvt").status_code == 204
    client.force_login(offices["a"].head)
    features = client.get(items).json()["features"]
    assert [(f["id"], f["properties"]["party_name"]) for f in features] == [
        (case.pk, case.party_name)]
    tile = mapbox_vector_tile.decode(client.get(f"/tiles/cases/{z}/{x}/{y}.mvt").content)
    assert len(tile["cases"]["features"]) == 1


def test_the_document_fields_of_a_case(world, offices, violation, case):
    a = offices["a"]
    case = services.case_update(case=case, user=a.handler, facts="两名电工无证作业",
                                evidence=["现场检查记录"], violation=violation,
                                circumstance="general", penalties=["fine"],
                                fine=Decimal("20000"))
    fields = case_document_fields(case)
    assert fields["party"] == {
        "kind": "enterprise", "name": "测试化工1号有限公司",
        "id_number": world.enterprises_a[0].credit_code, "address": "测试路1号",
        "enterprise_id": world.enterprises_a[0].pk, "division_code": "320101001001",
        "legal_representative": ""}
    assert (fields["agency"], fields["members"], fields["facts"], fields["evidence"],
            fields["violation"], fields["legal_basis"], fields["penalty_basis"],
            fields["penalties"], fields["fine"], fields["source"]) == (
        "甲县应急管理局",
        [{"name": "a_handler", "lead": True, "agency": "甲县应急管理局"},
         {"name": "a_second", "lead": False, "agency": "甲县应急管理局"}],
        "两名电工无证作业", ["现场检查记录"], violation.name, violation.legal_basis,
        violation.penalty_basis, ["fine"], Decimal("20000"),
        {"kind": "other", "model": None, "id": None})
    assert set(fields["dates"]) == {"opened_at", "filed_at", "notified_at", "statement_due",
                                    "decided_at", "executed_at", "closed_at"}
