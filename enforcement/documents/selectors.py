"""Reads of enforcement documents, always in the caller's scope (geo.scope): government
users over the document's place; nobody else (the party is served on paper)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from enforcement.documents.models import EnforcementDocument
from geo.scope import Scope


def documents_scoped(*, scope: Scope) -> QuerySet[EnforcementDocument]:
    return scope.filter(EnforcementDocument.objects.select_related("agency"),
                        division_field="division_code", owner_field=None)


def document_list(*, scope: Scope, kind: str | None = None) -> QuerySet[EnforcementDocument]:
    documents = documents_scoped(scope=scope)
    return documents.filter(kind=kind) if kind else documents


def document_get(*, scope: Scope, document_id: int) -> EnforcementDocument | None:
    return documents_scoped(scope=scope).prefetch_related("signatures").filter(
        pk=document_id).first()


def documents_of(*, scope: Scope, source: Model) -> QuerySet[EnforcementDocument]:
    """The documents issued from one object (a case's, an inspection's), oldest first."""
    return documents_scoped(scope=scope).filter(
        source_type=ContentType.objects.get_for_model(source),
        source_id=source.pk).order_by("issued_at", "id")
