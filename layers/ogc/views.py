"""Django views for OGC API - Features: thin adapters around pygeoapi's API functions.

Each view resolves the caller's scope, picks the API object for that audience,
binds the scope for the provider and lets pygeoapi do the protocol work.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path

import pygeoapi
import pygeoapi.api as core_api
import pygeoapi.api.environmental_data_retrieval as edr_api
import pygeoapi.api.itemtypes as itemtypes_api
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from django.views.static import serve
from pygeoapi import l10n
from pygeoapi.api import F_JSON, APIRequest, apply_gzip

from geo.scope import scope_for_request
from layers.ogc import cql, edr
from layers.ogc.context import scope_bound
from layers.ogc.language import request_language
from layers.ogc.params import parameter_problem
from layers.ogc.service import api_for, openapi_document, refresh_extents
from layers.ogc.splice import page_spliced

STATIC_ROOT = Path(pygeoapi.__file__).parent / "static"
cql.install()  # CQL2 `filter=` (pygeoapi 0.21 alone parses ECQL only)


def _execute(request: HttpRequest, function: Callable, *args, check_format: bool = True,
             before: Callable | None = None) -> HttpResponse:
    scope = scope_for_request(request)
    api = api_for(scope)
    api_request = APIRequest.from_django(request, api.locales)
    _set_language(api_request, request)
    _tolerate_unencoded_plus(api_request)
    api_request._args = cql.accept_filter_lang(api_request.params)
    problem = parameter_problem(request, args)
    if problem is not None:
        headers, status, content = api.get_exception(
            HTTPStatus.BAD_REQUEST, api_request.get_response_headers(**api.api_headers),
            api_request.format, "InvalidParameterValue", problem)
    elif check_format and not api_request.is_valid():
        headers, status, content = api.get_format_exception(api_request)
    else:
        if before is not None:
            before(api)
        with scope_bound(scope):
            headers, status, content = function(api, api_request, *args)
        content = apply_gzip(headers, content)
    response = HttpResponse(content, status=status)
    for key, value in headers.items():
        response[key] = value
    return response


def _set_language(api_request: APIRequest, request: HttpRequest) -> None:
    """Our negotiation (layers.ogc.language) instead of pygeoapi's, which fails on `zh`."""
    tag = request_language(request)
    api_request._raw_locale = tag
    api_request._locale = l10n.str2locale(tag)


def _tolerate_unencoded_plus(api_request: APIRequest) -> None:
    """`sortby=+name` typed into a URL arrives as " name" (a raw + is a space)."""
    sortby = api_request.params.get("sortby")
    if sortby and " " in sortby:
        params = api_request.params.copy()
        params["sortby"] = ",".join(part.strip() for part in sortby.split(","))
        api_request._args = params


@require_GET
def landing_page(request: HttpRequest) -> HttpResponse:
    return _execute(request, core_api.landing_page)


@require_GET
def openapi(request: HttpRequest) -> HttpResponse:
    scope = scope_for_request(request)
    api = api_for(scope)
    if request.GET.get("f") == "html":
        openapi_document(api)
        return _execute(request, core_api.openapi_)
    # with the version: GDAL's OAPIF driver refuses the document otherwise, and then
    # filters every -where on the client after downloading the whole collection
    return JsonResponse(openapi_document(api),
                        content_type="application/vnd.oai.openapi+json;version=3.0")


@require_GET
def conformance(request: HttpRequest) -> HttpResponse:
    return _execute(request, core_api.conformance)


@require_GET
def collections(request: HttpRequest, collection_id: str | None = None) -> HttpResponse:
    return _execute(request, core_api.describe_collections, collection_id,
                    before=refresh_extents)


@require_GET
def queryables(request: HttpRequest, collection_id: str) -> HttpResponse:
    return _execute(request, itemtypes_api.get_collection_queryables, collection_id)


@require_GET
def schema(request: HttpRequest, collection_id: str) -> HttpResponse:
    return _execute(request, core_api.get_collection_schema, collection_id)


@require_GET
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    # pygeoapi validates formats for items itself (it also offers csv).
    return _execute(request, _collection_items, collection_id, check_format=False)


def _collection_items(api, api_request: APIRequest, collection_id: str) -> tuple:
    """pygeoapi's items response; for GeoJSON with PostGIS's page text spliced in
    unparsed (layers.ogc.splice), every other format as pygeoapi renders it."""
    if api_request.format not in (None, F_JSON):  # None: no f, no known Accept -> GeoJSON
        return itemtypes_api.get_collection_items(api, api_request, collection_id)
    with page_spliced() as splice:
        headers, status, content = itemtypes_api.get_collection_items(
            api, api_request, collection_id)
    return headers, status, splice.apply(content)


@require_GET
def item(request: HttpRequest, collection_id: str, item_id: str) -> HttpResponse:
    if edr.edr_collection(collection_id) is not None:  # an EDR item is a sensor's series
        return edr_query(request, collection_id, "locations", item_id)
    return _execute(request, itemtypes_api.get_collection_item, collection_id, item_id)


@require_GET
def locations(request: HttpRequest, collection_id: str) -> HttpResponse:
    """An EDR collection's locations are its items (the sensors' features); only EDR
    collections have them."""
    if edr.edr_collection(collection_id) is None:
        return _execute(request, _not_found, check_format=False)
    return items(request, collection_id)


def _not_found(api, api_request: APIRequest) -> tuple:
    return api.get_exception(HTTPStatus.NOT_FOUND, api_request.get_response_headers(
        **api.api_headers), F_JSON, "NotFound", "Collection not found")


_EDR_TYPES = {"json": edr.COVERAGEJSON_TYPE, edr.GEOJSON: edr.GEOJSON_TYPE}


@require_GET
def edr_query(request: HttpRequest, collection_id: str, query_type: str,
              location_id: str | None = None) -> HttpResponse:
    """OGC API – EDR position, area and location queries (layers.ogc.edr_provider):
    CoverageJSON by default (pygeoapi's `f=json`), GeoJSON with `f=geojson` or an
    Accept of application/geo+json."""
    encoding = _edr_encoding(request)
    if encoding is None:
        return _execute(request, _refuse_format, check_format=False)
    with edr.encoding_bound(encoding):
        response = _execute(request, _edr, collection_id, query_type, location_id,
                            check_format=False)
    if response.status_code == HTTPStatus.OK:
        response["Content-Type"] = _EDR_TYPES[encoding]
    return response


def _edr_encoding(request: HttpRequest) -> str | None:
    wanted = request.GET.get("f")
    if wanted is None:
        accept = request.headers.get("Accept", "")
        return edr.GEOJSON if edr.GEOJSON_TYPE in accept else "json"
    return wanted if wanted in _EDR_TYPES else None


def _edr(api, api_request: APIRequest, collection_id: str, query_type: str,
         location_id: str | None) -> tuple:
    api_request._format = F_JSON  # pygeoapi's name of CoverageJSON; the encoding is bound
    params = api_request.params
    if "parameter_names" in params and "parameter-name" not in params:
        # OWSLib 0.35's query_data(parameter_names=[...]) sends this name
        params = params.copy()
        params["parameter-name"] = params["parameter_names"]
        api_request._args = params
    if edr.edr_collection(collection_id) is None or collection_id not in api.config["resources"]:
        return _not_found(api, api_request)
    return edr_api.get_collection_edr_query(api, api_request, collection_id, None,
                                            query_type, location_id)


def _refuse_format(api, api_request: APIRequest) -> tuple:
    return api.get_exception(
        HTTPStatus.BAD_REQUEST, api_request.get_response_headers(**api.api_headers), F_JSON,
        "InvalidParameterValue", "f: an EDR query answers json (CoverageJSON) or geojson")


def static(request: HttpRequest, path: str) -> HttpResponse:
    """pygeoapi's CSS and images for its HTML pages."""
    return serve(request, path, document_root=str(STATIC_ROOT))
