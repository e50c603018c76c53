"""The large screen's open incidents by level, and the key points for leaders on site."""

from __future__ import annotations

import pytest

from dashboards.screen import panel_figures
from geo.scope import scope_for_user
from response.incidents.keypoints import key_points
from response.incidents.models import Incident, Stage
from tests.response.conftest import receive

pytestmark = pytest.mark.django_db


def _incidents(user) -> dict:
    return next({f.key: f.value for f in figures}
                for panel, figures in panel_figures(scope_for_user(user))
                if panel.key == "incidents")


def test_open_incidents_by_level_in_scope(people):
    receive(people["county_a"], level=3)
    receive(people["county_a"], level=1)
    closed = receive(people["county_a"], level=4)
    Incident.objects.filter(pk=closed.pk).update(stage=Stage.CLOSED)
    assert _incidents(people["county_a"]) == {"l1": 1, "l2": 0, "l3": 1, "l4": 0}
    assert _incidents(people["county_b"]) == {"l1": 0, "l2": 0, "l3": 0, "l4": 0}


def test_key_points_by_type_and_level(client, people):
    chemical = key_points(kind="21", level=2)
    assert chemical[0].startswith("立即了解事件发生时间")
    assert "查明泄漏物质种类、数量和理化性质，确定警戒区和疏散范围" in chemical
    assert any("省级应急响应" in p for p in chemical)
    flood = key_points(kind="11", level=4)
    assert not any("泄漏" in p for p in flood) and any("堤防" in p for p in flood)
    assert any("市、县级政府" in p for p in flood)
    incident = receive(people["county_a"], level=3)
    client.force_login(people["county_a"])
    page = client.get(f"/response/incidents/{incident.pk}/").content.decode()
    assert 'id="key-points"' in page and "查明泄漏物质种类" in page
