"""Turn one-enterprise-file rows into label/value pairs for the detail page, with the
choice labels a reader expects (no queries: everything here is already loaded)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db.models import Model
from django.utils.translation import gettext as _

from registry.enterprises.models import Enterprise
from registry.enterprises.selectors import PROFILES

EMPTY = "—"


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[tuple[str, str]]


def field_value(instance: Model, name: str) -> str:
    """A field's value as text: choices by label, arrays joined, yes/no for booleans."""
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    if isinstance(field, ArrayField):
        labels = dict(field.base_field.choices or [])
        return "、".join(str(labels.get(v, v)) for v in value) or EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value)) if value not in (None, "") else EMPTY
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value in (None, ""):
        return EMPTY
    return str(value)


def rows(instance: Model, names: list[str]) -> list[tuple[str, str]]:
    return [(str(instance._meta.get_field(n).verbose_name), field_value(instance, n))
            for n in names]


def profile_sections(enterprise: Enterprise) -> list[Section]:
    """One section per special-category profile the enterprise has."""
    sections = []
    for related_name in PROFILES:
        profile = getattr(enterprise, related_name, None)  # reverse one-to-one, pre-joined
        if profile is None:
            continue
        names = [f.name for f in profile._meta.concrete_fields
                 if f.name not in ("id", "enterprise")]
        sections.append(Section(str(profile._meta.verbose_name), rows(profile, names)))
    return sections

