"""The demo province's duty rosters (值班值守) and one past incident (事件接报) with its
follow-ups and its way up the levels.

Every emergency-management bureau of the demo province (应急管理厅 / 应急管理局, the
organisations `data.accounts` makes) gets a roster from a week ago to three weeks ahead —
day and night shifts, weekly rotation — kept by five duty staff of its own (值班 accounts
without a password: they are names on the roster, not logins); the demo province, city and
county accounts lead their own bureau's roster first. The park's county received a 较大
hazardous-chemicals leak three days ago: the first report, two follow-ups, reported to the
city and the province, each received, then closed, with two duty-log lines. Idempotent:
a bureau with a roster and the incident by its title are kept as they are.
"""

from __future__ import annotations

import datetime

from django.contrib.gis.geos import Point
from django.db.models import Q
from django.utils import timezone

from geo.models import Division, Organisation, OrganisationKind, Role, User
from geo.scope import EVERYTHING
from response.duty.selectors import rosters_scoped
from response.duty.services import duty_log_add, roster_create
from response.incidents import flow
from response.incidents.selectors import incidents_scoped
from response.incidents.services import Report, incident_follow_up, incident_receive

ROSTER_NAME = "应急值班表"
INCIDENT_TITLE = "化工园区储罐区甲苯泄漏事故"
FIRST = "储罐区一甲苯储罐法兰泄漏并起火，现场2人受伤、1人被困，企业已启动应急预案。"
FOLLOW_UPS = ["续报：明火已扑灭，被困人员已救出，送医3人，1人经抢救无效死亡。",
              "续报：泄漏已封堵，周边环境监测无异常，现场处置结束。"]
LOG = [(0, "incident", "接园区管委会电话报告储罐区泄漏起火"),
       (60, "report", "按规定向市应急管理局续报事故情况")]
STAFF = 5  # two leaders and three officers per bureau
_ROLES = {2: Role.PROVINCE, 4: Role.CITY, 6: Role.COUNTY}
_DEMO_LEADERS = {Role.PROVINCE: "province", Role.CITY: "city", Role.COUNTY: "county"}


def demo_response_ensure(province_prefix: str, park_code: str, *,
                         now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    rosters = sum(_roster_ensure(org, now) for org in _bureaus(province_prefix))
    return {"rosters": rosters, "incidents": _incident_ensure(park_code, now)}


def _bureaus(prefix: str) -> list[Organisation]:
    return list(Organisation.objects.filter(
        Q(name__endswith="应急管理厅") | Q(name__endswith="应急管理局"),
        kind=OrganisationKind.GOVERNMENT, division__code__startswith=prefix)
        .select_related("division").order_by("division_id"))


def _roster_ensure(org: Organisation, now: datetime.datetime) -> int:
    if org.division.level not in ("province", "city", "county"):
        return 0
    if rosters_scoped(scope=EVERYTHING).filter(organisation=org).exists():
        return 0
    role = _ROLES[_digits(org)]
    staff = [_staff(org, i, role) for i in range(STAFF)]
    demo = User.objects.filter(username=_DEMO_LEADERS[role], organisation=org).first()
    # the rotation's second week is the current one: the demo account leads it
    leaders = [staff[0], *([demo] if demo else []), staff[1]]
    today = timezone.localdate(now)
    roster_create(user=staff[0], organisation=org, name=f"{org.name}{ROSTER_NAME}",
                  starts_on=today - datetime.timedelta(days=7),
                  ends_on=today + datetime.timedelta(days=21), leaders=leaders,
                  officers=staff[2:], phone=f"0551-{org.division_id[:6][-4:]}0110")
    return 1


def _digits(org: Organisation) -> int:
    return {"province": 2, "city": 4, "county": 6}[org.division.level]


def _staff(org: Organisation, i: int, role: str) -> User:
    names = ["王建国", "李卫东", "张敏", "刘洋", "陈静"]
    username = f"duty{org.division_id[:6]}{i}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=role, division_id=org.division_id,
                    organisation=org, first_name=names[i])  # 姓名 in one
        user.set_unusable_password()
        user.save()
    return user


def _incident_ensure(park_code: str, now: datetime.datetime) -> int:
    if incidents_scoped(scope=EVERYTHING).filter(title=INCIDENT_TITLE).exists():
        return 0
    county = User.objects.filter(username="county").first()
    city, province = (User.objects.filter(username=n).first() for n in ("city", "province"))
    if county is None or county.division is None:
        return 0
    point = county.division.geom.point_on_surface
    if park_code and county.division_id[:6] == park_code[:6]:
        park = Division.objects.filter(code=park_code).first()
        point = park.geom.point_on_surface if park else point
    start = now - datetime.timedelta(days=3)
    incident = incident_receive(
        user=county, title=INCIDENT_TITLE, kind="21", point=Point(point.x, point.y, srid=4326),
        occurred_at=start - datetime.timedelta(minutes=25), address="化工园区储罐区",
        report=Report(level=3, text=FIRST, reporter="园区管委会值班室", injuries=2, trapped=1),
        reporter_phone="0551-12345678", reporter_unit="化工园区管理委员会", now=start)
    incident_follow_up(incident=incident, user=county, now=start + datetime.timedelta(hours=1),
                       report=Report(level=3, text=FOLLOW_UPS[0], reporter="县应急管理局",
                                     deaths=1, injuries=2))
    steps = [(flow.REPORT_CITY, county, 40), (flow.RECEIVE_CITY, city, 55),
             (flow.REPORT_PROVINCE, city, 90), (flow.RECEIVE_PROVINCE, province, 100)]
    for action, user, minutes in steps:
        if user is not None:
            _step_at(incident, action, user, start + datetime.timedelta(minutes=minutes))
    incident_follow_up(incident=incident, user=county, now=start + datetime.timedelta(hours=6),
                       report=Report(level=3, text=FOLLOW_UPS[1], reporter="县应急管理局",
                                     deaths=1, injuries=2))
    if province is not None:
        _step_at(incident, flow.CLOSE, province, start + datetime.timedelta(hours=8))
    _log(incident, county, start)
    return 1


def _step_at(incident, action: str, user: User, at: datetime.datetime) -> None:
    """A step as of `at`: taken through the flow, then dated back (the demo is past)."""
    row = flow.SUBMISSION.take(action, incident, user=user)
    row.steps.filter(action=action).update(at=at, overdue=False)
    type(row).objects.filter(pk=row.pk).update(
        stage_since=at, **({"closed_at": at} if action == flow.CLOSE else {}),
        **({"due_at": at + datetime.timedelta(hours=2)} if row.due_at else {}))
    incident.refresh_from_db()


def _log(incident, user: User, start: datetime.datetime) -> None:
    roster = rosters_scoped(scope=EVERYTHING).filter(organisation=user.organisation).first()
    if roster is None:
        return
    for minutes, kind, text in LOG:
        duty_log_add(roster=roster, user=user, kind=kind, text=text, incident_id=incident.pk,
                     at=start + datetime.timedelta(minutes=minutes))
