"""`manage.py import_layer LAYER FILE`: any registry layer from CSV, XLSX, GeoJSON,
GeoPackage or Shapefile, all or nothing, as an operator (no scope)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from layers.base import registry
from layers.imports import LayerImportError, import_layer


def _pair(text: str) -> tuple[str, str]:
    column, sep, prop = text.partition("=")
    if not sep or not column.strip() or not prop.strip():
        raise ValueError(text)
    return column.strip(), prop.strip()


class Command(BaseCommand):
    help = ("Import rows into a layer. Every row is checked first (field rules, uniqueness, "
            "geometry); any bad row stops the import with the list of bad rows and nothing "
            "is written. CSV/XLSX take lon/lat columns or a wkt column; EPSG:4490 is read "
            "as EPSG:4326, other CRSs are transformed.")

    def add_arguments(self, parser):
        parser.add_argument("layer", help=f"layer id ({', '.join(registry.ids())})")
        parser.add_argument("file", help=".csv, .xlsx, .geojson, .gpkg, .shp or zipped .shp")
        parser.add_argument("--map", action="append", default=[], type=_pair, dest="mapping",
                            metavar="COLUMN=PROPERTY",
                            help="file column to layer property (repeatable; default: "
                                 "same names)")
        parser.add_argument("--lon", default="lon", help="longitude column of CSV/XLSX")
        parser.add_argument("--lat", default="lat", help="latitude column of CSV/XLSX")
        parser.add_argument("--dry-run", action="store_true",
                            help="check every row and report, write nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, layer: str, file: str, mapping, lon: str, lat: str,
               dry_run: bool, no_progress: bool, **options):
        declared = registry.get(layer)
        if declared is None:
            raise CommandError(f"unknown layer {layer!r} (layers: {', '.join(registry.ids())})")
        try:
            result = import_layer(declared, file, mapping=dict(mapping), dry_run=dry_run,
                                  lon=lon, lat=lat, progress=not no_progress)
        except LayerImportError as exc:
            raise CommandError(exc.summary()) from exc
        except OSError as exc:  # unreadable file
            raise CommandError(f"cannot read {file}: {exc}") from exc
        columns = ", ".join(f"{c}->{p}" for p, c in result.columns.items())
        ignored = f"; ignored columns: {', '.join(result.ignored)}" if result.ignored else ""
        verb = "checked (dry run, nothing written)" if dry_run else "imported"
        self.stdout.write(f"{verb} {result.rows} rows into {layer} ({columns}{ignored})")
