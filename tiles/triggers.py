"""Install the version trigger on every registered layer's table (no per-layer code)."""

from __future__ import annotations

from django.db import connections

from layers.base import registry

TRIGGER = "tiles_layer_version"


def install_triggers(*, using: str = "default", **_kwargs) -> list[str]:
    """Create or replace the statement-level trigger on each layer table; returns the tables.

    Connected to `post_migrate`, so a new layer gets its trigger on the next migrate.
    """
    tables = sorted({layer.table() for layer in registry.all()})
    installed = []
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT to_regproc('tiles_bump_layer_version') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return installed  # tiles migrations not applied yet
        for table in tables:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            if not cursor.fetchone()[0]:
                continue
            cursor.execute(
                f'CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE '
                f'OR TRUNCATE ON "{table}" FOR EACH STATEMENT '
                f"EXECUTE FUNCTION tiles_bump_layer_version()"
            )
            installed.append(table)
    return installed
