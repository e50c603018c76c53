"""Writes for emergency resources that span more than one row."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from registry.resources.models import Warehouse, WarehouseItem


@dataclass(frozen=True)
class Stock:
    item: str
    quantity: Decimal | int | str
    unit: str
    expiry_date: datetime.date | None = None


@transaction.atomic
def warehouse_stock_set(warehouse: Warehouse, stock: Iterable[Stock]) -> list[WarehouseItem]:
    """Replace a warehouse's inventory with `stock` (a stock-take is the whole list)."""
    rows = [WarehouseItem(warehouse=warehouse, item=s.item, quantity=Decimal(str(s.quantity)),
                          unit=s.unit, expiry_date=s.expiry_date) for s in stock]
    for row in rows:
        row.full_clean(exclude=["warehouse"])
    warehouse.items.all().delete()
    return WarehouseItem.objects.bulk_create(rows)
