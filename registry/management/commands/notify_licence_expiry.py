import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from registry.licences.notifications import licence_expiry_notify


class Command(BaseCommand):
    help = "Send licence expiry warnings (90/30/7 days, expired) due today; safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat,
                            help="the date to warn for (default: today, local time)")

    def handle(self, *args, today=None, **options):
        sent = licence_expiry_notify(today=today or timezone.localdate())
        self.stdout.write(f"{sent} new messages")
