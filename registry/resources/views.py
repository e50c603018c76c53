"""REST: nearest features (emergency resources by default, any layer on request) as JSON."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from geo.openapi import documented, query, refs
from geo.scope import scope_for_request
from layers.base import registry
from registry.resources.selectors import RESOURCE_LAYERS, resources_nearest

MAX_N = 100


class BadParameter(ValueError):
    pass


_NEAREST = {"type": "object", "required": ["point", "n", "radius_m", "results"], "properties": {
    "point": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    "n": {"type": "integer"},
    "radius_m": {"type": "number", "nullable": True},
    "results": {"type": "array", "items": {
        "type": "object", "required": ["layer", "id", "name", "distance_m"],
        "properties": {"layer": {"type": "string"}, "id": {"type": "integer"},
                       "name": {"type": "string"}, "distance_m": {"type": "number"}}}},
}}


@documented(
    summary=gettext_lazy("最近的应急资源或图层要素"),
    description=gettext_lazy("按球面距离由近到远；面状图层取到边界的距离，在面内为 0。"
                             "只返回调用者有权查看的要素。"),
    parameters=[
        query("lon", {"type": "number", "minimum": -180, "maximum": 180},
              gettext_lazy("经度（WGS 84）"), required=True),
        query("lat", {"type": "number", "minimum": -90, "maximum": 90},
              gettext_lazy("纬度（WGS 84）"), required=True),
        query("n", {"type": "integer", "minimum": 1, "maximum": MAX_N, "default": 10},
              gettext_lazy("返回个数")),
        query("radius", {"type": "number", "minimum": 0, "maximum": 20_000_000},
              gettext_lazy("只在此半径（米）内")),
        query("layers", {"type": "string"},
              gettext_lazy("逗号分隔的图层标识；默认为全部应急资源图层")),
    ],
    responses={"200": {"description": gettext_lazy("最近的要素"),
                       "content": {"application/json": {"schema": _NEAREST}}},
               **refs("400")},
)
@require_GET
def nearest(request: HttpRequest) -> JsonResponse:
    """`?lon=&lat=&n=10&radius=5000&layers=a,b` → the n nearest features the caller may see
    (polygons: distance to the shape, 0 inside)."""
    try:
        lon = _number(request, "lon", -180, 180)
        lat = _number(request, "lat", -90, 90)
        n = int(_number(request, "n", 1, MAX_N, default=10, integer=True))
        radius = _number(request, "radius", 0, 20_000_000, default=None)
        layers = _layers(request.GET.get("layers"))
    except BadParameter as error:
        return JsonResponse({"error": str(error)}, status=400)
    rows = resources_nearest(layers, (lon, lat), n=n, radius_m=radius,
                             scope=scope_for_request(request))
    return JsonResponse({
        "point": [lon, lat], "n": n, "radius_m": radius,
        "results": [{"layer": r.layer, "id": r.id, "name": r.name,
                     "distance_m": round(r.distance_m, 2)} for r in rows],
    })


def _number(request: HttpRequest, name: str, low: float, high: float, *,
            default: float | None | str = "required", integer: bool = False) -> float | None:
    raw = request.GET.get(name)
    if raw in (None, ""):
        if default == "required":
            raise BadParameter(_("缺少参数 %(name)s") % {"name": name})
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise BadParameter(_("参数 %(name)s 不是有效数字") % {"name": name}) from None
    if not low <= value <= high:  # also rejects NaN
        raise BadParameter(_("参数 %(name)s 超出范围 %(low)s–%(high)s")
                           % {"name": name, "low": low, "high": high})
    return value


def _layers(raw: str | None) -> list:
    ids = [part.strip() for part in (raw or "").split(",") if part.strip()] or RESOURCE_LAYERS
    unknown = [layer_id for layer_id in ids if registry.get(layer_id) is None]
    if unknown:
        raise BadParameter(_("参数 layers 含未知图层：%(ids)s") % {"ids": ", ".join(unknown)})
    return [registry.get(layer_id) for layer_id in dict.fromkeys(ids)]
