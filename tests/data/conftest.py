"""The demo region, loaded once per test class for the tests that only read it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker) -> str:
    """`manage.py load_demo`'s output, the region loaded once for the class in a transaction
    rolled back after its last test. Each test runs in a savepoint inside it (pytest-django's
    `db`), so what a test writes (sign-ins, sessions, deletions) is gone before the next."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            with override_settings(PASSWORD_HASHERS=[
                    "django.contrib.auth.hashers.MD5PasswordHasher"]):
                call_command("load_demo", stdout=out)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield out.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
