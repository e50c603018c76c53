import io
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from django.test import Client

from geo.models import SecurityEvent, SecurityEventKind
from geo.scope import EVERYTHING, Scope
from layers.exports import export_table

FORMATS = ["geojson", "gpkg", "shp", "csv", "xlsx"]


def _read(fmt: str, body: bytes, tmp_path):
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(body)
    if fmt == "csv":
        return pd.read_csv(path, encoding="utf-8-sig")
    if fmt == "xlsx":
        return pd.read_excel(path)
    if fmt == "shp":
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            zf.extractall(tmp_path / "shp")
        return gpd.read_file(tmp_path / "shp" / "enterprises.shp")
    return gpd.read_file(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_respects_scope(world, fmt, tmp_path):
    response = Client().get(f"/layers/enterprises/export.{fmt}",
                            HTTP_AUTHORIZATION=f"Token {world.tokens['county_b']}")
    assert response.status_code == 200
    frame = _read(fmt, b"".join(response.streaming_content), tmp_path)
    assert sorted(frame["name"]) == sorted(e.name for e in world.enterprises_b)
    assert len(frame) == 3


def test_export_values_exact(world, tmp_path):
    response = Client().get("/layers/enterprises/export.gpkg",
                            HTTP_AUTHORIZATION=f"Token {world.tokens['county_a']}")
    frame = _read("gpkg", b"".join(response.streaming_content), tmp_path)
    first = frame.set_index("credit_code").loc[world.enterprises_a[0].credit_code]
    assert first["name"] == "测试化工1号有限公司"
    assert first["risk_level"] == 2
    assert (round(first.geometry.x, 6), round(first.geometry.y, 6)) == (118.15, 32.12)
    assert frame.crs.to_epsg() == 4326


def test_csv_has_lon_lat(world, tmp_path):
    response = Client().get("/layers/enterprises/export.csv",
                            HTTP_AUTHORIZATION=f"Token {world.tokens['province']}")
    frame = _read("csv", b"".join(response.streaming_content), tmp_path)
    assert len(frame) == 8
    assert {"lon", "lat", "name", "credit_code"} <= set(frame.columns)


def test_export_denies_anonymous_private_layer(world):
    assert Client().get("/layers/enterprises/export.csv").status_code == 401


def test_public_layer_exports_anonymously(world, tmp_path):
    response = Client().get("/layers/divisions/export.geojson")
    assert response.status_code == 200
    frame = _read("geojson", b"".join(response.streaming_content), tmp_path)
    assert sorted(frame["code"]) == ["320000000000", "320100000000", "320101000000",
                                     "320102000000"]
    assert set(frame.geom_type) == {"MultiPolygon"}


def test_unknown_layer_or_format_is_404(world):
    client = Client()
    assert client.get("/layers/nope/export.csv").status_code == 404
    assert client.get("/layers/divisions/export.pdf").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_table_that_is_not_a_layer(db, fmt, tmp_path):
    """export_table writes a selector's table with the layers' writers and logs it."""
    table = pd.DataFrame({"名称": ["甲县", "乙县"], "消警处置及时率": [0.4, None]})
    path = export_table(table, "grading", Scope(prefix="3201"), fmt, tmp_path, request=None)
    assert path.name == f"grading.{fmt}"
    back = pd.read_csv(path, encoding="utf-8-sig") if fmt == "csv" else pd.read_excel(path)
    assert back["名称"].tolist() == ["甲县", "乙县"]
    assert back["消警处置及时率"].tolist()[0] == 0.4
    assert pd.isna(back["消警处置及时率"].tolist()[1])
    event = SecurityEvent.objects.get(kind=SecurityEventKind.EXPORT)
    assert (event.detail["table"], event.detail["rows"], event.detail["scope"]) == \
        ("grading", 2, "p3201")


def test_a_table_is_not_exported_as_geometry(db, tmp_path):
    with pytest.raises(ValueError, match="csv or xlsx"):
        export_table(pd.DataFrame({"a": [1]}), "t", EVERYTHING, "gpkg", tmp_path, request=None)
