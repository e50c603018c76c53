"""Tile tests: a fresh tile cache directory and fresh in-memory versions per test."""

from __future__ import annotations

import math

import mapbox_vector_tile


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
    if layer not in tile:
        return set()
    return {f["properties"]["name"] for f in tile[layer]["features"]}


def tile_url(layer: str, z: int, x: int, y: int, query: str = "") -> str:
    return f"/tiles/{layer}/{z}/{x}/{y}.mvt{query}"
