"""From a monitoring warning to a hidden danger in one step (real PostGIS): the service and
the page read the warning in the caller's scope, pre-fill place, enterprise and words, keep
the link, and turn one warning into one danger."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from enforcement.dangers.models import HiddenDanger
from enforcement.dangers.services import danger_from_warning
from layers.base import registry
from tests.layers.samples import sample


@pytest.fixture
def warning(plant):
    row = sample(registry.get("warnings").model, plant)
    row.title, row.reason, row.level = "1号液氯储罐压力高高报", "高高报持续10分钟", 1
    row.raised_at = datetime.datetime(2026, 12, 4, 2, 30, tzinfo=datetime.UTC)
    row.save()
    return row


def test_the_service_turns_a_warning_into_a_linked_danger_once(warning, plant, users,
                                                              departments):
    danger = danger_from_warning(warning.pk, users["enterprise"])
    assert (danger.enterprise, danger.warning_id, danger.source, danger.name, danger.state) == (
        plant, warning.pk, "monitoring", "1号液氯储罐压力高高报", "registered")
    assert danger.description == ("2026-12-04 10:30 红色预警（重大）：1号液氯储罐压力高高报。"
                                  "定级依据：高高报持续10分钟")
    assert danger.geom.coords == warning.geom.coords
    assert (danger.division_code, danger.organisation_id) == (plant.division_code,
                                                              plant.organisation_id)
    assert danger_from_warning(warning.pk, users["county_a"]).pk == danger.pk
    assert HiddenDanger.objects.count() == 1


@pytest.mark.parametrize("who", ["county_b", "analyst"])
def test_others_cannot_turn_it(warning, users, departments, who):
    with pytest.raises(PermissionDenied):
        danger_from_warning(warning.pk, users[who])
    assert HiddenDanger.objects.count() == 0


def test_the_page_is_pre_filled_and_registers_with_the_link(warning, plant, users,
                                                           departments):
    client = Client()
    client.force_login(users["county_a"])
    url = f"/enforcement/dangers/from-warning/{warning.pk}/"
    page = client.get(url).content.decode()
    assert 'id="from-warning"' in page and 'value="1号液氯储罐压力高高报"' in page
    response = client.post(url, {"name": "1号液氯储罐压力高高报", "source": "monitoring",
                                 "category": "process", "description": "压力高高报，已泄压"})
    danger = HiddenDanger.objects.get()
    assert response["Location"] == f"/enforcement/dangers/{danger.pk}/"
    assert (danger.warning_id, danger.category, danger.description, danger.registered_by) == (
        warning.pk, "process", "压力高高报，已泄压", users["county_a"])
    assert client.get(url)["Location"] == f"/enforcement/dangers/{danger.pk}/"
    other = Client()
    other.force_login(users["county_b"])
    assert other.get(url).status_code == 404
