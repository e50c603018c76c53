"""The models and the migrations agree: moving models between slices, or onto the
geo.places mixins, must not leave a migration to write (`makemigrations --check`)."""

from io import StringIO

from django.core.management import call_command


def test_no_migration_is_missing(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert out.getvalue() == "No changes detected\n"
