"""Tile tests: a fresh tile cache directory and fresh in-memory versions per test."""

from __future__ import annotations

import math

import mapbox_vector_tile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from layers.base import registry
from tiles.fastpath import TileFastPath


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """XYZ tile containing a point (Web Mercator, y from the top)."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * n)
    return z, x, y


def decode(response) -> dict:
    """Layer name -> decoded layer; a 204 is a tile without layers."""
    if response.status_code == 204:
        return {}
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(response.content)


def names(tile: dict, layer: str = "enterprises") -> set[str]:
    """Names of the features; thinned zooms carry ids only, so names come from the rows."""
    if layer not in tile:
        return set()
    features = tile[layer]["features"]
    if all("name" in f["properties"] for f in features):
        return {f["properties"]["name"] for f in features}
    model = registry.get(layer).model
    ids = [f["properties"]["id"] for f in features]
    found = dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))
    assert len(found) == len(ids)
    return {found[i] for i in ids}


def tile_url(layer: str, z: int, x: int, y: int, query: str = "") -> str:
    return f"/tiles/{layer}/{z}/{x}/{y}.mvt{query}"


def fast_get(path: str, method: str = "get", **headers):
    """One request through the WSGI fast path in front of Django; (status, headers, body)."""
    environ = getattr(RequestFactory(), method)(path, **headers).environ
    seen = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(response_headers)

    # As django.test.Client does: keep the test transaction's connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = TileFastPath(WSGIHandler())(environ, start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return seen["status"], seen["headers"], body
