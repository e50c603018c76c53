"""The one-enterprise file (一企一档) as data: a JSON snapshot, a diff and conflicts.

A file is `{"enterprise": {field: value}, "profiles": {key: {field: value} | None},
"safety_managers": [{"id": …, field: value}, …], "trainings": […], "investments": […]}`
with values in JSON form (dates ISO, decimals as fixed-point text, the point as
[lon, lat]). Edits store the proposed file
and the base it was made from; the diff and the conflict check compare those.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import Point
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext as _

from registry.enterprises.file_models import (
    AmmoniaRefrigerationProfile,
    Category,
    FireworksProfile,
    HazchemProfile,
    IndustryTradeProfile,
    MineProfile,
    SafetyInvestment,
    SafetyManager,
    TrainingRecord,
)
from registry.enterprises.models import Enterprise

# Fields an enterprise keeps up to date itself (the point is "geom", as [lon, lat]).
MAIN_FIELDS = [
    "name", "credit_code", "industry", "division_code", "address", "established",
    "registered_capital", "economic_type", "scale", "business_scope", "employees",
    "legal_representative", "legal_representative_phone", "safety_officer",
    "safety_officer_phone", "standardisation_grade", "standardisation_valid_to",
    "categories", "geom",
]
# Category profile models by their related name on Enterprise, with the categories
# that call for them.
PROFILES: dict[str, type[models.Model]] = {
    "hazchem": HazchemProfile, "ammonia": AmmoniaRefrigerationProfile, "mine": MineProfile,
    "fireworks": FireworksProfile, "trade": IndustryTradeProfile,
}
PROFILE_CATEGORIES = {
    "hazchem": {Category.HAZARDOUS_CHEMICALS}, "ammonia": {Category.AMMONIA_REFRIGERATION},
    "mine": {Category.NON_COAL_MINE, Category.TAILINGS_POND},
    "fireworks": {Category.FIREWORKS}, "trade": {Category.INDUSTRY_TRADE},
}
MANAGER_FIELDS = ["name", "post", "phone", "certificate", "certificate_valid_to", "full_time"]


@dataclass(frozen=True)
class ChildSet:
    """Rows of the file kept as a list (安全管理人员、培训、投入): model, fields, the field
    that names a row in the diff, and the form prefix (also the error key prefix)."""

    model: type[models.Model]
    fields: list[str]
    title: str
    prefix: str


CHILDREN: dict[str, ChildSet] = {
    "safety_managers": ChildSet(SafetyManager, MANAGER_FIELDS, "name", "manager"),
    "trainings": ChildSet(TrainingRecord, ["kind", "topic", "held_on", "hours", "participants"],
                          "topic", "training"),
    "investments": ChildSet(SafetyInvestment, ["year", "planned", "actual"], "year",
                            "investment"),
}


def profile_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields
            if f.editable and f.name not in ("id", "enterprise")]


# ---- values ------------------------------------------------------------------------
def dump(field: models.Field, value):
    """A model value in JSON form; equal values give equal JSON (decimals fixed-point)."""
    if value is None:
        return None
    if isinstance(field, GeometryField):
        return [round(value.x, 7), round(value.y, 7)]
    if isinstance(field, ArrayField):
        return [dump(field.base_field, v) for v in value]
    if isinstance(field, models.DecimalField):
        return f"{Decimal(value):.{field.decimal_places}f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def load(field: models.Field, raw):
    """The model value of a JSON value."""
    if raw is None:
        return None
    if isinstance(field, GeometryField):
        return Point(raw[0], raw[1], srid=4326)
    if isinstance(field, ArrayField):
        return [load(field.base_field, v) for v in raw]
    return field.to_python(raw)


def display(field: models.Field, raw) -> str:
    """What a reader sees for a JSON value: choice labels, 是/否, lon/lat."""
    if raw is None or raw == "" or raw == []:
        return "—"
    if isinstance(field, GeometryField):
        return f"{raw[0]:.6f}, {raw[1]:.6f}"
    if isinstance(field, ArrayField):
        return "、".join(display(field.base_field, v) for v in raw)
    if isinstance(field, models.BooleanField):
        return _("是") if raw else _("否")
    if field.choices:
        return str(dict(field.flatchoices).get(raw, raw))
    return str(raw)


def _row(instance, names: list[str]) -> dict:
    meta = instance._meta
    return {n: dump(meta.get_field(n), getattr(instance, n)) for n in names}


# ---- snapshots ----------------------------------------------------------------------
def file_snapshot(enterprise: Enterprise) -> dict:
    """The enterprise's file as it is in the database now."""
    profiles = {}
    for key, model in PROFILES.items():
        row = model.objects.filter(enterprise=enterprise).first()
        profiles[key] = _row(row, profile_fields(model)) if row else None
    children = {key: [{"id": row.pk, **_row(row, child.fields)}
                      for row in child.model.objects.filter(enterprise=enterprise).order_by("pk")]
                for key, child in CHILDREN.items()}
    return {"enterprise": _row(enterprise, MAIN_FIELDS), "profiles": profiles, **children}


# ---- diff ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One changed value: where it is (`path`, for conflicts), its label and displays."""

    path: tuple
    label: str
    old: str
    new: str


def _field_changes(model, names, old: dict | None, new: dict | None, path, prefix: str):
    out = []
    for name in names:
        before = old.get(name) if old else None
        after = new.get(name) if new else None
        if before == after:
            continue
        field = model._meta.get_field(name)
        old_text, new_text = display(field, before), display(field, after)
        if old_text != new_text:  # a new profile's empty fields are not news
            out.append(Change((*path, name), f"{prefix}{field.verbose_name}",
                              old_text, new_text))
    return out


def file_diff(base: dict, proposed: dict) -> list[Change]:
    """What `proposed` changes relative to `base`, in form order."""
    changes = _field_changes(Enterprise, MAIN_FIELDS, base["enterprise"],
                             proposed["enterprise"], ("enterprise",), "")
    for key, model in PROFILES.items():
        old, new = base["profiles"].get(key), proposed["profiles"].get(key)
        if old != new:
            prefix = f"{model._meta.verbose_name}："
            changes += _field_changes(model, profile_fields(model), old, new,
                                      ("profiles", key), prefix)
    for key in CHILDREN:
        changes += _child_changes(key, base.get(key, []), proposed.get(key, []))
    return changes


def _child_changes(key: str, old_rows: list[dict], new_rows: list[dict]) -> list[Change]:
    child = CHILDREN[key]
    old = {r["id"]: r for r in old_rows}
    kept = {r["id"] for r in new_rows if r.get("id")}
    label = child.model._meta.verbose_name
    out = []
    for i, row in enumerate(new_rows, start=1):
        before = old.get(row.get("id"))
        prefix = f"{label}（{(before or row)[child.title]}）："
        path = (key, row.get("id") or f"new:{i}")
        out += _field_changes(child.model, child.fields, before, row, path, prefix)
    for row_id, row in old.items():
        if row_id not in kept:
            out.append(Change((key, row_id), f"{label}（{row[child.title]}）",
                              str(row[child.title]), _("删除")))
    return out


def file_conflicts(*, base: dict, proposed: dict, current: dict) -> list[Change]:
    """Changes of `proposed` whose value in `current` is no longer the one in `base`:
    someone changed them after the edit was submitted."""
    out = []
    for change in file_diff(base, proposed):
        if _at(current, change.path) != _at(base, change.path):
            out.append(change)
    return out


def _at(file: dict, path: tuple):
    section = path[0]
    if section == "enterprise":
        return file["enterprise"].get(path[1])
    if section == "profiles":
        return file["profiles"].get(path[1])
    rows = {r["id"]: r for r in file.get(section, [])}
    return rows.get(path[1])
