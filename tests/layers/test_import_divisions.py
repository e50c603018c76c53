"""`manage.py import_divisions`: GeoPackage, GeoJSON and Shapefile round trips, and
files with bad rows that leave the table untouched."""

from __future__ import annotations

import zipfile
from io import StringIO
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from django.core.management import CommandError, call_command

from geo.models import Division

pytestmark = pytest.mark.django_db


def frame(crs: int = 4490) -> gpd.GeoDataFrame:
    """Province 39, city 3901, two counties (one a polygon with a hole), one town."""
    outer = shapely.box(118.0, 31.0, 120.0, 32.0)
    west = shapely.Polygon(shapely.box(118.0, 31.0, 119.0, 32.0).exterior.coords,
                           [shapely.box(118.4, 31.4, 118.6, 31.6).exterior.coords])
    return gpd.GeoDataFrame({
        "code": ["390000000000", "390100000000", "390102000000", "390121000000",
                 "390102001000"],
        "name": ["江淮省", "台林市", "青兴区", "塘汀县", "圩渚街道"],
        "level": ["province", "city", "county", "county", "town"],
        "parent": [None, "390000000000", "390100000000", "390100000000", "390102000000"],
    }, geometry=[shapely.MultiPolygon([outer]), outer, west,
                 shapely.box(119.0, 31.0, 120.0, 32.0), shapely.box(118.0, 31.0, 118.3, 31.3)],
        crs=crs)


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("import_divisions", str(path), "--no-progress", *args, stdout=out)
    return out.getvalue()


def stored() -> dict[str, tuple]:
    return {d.code: (d.name, d.level, d.parent_id, shapely.from_wkb(bytes(d.geom.wkb)))
            for d in Division.objects.all()}


def assert_round_trip(source: gpd.GeoDataFrame) -> None:
    rows = stored()
    assert list(rows) == sorted(source["code"])
    for code, name, level, parent, geom in source.itertuples(index=False):
        got = rows[code]
        assert got[:3] == (name, level, parent if isinstance(parent, str) else None)
        assert got[3].geom_type == "MultiPolygon"
        assert got[3].equals(geom)


def test_geopackage_round_trip(tmp_path):
    source = frame()
    source.to_file(tmp_path / "d.gpkg", layer="divisions", engine="pyogrio")
    out = run(tmp_path / "d.gpkg", "--layer", "divisions")
    assert "imported 5 divisions (5 created, 0 updated" in out
    assert_round_trip(source)
    Division.objects.filter(code="390102001000").update(name="旧名")
    assert "(0 created, 5 updated" in run(tmp_path / "d.gpkg")
    assert Division.objects.get(code="390102001000").name == "圩渚街道"


def test_geojson_round_trip_with_other_column_names_and_inferred_parents(tmp_path):
    source = frame(crs=4326).rename(columns={"code": "adcode", "name": "qhmc", "level": "jb"})
    source.drop(columns="parent").to_file(tmp_path / "d.geojson", engine="pyogrio")
    out = run(tmp_path / "d.geojson", "--code-field", "adcode", "--name-field", "qhmc",
              "--level-field", "jb")
    assert "imported 5 divisions" in out
    assert_round_trip(frame())


def test_zipped_shapefile_round_trip_with_six_digit_codes(tmp_path):
    source = frame()
    source["code"] = source["code"].where(source["level"] == "town", source["code"].str[:6])
    source.drop(columns=["level", "parent"]).to_file(tmp_path / "d.shp", engine="pyogrio")
    with zipfile.ZipFile(tmp_path / "d.zip", "w") as archive:
        for part in tmp_path.glob("d.*"):
            if part.suffix != ".zip":
                archive.write(part, part.name)
    assert "imported 5 divisions" in run(tmp_path / "d.zip")
    assert_round_trip(frame())


def test_plain_shapefile_in_a_projected_crs_is_transformed(tmp_path):
    frame().to_crs(4547).to_file(tmp_path / "d.shp", engine="pyogrio")  # CGCS2000 / 3° GK
    run(tmp_path / "d.shp")
    west = Division.objects.get(code="390102000000").geom
    assert west.extent == pytest.approx((118.0, 31.0, 119.0, 32.0), abs=1e-6)


def test_bad_rows_are_named_and_nothing_is_written(tmp_path):
    Division.objects.create(code="380000000000", name="已有省", level="province",
                            geom=shapely_to_geos(shapely.box(0, 0, 1, 1)))
    before = stored()
    bad = frame()
    bad.loc[1, "code"] = "39AB"                                  # row 2: invalid code
    bad.loc[2, "level"] = "hamlet"                                # row 3: unknown level
    bad.loc[3, "geometry"] = shapely.Polygon([(119, 31), (120, 32), (120, 31), (119, 32)])
    bad.loc[4, "parent"] = "390199000000"                         # row 5: no such parent
    extra = bad.iloc[[0]].assign(name="重复")                      # row 6: duplicate code
    bad = gpd.GeoDataFrame(list(bad.itertuples(index=False)) + list(extra.itertuples(
        index=False)), columns=bad.columns, geometry="geometry", crs=4490)
    bad.to_file(tmp_path / "bad.gpkg", engine="pyogrio")
    with pytest.raises(CommandError) as caught:
        run(tmp_path / "bad.gpkg")
    assert str(caught.value).splitlines() == [
        "6 error(s) in 5 row(s), nothing imported:",
        "row 2, code: invalid code '39AB': expected 6, 9 or 12 digits",
        "row 3, level: unknown level 'hamlet'",
        "row 4, geometry: invalid geometry: Self-intersection[119.5 31.5]",
        "row 4, parent: parent 390100000000 not found in the file or the database",
        "row 5, parent: parent 390199000000 not found in the file or the database",
        "row 6, code: duplicate code 390000000000 (also row 1)",
    ]
    assert stored() == before


def test_missing_column_is_reported(tmp_path):
    frame().drop(columns="name").to_file(tmp_path / "d.geojson", engine="pyogrio")
    with pytest.raises(CommandError, match="--name-field: no column 'name'"):
        run(tmp_path / "d.geojson")
    assert Division.objects.count() == 0


def shapely_to_geos(geom):
    from django.contrib.gis.geos import GEOSGeometry

    return GEOSGeometry(memoryview(shapely.to_wkb(shapely.MultiPolygon([geom]))), srid=4326)
