"""`manage.py load_checklists`: the starter checklists (排查清单, A/B/C) of the hidden-danger
slice; idempotent (a checklist of the same name is left as the admin keeps it)."""

from django.core.management.base import BaseCommand

from enforcement.dangers.starter import checklists_starter_ensure


class Command(BaseCommand):
    help = "Load the starter checklists (排查清单) for hidden-danger checks"

    def handle(self, *args, **options):
        made = checklists_starter_ensure()
        self.stdout.write(f"starter checklists: {made} created")
