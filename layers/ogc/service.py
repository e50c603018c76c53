"""pygeoapi API objects, built once per process and audience.

Anonymous callers get an API whose config holds only public layers, so other
collections are absent for them everywhere (listing, metadata, items: 404).
Callers with a scope get every layer; their rows are cut by the provider.
Collection extents come from ST_Extent and are refreshed in place at most
every EXTENT_SECONDS, so a metadata request costs no query on most calls.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connection
from pygeoapi import l10n
from pygeoapi.api import API

from geo.scope import EVERYTHING, Scope
from layers.base import Layer, registry
from layers.ogc import config, openapi
from layers.ogc.context import current_scope
from layers.ogc.edr import EDRCollection, edr_collections

EXTENT_SECONDS = 60.0
_apis: dict[tuple[str, bool], API] = {}
_lock = threading.Lock()


def audience_layers(public_only: bool) -> list[type[Layer]]:
    return [layer for layer in registry.all() if layer.public or not public_only]


def audience_edr(public_only: bool) -> list[tuple[EDRCollection, type[Layer]]]:
    """EDR collections with their items layer; an audience sees those whose items
    layer it sees (readings of sensors: never the public)."""
    return [(c, registry.get(c.items_layer)) for c in edr_collections()
            if registry.get(c.items_layer).public or not public_only]


def api_for(scope: Scope) -> API:
    """The API object serving a caller with `scope` (built on first use)."""
    key = audience_key(scope)
    api = _apis.get(key)
    if api is None:
        with _lock:
            api = _apis.get(key) or _build(*key)
            _apis[key] = api
    return api


def audience_key(scope: Scope) -> tuple[str, bool]:
    """(site, public only): which API object serves `scope`."""
    return settings.SITE_URL, not _sees_private(scope)


class _TranslatedConfigs(dict):
    """pygeoapi's cache of the translated config, one module dict keyed by locale alone
    and shared by every API object: after an anonymous HTML page, a signed-in caller's
    collection page rendered with the public config (500), or the other way round. Here
    the key also names the audience of the request being served (layers.ogc.context)."""

    def get(self, locale, default=None):
        return super().get(self._key(locale), default)

    def __setitem__(self, locale, value) -> None:
        super().__setitem__(self._key(locale), value)

    @staticmethod
    def _key(locale) -> tuple:
        return (*audience_key(current_scope()), str(locale))


l10n._cfg_cache = _TranslatedConfigs()


def _sees_private(scope: Scope) -> bool:
    return any(layer.visible_to(scope) for layer in registry.all() if not layer.public)


def _build(site_url: str, public_only: bool) -> API:
    # pygeoapi logs every client error (bad bbox, unknown collection) at ERROR with a
    # traceback; our own failures raise through Django's handler, so silence it.
    logging.getLogger("pygeoapi").setLevel(logging.CRITICAL)
    layers = audience_layers(public_only)
    edr = audience_edr(public_only)
    cfg = config.site_config(base_url=f"{site_url}/ogc", layers=layers,
                             extents=data_extents(layers), edr=edr)
    api = API(cfg, openapi={})
    api.extents_expire = time.monotonic() + EXTENT_SECONDS
    return api


def openapi_document(api: API) -> dict:
    """The OpenAPI document, generated on first request (it walks every collection)."""
    if not api.openapi:
        api.openapi = openapi.openapi_document(api.config)
    return api.openapi


def data_extents(layers: list[type[Layer]]) -> dict[str, list[float]]:
    """Layer id -> [minx, miny, maxx, maxy] of its rows (layers without rows are left out)."""
    extents = {}
    with connection.cursor() as cursor:
        for layer in layers:
            # Collection extents are layer-wide: they describe the data, not a caller.
            cursor.execute(*layer.extent_sql(EVERYTHING))
            row = cursor.fetchone()
            if row and row[0] is not None:
                extents[layer.id] = [float(v) for v in row]
    return extents


def refresh_extents(api: API) -> None:
    """Recompute collection extents when they are older than EXTENT_SECONDS."""
    if time.monotonic() < api.extents_expire:
        return
    api.extents_expire = time.monotonic() + EXTENT_SECONDS
    resources = api.config["resources"]
    # an EDR collection's extent is its items layer's
    items = {c.id: c.items_layer for c in edr_collections() if c.id in resources}
    layers = [registry.get(items.get(rid, rid)) for rid in resources]
    fresh = data_extents(list({layer.id: layer for layer in layers}.values()))
    for resource_id in resources:
        spatial = resources[resource_id]["extents"]["spatial"]
        spatial["bbox"] = fresh.get(items.get(resource_id, resource_id), config.WORLD)


def forget_apis() -> None:
    """Drop the built API objects (tests change SITE_URL and data between cases)."""
    _apis.clear()
    l10n._cfg_cache.clear()
