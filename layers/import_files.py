"""Files to import: any supported format read into an attribute table and lon/lat
geometries, and the row errors reported against them (1 = the file's first row)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from django.utils.translation import gettext as _

from geo.importers import ImportRowsError, RowError, read_frame

TABULAR = {".csv": "line", ".xlsx": "sheet row"}  # how users number the rows of each


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
