"""The demo county's law enforcement (互联网+执法): the county account and three officers of
its emergency management bureau as inspectors (执法人员库), the county's target library
synced from the registry, this year's key inspection plan, a published double-random draw
(fixed seed) of four key targets, and two inspections of the drawn: one passed and closed,
one with a failed item under a rectification order. Through the services, like a user;
idempotent (the plan's title marks a loaded county)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from data.accounts import password_for
from enforcement.inspections.selectors import plans_scoped
from enforcement.inspections.services import (
    draw_publish,
    draw_run,
    inspection_record,
    inspection_schedule,
    plan_create,
    rectification_order,
)
from enforcement.library.selectors import TargetFilter, check_items, inspector_of
from enforcement.library.services import inspector_register, targets_sync
from geo.models import Role, User
from geo.scope import EVERYTHING

SEED = 20260101
ITEMS = ["WHP-ZD-02", "WHP-ZD-12", "WHP-ZD-18", "WHP-GL-08", "WHP-CC-05"]


def _officers(county: User) -> list[User]:
    people = [county]
    for n in (1, 2, 3):
        name = f"inspector{n}"
        user, created = User.objects.get_or_create(username=name, defaults={
            "role": Role.COUNTY, "division": county.division,
            "organisation": county.organisation, "first_name": f"执法员{n}"})
        if created:
            user.set_password(password_for(name))
            user.save()
        people.append(user)
    for n, person in enumerate(people, 1):
        if inspector_of(person) is None:
            inspector_register(user=county, person=person, specialties=["hazardous_chemicals"],
                               certificate_number=f"{county.division_id[:6]}{n:05d}")
    return people


def demo_inspections_ensure(park_code: str) -> dict[str, int]:
    """Load the county's enforcement demo once; counts of what was made."""
    county = User.objects.filter(username="county", role=Role.COUNTY).first()
    year = timezone.localdate().year
    title = f"{year}年度危险化学品重点检查计划"
    if county is None or county.organisation is None:
        return {"inspectors": 0, "targets": 0, "inspections": 0}
    if plans_scoped(scope=EVERYTHING).filter(title=title).exists():
        return {"inspectors": 0, "targets": 0, "inspections": 0}
    people = _officers(county)
    synced = targets_sync(user=county, prefix=park_code[:6])
    plan = plan_create(user=county, title=title, kind="annual_key", year=year,
                       starts=datetime.date(year, 1, 1), ends=datetime.date(year, 12, 31),
                       description="对辖区重点检查对象开展双随机抽查，每季度一批。")
    draw = draw_run(user=county, title=f"{year}年第一批双随机抽查", plan=plan, seed=SEED,
                    where=TargetFilter(prefix=park_code[:6], category="key"), count=4)
    draw_publish(user=county, draw=draw)
    made = _inspect(county, people, draw)
    return {"inspectors": len(people), "targets": synced["added"], "inspections": made}


def _inspect(county: User, people: list[User], draw) -> int:
    items = [i.pk for i in check_items().filter(code__in=ITEMS)]
    now = timezone.now()
    made = 0
    for n, pick in enumerate(draw.picks.order_by("position")[:2]):
        row = inspection_schedule(user=county, enterprise_id=pick.enterprise_id,
                                  scheduled_on=timezone.localdate(), inspector_ids=[],
                                  item_ids=items, pick=pick, plan=draw.plan,
                                  purpose="双随机抽查", scheme="查阅资料、现场查看")
        lead = next(p for p in people if inspector_of(p).pk == pick.assignments.order_by(
            "position").first().inspector_id)
        failed = {"WHP-ZD-12": "罐区可燃气体检测报警仪2台故障未修复"} if n else {}
        row = inspection_record(user=lead, inspection=row, inspected_at=now, place="生产区、罐区",
                                findings=_findings(items, failed))
        if failed:
            rectification_order(user=lead, inspection=row,
                                finding_ids=[f.pk for f in row.findings.filter(result="fail")],
                                deadline=timezone.localdate() + datetime.timedelta(days=15),
                                ordered_at=now)
        made += 1
    return made


def _findings(items: list[int], failed: dict[str, str]) -> list[dict]:
    codes = dict(check_items().filter(pk__in=items).values_list("pk", "code"))
    return [{"item_id": i, "result": "fail" if codes[i] in failed else "pass",
             "description": failed.get(codes[i], "")} for i in items]
