"""Export any layer, within the caller's scope, to GeoJSON, GeoPackage, Shapefile, CSV, XLSX;
and a table that is not a layer (a grading, a statistic) to CSV or XLSX.

One mechanism for every format: the scoped rows become a GeoDataFrame (geometry
decoded from WKB in one vectorised call), which pyogrio/openpyxl write; a table is a
DataFrame its selector read in scope, written by the same tabular writers, and logged
as the same security event.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from django.db import connection
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest

from geo.models import SecurityEventKind
from geo.scope import Scope
from geo.security_log import security_event
from layers.base import Layer


@dataclass(frozen=True)
class ExportFormat:
    key: str
    suffix: str
    content_type: str
    driver: str | None = None  # OGR driver; None for the tabular formats


FORMATS = {
    f.key: f
    for f in (
        ExportFormat("geojson", ".geojson", "application/geo+json", "GeoJSON"),
        ExportFormat("gpkg", ".gpkg", "application/geopackage+sqlite3", "GPKG"),
        ExportFormat("shp", ".zip", "application/zip", "ESRI Shapefile"),
        ExportFormat("csv", ".csv", "text/csv; charset=utf-8"),
        ExportFormat("xlsx", ".xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )
}


def layer_frame(layer: type[Layer], scope: Scope,
                only: QuerySet | None = None) -> gpd.GeoDataFrame:
    """The rows of `layer` that `scope` may read, with declared properties and geometry;
    `only` (a queryset of the layer's model, e.g. a filtered list) narrows them further."""
    names = ["id", *layer.properties]
    columns = [layer.pk_column(), *(layer.column(p) for p in layer.properties)]
    select = ", ".join(f't."{c}" AS "{n}"' for c, n in zip(columns, names, strict=True))
    where, params = layer.scope_sql(scope)
    if only is not None:
        subquery, sub_params = only.order_by().values("pk").query.sql_with_params()
        where = f'({where}) AND t."{layer.pk_column()}" IN ({subquery})'
        params = [*params, *sub_params]
    geom = layer.geometry_field().column
    sql = (f'SELECT {select}, ST_AsBinary(t."{geom}") AS __wkb FROM "{layer.table()}" t '
           f'WHERE {where} ORDER BY t."{layer.pk_column()}"')
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    frame = pd.DataFrame.from_records(rows, columns=[*names, "__wkb"])
    wkb = frame.pop("__wkb").map(bytes).to_numpy() if len(frame) else []
    return gpd.GeoDataFrame(frame, geometry=shapely.from_wkb(wkb), crs="EPSG:4326")


def export_layer(layer: type[Layer], scope: Scope, fmt: str, directory: Path, *,
                 request: HttpRequest | None, only: QuerySet | None = None) -> Path:
    """Write the export into `directory` and return the file to send (`only`: see
    `layer_frame`). Every export is a security event of `request`'s caller (None: a
    command or a job, logged without an address)."""
    spec = FORMATS[fmt]
    frame = layer_frame(layer, scope, only)
    _logged(request, scope, fmt, len(frame), layer=layer.id)
    target = directory / f"{layer.id}{spec.suffix}"
    if fmt in TABLE_FORMATS:
        _write_table(_tabular(frame), fmt, target, layer.id)
    elif fmt == "shp":
        _write_shapefile(frame, layer.id, target)
    else:
        frame.to_file(target, driver=spec.driver, layer=layer.id, engine="pyogrio")
    return target


TABLE_FORMATS = ("csv", "xlsx")


def export_table(table: pd.DataFrame, name: str, scope: Scope, fmt: str, directory: Path, *,
                 request: HttpRequest | None) -> Path:
    """Write a table without geometry (already read in `scope` by its selector) as CSV or
    XLSX into `directory` and return the file; a security event like a layer's export."""
    if fmt not in TABLE_FORMATS:
        raise ValueError(f"a table is exported as {' or '.join(TABLE_FORMATS)}, not {fmt}")
    _logged(request, scope, fmt, len(table), table=name)
    target = directory / f"{name}{FORMATS[fmt].suffix}"
    _write_table(table, fmt, target, name)
    return target


def export_response(write: Callable[[Path], Path], fmt: str, *,
                    filename: str | None = None) -> FileResponse:
    """`write(directory)` (an `export_layer` or `export_table` call) run in a temporary
    directory, answered as a private download of the file it returns."""
    directory = Path(tempfile.mkdtemp(prefix="export-"))
    try:
        path = write(directory)
        handle = path.open("rb")
    finally:
        # The open handle keeps the file readable after its directory entry is gone.
        shutil.rmtree(directory, ignore_errors=True)
    response = FileResponse(handle, as_attachment=True, filename=filename or path.name,
                            content_type=FORMATS[fmt].content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def _logged(request: HttpRequest | None, scope: Scope, fmt: str, rows: int, **what) -> None:
    """Every export is a security event of `request`'s caller (None: a command or a job,
    logged without an address)."""
    security_event(request, SecurityEventKind.EXPORT, **what, format=fmt, rows=rows,
                   scope=scope.key,
                   query=request.GET.urlencode()[:500] if request is not None else "")


def _write_table(table: pd.DataFrame, fmt: str, target: Path, name: str) -> None:
    if fmt == "csv":
        table.to_csv(target, index=False, encoding="utf-8-sig")  # BOM: Excel reads UTF-8
    else:
        table.to_excel(target, index=False, sheet_name=name[:31])


def _tabular(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Points as lon/lat columns, other geometries as WKT."""
    table = pd.DataFrame(frame.drop(columns="geometry"))
    geoms = frame.geometry
    if len(geoms) and (geoms.geom_type == "Point").all():
        table["lon"], table["lat"] = geoms.x.round(7), geoms.y.round(7)
    else:
        table["wkt"] = geoms.to_wkt(rounding_precision=7)
    return table


def _write_shapefile(frame: gpd.GeoDataFrame, name: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        # DBF field names stop at 10 characters; GDAL's truncation is the standard one.
        warnings.filterwarnings("ignore", message="Normalized/laundered field name")
        warnings.filterwarnings("ignore", message="Column names longer than 10")
        shp = Path(tmp) / f"{name}.shp"
        frame.to_file(shp, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(Path(tmp).iterdir()):
                zf.write(part, part.name)
