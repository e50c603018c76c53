"""Layer import (`layers.imports`, `manage.py import_layer`): the five formats, the
column mapping, dry runs, scope, and files with bad rows that leave the table untouched."""

from __future__ import annotations

import warnings
import zipfile
from io import StringIO
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from django.core.management import CommandError, call_command

from geo.credit_code import check_character, make_credit_code
from geo.models import AuditEntry
from geo.scope import Scope
from layers.base import registry
from layers.imports import LayerImportError, import_layer
from registry.enterprises.models import Enterprise

PROPS = ["name", "credit_code", "industry", "risk_level", "division_code", "address",
         "has_major_hazard"]


def code(i: int) -> str:
    return make_credit_code(f"9132010{i:010d}")


def source(crs: int = 4326) -> gpd.GeoDataFrame:
    """Three new enterprises in county A; coordinates exact in binary floating point."""
    return gpd.GeoDataFrame({
        "name": ["新港化工有限公司", "江北仓储有限公司", "滨江制药有限公司"],
        "credit_code": [code(101), code(102), code(103)],
        "industry": ["C2614", "G5941", "C27"],
        "risk_level": [1, 3, 4],
        "division_code": ["320101002001", "320101002002", "320101003001"],
        "address": ["新港路1号", "江北路2号", ""],
        "has_major_hazard": [True, False, False],
    }, geometry=shapely.points([118.125, 118.25, 118.375], [32.125, 32.25, 32.375]),
        crs=crs)


def tabular(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    table = pd.DataFrame(frame.drop(columns="geometry"))
    table["lon"], table["lat"] = frame.geometry.x, frame.geometry.y
    return table


def write(frame: gpd.GeoDataFrame, fmt: str, directory: Path) -> Path:
    path = directory / f"enterprises.{'zip' if fmt == 'shp' else fmt}"
    if fmt == "csv":
        tabular(frame).to_csv(path, index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        tabular(frame).to_excel(path, index=False)
    elif fmt == "shp":  # zipped, as exports are; DBF cuts long names to 10 characters
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the cut names are what the test is about
            frame.to_file(directory / "e.shp", engine="pyogrio", encoding="UTF-8")
        with zipfile.ZipFile(path, "w") as zf:
            for part in directory.glob("e.*"):
                zf.write(part, part.name)
    else:
        frame.to_file(path, driver={"geojson": "GeoJSON", "gpkg": "GPKG"}[fmt], engine="pyogrio")
    return path


def stored(codes: list[str]) -> list[tuple]:
    rows = Enterprise.objects.filter(credit_code__in=codes).order_by("credit_code")
    return [(*(getattr(e, p) for p in PROPS), e.geom.x, e.geom.y, e.organisation_id)
            for e in rows]


EXPECTED = [
    ("新港化工有限公司", code(101), "C2614", 1, "320101002001", "新港路1号", True,
     118.125, 32.125, None),
    ("江北仓储有限公司", code(102), "G5941", 3, "320101002002", "江北路2号", False,
     118.25, 32.25, None),
    ("滨江制药有限公司", code(103), "C27", 4, "320101003001", "", False,
     118.375, 32.375, None),
]
LAYER = registry.get("enterprises")


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_layer", *args, "--no-progress", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "gpkg", "shp"])
def test_each_format_imports_exact_values(world, tmp_path, fmt):
    path = write(source(crs=4490 if fmt == "gpkg" else 4326), fmt, tmp_path)
    audits = AuditEntry.objects.count()
    result = import_layer(LAYER, path)
    assert (result.rows, result.written) == (3, 3)
    assert Enterprise.objects.count() == 8 + 3
    assert stored([code(101), code(102), code(103)]) == EXPECTED
    # one audit entry for the whole import, none per row
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.model, entry.changes) == (
        "create", "registry.enterprise", {"imported": 3, "file": path.name})


def test_other_crs_is_transformed(world, tmp_path):
    path = write(source().to_crs(3857), "gpkg", tmp_path)
    import_layer(LAYER, path)
    for row, want in zip(stored([code(101), code(102), code(103)]), EXPECTED, strict=True):
        assert row[:7] == want[:7]
        assert row[7] == pytest.approx(want[7], abs=1e-9)
        assert row[8] == pytest.approx(want[8], abs=1e-9)


def test_column_mapping_and_coordinate_columns(world, tmp_path):
    table = tabular(source()).rename(columns={
        "name": "企业名称", "credit_code": "统一社会信用代码", "lon": "经度", "lat": "纬度"})
    table["备注"] = "x"
    path = tmp_path / "mapped.csv"
    table.to_csv(path, index=False)
    out = run("enterprises", str(path), "--map", "企业名称=name", "--map",
              "统一社会信用代码=credit_code", "--lon", "经度", "--lat", "纬度")
    assert stored([code(101), code(102), code(103)]) == EXPECTED
    assert out == ("imported 3 rows into enterprises (企业名称->name, "
                   "统一社会信用代码->credit_code, industry->industry, risk_level->risk_level, "
                   "division_code->division_code, "
                   "address->address, has_major_hazard->has_major_hazard; "
                   "ignored columns: 备注)\n")


def test_wkt_column_and_defaults(world, tmp_path):
    path = tmp_path / "wkt.xlsx"
    pd.DataFrame({"name": ["甲"], "credit_code": [code(104)], "industry": ["C"],
                  "division_code": [320101001001], "wkt": ["POINT (118.5 32.5)"]}
                 ).to_excel(path, index=False)
    import_layer(LAYER, path)
    # risk level and hazard flag take the model defaults; a whole-number cell keeps its digits
    assert stored([code(104)]) == [("甲", code(104), "C", 4, "320101001001", "", False,
                                    118.5, 32.5, None)]


def bad_file(world, tmp_path) -> Path:
    """Row 1 good; then one fault per row (line = row + 1 for the header)."""
    wrong = code(202)[:17] + ("A" if code(202)[17] != "A" else "B")
    table = tabular(source()).iloc[[0, 0, 0, 0, 0, 0, 0]].reset_index(drop=True)
    table["credit_code"] = [code(201), wrong, code(203), code(204), code(201),
                            world.enterprises_a[0].credit_code, code(207)]
    table.loc[2, "risk_level"] = 7
    table.loc[3, "name"] = ""
    table.loc[6, "division_code"] = "320102001001"
    path = tmp_path / "bad.csv"
    table.to_csv(path, index=False)
    return path


def bad_errors(world) -> list[str]:
    wrong = code(202)[:17] + ("A" if code(202)[17] != "A" else "B")
    return [
        f"row 2 (line 3), credit_code: 统一社会信用代码校验位错误："
        f"应为{check_character(wrong[:17])}，实际为{wrong[17]}",
        "row 3 (line 4), risk_level: 值 7 不是有效选项。",
        "row 4 (line 5), name: 此字段不能为空。",
        f"row 5 (line 6), credit_code: 与第1行重复：{code(201)}",
        f"row 6 (line 7), credit_code: 数据库中已存在：{world.enterprises_a[0].credit_code}",
        "row 7 (line 8), division_code: 区划代码 320102001001 不在管辖范围（320101）内",
    ]


def test_bad_rows_write_nothing_and_name_each_row(world, tmp_path):
    path = bad_file(world, tmp_path)
    before, audits = Enterprise.objects.count(), AuditEntry.objects.count()
    with pytest.raises(LayerImportError) as caught:
        import_layer(LAYER, path, scope=Scope(prefix="320101"))
    assert [str(e) for e in caught.value.errors] == bad_errors(world)
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == (before, audits)


def test_command_reports_bad_rows_and_exits_non_zero(world, tmp_path):
    path = bad_file(world, tmp_path)
    before = Enterprise.objects.count()
    with pytest.raises(CommandError) as caught:
        run("enterprises", str(path))
    # the command runs as an operator: no scope, so row 7 is fine there
    assert str(caught.value) == "5 error(s) in 5 row(s), nothing imported:\n" + \
        "\n".join(bad_errors(world)[:5])
    assert Enterprise.objects.count() == before


def test_dry_run_checks_and_writes_nothing(world, tmp_path):
    path = write(source(), "gpkg", tmp_path)
    before, audits = Enterprise.objects.count(), AuditEntry.objects.count()
    out = run("enterprises", str(path), "--dry-run")
    assert out.startswith("checked (dry run, nothing written) 3 rows into enterprises (")
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == (before, audits)
    with pytest.raises(CommandError) as caught:
        run("enterprises", str(bad_file(world, tmp_path)), "--dry-run")
    assert str(caught.value).startswith("5 error(s) in 5 row(s), nothing imported:\n")


def test_scope_limits_rows(world, tmp_path):
    path = write(source(), "geojson", tmp_path)
    with pytest.raises(LayerImportError) as caught:
        import_layer(LAYER, path, scope=Scope(prefix="320102"))
    assert [str(e) for e in caught.value.errors] == [
        f"row {i}, division_code: 区划代码 {c} 不在管辖范围（320102）内"
        for i, c in enumerate(["320101002001", "320101002002", "320101003001"], start=1)]
    with pytest.raises(LayerImportError) as caught:
        import_layer(LAYER, path, scope=Scope(organisation_id=1))
    assert str(caught.value) == "scope: 无权向图层 enterprises 导入数据"
    assert Enterprise.objects.count() == 8
    import_layer(LAYER, path, scope=Scope(prefix="320101"))
    assert stored([code(101), code(102), code(103)]) == EXPECTED


def test_file_level_errors(world, tmp_path):
    path = tmp_path / "nogeom.csv"
    pd.DataFrame({"name": ["甲"]}).to_csv(path, index=False)
    with pytest.raises(CommandError) as caught:
        run("enterprises", str(path))
    assert str(caught.value) == ("1 error(s) in 1 row(s), nothing imported:\n"
                                 "geometry: 文件中没有坐标列 lon/lat，也没有 wkt 列")
    with pytest.raises(CommandError) as caught:
        run("enterprises", str(write(source(), "csv", tmp_path)), "--map", "name=colour")
    assert "--map name=colour: 图层 enterprises 没有可导入的属性 colour" in str(caught.value)


def test_foreign_keys_json_defaults_and_multi_promotion(world, tmp_path):
    """Hazard sources: an enterprise id column, polygons promoted to multipolygons, the
    non-editable evaluation fields left to their defaults."""
    owner = world.enterprises_a[0]
    path = tmp_path / "hazards.geojson"
    gpd.GeoDataFrame({"name": ["一号罐区", "二号库区"], "kind": ["tank_farm", "warehouse"],
                      "division_code": ["320101001001", "320101001001"],
                      "enterprise": [owner.pk, 999_999]},
                     geometry=[shapely.box(118.1, 32.1, 118.2, 32.2),
                               shapely.box(118.2, 32.2, 118.3, 32.3)], crs=4326
                     ).to_file(path, driver="GeoJSON", engine="pyogrio")
    hazards = registry.get("hazard_sources")
    with pytest.raises(LayerImportError) as caught:
        import_layer(hazards, path)
    assert [str(e) for e in caught.value.errors] == ["row 2, enterprise: 999999 不存在"]
    assert hazards.model.objects.count() == 0
    path.write_text(path.read_text().replace("999999", str(owner.pk)))
    import_layer(hazards, path)
    rows = [(h.name, h.kind, h.enterprise_id, h.level, h.is_major, h.evaluation,
             h.exposed_people, h.geom.geom_type, h.geom.extent)
            for h in hazards.model.objects.order_by("name")]
    # no exposed_people column: not entered (None, no default 0 that would mean α = 0.5)
    assert rows == [
        ("一号罐区", "tank_farm", owner.pk, None, False, {}, None, "MultiPolygon",
         (118.1, 32.1, 118.2, 32.2)),
        ("二号库区", "warehouse", owner.pk, None, False, {}, None, "MultiPolygon",
         (118.2, 32.2, 118.3, 32.3)),
    ]


def test_layer_with_undeclared_required_field_is_refused(world, tmp_path):
    path = tmp_path / "grid.geojson"
    gpd.GeoDataFrame({"code": ["G1"], "name": ["一号网格"], "level": [1],
                      "division_code": ["320101000000"]},
                     geometry=[shapely.box(118.1, 32.1, 118.2, 32.2)], crs=4326
                     ).to_file(path, driver="GeoJSON", engine="pyogrio")
    with pytest.raises(LayerImportError) as caught:
        import_layer(registry.get("grid_cells"), path)
    assert str(caught.value) == (
        "division: 必填字段 division 不是图层 grid_cells 声明的属性，该图层不能从文件导入")
