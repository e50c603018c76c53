"""Reads across layers."""

from __future__ import annotations

from django.db import connection

from geo.scope import Scope
from layers.base import Layer


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
