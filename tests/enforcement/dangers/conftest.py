"""Fixtures of the hidden-danger slice: the world's first enterprise (the one with an
organisation and an enterprise user) supervised by 甲县应急管理局, whose county supervisor
belongs to it (the departments of tests/geo); 乙县's supervisor belongs to its own bureau."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.geo.conftest import departments  # noqa: F401  (a fixture, shared)


@pytest.fixture
def plant(world, departments):  # noqa: F811
    """The enterprise with an organisation, supervised by 甲县应急管理局."""
    enterprise = world.enterprises_a[0]
    enterprise.supervising_department = departments["county_a"]
    enterprise.save(update_fields=["supervising_department"])
    return enterprise


@pytest.fixture
def checklists(db) -> None:
    """The starter checklists (a flushing test elsewhere may have removed loaded rows)."""
    call_command("load_checklists", stdout=StringIO())


@pytest.fixture
def users(world):
    return world.users
