"""Major hazard sources (重大危险源) of the demo park: one tank farm per park enterprise
flagged as holding one, with chemicals whose GB 18218 β is known, written through the
registry services so S, R and the level are computed exactly as for real data."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.gis.geos import Polygon

from registry.hazard_models import Chemical, HazardSource
from registry.hazards.services import hazard_source_create, hazard_source_set_chemicals
from registry.models import Enterprise

# (name, tonnes) per source, cycled: Table 3 toxic gases and methanol (Table 1 + W5.3).
CONTENTS = [
    [("氯", "30")],
    [("氨", "100"), ("甲醇", "1000")],
    [("氯", "12"), ("氨", "40")],
    [("甲醇", "2500")],
    [("氨", "300")],
]
EXPOSED = [60, 0, 150, 20, 300]  # people within 500 m outside the fence
HALF_SIDE = 0.0012  # degrees: a tank farm of roughly 200 m x 270 m around the point


def demo_hazard_sources_ensure(park_code: str) -> int:
    """Create the park's hazard sources that do not exist yet; return how many."""
    chemicals = {c.name: c for c in Chemical.objects.filter(
        name__in={name for items in CONTENTS for name, _ in items})}
    enterprises = (Enterprise.objects.filter(division_code__startswith=park_code[:9],
                                             has_major_hazard=True)
                   .exclude(pk__in=HazardSource.objects.values("enterprise"))
                   .order_by("credit_code"))
    created = 0
    for i, enterprise in enumerate(enterprises):
        x, y = enterprise.geom.x, enterprise.geom.y
        source = hazard_source_create(
            enterprise=enterprise, name=f"{enterprise.name}储罐区", kind="tank_farm",
            geom=Polygon.from_bbox((x - HALF_SIDE, y - HALF_SIDE, x + HALF_SIDE,
                                    y + HALF_SIDE)),
            exposed_people=EXPOSED[i % len(EXPOSED)])
        items = [(chemicals[name], Decimal(t)) for name, t in CONTENTS[i % len(CONTENTS)]]
        hazard_source_set_chemicals(source=source, items=items)
        created += 1
    return created
