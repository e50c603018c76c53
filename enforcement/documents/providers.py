"""Document providers: how a slice's object fills a kind's fields. A slice that issues
documents from its objects (inspections, cases) writes `<slice>/documents.py`:

    from enforcement.documents.providers import document_provider

    @document_provider("enforcement.inspection", kinds={"inspection_record"})
    def inspection_fields(kind, inspection) -> dict[str, str]:
        return {"party": inspection.enterprise.name, ...}

and this slice never imports it (geo.slices.SliceRegistry finds every `documents.py`).
The fields a provider returns are defaults; the issuer's own fields win.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model

from enforcement.documents.kinds import DocumentKind
from geo.slices import SliceRegistry

Fill = Callable[[DocumentKind, Model], dict]


@dataclass(frozen=True)
class Provider:
    model: str                   # "app_label.modelname"
    fill: Fill
    kinds: frozenset[str] | None  # None: every kind


PROVIDERS: SliceRegistry[Provider] = SliceRegistry("documents", "document provider")


def document_provider(model: str, *, kinds: set[str] | None = None,
                      registry: SliceRegistry[Provider] | None = None) -> Callable[[Fill], Fill]:
    """Register `fill` for documents of `kinds` (all when None) issued from `model`."""
    def register(fill: Fill) -> Fill:
        key = f"{model.lower()}:{','.join(sorted(kinds)) if kinds else '*'}"
        (registry or PROVIDERS).add(key, Provider(model.lower(), fill,
                                                  frozenset(kinds) if kinds else None))
        return fill
    return register


def provider_fields(kind: DocumentKind, source: Model,
                    registry: SliceRegistry[Provider] | None = None) -> dict:
    """The fields the source's providers give for `kind` (the kind-specific ones last, so
    they win); empty when no provider knows the source."""
    label = source._meta.label_lower
    found = [p for p in (registry or PROVIDERS).all()
             if p.model == label and (p.kinds is None or kind.key in p.kinds)]
    fields: dict = {}
    for provider in sorted(found, key=lambda p: p.kinds is not None):
        fields.update(provider.fill(kind, source))
    return fields
