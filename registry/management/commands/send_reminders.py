import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from registry.licences.notifications import licence_expiry_notify
from registry.plans.notifications import plan_review_notify


class Command(BaseCommand):
    help = ("Daily reminders: licence expiry (90/30/7 days, expired) and emergency plan "
            "reviews (30 days, overdue). Safe to rerun: nothing is sent twice.")

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat,
                            help="the date to remind for (default: today, local time)")

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        self.stdout.write(f"licences: {licence_expiry_notify(today=today)} new messages")
        self.stdout.write(f"plans: {plan_review_notify(today=today)} new messages")
