"""`Layer.current`: a snapshot layer's newest rows; the registry refuses a bad declaration."""

from __future__ import annotations

import pytest

from layers.base import Layer, LayerRegistry
from monitoring.risk.models import EnterpriseRisk


def _layer(**attrs) -> type[Layer]:
    base = {"model": EnterpriseRisk, "id": "risk_probe", "title": "probe",
            "properties": ["name", "day", "current", "score"], "time_field": "day",
            "current": "current"}
    return type("Probe", (Layer,), {**base, **attrs})


def test_current_must_be_a_declared_boolean_of_a_dated_layer():
    LayerRegistry().register(_layer())  # the good declaration
    for bad in ({"current": "score"}, {"properties": ["name", "day", "score"]},
                {"time_field": None}):
        with pytest.raises(ValueError, match="current"):
            LayerRegistry().register(_layer(**bad))


def test_current_condition():
    assert _layer().current_sql("t") == 't."current"'
    assert _layer(current=None).current_sql("t") == "true"
