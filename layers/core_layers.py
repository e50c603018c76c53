"""Layers of the spatial core (geo may not import layers, so they are declared here)."""

from django.utils.translation import gettext_lazy as _

from geo.models import Division, GridCell
from layers.base import Fixed, Layer, register


@register
class Divisions(Layer):
    model = Division
    id = "divisions"
    shown = True
    title = _("行政区划")
    description = _("省、市、县、乡镇、村各级行政区划边界")
    properties = ["code", "name", "level", "parent"]
    colour_by = Fixed("#607D8B")
    zoom = (0, 22)
    scope = "code"
    public = True
    search_fields = ["name", "code"]
    # the names of the level below the one filling the screen: cities on a province, …
    fill_opacity = 0.0  # five levels nest: a fill would veil the base map; lines suffice
    width_by = ("level", {"province": 2.6, "city": 2.0, "county": 1.4, "town": 0.8,
                          "village": 0.4})
    label_bands = ("level", [(0, "province"), (6, "city"), (8.5, "county"), (10.5, "town"),
                             (12.5, "village")])
    import_hook = "layers.division_imports.DivisionsImport"  # codes, levels, parents, upsert


@register
class GridCells(Layer):
    model = GridCell
    id = "grid_cells"
    title = _("监管网格")
    description = _("安全生产网格化监管责任网格")
    properties = ["code", "name", "level", "division_code"]
    colour_by = Fixed("#8E24AA")
    zoom = (8, 22)
    search_fields = ["name", "code"]
