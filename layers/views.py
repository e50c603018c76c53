"""Layer catalogue page and exports. Thin: scope from geo.scope, rows from layers.exports."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from geo.openapi import documented, path_param, refs
from geo.scope import scope_for_request
from layers.base import registry
from layers.exports import FORMATS, export_layer, export_response
from layers.selectors import layer_counts


def layer_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    layers = [layer for layer in registry.all() if layer.visible_to(scope)]
    counts = layer_counts(layers, scope)
    return render(request, "layers/list.html", {
        "layers": [{"layer": layer, "count": counts[layer.id]} for layer in layers],
        "formats": list(FORMATS),
    })


@documented(
    summary=gettext_lazy("导出图层（调用者辖区内的全部要素）"),
    parameters=[path_param("layer_id", {"type": "string"}, gettext_lazy("图层标识")),
                path_param("fmt", {"type": "string", "enum": list(FORMATS)},
                           gettext_lazy("格式"))],
    responses={"200": {"description": gettext_lazy("导出文件（附件）"), "content": {
        f.content_type: {"schema": {"type": "string", "format": "binary"}}
        for f in FORMATS.values()}}, **refs("401", "404")},
)
@require_GET
def layer_export(request: HttpRequest, layer_id: str, fmt: str) -> HttpResponse:
    layer = registry.get(layer_id)
    if layer is None or fmt not in FORMATS:
        raise Http404(_("无此图层或导出格式"))
    scope = scope_for_request(request)
    if not layer.visible_to(scope):
        return JsonResponse({"detail": _("请先登录")}, status=401)
    return export_response(
        lambda directory: export_layer(layer, scope, fmt, directory, request=request), fmt)
