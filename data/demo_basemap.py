"""Load the demo province's base map (data/basemap.py) into the base-map layers.

Idempotent: a province that already has water, roads or built-up rows is left as it is;
`--replace` deletes them with the region (`demo_basemap_delete`). COPY, like the divisions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from django.db import connection, transaction

from data.basemap import generate_basemap
from data.copy_load import copy_frame, ewkb_hex
from data.region import Region

TABLES = {"water": "registry_water", "roads": "registry_road",
          "built_up": "registry_builtuparea"}


@transaction.atomic
def demo_basemap_ensure(region: Region) -> dict[str, int]:
    """Write the base map of the region's province unless it has one; rows per layer."""
    prefix = region.province_code[:2]
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM registry_water WHERE division_code LIKE"
                       " %s)", [prefix + "%"])
        if cursor.fetchone()[0]:
            return dict.fromkeys(TABLES, 0)
        base = generate_basemap(np.random.default_rng([int(region.province_code), 4]),
                                region.divisions)
        frames = {"water": (base.water, shapely.multipolygons),
                  "roads": (base.roads, shapely.multilinestrings),
                  "built_up": (base.built_up, shapely.multipolygons)}
        return {layer: copy_frame(cursor, TABLES[layer], _rows(*frames[layer]))
                for layer in TABLES}


def _rows(frame: pd.DataFrame, multi) -> pd.DataFrame:
    """The frame with its geometries as multi-part EWKB (the columns are Multi*)."""
    parts, index = shapely.get_parts(frame["geom"].to_numpy(), return_index=True)
    return frame.drop(columns=["geom"]).assign(geom=ewkb_hex(multi(parts, indices=index)))


def demo_basemap_delete(cursor, prefix: str) -> None:
    for table in TABLES.values():
        cursor.execute(f"DELETE FROM {table} WHERE division_code LIKE %s", [prefix + "%"])
