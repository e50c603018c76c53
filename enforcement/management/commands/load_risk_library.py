"""Load the standards library of typical risk points (风险点标准库) from
enforcement/risk/library.json again (after the file changed): rows matched by industry
and name are updated, new ones added; an unknown accident type or measure kind refuses
the whole file."""

from django.core.management.base import BaseCommand
from django.db import transaction

from enforcement.risk.library import library_load
from enforcement.risk.models import LibraryPoint


class Command(BaseCommand):
    help = "Load the risk point standards library (风险点标准库) from library.json"

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            count = library_load(LibraryPoint)
        self.stdout.write(f"risk library: {count} typical risk points")
