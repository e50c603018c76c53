"""Risk grading tests: the shared world (counties A and B; enterprise 1 of county A has
its own organisation and user), and a risk point helper."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from enforcement.risk.services import risk_point_create


@pytest.fixture
def ent(world):
    """Enterprise 1 of county A, the one with an enterprise user."""
    return world.enterprises_a[0]


@pytest.fixture
def make_point(world, ent):
    def make(name="液氯储罐区", enterprise=None, user=None, **fields):
        enterprise = enterprise or ent
        return risk_point_create(user=user or world.users["admin"], enterprise=enterprise,
                                 name=name, kind=fields.pop("kind", "area"),
                                 geom=fields.pop("geom", Point(enterprise.geom.x + 0.0005,
                                                               enterprise.geom.y, srid=4326)),
                                 **fields)
    return make


@pytest.fixture
def library(db):
    """The standards library: loaded by its data migration, but a transactional test
    elsewhere in the run may have flushed it; loading again is idempotent."""
    from enforcement.risk.library import library_load
    from enforcement.risk.models import LibraryPoint

    library_load(LibraryPoint)
