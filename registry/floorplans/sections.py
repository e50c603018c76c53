"""The floor plans (厂区平面图) section of the one-enterprise file page; each placed plan is a
tile overlay on the site map."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from layers.maps import TileOverlay
from registry.enterprises.sections import Contribution, FileRequest, enterprise_section
from registry.floorplans.selectors import enterprise_floor_plans
from registry.floorplans.tile_source import tile_url_template


@enterprise_section(40, gettext_lazy("厂区平面图"), anchor="plans",
                    template="registry/floorplans/_enterprise_section.html")
def floor_plans_section(file: FileRequest) -> Contribution:
    plans = enterprise_floor_plans(scope=file.scope, enterprise=file.enterprise)
    return Contribution(
        context={"plans": [{"plan": p, "tiles": tile_url_template(p.pk) if p.cog else None}
                           for p in plans]},
        tiles=[TileOverlay(p.name, tile_url_template(p.pk)) for p in plans if p.cog])
