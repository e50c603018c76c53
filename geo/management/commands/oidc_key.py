"""`manage.py oidc_key`: write the OpenID Connect signing key (RS256) on first start.

Run by `make migrate` and `make test`, so a fresh clone needs no manual step; a key that
exists is kept (rotating it would invalidate every ID token other systems hold). The key
lives under var/ (settings.OIDC_KEY_FILE), never in the repository; a site may instead
set OIDC_RSA_PRIVATE_KEY from its secret store, and then no file is written.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from jwcrypto import jwk


class Command(BaseCommand):
    help = "Create the OpenID Connect RS256 signing key under var/ unless there is one."
    requires_system_checks = []  # the checks would only warn that the key is missing

    def handle(self, *args, **options) -> None:
        path = settings.OIDC_KEY_FILE
        if os.environ.get("OIDC_RSA_PRIVATE_KEY") or path.is_file():
            self.stdout.write(f"OpenID Connect key: kept ({path})", self.style.SUCCESS)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = jwk.JWK.generate(kty="RSA", size=3072).export_to_pem(private_key=True,
                                                                  password=None)
        # Created readable by its owner only, in one step (no window with wider rights).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        self.stdout.write(f"OpenID Connect key: created {path}", self.style.SUCCESS)
