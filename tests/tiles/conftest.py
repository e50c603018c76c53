"""Tile tests: a fresh tile cache directory and fresh in-memory versions per test."""

from __future__ import annotations

import math

import mapbox_vector_tile

from layers.base import registry


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
