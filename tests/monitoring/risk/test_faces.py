"""The risk layers through OGC API items and vector tiles: the newest day by default,
past days by `datetime=`, and scope (county B sees nothing of county A)."""

from __future__ import annotations

from datetime import timedelta

from monitoring.risk.models import EnterpriseRisk
from monitoring.risk.services import risk_compute
from tests.monitoring.risk.conftest import NOW
from tests.tiles.conftest import decode, tile_of, tile_url

ENTERPRISES = "/ogc/collections/enterprise_risk/items"
REGIONS = "/ogc/collections/region_risk/items"
TILE = tile_of(118.45, 32.15, 9)  # covers both counties' enterprises


def items(client, url, token) -> list[dict]:
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.content
    return [f["properties"] for f in response.json()["features"]]


def test_items_are_the_newest_day_and_past_days_by_datetime(client, risky):
    yesterday = NOW - timedelta(days=1)
    risk_compute(now=yesterday)
    risk_compute(now=NOW)
    token = risky.tokens["admin"]
    today = items(client, f"{ENTERPRISES}?limit=50", token)
    assert len(today) == 8 and {p["day"] for p in today} == {"2026-12-02"}
    a1 = next(p for p in today if p["enterprise"] == risky.enterprises_a[0].pk)
    assert (a1["score"], a1["level"], a1["model_version"], a1["static_term"],
            a1["alarm_term"], a1["warning_term"], a1["handling_term"],
            a1["commitment_term"], a1["online_term"]) == (
        60.5, 2, "risk-1.2", 30.0, 12.0, 15.0, 1.0, 0.0, 2.5)
    past = items(client, f"{ENTERPRISES}?limit=50&datetime=2026-12-01", token)
    assert len(past) == 8 and {p["day"] for p in past} == {"2026-12-01"}
    both = items(client, f"{ENTERPRISES}?limit=50&datetime=2026-12-01/2026-12-02", token)
    assert len(both) == 16
    regions = items(client, f"{REGIONS}?limit=50", token)
    assert sorted((p["code"], p["score"]) for p in regions) == [
        ("320000000000", 41.31), ("320100000000", 41.31), ("320101000000", 50.1),
        ("320102000000", 26.67)]


def test_county_b_sees_nothing_of_county_a(client, risky):
    risk_compute(now=NOW)
    token = risky.tokens["county_b"]
    b_ids = {e.pk for e in risky.enterprises_b}
    seen = items(client, f"{ENTERPRISES}?limit=50", token)
    assert {p["enterprise"] for p in seen} == b_ids
    assert {p["division_code"][:6] for p in seen} == {"320102"}
    a1 = risky.enterprises_a[0]
    a1_row = EnterpriseRisk.objects.get(enterprise=a1)
    response = client.get(f"{ENTERPRISES}/{a1_row.pk}", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 404
    # regions: its own county only, not the city or province that hold county A's scores
    assert [p["code"] for p in items(client, f"{REGIONS}?limit=50", token)] == ["320102000000"]
    tile = decode(client.get(tile_url("enterprise_risk", *TILE, f"?token={token}")))
    features = tile["enterprise_risk"]["features"]
    assert len(features) == 3
    assert {f["properties"]["level"] for f in features} == {3, 4}  # grades 蓝, 红, 橙
    admin = decode(client.get(tile_url("enterprise_risk", *TILE,
                                       f"?token={risky.tokens['admin']}")))
    assert len(admin["enterprise_risk"]["features"]) == 8


def test_tiles_draw_only_the_newest_day(client, risky):
    risk_compute(now=NOW - timedelta(days=1))
    risk_compute(now=NOW)
    query = f"?token={risky.tokens['admin']}"
    tile = decode(client.get(tile_url("enterprise_risk", *TILE, query)))
    assert len(tile["enterprise_risk"]["features"]) == 8
