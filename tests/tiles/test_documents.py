"""TileJSON and the MapLibre style."""

from __future__ import annotations

import pytest

from geo.scope import PUBLIC, Scope
from layers.base import FourColour
from layers.styles import style_document
from tests import catalogue

DRAW_ORDER = {"Polygon": 0, "LineString": 1, "Point": 2}  # polygons first, points on top


def drawn(layers: list[dict]) -> list[str]:
    """Style layer ids of catalogue entries as a style draws them: the base map, then
    polygons, lines, points, and every layer's names last."""
    ordered = sorted(layers, key=lambda layer: (not layer["base"],
                                                DRAW_ORDER[layer["geometry_type"]]))
    ids = [style for layer in ordered for style in layer["style_layers"]]
    return ["background"] + sorted(ids, key=lambda style: style.endswith("-label"))


def extent(enterprises) -> list[float]:
    xs = [e.geom.x for e in enterprises]
    ys = [e.geom.y for e in enterprises]
    return [min(xs), min(ys), max(xs), max(ys)]


def test_tilejson_bounds_are_the_callers_data_extent(client, world):
    token = world.tokens["admin"]
    doc = client.get(f"/tiles/enterprises.json?token={token}").json()
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == [f"http://testserver/tiles/enterprises/{{z}}/{{x}}/{{y}}.mvt"
                            f"?token={token}"]
    assert (doc["minzoom"], doc["maxzoom"]) == (6, 22)
    assert doc["bounds"] == extent(world.enterprises_a + world.enterprises_b)
    assert doc["vector_layers"] == [{
        "id": "enterprises", "description": "企业", "minzoom": 6, "maxzoom": 22,
        "fields": {"id": "Number", "name": "String", "credit_code": "String",
                   "industry": "String", "risk_level": "Number", "division_code": "String",
                   "address": "String", "has_major_hazard": "Boolean",
                   "status": "String"}}]


def test_tilejson_bounds_follow_scope(client, world):
    doc = client.get(f"/tiles/enterprises.json?token={world.tokens['county_b']}").json()
    assert doc["bounds"] == extent(world.enterprises_b)
    assert doc["bounds"] == pytest.approx([118.65, 32.12, 118.75, 32.16], abs=1e-12)


def test_public_tilejson_without_login_and_without_token(client, world):
    doc = client.get("/tiles/divisions.json").json()
    assert doc["bounds"] == [118.0, 32.0, 119.0, 32.5]
    assert doc["tiles"] == ["http://testserver/tiles/divisions/{z}/{x}/{y}.mvt"]
    assert doc["vector_layers"][0]["fields"] == {
        "id": "String", "code": "String", "name": "String", "level": "String",
        "parent": "String"}


def test_composite_tilejson(client, world):
    doc = client.get(f"/tiles/divisions,enterprises.json?token={world.tokens['admin']}").json()
    assert [v["id"] for v in doc["vector_layers"]] == ["divisions", "divisions_label",
                                                      "enterprises"]
    assert (doc["minzoom"], doc["maxzoom"]) == (0, 22)
    assert doc["bounds"] == [118.0, 32.0, 119.0, 32.5]


def test_four_colour_expression():
    assert FourColour("risk_level").expression() == [
        "match", ["to-number", ["get", "risk_level"]],
        1, "#FF0000", 2, "#FF8C00", 3, "#FFD700", 4, "#1E90FF", "#9E9E9E"]


def test_style_for_anonymous_lists_public_layers_only(client, world):
    doc = client.get("/tiles/style.json").json()
    assert doc["version"] == 8
    assert "glyphs" not in doc and "sprite" not in doc
    assert doc["sources"] == {name: {
        "type": "vector", "url": f"http://testserver/tiles/{name}.json"}
        for name in catalogue.ids(public=True)}
    assert [layer["id"] for layer in doc["layers"]] == drawn(
        catalogue.layers(public=True))


def test_style_for_a_supervisor(world):
    doc = style_document(Scope(prefix="320102"), "http://example.org/", token="abc")
    assert doc["sources"]["enterprises"] == {
        "type": "vector", "url": "http://example.org/tiles/enterprises.json?token=abc"}
    assert [layer["id"] for layer in doc["layers"]] == drawn(catalogue.layers())
    circle = next(layer for layer in doc["layers"] if layer["id"] == "enterprises-circle")
    assert circle["type"] == "circle"
    assert (circle["source"], circle["source-layer"]) == ("enterprises", "enterprises")
    assert (circle["minzoom"], circle["maxzoom"]) == (6, 23)
    assert circle["paint"]["circle-color"] == FourColour("risk_level").expression()


def test_style_options(world, settings):
    settings.BASEMAP_URL = "https://t0.example/{z}/{x}/{y}.png"
    settings.MAP_GLYPHS_URL = "/static/glyphs/{fontstack}/{range}.pbf"
    doc = style_document(PUBLIC, "http://example.org", layer_ids=["divisions"])
    assert doc["glyphs"] == "/static/glyphs/{fontstack}/{range}.pbf"
    assert doc["sources"]["basemap"]["tiles"] == ["https://t0.example/{z}/{x}/{y}.png"]
    assert [layer["id"] for layer in doc["layers"]] == [
        "background", "basemap", "divisions-fill", "divisions-line", "divisions-label"]
    label = doc["layers"][-1]["layout"]
    assert label["text-font"] == ["Noto Sans CJK SC"]
    # divisions are named by zoom band: the province alone, then cities from z6, …
    assert label["text-field"][:5] == ["step", ["zoom"],
                                       ["match", ["get", "level"], "province", ["get", "name"], ""],
                                       6, ["match", ["get", "level"], "city", ["get", "name"], ""]]


def test_labels_are_drawn_from_local_fonts_without_a_glyphs_server(world, settings):
    settings.MAP_GLYPHS_URL = ""
    doc = style_document(PUBLIC, "http://example.org", layer_ids=["divisions", "shelters"])
    assert "glyphs" not in doc  # MapLibre GL JS then renders text-font with local fonts
    labels = {layer["id"]: layer for layer in doc["layers"] if layer["type"] == "symbol"}
    assert set(labels) == {"divisions-label", "shelters-label"}
    assert labels["shelters-label"]["minzoom"] == 12  # points are named at DETAIL_ZOOM
    assert labels["shelters-label"]["layout"]["text-field"] == ["get", "name"]
    assert labels["divisions-label"]["minzoom"] == 0
