"""`manage.py gateway_key CODE`: print a gateway's signing key (hex) for its agent config."""

from django.core.management.base import BaseCommand, CommandError

from monitoring.devices.models import Gateway


class Command(BaseCommand):
    help = "Print the HMAC key (hex) a gateway's collector agent signs with."

    def add_arguments(self, parser):
        parser.add_argument("code", help="gateway code (the agent's gateway_id)")

    def handle(self, *args, code: str, **options):
        key = Gateway.objects.filter(code=code).values_list("hmac_key", flat=True).first()
        if key is None:
            raise CommandError(f"no gateway {code!r}")
        self.stdout.write(key)
