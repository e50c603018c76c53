"""Load (create or update) the starter inspection item list for hazardous chemicals from
enforcement/library/data/hazchem_items.json, e.g. after the file was corrected."""

from django.core.management.base import BaseCommand

from enforcement.library.services import check_items_load


class Command(BaseCommand):
    help = "Load the hazardous-chemicals inspection item list (检查事项清单)."

    def handle(self, *args, **options) -> None:
        counts = check_items_load()
        self.stdout.write(f"check items: {counts['provisions']} provisions, "
                          f"{counts['items']} items\n")
