"""`manage.py import_divisions FILE`: real division boundaries from GeoPackage,
Shapefile (plain or zipped) or GeoJSON, all or nothing, through the one layer importer
(the `divisions` layer and its hook, `layers.division_imports`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from layers.base import registry
from layers.imports import LayerImportError, import_layer

OPTIONS = {prop: f"--{prop}-field" for prop in ("code", "name", "level", "parent")}


class Command(BaseCommand):
    help = ("Import administrative divisions (行政区划). Codes may have 6, 9 or 12 digits; "
            "level and parent are inferred from the code when their columns are absent. "
            "CGCS2000 (EPSG:4490) is read as EPSG:4326; other CRSs are transformed.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=".gpkg, .shp, .zip (zipped Shapefile) or .geojson")
        parser.add_argument("--layer", help="layer name (GeoPackage with several layers)")
        parser.add_argument("--code-field", help="code column (default: code, adcode, gb…)")
        parser.add_argument("--name-field", help="name column (default: name, mc…)")
        parser.add_argument("--level-field",
                            help="level column: province/city/county/town/village, 省/市/县/"
                                 "乡镇/村 or 1–5 (default: level; else from the code)")
        parser.add_argument("--parent-field",
                            help="parent code column (default: parent; else from the code)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file: str, layer, code_field, name_field, level_field,
               parent_field, no_progress: bool, **options):
        asked = {"code": code_field, "name": name_field, "level": level_field,
                 "parent": parent_field}
        divisions = registry.get("divisions")
        try:
            result = import_layer(
                divisions, file, mapping={c: prop for prop, c in asked.items() if c},
                source_layer=layer, options=OPTIONS, progress=not no_progress)
        except LayerImportError as exc:
            raise CommandError(exc.summary()) from exc
        except OSError as exc:  # unreadable file
            raise CommandError(f"cannot read {file}: {exc}") from exc
        columns = ", ".join(f"{p}={result.columns[p]}" for p in divisions.properties
                            if p in result.columns)
        self.stdout.write(f"imported {result.written} divisions ({result.created} created, "
                          f"{result.updated} updated; {columns})")
