from django.core.management.base import BaseCommand

from registry.enterprises.departments import supervising_departments_reassign


class Command(BaseCommand):
    help = ("Reassign every enterprise's supervising department from the current rules "
            "(run after changing departments' industry prefixes); one UPDATE statement.")

    def add_arguments(self, parser):
        parser.add_argument("--division", default="",
                            help="only enterprises under this division code prefix")

    def handle(self, *args, division="", **options):
        changed = supervising_departments_reassign(division_prefix=division)
        self.stdout.write(f"{changed} enterprises changed department")
