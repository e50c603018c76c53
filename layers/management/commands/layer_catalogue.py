"""`manage.py layer_catalogue [--check] [--output FILE]`: write (or check) the layer catalogue."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from layers.catalogue import catalogue_text

DEFAULT = Path(settings.BASE_DIR) / "tests" / "layer_catalogue.json"


class Command(BaseCommand):
    help = ("Write every registered layer (id, titles, public flag, geometry type, zoom, scope "
            "and owner fields, properties, OGC collection id, style layer ids) as JSON, the "
            "file cross-cutting tests read. --check only compares and fails when it is stale.")

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=DEFAULT,
                            help=f"file to write or check (default: {DEFAULT})")
        parser.add_argument("--check", action="store_true",
                            help="write nothing; exit non-zero if the file differs")

    def handle(self, *args, output: Path, check: bool, **options):
        text = catalogue_text()
        if check:
            current = output.read_text(encoding="utf-8") if output.exists() else None
            if current != text:
                raise CommandError(f"layer catalogue is stale: run `make catalogue` ({output})")
            self.stdout.write(f"{output} is up to date")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {output}")
