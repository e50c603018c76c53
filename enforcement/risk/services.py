"""Writes of risk grading (风险分级管控). Each asks `geo.authority`: an enterprise keeps its
own risk points, a supervisor over the enterprise may too; rule sets are a supervisor's
for an area inside their jurisdiction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.risk import methods
from enforcement.risk.models import (
    ControlCheck,
    ControlLevel,
    ControlMeasure,
    LibraryPoint,
    MeasureKind,
    RiskAssessment,
    RiskPoint,
    RiskRuleSet,
    Stage,
)
from enforcement.risk.rules import rules_for, rules_problems
from enforcement.risk.zones import zones_follow
from geo import authority
from geo.models import User
from geo.places import owned_copy

# Who owns a risk by its level (分级管控): 重大/较大 the company, 一般 the workshop, 低 the
# team (a post may be chosen instead).
CONTROL_BY_LEVEL = {1: ControlLevel.COMPANY, 2: ControlLevel.COMPANY, 3: ControlLevel.WORKSHOP,
                    4: ControlLevel.TEAM}
POINT_FIELDS = {"name", "kind", "hazard_factors", "accident_types", "department",
                "responsible", "responsible_phone", "floor_plan"}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("无权修改该企业的风险点"))


# ---- rule sets -------------------------------------------------------------------------
@transaction.atomic
def risk_rules_create(*, user: User, area: str, rules: dict, note: str = "") -> RiskRuleSet:
    """A new version of the grading rules of `area` (a division code prefix, "" for
    everywhere: the administrator's). Earlier versions stay, for the assessments made
    under them."""
    if not area.isdigit() and area != "":
        raise ValidationError({"area": _("区划代码前缀须为数字")})
    if not authority.may_place(user, area):
        raise PermissionDenied(_("只能为本辖区制定判定准则"))
    problems = rules_problems(rules)
    if problems:
        raise ValidationError({"rules": problems})
    latest = RiskRuleSet.objects.filter(area=area).aggregate(n=Max("version"))["n"] or 0
    return RiskRuleSet.objects.create(area=area, version=latest + 1, rules=rules,
                                      note=note, created_by=user)


# ---- risk points -----------------------------------------------------------------------
@transaction.atomic
def risk_point_create(*, user: User, enterprise, name: str, kind: str,
                      geom: GEOSGeometry, library_point: LibraryPoint | None = None,
                      **fields) -> RiskPoint:
    """A new risk point at `geom`: a point, or a polygon drawn on the floor plan (its
    outline; the point is then a point on its surface)."""
    _require(authority.may_edit(user, enterprise))
    unknown = set(fields) - POINT_FIELDS
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)}")
    point = RiskPoint(enterprise=enterprise, name=name, kind=kind,
                      library_point=library_point, **fields)
    _place(point, geom)
    return _save(point)


@transaction.atomic
def risk_point_from_library(*, user: User, enterprise, entry: LibraryPoint,
                            geom: GEOSGeometry, **fields) -> RiskPoint:
    """A risk point copied from a library entry: its name, kind, factors and accident
    types unless `fields` say otherwise, and the suggested measures (which the enterprise
    then edits)."""
    copied = {"name": entry.name, "kind": entry.kind, "hazard_factors": entry.hazard_factors,
              "accident_types": list(entry.accident_types)}
    point = risk_point_create(user=user, enterprise=enterprise, geom=geom,
                              library_point=entry, **(copied | fields))
    ControlMeasure.objects.bulk_create(
        ControlMeasure(point=point, kind=m["kind"], text=m["text"]) for m in entry.measures)
    return point


@transaction.atomic
def risk_point_update(*, user: User, point: RiskPoint, geom: GEOSGeometry | None = None,
                      **fields) -> RiskPoint:
    _require(authority.may_edit(user, point))
    unknown = set(fields) - POINT_FIELDS
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)}")
    for key, value in fields.items():
        setattr(point, key, value)
    if geom is not None:
        _place(point, geom)
    return _save(point)


@transaction.atomic
def risk_point_delete(*, user: User, point: RiskPoint) -> None:
    _require(authority.may_edit(user, point))
    point.delete()
    zones_follow(point.enterprise_id)


def risk_point_set_control_level(*, user: User, point: RiskPoint, control_level: str
                                 ) -> RiskPoint:
    """Choose who owns the risk (公司/车间/班组/岗位); "" lets it follow the level again."""
    _require(authority.may_edit(user, point))
    if control_level and control_level not in ControlLevel.values:
        raise ValidationError({"control_level": _("未知的管控层级")})
    point.control_level_chosen = bool(control_level)
    point.control_level = control_level or _default_control(point.level)
    point.save(update_fields=["control_level", "control_level_chosen", "updated"])
    return point


def _default_control(level: int | None) -> str:
    return CONTROL_BY_LEVEL[level] if level else ""


def _place(point: RiskPoint, geom: GEOSGeometry) -> None:
    if geom.srid not in (None, 4326):
        geom = geom.transform(4326, clone=True)
    geom.srid = 4326
    if isinstance(geom, Polygon):
        if not geom.valid:
            raise ValidationError({"geom": _("范围须为有效的多边形")})
        point.outline, point.geom = geom, geom.point_on_surface
    elif isinstance(geom, Point):
        point.geom, point.outline = geom, None
    else:
        raise ValidationError({"geom": _("位置须为点或多边形")})


def _save(point: RiskPoint) -> RiskPoint:
    owned_copy(point)
    point.full_clean(exclude=["enterprise", "library_point", "floor_plan"])
    point.save()
    zones_follow(point.enterprise_id)
    return point


# ---- assessments -----------------------------------------------------------------------
@transaction.atomic
def risk_point_assess(*, user: User, point: RiskPoint, stage: str, method: str,
                      factors: dict, reason: str = "",
                      now: datetime.datetime | None = None) -> RiskAssessment:
    """Assess the point by LEC, LS or MES: the score from the factor values (refused,
    field named, unless each is a value of its table), the level under the rule set in
    force for the enterprise's place, kept as a row with the version. A 终评 or 调整
    becomes the point's level; an adjustment needs a reason and an earlier 终评."""
    _require(authority.may_edit(user, point))
    if stage not in Stage.values:
        raise ValidationError({"stage": _("未知的评价阶段")})
    if stage == Stage.ADJUSTED:
        if not reason.strip():
            raise ValidationError({"reason": _("调整须说明原因")})
        if not point.assessments.filter(stage=Stage.FINAL).exists():
            raise ValidationError({"stage": _("须先有终评，才能调整")})
    result = methods.score(method, factors)
    rules = rules_for(point.division_code)
    stored = result.factors_json()
    if method == methods.Method.MES:
        stored["exposure"] = factors.get("exposure", "E1")
    row = RiskAssessment.objects.create(
        point=point, stage=stage, method=method, factors=stored, score=result.value,
        level=rules.level(method, result.value), rules_version=rules.version,
        reason=reason.strip(), assessor=user, assessed=now or timezone.now())
    if stage != Stage.INITIAL:
        _follow_latest(point)
    return row


def _follow_latest(point: RiskPoint) -> None:
    """The point's level is its latest 终评 or 调整; the control level follows it unless
    the enterprise chose one."""
    latest = point.assessments.exclude(stage=Stage.INITIAL).order_by("-assessed", "-pk").first()
    point.level = latest.level if latest else None
    point.assessed = latest.assessed if latest else None
    if not point.control_level_chosen:
        point.control_level = _default_control(point.level)
    point.save(update_fields=["level", "assessed", "control_level", "updated"])
    zones_follow(point.enterprise_id)


# ---- control measures and the control log ----------------------------------------------
def control_measure_add(*, user: User, point: RiskPoint, kind: str, text: str,
                        owner: str = "") -> ControlMeasure:
    _require(authority.may_edit(user, point))
    measure = ControlMeasure(point=point, kind=kind, text=text.strip(), owner=owner)
    measure.full_clean(exclude=["point"])
    measure.save()
    return measure


def control_measure_update(*, user: User, measure: ControlMeasure, **fields) -> ControlMeasure:
    """Change kind, text, owner or `active` (a retired measure stays for its log)."""
    _require(authority.may_edit(user, measure.point))
    unknown = set(fields) - {"kind", "text", "owner", "active"}
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)}")
    for key, value in fields.items():
        setattr(measure, key, value)
    measure.full_clean(exclude=["point"])
    measure.save()
    return measure


def control_check_record(*, user: User, measure: ControlMeasure, result: str, note: str = "",
                         now: datetime.datetime | None = None) -> ControlCheck:
    """One entry of the dynamic control log: the measure checked, the result, who, when."""
    _require(authority.may_edit(user, measure.point))
    if not measure.active:
        raise ValidationError({"measure": _("该措施已停用")})
    check = ControlCheck(measure=measure, result=result, note=note.strip(), checked_by=user,
                         checked=now or timezone.now())
    check.full_clean(exclude=["measure", "checked_by"])
    check.save()
    return check


def measure_kinds_missing(kinds: Iterable[str]) -> list[str]:
    """The five kinds a point's measures do not cover yet (shown on its page)."""
    have = set(kinds)
    return [k for k in MeasureKind.values if k not in have]
