"""The demo county's enforcement cases, discretion benchmark and credit lists.

The county's 应急管理局 gets its people: the demo `county` account is its head (负责人),
`case_officer1` and `case_officer2` handle cases and `case_legal` reviews them (passwords
from `data.accounts.password_for`). A small discretion benchmark (two violations of the
安全生产法 (2021), ranges split by circumstance for the demo: a province sets its own) and
one case per stage for the county's first enterprises, each taken there through the case
flow (real steps, notices and history). A published joint-punishment entry and an accident
investigation with its milestones. Idempotent: a county that has cases is left alone."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from data.accounts import password_for
from enforcement.cases.selectors import cases_scoped
from enforcement.cases.services import (
    benchmark_ensure,
    case_advance,
    case_open,
    case_update,
)
from enforcement.credit.services import investigation_open, listing_advance, listing_propose
from geo.models import Organisation, OrganisationKind, Post, Role, User
from geo.scope import EVERYTHING
from registry.enterprises.selectors import enterprises_scoped

BENCHMARK = [  # code, violation, legal basis, penalty basis, {circumstance: (min, max)}
    ("AQF-97-7", "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业",
     "《中华人民共和国安全生产法》第三十条第一款",
     "《中华人民共和国安全生产法》第九十七条第（七）项",
     {"minor": (0, 10000), "general": (10000, 40000), "serious": (40000, 70000),
      "grave": (70000, 100000)}),
    ("AQF-99-2", "安全设备的安装、使用、检测、改造和报废不符合国家标准或者行业标准",
     "《中华人民共和国安全生产法》第三十六条第一款",
     "《中华人民共和国安全生产法》第九十九条第（二）项",
     {"minor": (0, 50000), "general": (50000, 100000), "serious": (100000, 150000),
      "grave": (150000, 200000)}),
]
# the step each demo case stops after, in the order of the county's enterprises
STOPS = ["", "file", "submit_review", "pass_review", "notify", "state", "decide", "execute",
         "close"]
REASONS = {"state": "当事人放弃陈述申辩", "execute": "罚款已缴纳"}
PATH = ["file", "submit_review", "pass_review", "notify", "state", "decide", "execute",
        "close"]


def _officer(name: str, agency: Organisation, posts: list[str]) -> User:
    user = User.objects.filter(username=name).first() or User(username=name)
    user.role, user.division_id, user.organisation = Role.COUNTY, agency.division_id, agency
    user.posts, user.is_active, user.last_name = posts, True, name
    user.set_password(password_for(name))
    user.save()
    return user


@transaction.atomic
def demo_cases_ensure(county_code: str) -> int:
    """The demo cases of the county (12 digits); the number created."""
    agency = Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT,
                                         division_id=county_code).first()
    if agency is None or cases_scoped(scope=EVERYTHING).filter(
            organisation=agency).exists():
        return 0
    head = User.objects.filter(username="county").first() or _officer("county", agency, [])
    head.organisation, head.posts = agency, [Post.HEAD]
    head.save(update_fields=["organisation", "posts"])
    one, two = (_officer(f"case_officer{i}", agency, []) for i in (1, 2))
    legal = _officer("case_legal", agency, [Post.LEGAL])
    violations = benchmark_ensure(BENCHMARK)
    actors = {"file": head, "decide": head, "close": head, "pass_review": legal}
    firms = list(enterprises_scoped(scope=EVERYTHING).filter(
        division_code__startswith=county_code[:6]).order_by("credit_code")[:len(STOPS)])
    made = 0
    for i, (firm, stop) in enumerate(zip(firms, STOPS, strict=False)):
        case = case_open(user=one, agency=agency, enterprise=firm, members=[one, two],
                         cause=violations[i % 2].name)
        for action in PATH[:PATH.index(stop) + 1] if stop else []:
            if action == "submit_review":
                case = case_update(case=case, user=one, facts=f"检查发现{firm.name}{case.cause}",
                                   evidence=["现场检查记录", "询问笔录", "现场照片"],
                                   violation=violations[i % 2], circumstance="general",
                                   penalties=["fine"],
                                   fine=Decimal(20000 if i % 2 == 0 else 60000))
            case = case_advance(case=case, user=actors.get(action, one), action=action,
                                reason=REASONS.get(action, "同意"))
        made += 1
    _credit(agency, head, one, firms)
    return made


def _credit(agency: Organisation, head: User, officer: User, firms: list) -> None:
    if not firms:
        return
    listing = listing_propose(user=officer, agency=agency, enterprise=firms[-1], joint=True,
                              reason="发生生产安全责任事故，对事故发生负有责任")
    listing = listing_advance(listing=listing, user=head, action="decide",
                              reason="列入安全生产严重失信主体名单")
    listing_advance(listing=listing, user=head, action="publish")
    today = timezone.localdate()
    investigation_open(user=head, agency=agency, name=f"{firms[0].name}中毒窒息事故",
                       occurred_at=timezone.now() - datetime.timedelta(days=10),
                       level="general", due=today + datetime.timedelta(days=50),
                       enterprise=firms[0],
                       team=[{"name": "county", "unit": agency.name, "duty": "组长"}],
                       milestones=[("现场勘查", today - datetime.timedelta(days=8)),
                                   ("技术鉴定", today + datetime.timedelta(days=20)),
                                   ("调查报告", today + datetime.timedelta(days=45))])
