"""The REST API's OpenAPI 3.0 document (`/api/openapi`), assembled from the URLconf.

A view declares its operation with `@documented(...)` next to its code; the document
walks the URLconf, so a path is documented exactly where it is routed and under the route
it answers at (the OGC API has its own document, from pygeoapi, at `/ogc/openapi`).
Texts are lazy translations: the document is rendered in the request's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

_GROUP = re.compile(r"\(\?P<(\w+)>[^()]*\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")

ERROR = {"type": "object", "required": ["detail"],
         "properties": {"detail": {"type": "string"}}}
COMPONENTS = {
    "schemas": {"detail": ERROR},
    "responses": {
        "BadRequest": {"description": _("参数无效，detail 或 error 说明原因"),
                       "content": {"application/json": {"schema": {"type": "object"}}}},
        "Unauthorized": {"description": _("需要登录或访问令牌"),
                         "content": {"application/json": {
                             "schema": {"$ref": "#/components/schemas/detail"}}}},
        "Forbidden": {"description": _("调用者无权查看"),
                      "content": {"application/json": {
                          "schema": {"$ref": "#/components/schemas/detail"}}}},
        "NotFound": {"description": _("不存在（或对调用者不可见）"),
                     "content": {"application/json": {
                         "schema": {"$ref": "#/components/schemas/detail"}},
                         "text/html": {"schema": {"type": "string"}}}},
    },
    "securitySchemes": {
        "token": {"type": "apiKey", "in": "header", "name": "Authorization",
                  "description": _("API 令牌：Authorization: Bearer <令牌>（或 Token <令牌>）")},
    },
}


def documented(**operation) -> Callable:
    """Attach an OpenAPI operation (summary, parameters, responses, …) to a GET view."""
    def attach(view: Callable) -> Callable:
        view.openapi_operation = operation
        return view
    return attach


def route_template(route: str) -> str:
    """A URLconf route (path() or re_path() syntax) as an OpenAPI path template."""
    route = _GROUP.sub(r"{\1}", route)
    route = _CONVERTER.sub(r"{\1}", route)
    return "/" + route.replace("^", "").replace("$", "").replace("\\", "")


def routes(resolver: URLResolver | None = None, prefix: str = ""
           ) -> Iterator[tuple[str, Callable]]:
    """(route as written in the URLconf, view) for every routed view."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def documented_routes() -> Iterator[tuple[str, Callable]]:
    """(OpenAPI path, view) for every routed view that declares an operation."""
    for route, view in routes():
        if hasattr(view, "openapi_operation"):
            yield route_template(route), view


def rest_document(server_url: str) -> dict:
    paths = {path: {"get": _rendered(_with_token_refusal(view.openapi_operation))}
             for path, view in documented_routes()}
    return {
        "openapi": "3.0.3",
        "info": {"title": force_str(_("安全生产监管地理信息平台 REST API")), "version": "1",
                 "description": force_str(_("瓦片、地图样式、最近资源与图层导出。"
                                            "OGC API 要素服务的文档见 /ogc/openapi。"))},
        "servers": [{"url": server_url}],
        "security": [{}, {"token": []}],
        "paths": dict(sorted(paths.items())),
        "components": _rendered(COMPONENTS),
    }


def _with_token_refusal(operation: dict) -> dict:
    """Any request with an unknown, expired or revoked token is refused with 401
    (geo.tokens.TokenAuthenticationMiddleware), whatever the view."""
    return {**operation, "responses": {**refs("401"), **operation["responses"]}}


def _rendered(node):
    """Lazy texts made strings, recursively."""
    if isinstance(node, Promise):
        return force_str(node)
    if isinstance(node, dict):
        return {key: _rendered(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_rendered(value) for value in node]
    return node


@require_GET
def openapi_view(request: HttpRequest) -> JsonResponse:
    document = rest_document(request.build_absolute_uri("/").rstrip("/"))
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False},
                        content_type="application/vnd.oai.openapi+json;version=3.0")


# Pieces the views' declarations share.
def query(name: str, schema: dict, description, *, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}


def path_param(name: str, schema: dict, description) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema,
            "description": description}


def refs(*names: str) -> dict:
    """Status -> shared response, e.g. refs("400", "404")."""
    by_status = {"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden",
                 "404": "NotFound"}
    return {status: {"$ref": f"#/components/responses/{by_status[status]}"} for status in names}
