"""Fixtures for the dashboards: a grid cell in county A and Dash callback requests."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from geo.models import GridCell
from tests.conftest import box
from tests.dashboards.screen_data import plants, warnings_ab  # noqa: F401  (the screen's)


@pytest.fixture
def grid_cell(world) -> GridCell:
    """One level-4 grid cell (网格) in the south-west of county A."""
    return GridCell.objects.create(
        code="320101001001G01", name="甲县第一网格", level=4, division=world.county_a,
        division_code="320101001001", geom=box(118.05, 32.05, 118.3, 32.3),
    )


def logged_in(user, **client_kwargs) -> Client:
    client = Client(**client_kwargs)
    client.force_login(user)
    return client


def dash_callback(client: Client, *, output: str, prop: str, input_id: str, input_prop: str,
                  value, **headers):
    """POST one Dash callback the way dash-renderer does, through Django's URL and middleware."""
    body = {
        "output": f"{output}.{prop}",
        "outputs": {"id": output, "property": prop},
        "inputs": [{"id": input_id, "property": input_prop, "value": value}],
        "changedPropIds": [f"{input_id}.{input_prop}"],
        "state": [],
    }
    return client.post("/dash/onemap/_dash-update-component", json.dumps(body),
                       content_type="application/json", **headers)


PLACE_OUTPUTS = [("onemap-trail", "children"), ("onemap-drill", "children"),
                 ("onemap-view", "data"), ("onemap-record", "children")]


def dash_place(client: Client, place, **headers):
    """POST the one map's place callback (breadcrumb, panel, map view and record of a
    drill-down place) as dash-renderer does for a multi-output callback."""
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in PLACE_OUTPUTS) + "..",
        "outputs": [{"id": i, "property": p} for i, p in PLACE_OUTPUTS],
        "inputs": [{"id": "onemap-place", "property": "data", "value": place}],
        "changedPropIds": ["onemap-place.data"],
        "state": [],
    }
    return client.post("/dash/onemap/_dash-update-component", json.dumps(body),
                       content_type="application/json", **headers)
