"""Alarm tests: county A's gateway (the ingest fixture) with a park inside county A, a
grid cell over the enterprise, and the users of every tier there."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from geo.models import Division, GridCell, Role, User
from monitoring.ingest.services import batch_store
from tests.conftest import box
from tests.monitoring.alarms.grading_data import graded  # noqa: F401  (the grading tests' alarms)
from tests.monitoring.ingest.conftest import gateway  # noqa: F401  (county A's devices)

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
MS = int(NOW.timestamp() * 1000)


@pytest.fixture
def places(world):
    """Park 甲园区 (a town of county A) around enterprise 1; its grid cell; a park user,
    a grid member, a city user."""
    park = Division.objects.create(code="320101001000", name="甲园区", level="town",
                                   parent=world.county_a, geom=box(118.1, 32.1, 118.2, 32.2))
    grid = GridCell.objects.create(code="G-1", name="一号网格", level=4,
                                   division=world.county_a, division_code=park.code,
                                   geom=box(118.14, 32.11, 118.16, 32.13))
    users = {
        "park": User.objects.create_user("park", password="pw", role=Role.PARK,
                                         division=park, mobile="13800000001"),
        "grid": User.objects.create_user("grid", password="pw", role=Role.GRID,
                                         division=park),
        "city": User.objects.create_user("city", password="pw", role=Role.CITY,
                                         division=world.city),
    }
    grid.responsible.add(users["grid"])
    world.users["enterprise"].mobile = "13800000002"
    world.users["enterprise"].save()
    return {**world.users, **users}


def reading(seq: int, point: str, value, *, s: float = 0.0, quality: str = "good") -> dict:
    return {"seq": seq, "kind": "reading", "point": point, "ts": MS + int(s * 1000),
            "value": value, "quality": quality, "unit": "", "reason": ""}


def send(records: list[dict], *, at: float = 0.0, gateway_code: str = "gw-a"):
    doc = {"v": 1, "kind": "batch", "gateway": gateway_code, "records": records,
           "first_seq": records[0]["seq"], "last_seq": records[-1]["seq"]}
    return batch_store(doc, now=datetime.fromtimestamp(NOW.timestamp() + at, UTC))


def series(point: str, values: list[float], *, seq0: int = 1, s0: float = 0.0,
           step: float = 1.0) -> list[dict]:
    return [reading(seq0 + i, point, v, s=s0 + i * step) for i, v in enumerate(values)]
