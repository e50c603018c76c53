"""Writes of major hazard sources (重大危险源). Every write re-runs the evaluation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo import authority
from geo.audit import acting_as
from geo.models import User
from geo.places import owned_copy
from registry.enterprises.models import Enterprise
from registry.hazards import gb18218
from registry.hazards.filing import hazard_source_refile_needed
from registry.hazards.models import Chemical, HazardSource, HazardSourceChemical, ResponsiblePerson

# Until plant boundaries exist, a unit must lie this close to its enterprise's point.
MAX_DISTANCE_M = 1000

Item = tuple[Chemical, Decimal] | tuple[Chemical, Decimal, Sequence[str]]


@transaction.atomic
def hazard_source_create(*, enterprise: Enterprise, name: str, kind: str,
                         geom: GEOSGeometry, exposed_people: int | None = None
                         ) -> HazardSource:
    """A new unit; `exposed_people` None is "not entered": identified, but 未评估 when major."""
    source = HazardSource(enterprise=enterprise, name=name, kind=kind,
                          exposed_people=exposed_people)
    return _save(source, geom)


@transaction.atomic
def hazard_source_update(*, source: HazardSource, geom: GEOSGeometry | None = None,
                         **fields) -> HazardSource:
    """Change name, kind, exposed_people and/or the geometry; the result is re-evaluated."""
    allowed = {"name", "kind", "exposed_people"}
    if set(fields) - allowed:
        raise TypeError(f"cannot set {sorted(set(fields) - allowed)}")
    for key, value in fields.items():
        setattr(source, key, value)
    return _save(source, geom if geom is not None else source.geom)


@transaction.atomic
def hazard_source_set_chemicals(*, source: HazardSource, items: Iterable[Item]) -> HazardSource:
    """Replace the unit's chemicals with `items`: (chemical, tonnes[, hazard symbols]).
    A chemical that stays and is given without symbols keeps the class entered for it."""
    entered = {row.chemical_id: row for row in source.items.exclude(hazard_symbols=[])}
    rows = []
    for item in items:
        kept = entered.get(item[0].pk) if len(item) < 3 else None
        rows.append(HazardSourceChemical(
            source=source, chemical=item[0], max_tonnes=Decimal(item[1]),
            hazard_symbols=list(item[2]) if len(item) > 2 else
            (kept.hazard_symbols if kept else []),
            hazard_symbols_note=kept.hazard_symbols_note if kept else ""))
    for row in rows:
        row.full_clean(exclude=["source"])
    source.items.all().delete()
    HazardSourceChemical.objects.bulk_create(rows)
    hazard_source_evaluate(source)
    return source


def _save(source: HazardSource, geom: GEOSGeometry) -> HazardSource:
    source.geom = _multipolygon(geom)
    _check_near_enterprise(source.geom, source.enterprise)
    owned_copy(source)
    source.full_clean(exclude=["evaluation"])
    source.save()
    hazard_source_evaluate(source)
    return source


def _multipolygon(geom: GEOSGeometry) -> MultiPolygon:
    if geom.srid not in (None, 4326):
        geom = geom.transform(4326, clone=True)
    if isinstance(geom, Polygon):
        geom = MultiPolygon(geom)
    if not isinstance(geom, MultiPolygon) or not geom.valid:
        raise ValidationError({"geom": _("范围须为有效的多边形")})
    geom.srid = 4326
    return geom


def _check_near_enterprise(geom: MultiPolygon, enterprise: Enterprise) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_DWithin(ST_GeomFromEWKB(%s)::geography, geom::geography, %s) "
            "FROM registry_enterprise WHERE id = %s",
            [bytes(geom.ewkb), MAX_DISTANCE_M, enterprise.pk])
        (near,) = cursor.fetchone()
    if not near:
        raise ValidationError({"geom": _("范围须在企业位置%(m)s米以内") % {"m": MAX_DISTANCE_M}})


def hazard_source_evaluate(source: HazardSource) -> gb18218.Result | None:
    """Identify and grade the unit from its stored chemicals; store S, R, level and the steps.

    A unit whose β cannot be determined (a Table 1 chemical outside Table 3 with no hazard
    class on record) is still identified; R and the level stay empty and the reason is kept.
    """
    contents = [(_substance(item), item.max_tonnes)
                for item in source.items.select_related("chemical").order_by("pk")]
    before = _graded(source)
    result, error = _evaluate(contents, source.exposed_people)
    source.s_value = gb18218.dec(result.S) if result else None
    source.r_value = gb18218.dec(result.R) if result else None
    source.level = result.level if result else None
    source.is_major = bool(result and result.is_major)
    # 未评估: nothing identified, or a major hazard without a level; never a guessed level
    unevaluated = result is None or (result.is_major and result.level is None)
    source.unevaluated_reason = error[:1000] if unevaluated else ""
    source.evaluation = {**(result.as_json() if result else {}), "error": error,
                         "evaluated": timezone.now().isoformat()}
    source.save(update_fields=["s_value", "r_value", "level", "is_major", "evaluation",
                               "unevaluated_reason", "updated"])
    if source.is_major:
        enterprise_mark_major_hazard(enterprise=source.enterprise)
    if _graded(source) != before:
        hazard_source_refile_needed(source)
    return result


def _graded(source: HazardSource) -> tuple:
    return source.s_value, source.r_value, source.level, source.is_major


def _evaluate(contents, people: int | None) -> tuple[gb18218.Result | None, str]:
    if not contents:
        return None, _("未登记危险化学品")
    try:
        return gb18218.grade(contents, people), ""
    except ValueError as exc:
        graded_error = str(exc)
    try:
        return gb18218.identify(contents), graded_error
    except ValueError as exc:
        return None, str(exc)


def _substance(item: HazardSourceChemical) -> gb18218.Substance:
    chem = item.chemical
    if item.hazard_symbols:  # entered for this unit, with where it came from
        return gb18218.Substance(chem.name, chem.gb18218_seq, tuple(item.hazard_symbols),
                                 item.hazard_symbols_note)
    return gb18218.Substance(chem.name, chem.gb18218_seq, tuple(chem.hazard_symbols))


@transaction.atomic
def hazard_source_chemical_classify(*, item: HazardSourceChemical, user: User,
                                    symbols: Sequence[str], note: str) -> HazardSource:
    """A supervisor over the source enters the hazard classes (Table 2 symbols) of one of
    its chemicals for this unit, with where they came from (an SDS, a test report): the
    way to grade a Table 1 chemical whose class the standard leaves open (汽油, 戊硼烷, …).
    Empty symbols go back to the catalogue's. Audited as the user; the unit is re-graded."""
    source = item.source
    if not authority.supervises(user, source):
        raise PermissionDenied(_("只有管辖该重大危险源的监管部门可以填写危险性类别"))
    item.hazard_symbols = [s.strip() for s in symbols if s.strip()]
    item.hazard_symbols_note = note.strip() if item.hazard_symbols else ""
    errors = {}
    try:
        item.full_clean(exclude=["source"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if item.hazard_symbols and not item.hazard_symbols_note:
        errors["hazard_symbols_note"] = [_("“%(n)s”：填写危险性类别时须注明依据") % {
            "n": item.chemical.name}]
    if errors:
        raise ValidationError(errors)
    with acting_as(user.pk):
        item.save(update_fields=["hazard_symbols", "hazard_symbols_note"])
        hazard_source_evaluate(source)
    return source


def enterprise_mark_major_hazard(*, enterprise: Enterprise) -> None:
    """An enterprise with a major hazard source has a major hazard (构成重大危险源).

    Only ever sets the flag: enterprises without registered sources keep the declared value.
    """
    if not enterprise.has_major_hazard:
        enterprise.has_major_hazard = True
        enterprise.save(update_fields=["has_major_hazard", "updated"])


@transaction.atomic
def responsible_persons_set(*, source: HazardSource,
                            persons: Iterable[dict]) -> list[ResponsiblePerson]:
    """Replace the source's responsible persons (包保责任人): dicts of role, name, post, phone.

    Every row is validated before anything is written; errors name the role and the field.
    """
    rows, errors, seen = [], {}, set()
    for data in persons:
        person = ResponsiblePerson(source=source, **{k: (str(data.get(k) or "")).strip()
                                                     for k in ("role", "name", "post", "phone")})
        try:
            person.full_clean(exclude=["source"], validate_constraints=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"{person.role}.{field}"] = messages
        if person.role in seen:
            errors[f"{person.role}.role"] = [_("同一责任类别只能填写一人")]
        seen.add(person.role)
        rows.append(person)
    if errors:
        raise ValidationError(errors)
    source.persons.all().delete()
    return ResponsiblePerson.objects.bulk_create(rows)
