"""Enforcement tests: the item list the data migration loads is reference data, and a
transactional test elsewhere in the suite flushes it; load it again when it is gone."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _check_items(request):
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "world", "_django_db_helper"))
    if not uses_db:
        return
    request.getfixturevalue("db")
    from enforcement.library.models import CheckItem
    from enforcement.library.services import check_items_load

    if not CheckItem.objects.exists():
        check_items_load()
