"""Thin views: parse, scope, delegate to selectors, answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from geo.openapi import documented, path_param, query, refs
from geo.scope import Scope, caller_user_id, scope_for_request
from layers.base import Layer
from layers.rasters import raster_source
from layers.styles import style_document
from tiles.answer import MVT_TYPE, tile_answer
from tiles.cache import TileEntry
from tiles.rasters import raster_tile_get
from tiles.selectors import TileError, layers_from_ids, tile_coords, tile_get
from tiles.tilejson import tilejson_document

_JSON = {"ensure_ascii": False}
_LAYERS = path_param("layers", {"type": "string"}, _("逗号分隔的图层标识"))
_ZXY = [path_param(name, {"type": "integer", "minimum": 0}, text) for name, text in
        (("z", _("缩放级别")), ("x", _("列号")), ("y", _("行号")))]
_TOKEN = query("token", {"type": "string"},
               _("访问令牌（地图库不能发请求头时用；最好用 Authorization 头）"))
_OBJECT = {"application/json": {"schema": {"type": "object"}}}
_EMPTY = {"204": {"description": _("此处无要素")},
          "304": {"description": _("与 If-None-Match 相同，未改变")}}


@documented(
    summary=_("矢量瓦片（MVT，一个或多个图层）"),
    description=_("按调用者的辖区裁剪；gzip 压缩；空瓦片为 204。"),
    parameters=[_LAYERS, *_ZXY, _TOKEN],
    responses={"200": {"description": _("Mapbox 矢量瓦片"), "content": {
        MVT_TYPE: {"schema": {"type": "string", "format": "binary"}}}},
        **_EMPTY, **refs("400", "401", "403", "404")},
)
@require_GET
def tile(request: HttpRequest, layers: str, z: str, x: str, y: str) -> HttpResponse:
    try:
        chosen = layers_from_ids(layers)
        zi, xi, yi = tile_coords(z, x, y)
    except TileError as e:
        return _detail(e.detail, e.status)
    scope = scope_for_request(request)
    refused = _refusal(request, chosen, scope)
    if refused is not None:
        return refused
    entry = tile_get(chosen, scope, zi, xi, yi)
    return _answer(request, entry, public=all(layer.public for layer in chosen))


@documented(
    summary=_("栅格瓦片（PNG，如厂区平面图）"),
    parameters=[path_param("source", {"type": "string", "pattern": "^[a-z_]+$"},
                           _("栅格来源")),
                path_param("item", {"type": "integer", "minimum": 0}, _("条目编号")),
                *_ZXY, _TOKEN],
    responses={"200": {"description": _("PNG 瓦片"), "content": {
        "image/png": {"schema": {"type": "string", "format": "binary"}}}},
        **_EMPTY, **refs("400", "401", "404")},
)
@require_GET
def raster_tile(request: HttpRequest, source: str, item: str, z: str, x: str, y: str
                ) -> HttpResponse:
    """PNG of one item of a raster source (a floor plan); 204 where it does not reach."""
    found = raster_source(source)
    if found is None:
        return _detail(_("未知图层"), 404)
    try:
        zi, xi, yi = tile_coords(z, x, y)
    except TileError as e:
        return _detail(e.detail, e.status)
    picture = found.item(scope=scope_for_request(request), item_id=int(item))
    if picture is None:
        return _unseen(request, _("未找到"), 404)
    entry = raster_tile_get(source, int(item), picture, zi, xi, yi)
    return _answer(request, entry, public=False, media_type="image/png")


@documented(
    summary=_("TileJSON 3.0 描述（矢量瓦片图层）"),
    parameters=[_LAYERS, _TOKEN],
    responses={"200": {"description": "TileJSON", "content": {"application/json": {
        "schema": {"type": "object", "required": ["tilejson", "tiles"]}}}},
        **refs("401", "403", "404")},
)
@require_GET
def tilejson(request: HttpRequest, layers: str) -> HttpResponse:
    try:
        chosen = layers_from_ids(layers)
    except TileError as e:
        return _detail(e.detail, e.status)
    scope = scope_for_request(request)
    refused = _refusal(request, chosen, scope)
    if refused is not None:
        return refused
    doc = tilejson_document(chosen, scope, base_url=_base_url(request),
                            token=request.GET.get("token"))
    return JsonResponse(doc, json_dumps_params=_JSON)


@documented(
    summary=_("MapLibre 地图样式（v8），含调用者可见的图层"),
    parameters=[query("layers", {"type": "string"}, _("逗号分隔的图层标识，只含这些图层")),
                _TOKEN],
    responses={"200": {"description": _("MapLibre 样式"), "content": {"application/json": {
        "schema": {"type": "object", "required": ["version", "sources", "layers"]}}}},
        **refs("400")},
)
@require_GET
def style(request: HttpRequest) -> HttpResponse:
    """MapLibre style (v8) of the layers the caller can see; `?layers=a,b` narrows it."""
    wanted = request.GET.get("layers")
    doc = style_document(scope_for_request(request), _base_url(request),
                         token=request.GET.get("token"),
                         layer_ids=wanted.split(",") if wanted else None)
    return JsonResponse(doc, json_dumps_params=_JSON)


def _answer(request: HttpRequest, entry: TileEntry, **kwargs) -> HttpResponse:
    """The view side of `tile_answer` (the fast path answers with the same bytes)."""
    status, headers, body = tile_answer(
        entry, accept_encoding=request.META.get("HTTP_ACCEPT_ENCODING", ""),
        if_none_match=request.META.get("HTTP_IF_NONE_MATCH", ""), **kwargs)
    response = HttpResponse(body, status=status)
    del response["Content-Type"]
    for name, value in headers:
        response[name] = value
    return response


def _base_url(request: HttpRequest) -> str:
    # The host the client reached, so documents work behind any port or proxy name.
    return request.build_absolute_uri("/").rstrip("/")


def _refusal(request: HttpRequest, layers: list[type[Layer]], scope: Scope
             ) -> JsonResponse | None:
    """401 for anonymous callers and 403 for signed-in ones on layers they cannot see."""
    if all(layer.visible_to(scope) for layer in layers):
        return None
    return _unseen(request, _("无权查看该图层"), 403)


def _unseen(request: HttpRequest, message, status: int) -> JsonResponse:
    """401 for anonymous callers (they may sign in); `status` with `message` otherwise."""
    if caller_user_id(request) is None:
        return _detail(_("请先登录或提供访问令牌"), 401)
    return _detail(message, status)


def _detail(message, status: int) -> JsonResponse:
    return JsonResponse({"detail": str(message)}, status=status, json_dumps_params=_JSON)
