"""Reads of the chemicals catalogue."""

from __future__ import annotations

from django.db.models import Case, Func, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat

from registry.hazard_models import Chemical


class _ArrayToString(Func):
    function = "array_to_string"
    output_field = TextField()


def chemical_search(text: str, *, limit: int = 20) -> QuerySet[Chemical]:
    """Chemicals whose name, alias, CAS or UN number contains `text`; exact hits first."""
    text = text.strip()
    if not text:
        return Chemical.objects.none()
    # ";a;b;" lets one icontains cover every alias and an exact alias match be ";a;"
    qs = Chemical.objects.annotate(alias_text=Concat(
        Value(";"), _ArrayToString("aliases", Value(";")), Value(";"), output_field=TextField()))
    exact = (Q(name=text) | Q(cas=text) | Q(un_number=text)
             | Q(alias_text__contains=f";{text};"))
    matches = (Q(name__icontains=text) | Q(alias_text__icontains=text)
               | Q(cas__icontains=text) | Q(un_number=text))
    rank = Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.filter(matches).annotate(rank=rank).order_by("rank", "gb18218_seq", "name")[:limit]
