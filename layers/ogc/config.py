"""pygeoapi configuration generated from the layer registry (no per-layer code).

Titles and descriptions are gettext'd once per supported language into
pygeoapi's language structs ({"zh-Hans": ..., "en": ...}), so one API object
serves every language and `?lang=en` / Accept-Language pick the text.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from layers.base import Layer
from layers.ogc.edr import EDRCollection

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
OUTPUT_CRS = [CRS84] + [f"http://www.opengis.net/def/crs/EPSG/0/{code}"
                        for code in (4326, 4490, 3857)]
# pygeoapi language tag -> Django language code; the first one is the default.
LANGUAGES = {"zh-Hans": "zh-hans", "en": "en"}
WORLD = [-180.0, -90.0, 180.0, 90.0]
PROVIDER = "layers.ogc.provider.LayerProvider"
EDR_PROVIDER = "layers.ogc.edr_provider.EDRProvider"
EDR_ITEMS_PROVIDER = "layers.ogc.edr_provider.EDRItemsProvider"
# EDR `limit`: values per series (with at most a hundred series, the answer is bounded)
EDR_LIMITS = {"default_items": 1000, "max_items": 10000, "on_exceed": "throttle"}
MAX_ITEMS = 10000
TEMPLATES = Path(__file__).with_name("pygeoapi_templates")


def in_languages(text) -> dict[str, str]:
    """A lazy gettext string as a pygeoapi language struct."""
    out = {}
    for tag, code in LANGUAGES.items():
        with translation.override(code):
            out[tag] = str(text)
    return out


def resource(layer: type[Layer], bbox: list[float] | None = None) -> dict:
    """One pygeoapi collection for a layer."""
    return {
        "type": "collection",
        "title": in_languages(layer.title),
        "description": in_languages(layer.description or layer.title),
        "keywords": {tag: [layer.id, title] for tag, title in in_languages(layer.title).items()},
        "links": [],
        "extents": {"spatial": {"bbox": bbox or WORLD, "crs": CRS84}},
        "limits": {"default_items": 10, "max_items": MAX_ITEMS, "on_exceed": "throttle"},
        "providers": [{
            "type": "feature", "name": PROVIDER, "data": layer.id,
            "id_field": "id", "title_field": layer.label,
            "crs": list(OUTPUT_CRS), "storage_crs": CRS84,
            "time_field": layer.time_field,  # `datetime=`, queryables' primary-instant
            # the provider picks out `near`/`radius` (layers.ogc.near) and property filters
            "include_extra_query_parameters": True,
        }],
    }


def edr_resource(collection: EDRCollection, items: type[Layer],
                 bbox: list[float] | None = None) -> dict:
    """One EDR collection: our EDR provider first (the collection's type), the items
    layer's features second (pygeoapi routes `/items` to a feature provider)."""
    return {
        "type": "collection",
        "title": in_languages(collection.title),
        "description": in_languages(collection.description),
        "keywords": {tag: [collection.id, title]
                     for tag, title in in_languages(collection.title).items()},
        "links": [],
        "extents": {"spatial": {"bbox": bbox or WORLD, "crs": CRS84}},
        "limits": dict(EDR_LIMITS),
        "providers": [
            {"type": "edr", "name": EDR_PROVIDER, "data": collection.id,
             "crs": [CRS84], "storage_crs": CRS84},
            {"type": "feature", "name": EDR_ITEMS_PROVIDER, "data": collection.id,
             "id_field": "id", "title_field": items.label,
             "crs": list(OUTPUT_CRS), "storage_crs": CRS84,
             "include_extra_query_parameters": True},
        ],
    }


def site_config(*, base_url: str, layers: list[type[Layer]],
                extents: dict[str, list[float]],
                edr: list[tuple[EDRCollection, type[Layer]]] = ()) -> dict:
    """The whole pygeoapi config dict for the given layers."""
    title = in_languages(_("安全生产监管地理信息平台 OGC API"))
    return {
        "server": {
            "bind": {"host": "127.0.0.1", "port": 0},
            "url": base_url,
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "gzip": False,
            "languages": list(LANGUAGES),
            "pretty_print": False,
            "limits": {"default_items": 10, "max_items": MAX_ITEMS, "on_exceed": "throttle"},
            # our overrides first, pygeoapi's own templates behind them
            "templates": {"path": str(TEMPLATES)},
            "map": {"url": settings.BASEMAP_URL or "", "attribution": settings.BASEMAP_ATTRIBUTION},
        },
        "logging": {"level": "ERROR"},
        "metadata": _metadata(title),
        "resources": {
            **{layer.id: resource(layer, extents.get(layer.id)) for layer in layers},
            **{c.id: edr_resource(c, items, extents.get(items.id)) for c, items in edr},
        },
    }


def _metadata(title: dict) -> dict:
    site = settings.SITE_URL
    return {
        "identification": {
            "title": title,
            "description": in_languages(
                _("企业、重大危险源、网格等安全生产要素的 OGC API 要素服务")),
            "keywords": ["OGC API", "safety", "GIS"],
            "keywords_type": "theme",
            "terms_of_service": site,
            "url": site,
        },
        "license": {"name": "proprietary", "url": site},
        "provider": {"name": "SafeAtlas", "url": site},
        "contact": {key: "" for key in (
            "name", "position", "address", "city", "stateorprovince", "postalcode",
            "country", "phone", "fax", "email", "url", "hours", "instructions", "role",
        )},
    }
