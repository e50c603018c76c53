"""Page maps (layers/maps.py): the base they open on is the caller's own style of the base
map's layers and the divisions' names (no glyph server, nothing outside the machine), the
configuration is data in an attribute, and Django's static files serve the vendored
MapLibre the pages load."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.test import Client

from layers.base import registry
from layers.maps import Dot, Marker, base_style_url, page_map, points_bounds, site_map
from tests.page_maps import features_of, page_map_config


def test_the_base_style_is_the_callers_base_layers_and_place_names(world):
    client = Client()
    client.force_login(world.users["county_a"])
    style = client.get(base_style_url()).json()
    base = sorted(layer.id for layer in registry.all() if layer.base)
    assert base == ["built_up", "roads", "water"]
    assert sorted(style["sources"]) == sorted([*base, "divisions"])
    assert "glyphs" not in style  # labels from local fonts
    assert "divisions-label" in [layer["id"] for layer in style["layers"]]
    assert all(s["url"].startswith("http://testserver/tiles/") for s in style["sources"].values())


def test_the_picker_and_a_site_map_as_data():
    picker = page_map(element_id="p", marker=Marker(118.1, 32.2, "企业位置", picker=("a", "b")),
                      outlines=['{"type": "Point", "coordinates": [1, 2]}'], center=(118.1, 32.2))
    config = page_map_config(picker.html, "p")
    assert config["marker"] == {"lon": 118.1, "lat": 32.2, "title": "企业位置",
                                "picker": ["a", "b"]}
    point = {"type": "Point", "coordinates": [1, 2]}
    assert features_of(config, "outline") == [("", "#0B3D91", point)]
    assert features_of(config, "site") == []  # a moving marker is named by its tooltip only
    assert (config["center"], config["bounds"], config["fonts"]) == (
        [118.1, 32.2], None, ["Noto Sans CJK SC"])
    site = page_map_config(site_map(lon=1, lat=2, title="厂", shapes=[], tile_overlays=[],
                                    dots=[Dot(3, 4, "#123456", "点")]).html, "site-map")
    assert site["bounds"] == [1, 2, 3, 4]
    assert features_of(site, "site") == [("厂", "#0B3D91", point)]
    assert points_bounds([(1, 2), (1, 2)]) is None


def test_static_files_serve_the_vendored_maplibre():
    for name in ("maplibre-gl.js", "maplibre-gl.css"):
        assert finders.find(f"vendor/maplibre-gl/{name}"), name
    assert finders.find("layers/page_map.js")
