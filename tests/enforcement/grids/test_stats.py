"""Grid figures and score: one grouped statement per level, over each cell's subtree, in
the caller's scope; a term registered by another slice joins without being imported; the
large-screen panel."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.gis.geos import Point

from enforcement.grids import selectors, services, stats
from enforcement.grids.models import GridAssignment
from enforcement.grids.panels import grids_today
from enforcement.grids.stats import Period
from geo.scope import scope_for_user
from tests.enforcement.grids.conftest import NOW

PERIOD = Period(NOW - datetime.timedelta(days=7), NOW + datetime.timedelta(days=1))


@pytest.fixture
def worked(world, staffed):
    """Enterprises assigned; 1 and 2 confirmed; one patrol in C4a with a check-in at 1 in
    the period, one before it with a check-in at 3 (outside the period)."""
    services.grid_assign(now=NOW)
    grid_a = staffed.users["grid_a"]
    for ent in world.enterprises_a[:2]:
        services.assignment_confirm(user=grid_a, assignment=GridAssignment.objects.get(
            enterprise=ent))
    old = services.patrol_start(user=grid_a, cell=staffed.c3a, point=Point(118.1, 32.1),
                                now=NOW - datetime.timedelta(days=30))
    services.checkin_make(user=grid_a, patrol=old, enterprise_id=world.enterprises_a[2].pk,
                          point=world.enterprises_a[2].geom, now=old.started_at)
    services.patrol_end(user=grid_a, patrol=old, now=old.started_at)
    patrol = services.patrol_start(user=grid_a, cell=staffed.c4a, point=Point(118.1, 32.1),
                                   now=NOW)
    services.checkin_make(user=grid_a, patrol=patrol, enterprise_id=world.enterprises_a[0].pk,
                          point=world.enterprises_a[0].geom, now=NOW)
    return staffed


def _rows(figures):
    return [(f.code, f.assigned, f.confirmed, f.disputed, f.patrols, f.checkins, f.visited,
             f.score) for f in figures]


def test_figures_by_level_one_statement(worked, django_assert_num_queries):
    scope = scope_for_user(worked.users["county_a"])
    with django_assert_num_queries(1):
        top = selectors.grid_figures(scope=scope, level=1, period=PERIOD)
    # C1: 5 assigned, 2 confirmed, coverage 1/5: (3 × 0.4 + 5 × 0.2) / 8 = 27.5
    assert _rows(top) == [("A1", 5, 2, 0, 1, 1, 1, 27.5)]
    assert top[0].coverage == 0.2
    below = selectors.grid_figures(scope=scope, level=2, period=PERIOD, parent_id=worked.c1.pk)
    # C2a: 3 assigned (1, 2 in C4a; 3 in C3a), 2 confirmed, 1 visited: (2 + 5/3) / 8
    assert _rows(below) == [("A1-E", 2, 0, 0, 0, 0, 0, 0.0), ("A1-W", 3, 2, 0, 1, 1, 1, 45.8)]
    assert _rows(selectors.grid_figures(scope=scope, level=4, period=PERIOD)) == [
        ("A1-W-S-1", 2, 2, 0, 1, 1, 1, 68.8)]  # (3 × 1 + 5 × 0.5) / 8 = 68.75


def test_figures_in_scope_only(worked):
    province = selectors.grid_figures(scope=scope_for_user(worked.users["province"]),
                                      level=1, period=PERIOD)
    assert [(f.code, f.assigned, f.score) for f in province] == [("A1", 5, 27.5),
                                                                 ("B1", 3, 0.0)]
    county_b = selectors.grid_figures(scope=scope_for_user(worked.users["county_b"]),
                                      level=1, period=PERIOD)
    assert [f.code for f in county_b] == ["B1"]
    assert selectors.grid_figures(scope=scope_for_user(worked.users["enterprise"]), level=1,
                                  period=PERIOD) == []


def test_a_registered_term_joins_the_statement_and_the_score(worked, monkeypatch, world):
    terms = stats._terms.copy()
    monkeypatch.setattr(stats, "_terms", terms)
    first = world.enterprises_a[0].pk
    terms.add("flagged", stats.Term(
        10, "flagged", "重点", lambda period: (
            "SELECT %s::bigint AS enterprise_id, 4 AS value", [first]),
        weight=2.0, rate=lambda f: 0.5 if f["flagged"] else None))
    [c1] = selectors.grid_figures(scope=scope_for_user(worked.users["county_a"]), level=1,
                                  period=PERIOD)
    # (3 × 0.4 + 5 × 0.2 + 2 × 0.5) / 10 = 32.0
    assert (c1.terms, c1.score) == ({"flagged": 4}, 32.0)


def test_screen_panel_one_query(worked, django_assert_num_queries):
    with django_assert_num_queries(1):
        figures = grids_today(scope_for_user(worked.users["county_a"]))
    assert {f.key: f.value for f in figures} == {"cells": 5, "assigned": 5, "confirmed": 2,
                                                 "coverage": 20, "patrols": 0}
    figures = grids_today(scope_for_user(worked.users["county_b"]))
    assert {f.key: f.value for f in figures} == {"cells": 1, "assigned": 3, "confirmed": 0,
                                                 "coverage": 0, "patrols": 0}
