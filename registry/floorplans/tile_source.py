"""Floor plans as a raster tile source (`layers.rasters`), served by `tiles` at
/tiles/floorplans/{id}/{z}/{x}/{y}.png."""

from __future__ import annotations

from functools import partial

from geo.scope import Scope
from layers.rasters import RasterItem
from registry.floorplans.raster import render_tile
from registry.floorplans.selectors import floor_plan_get

SOURCE_ID = "floorplans"


def tile_url_template(plan_id: int) -> str:
    """The plan's XYZ tile URL with {z}/{x}/{y} placeholders (MapLibre raster source)."""
    return f"/tiles/{SOURCE_ID}/{plan_id}/{{z}}/{{x}}/{{y}}.png"


class FloorPlanRasters:
    def item(self, *, scope: Scope, item_id: int) -> RasterItem | None:
        plan = floor_plan_get(scope=scope, plan_id=item_id)
        if plan is None:
            return None
        version = int(plan.updated.timestamp() * 1_000_000)  # every save rewrites the COG
        if not plan.cog or not plan.extent:
            return RasterItem(version, None, lambda _bounds: b"")
        return RasterItem(version, tuple(plan.extent), partial(render_tile, plan.cog.path))
