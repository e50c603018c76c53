"""The risk cloud map as a raster tile source (`layers.rasters`), served by `tiles` at
/tiles/risk_cloud/{YYYYMMDD}/{z}/{x}/{y}.png: the item is the day, the picture is the
caller's own (only the enterprises of their scope contribute), cached per (day, scope key,
version) by `tiles`."""

from __future__ import annotations

from datetime import date

from geo.scope import Scope
from layers.rasters import Bounds, RasterItem
from monitoring.risk.cloud import cloud_points, cloud_state_recent, cloud_tile
from monitoring.risk.layers import EnterpriseRiskLayer

SOURCE_ID = "risk_cloud"


def day_item(day: date) -> int:
    """The item number of a day: 2026-12-03 -> 20261203."""
    return day.year * 10000 + day.month * 100 + day.day


def item_day(item_id: int) -> date | None:
    try:
        return date(item_id // 10000, item_id // 100 % 100, item_id % 100)
    except ValueError:
        return None


def tile_url_template(day: date) -> str:
    """The day's XYZ tile URL with {z}/{x}/{y} placeholders (MapLibre)."""
    return f"/tiles/{SOURCE_ID}/{day_item(day)}/{{z}}/{{x}}/{{y}}.png"


class RiskCloudRasters:
    def item(self, *, scope: Scope, item_id: int) -> RasterItem | None:
        day = item_day(item_id)
        if day is None or not EnterpriseRiskLayer.visible_to(scope):
            return None
        state = cloud_state_recent(scope=scope, day=day)

        def render(bounds: Bounds) -> bytes:  # only on a cache miss: the points are read then
            return cloud_tile(cloud_points(scope=scope, day=day, state=state), bounds)

        return RasterItem(state.version, state.extent, render, scope_key=scope.key)
