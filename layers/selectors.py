"""Reads across layers."""

from __future__ import annotations

from django.db import connection

from geo.models import LEVEL_DIGITS
from geo.scope import Scope
from layers.base import Layer, registry


def layer_counts(layers: list[type[Layer]], scope: Scope) -> dict[str, int]:
    """Rows the caller may read in each layer, in one statement (not one per layer)."""
    if not layers:
        return {}
    parts, params = [], []
    for layer in layers:
        where, args = layer.scope_sql(scope, "t")
        parts.append(f'SELECT %s, count(*) FROM "{layer.table()}" t WHERE {where}')
        params += [layer.id, *args]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return dict(cursor.fetchall())


def layers_empty(layers: list[type[Layer]], scope: Scope) -> set[str]:
    """Ids of the layers holding no row the caller may read, in one statement: an EXISTS
    per layer (cheaper than `layer_counts` where only "any?" is asked, e.g. a map's
    switcher marking empty layers)."""
    if not layers:
        return set()
    parts, params = [], []
    for layer in layers:
        where, args = layer.scope_sql(scope, "t")
        parts.append(f'EXISTS (SELECT 1 FROM "{layer.table()}" t WHERE {where})')
        params += args
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        found = cursor.fetchone()
    return {layer.id for layer, exists in zip(layers, found, strict=True) if not exists}


def division_trail(*, scope: Scope, within: str, top: str) -> list[tuple[str, str]]:
    """(prefix, name) of the divisions from the caller's own (`top`) down to `within`, for
    a page's crumbs; one query through the divisions layer (the prefix itself when no
    division row names it)."""
    prefixes = [within[:d] for d in sorted(LEVEL_DIGITS.values())
                if max(len(top), 1) <= d <= len(within)]
    codes = {p.ljust(12, "0"): p for p in prefixes}
    found = dict(registry.get("divisions").queryset(scope).filter(code__in=codes)
                 .values_list("code", "name"))
    return [(p, found.get(code, p)) for code, p in codes.items()]
