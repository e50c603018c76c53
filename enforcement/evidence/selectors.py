"""Reads of evidence and of the objects it attaches to, in the caller's scope: government
users over the place (the row's division code)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from enforcement.evidence.models import EvidenceEntry
from geo.scope import Scope


def evidence_scoped(*, scope: Scope) -> QuerySet[EvidenceEntry]:
    return scope.filter(EvidenceEntry.objects.select_related("source_type"),
                        division_field="division_code", owner_field=None)


def evidence_get(*, scope: Scope, entry_id: int) -> EvidenceEntry | None:
    return evidence_scoped(scope=scope).filter(pk=entry_id).first()


def evidence_of(*, scope: Scope, source: Model) -> QuerySet[EvidenceEntry]:
    """The evidence about one object (for a case's or an inspection's page), in order."""
    return evidence_scoped(scope=scope).filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk)


def evidence_source_get(*, scope: Scope, label: str, pk: int) -> Model | None:
    """The object `app_label.model` #pk if it has a place and lies in the caller's scope
    (objects of no place take no evidence)."""
    app_label, _dot, model_name = label.partition(".")
    try:
        model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    except ContentType.DoesNotExist:
        return None
    if model is None or "division_code" not in {f.name for f in model._meta.get_fields()}:
        return None
    return scope.filter(model._default_manager.filter(pk=pk), division_field="division_code",
                        owner_field=None).first()
