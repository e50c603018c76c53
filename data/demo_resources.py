"""Load the demo region's emergency resources (data/resources.py) into their layers.

Idempotent per layer: a layer that already holds rows under the region's code prefix is
left as it is (rerunning `load_demo` creates nothing twice); `--replace` deletes them with
the region (`demo_resources_delete`). Warehouse stock is written through
`registry.resources.services.warehouse_stock_set`, its shelf lives counted from `today`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.gis.geos import Point
from django.db import transaction

from data.resources import Resources
from registry.resources.models import (
    EmergencyOrganisation,
    Expert,
    FireStation,
    MedicalFacility,
    RescueTeam,
    Shelter,
    Warehouse,
)
from registry.resources.services import Stock, warehouse_stock_set

DAYS_A_MONTH = 30.44  # a shelf life in months is a date this far ahead, to within a day
MODELS = {"fire_stations": FireStation, "medical_facilities": MedicalFacility,
          "emergency_organisations": EmergencyOrganisation, "warehouses": Warehouse,
          "experts": Expert, "rescue_teams": RescueTeam, "shelters": Shelter}


@transaction.atomic
def demo_resources_ensure(resources: Resources, *, prefix: str,
                          today: datetime.date) -> dict[str, int]:
    """Create the resources of every layer that has none under `prefix`; returns how many
    rows each layer got (0 for a layer left as it was)."""
    created = {}
    for layer, model in MODELS.items():
        frame = resources.frames[layer]
        if model.objects.filter(division_code__startswith=prefix).exists():
            created[layer] = 0
            continue
        rows = [model(**{k: v for k, v in r.items() if k not in ("x", "y")},
                      geom=Point(r["x"], r["y"], srid=4326))
                for r in frame.to_dict("records")]
        made = model.objects.bulk_create(rows)
        if model is Warehouse:
            _stock(made, resources, today)
        created[layer] = len(made)
    return created


def _stock(warehouses: list[Warehouse], resources: Resources, today: datetime.date) -> None:
    by_name = resources.stock.groupby("warehouse")
    for warehouse in warehouses:
        items = by_name.get_group(warehouse.name)
        warehouse_stock_set(warehouse, [
            Stock(r.item, Decimal(int(r.quantity)), r.unit,
                  None if r.shelf_months != r.shelf_months  # NaN: keeps
                  else today + datetime.timedelta(days=round(r.shelf_months * DAYS_A_MONTH)))
            for r in items.itertuples(index=False)])


def demo_resources_delete(cursor, prefix: str) -> None:
    """Raw-SQL removal with the region (`region_delete` runs no ORM cascade)."""
    like = [prefix + "%"]
    cursor.execute("DELETE FROM registry_warehouseitem WHERE warehouse_id IN"
                   " (SELECT id FROM registry_warehouse WHERE division_code LIKE %s)", like)
    for model in MODELS.values():
        cursor.execute(f"DELETE FROM {model._meta.db_table}"  # noqa: S608  (a model's table)
                       " WHERE division_code LIKE %s", like)
