"""Jurisdiction mixins: where a row is, and whose it is.

Jurisdiction is geography: every row that belongs to a place carries its GB/T 2260
division code (`Placed`), the column the read gate (`geo.scope`) filters on. A row that
belongs to an owner — a hazard source, licence, floor plan or plan of an enterprise —
also carries the owner's organisation (`Owned`), so the read gate filters it with plain
columns like the owner itself. Both are copies of the owner's values; this module is the
only place that makes the copy and keeps it in step when the owner moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.apps import apps
from django.contrib.gis.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from geo.scope import Scope


class Placed(models.Model):
    """A row in one place: its division code (区划代码), 12 digits of GB/T 2260."""

    division_code = models.CharField(_("区划代码"), max_length=12, db_index=True)

    class Meta:
        abstract = True


class Owned(Placed):
    """A row owned by another row (the foreign key `owned_by`, an enterprise by default),
    whose division code it copies, and whose organisation it copies through the foreign
    key `organisation_from` (None when the row's service sets the organisation itself)."""

    organisation = models.ForeignKey("geo.Organisation", models.SET_NULL, null=True,
                                     blank=True, related_name="+", verbose_name=_("对应单位"))

    owned_by: ClassVar[str] = "enterprise"
    organisation_from: ClassVar[str | None] = "enterprise"

    class Meta:
        abstract = True


def owned_copy(row: Owned) -> None:
    """Give `row` the division code and organisation of its owner (before it is saved);
    a row without an owner (a government's own plan) keeps what its service set."""
    owner = getattr(row, row.owned_by)
    if owner is not None:
        row.division_code = owner.division_code
    source = getattr(row, row.organisation_from) if row.organisation_from else None
    if source is not None:
        row.organisation_id = source.organisation_id


def owned_copy_rows(model: type[Owned], ids: list[int]) -> None:
    """`owned_copy` for rows written in bulk (an import), in one UPDATE per copied column."""
    rows = model._default_manager.filter(pk__in=ids)
    _follow(rows, model, "division_code", model.owned_by)
    if model.organisation_from:
        _follow(rows, model, "organisation_id", model.organisation_from)


def owner_moved(owner: models.Model) -> None:
    """Rows owned by `owner` follow its division code and organisation (one UPDATE per
    owned model and column), or the read gate would file them under the old place."""
    for model in owned_models():
        for column, via in (("division_code", model.owned_by),
                            ("organisation_id", model.organisation_from)):
            field = model._meta.get_field(via) if via else None
            if field is not None and field.related_model is type(owner):
                model._default_manager.filter(**{via: owner}).exclude(
                    **{column: getattr(owner, column)}).update(**{column: getattr(owner, column)})


def owned_models() -> list[type[Owned]]:
    return [m for m in apps.get_models() if issubclass(m, Owned)]


def owned_filter(qs: QuerySet, scope: Scope) -> QuerySet:
    """Owned rows the caller may read: by division code, or by the owning organisation."""
    return scope.filter(qs, division_field="division_code", owner_field="organisation")


def _follow(rows: QuerySet, model: type[Owned], column: str, via: str) -> None:
    owner = model._meta.get_field(via).related_model
    rows.filter(**{f"{via}__isnull": False}).update(**{column: Subquery(
        owner._default_manager.filter(pk=OuterRef(f"{via}_id")).values(column)[:1])})

