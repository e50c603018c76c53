"""Install the version triggers on every registered layer's table (no per-layer code).

Per table: three statement-level triggers with transition tables (INSERT, UPDATE,
DELETE: PostgreSQL allows a transition table only on a single-event trigger) that bump
the versions of the cells the statement's rows were and are in, whatever their number,
and one TRUNCATE trigger that bumps the layer-wide version (ADR 0019).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from layers.base import registry

CELL_TRIGGERS = {
    "tiles_cells_insert": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS tiles_new",
    "tiles_cells_update": "AFTER UPDATE ON {table} "
                          "REFERENCING OLD TABLE AS tiles_old NEW TABLE AS tiles_new",
    "tiles_cells_delete": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS tiles_old",
}
TRUNCATE_TRIGGER = "tiles_layer_truncate"
OLD_TRIGGER = "tiles_layer_version"  # ADR 0002's one trigger, bumping the whole layer


def install_triggers(*, using: str = "default", **_kwargs) -> list[str]:
    """Create or replace the triggers on each layer table; returns the tables.

    Connected to `post_migrate`, so a new layer gets its triggers on the next migrate.
    """
    geometry = {}
    for layer in registry.all():
        field = layer.geometry_field()
        if field.srid != 4326:  # the cells are computed from stored lon/lat
            raise ImproperlyConfigured(
                f"layer {layer.id}: tile versions need geometries in EPSG:4326, "
                f"{layer.table()}.{field.column} is EPSG:{field.srid}")
        geometry.setdefault(layer.table(), field.column)
    installed = []
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT to_regproc('tiles_bump_cell_versions') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return installed  # tiles migrations not applied yet
        for table, column in sorted(geometry.items()):
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            if not cursor.fetchone()[0]:
                continue
            for statement in table_triggers(table, column):
                cursor.execute(statement)
            installed.append(table)
    return installed


def table_triggers(table: str, column: str) -> list[str]:
    """The statements that (re)install one table's triggers."""
    quoted = f'"{table}"'
    statements = [f"DROP TRIGGER IF EXISTS {OLD_TRIGGER} ON {quoted}"]
    for name, when in CELL_TRIGGERS.items():
        statements.append(
            f"CREATE OR REPLACE TRIGGER {name} {when.format(table=quoted)} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION tiles_bump_cell_versions('{column}')")
    statements.append(
        f"CREATE OR REPLACE TRIGGER {TRUNCATE_TRIGGER} AFTER TRUNCATE ON {quoted} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION tiles_bump_layer_version()")
    return statements
