"""Files to import: any supported format read into an attribute table and lon/lat
geometries, and the row errors reported against them (1 = the file's first row)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from django.utils.translation import gettext as _
from pyogrio.errors import DataSourceError

TABULAR = {".csv": "line", ".xlsx": "sheet row"}  # how users number the rows of each
GEOGRAPHIC_4326 = {4326, 4490}  # CGCS2000 is WGS 84 to within centimetres


@dataclass(frozen=True)
class RowError:
    row: int       # 1-based feature number; 0 for the file as a whole
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}" if self.row else \
            f"{self.field}: {self.message}"


class ImportRowsError(Exception):
    """Bad rows of an import: nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def summary(self, limit: int = 50) -> str:
        """The first `limit` errors under a count line, for command output."""
        shown = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            shown.append(f"… and {len(self.errors) - limit} more")
        rows = len({e.row for e in self.errors})
        return (f"{len(self.errors)} error(s) in {rows} row(s), nothing imported:\n"
                + "\n".join(shown))


@dataclass(frozen=True)
class LayerRowError(RowError):
    where: str = ""  # the row as the file's own program numbers it, e.g. "line 8"

    def __str__(self) -> str:
        if not self.row:
            return f"{self.field}: {self.message}"
        at = f"row {self.row} ({self.where})" if self.where else f"row {self.row}"
        return f"{at}, {self.field}: {self.message}"


class LayerImportError(ImportRowsError):
    pass


def file_error(name: str, message: str) -> LayerImportError:
    return LayerImportError([LayerRowError(0, name, message)])


# ---- reading ------------------------------------------------------------------------------

def read_frame(path: str, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read any OGR vector file (a zipped Shapefile too) into lon/lat EPSG:4326."""
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except DataSourceError as exc:  # not a file OGR can read
        raise ValueError(str(exc)) from exc
    epsg = frame.crs.to_epsg() if frame.crs is not None else 4326
    if epsg not in GEOGRAPHIC_4326:
        frame = frame.to_crs(4326)
    return frame


def read_source(path: str | Path, *, lon: str = "lon", lat: str = "lat",
                layer: str | None = None) -> tuple[pd.DataFrame, np.ndarray, str | None]:
    """Attribute table, geometries in EPSG:4326 and the row label of any supported file
    (`layer`: which layer of a file that holds several, such as a GeoPackage)."""
    suffix = Path(path).suffix.lower()
    if suffix not in TABULAR:
        try:  # OGR formats; CGCS2000 kept, other CRSs transformed
            frame = read_frame(str(path), layer)
        except ValueError as exc:
            raise file_error("file", str(exc)) from exc
        return pd.DataFrame(frame.drop(columns=frame.geometry.name)), \
            frame.geometry.to_numpy(), None
    table = _read_csv(path) if suffix == ".csv" else pd.read_excel(path, dtype=object)
    table.columns = [str(c).strip() for c in table.columns]
    return table, _table_geometry(table, lon, lat), TABULAR[suffix]


def _read_csv(path: str | Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:  # Chinese Excel saves CSV in GBK
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")


def _table_geometry(table: pd.DataFrame, lon: str, lat: str) -> np.ndarray:
    """Points from lon/lat columns, else geometries from a `wkt` column (both popped)."""
    if lon in table.columns and lat in table.columns:
        x = pd.to_numeric(table.pop(lon), errors="coerce").to_numpy(dtype=float)
        y = pd.to_numeric(table.pop(lat), errors="coerce").to_numpy(dtype=float)
        points = shapely.points(x, y)
        points[np.isnan(x) | np.isnan(y)] = None
        return points
    if "wkt" in table.columns:
        text = table.pop("wkt").map(lambda v: v.strip() if isinstance(v, str) and v.strip()
                                    else None)
        return shapely.from_wkt(text.to_numpy(dtype=object), on_invalid="ignore")
    raise file_error("geometry", _("文件中没有坐标列 %(lon)s/%(lat)s，也没有 wkt 列")
                     % {"lon": lon, "lat": lat})
