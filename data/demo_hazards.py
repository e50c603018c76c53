"""Major hazard sources (重大危险源) of the demo park: one tank farm per park enterprise
flagged as holding one, with chemicals whose GB 18218 β is known, written through the
registry services so S, R and the level are computed exactly as for real data. Every source
gets its three responsible persons (包保责任人); the source of the demo `enterprise`
account's own enterprise goes through the filing (备案) steps: submitted, returned by the
county, submitted again and accepted, so its history and notice can be shown."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.gis.geos import Polygon

from geo import authority
from geo.models import Role, User
from registry.enterprises.models import Enterprise
from registry.hazards import filing
from registry.hazards.models import Chemical, HazardSource, ResponsibleRole
from registry.hazards.services import (
    hazard_source_create,
    hazard_source_set_chemicals,
    responsible_persons_set,
)

# (name, tonnes) per source, cycled: Table 3 toxic gases and methanol (Table 1 + W5.3).
CONTENTS = [
    [("氯", "30")],
    [("氨", "100"), ("甲醇", "1000")],
    [("氯", "12"), ("氨", "40")],
    [("甲醇", "2500")],
    [("氨", "300")],
]
# People within 500 m outside the fence, entered for every source: the 0 is deliberate
# (reference case T4, α 0.5), not a default (a source without the number is 未评估).
EXPOSED = [60, 0, 150, 20, 300]
HALF_SIDE = 0.0012  # degrees: a tank farm of roughly 200 m x 270 m around the point
SURNAMES = "王李张刘陈杨赵黄周吴"
POSTS = {ResponsibleRole.PRINCIPAL: "总经理", ResponsibleRole.TECHNICAL: "总工程师",
         ResponsibleRole.OPERATION: "储运车间主任"}


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
        responsible_persons_set(source=source, persons=_persons(i))
        _file(source)
        created += 1
    return created


def _persons(i: int) -> list[dict]:
    return [{"role": role, "name": SURNAMES[(i + k) % len(SURNAMES)] + ("建国", "志强", "海燕")[k],
             "post": POSTS[role], "phone": f"1390000{i:02d}{k:02d}"}
            for k, role in enumerate(ResponsibleRole.values)]


def _file(source: HazardSource) -> None:
    """Walk the demo enterprise's own source through the filing, as its users would."""
    owner = User.objects.filter(role=Role.ENTERPRISE,
                                organisation_id=source.organisation_id).first()
    county = User.objects.filter(role=Role.COUNTY).order_by("pk").first()
    if owner is None or county is None or not authority.may_decide(county, source):
        return
    filing.hazard_source_submit(source=source, user=owner)
    filing.hazard_source_return(source=source, user=county,
                                reason="操作负责人联系电话与值班表不一致，请核实后重新提交")
    filing.hazard_source_submit(source=source, user=owner)
    filing.hazard_source_accept(source=source, user=county)


# Rows hanging off a hazard source, deleted before the sources themselves.
_DEPENDENTS = ["registry_hazardsourcechemical", "registry_responsibleperson",
               "registry_hazardsourcefiling"]


def demo_hazard_sources_delete(cursor, prefix: str) -> None:
    """Raw-SQL removal of the sources under `prefix` and everything hanging off them (the
    region loader deletes with raw SQL, where no ORM cascade runs)."""
    like = [prefix + "%"]
    for table in _DEPENDENTS:
        cursor.execute(f"DELETE FROM {table} WHERE source_id IN"
                       " (SELECT id FROM registry_hazardsource WHERE division_code LIKE %s)",
                       like)
    cursor.execute("DELETE FROM registry_hazardsource WHERE division_code LIKE %s", like)
