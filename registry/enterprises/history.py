"""An enterprise's history (变更记录): audit entries of the enterprise and of the rows it
owns (licences, hazard sources, profiles, people, ...), newest first, in ONE query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Model, Q
from django.db.models.functions import Cast

from geo.models import AuditAction, AuditEntry
from registry.enterprises.models import Enterprise

# Bookkeeping columns nobody edits; listing them would hide the real change.
_QUIET = {"id", "updated", "created"}


@dataclass(frozen=True)
class HistoryRow:
    at: datetime.datetime
    user: str
    action: str
    what: str
    object_pk: str
    fields: list[str]


def _owned_models() -> list[type[Model]]:
    """Models whose rows belong to one enterprise through a field named `enterprise`."""
    return [rel.related_model for rel in Enterprise._meta.related_objects
            if rel.field.name == "enterprise"]


def _entries_q(enterprise: Enterprise) -> Q:
    q = Q(model=Enterprise._meta.label_lower, object_pk=str(enterprise.pk))
    for model in _owned_models():
        label = model._meta.label_lower
        current = (model._default_manager.filter(enterprise=enterprise).order_by()
                   .values_list(Cast("pk", CharField()), flat=True))
        q |= Q(model=label, object_pk__in=current)
        # Rows deleted since: their creation entry still names the enterprise.
        q |= Q(model=label, action=AuditAction.CREATE, changes__enterprise_id__1=enterprise.pk)
    return q


def enterprise_history(*, enterprise: Enterprise, limit: int = 50) -> list[HistoryRow]:
    """The caller must already be allowed to read `enterprise`; its owned rows share its scope."""
    entries = (AuditEntry.objects.filter(_entries_q(enterprise)).select_related("user")
               .order_by("-at", "-pk")[:limit])
    return [_row(entry) for entry in entries]


def _row(entry: AuditEntry) -> HistoryRow:
    try:
        model = apps.get_model(entry.model)
    except (LookupError, ValueError):
        model = None
    fields = []
    if entry.action == AuditAction.UPDATE:
        fields = [_label(model, name) for name in sorted(entry.changes) if name not in _QUIET]
    return HistoryRow(at=entry.at, user=entry.user.username if entry.user else "—",
                      action=entry.get_action_display(),
                      what=str(model._meta.verbose_name) if model else entry.model,
                      object_pk=entry.object_pk, fields=fields)


def _label(model: type[Model] | None, attname: str) -> str:
    if model is None:
        return attname
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return str(f.verbose_name)
    try:
        return str(model._meta.get_field(attname).verbose_name)
    except FieldDoesNotExist:
        return attname
