"""Reads of the chemicals catalogue and of major hazard sources (always scoped)."""

from __future__ import annotations

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import (
    Case,
    Count,
    Func,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat

from geo import authority
from geo.models import User
from geo.places import owned_filter
from geo.scope import Scope
from layers.base import registry
from registry.enterprises.models import Enterprise
from registry.hazards import gb18218
from registry.hazards.models import (
    Chemical,
    FilingState,
    HazardSource,
    HazardSourceChemical,
    HazardSourceFiling,
    ResponsiblePerson,
)


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


def hazard_source_list(*, scope: Scope, level: int | None = None,
                       filing_state: str | None = None) -> QuerySet[HazardSource]:
    """The caller's hazard sources with their enterprise, optionally by level / filing state
    (the outline and the evaluation steps, which a list does not show, stay in the database)."""
    qs = owned_filter(HazardSource.objects.select_related("enterprise")
                      .defer("geom", "evaluation", "enterprise__geom"), scope)
    if level is not None:
        qs = qs.filter(level=level)
    if filing_state:
        qs = qs.filter(filing_state=filing_state)
    return qs.order_by("level", "enterprise__name", "name")


def hazard_major_level_counts(*, scope: Scope) -> dict[int, int]:
    """GB 18218 level (1 一级 … 4 四级) -> number of the caller's major hazard sources
    (重大危险源), every level present (zeros included). ONE grouped query."""
    grouped = (owned_filter(HazardSource.objects.filter(is_major=True, level__isnull=False),
                            scope).order_by().values("level").annotate(n=Count("pk")))
    counts = {level: 0 for level in (1, 2, 3, 4)}
    counts.update({row["level"]: row["n"] for row in grouped})
    return counts


def enterprise_hazard_sources(*, scope: Scope, enterprise: Enterprise) -> list[HazardSource]:
    """Major hazard sources of one enterprise with `geojson` (outline, from PostGIS); the
    evaluation steps and the geometry object stay in the database."""
    return list(registry.get("hazard_sources").queryset(scope).filter(enterprise=enterprise)
                .defer("geom", "evaluation").annotate(geojson=AsGeoJSON("geom", precision=7))
                .order_by("level", "name", "pk"))


def hazard_source_get(*, scope: Scope, source_id: int) -> HazardSource | None:
    """One source the caller may read, with everything its file page and forms show."""
    return (owned_filter(HazardSource.objects.all(), scope)
            .select_related("enterprise", "organisation")
            .prefetch_related(
                Prefetch("items", HazardSourceChemical.objects.select_related("chemical")
                         .order_by("pk")),
                Prefetch("persons", ResponsiblePerson.objects.order_by("role")),
                Prefetch("filings", HazardSourceFiling.objects.select_related("user__division")
                         .order_by("at", "pk")))
            .filter(pk=source_id).first())


def chemical_catalogue(text: str = "") -> QuerySet[Chemical]:
    """The catalogue, or the search hits for `text` (name, alias, CAS, UN number)."""
    return chemical_search(text, limit=100) if text.strip() else Chemical.objects.all()


def chemical_lookup() -> dict[str, list[Chemical]]:
    """Every name a file may use for a catalogue chemical -> the chemicals it names:
    the name, the name without its qualifier (氯化氢（无水） -> 氯化氢), aliases, CAS numbers.
    A key naming several chemicals (硝化棉) is kept with all of them, so callers refuse it."""
    out: dict[str, list[Chemical]] = {}
    for chem in Chemical.objects.order_by("gb18218_seq", "pk"):
        keys = {chem.name, gb18218.base_name(chem.name), *chem.aliases,
                *gb18218.cas_numbers(chem.cas)}
        for key in keys - {""}:
            out.setdefault(key, []).append(chem)
    return out


# ---- the header's work queues (geo.queues) -------------------------------------------------
def hazard_filings_awaiting(*, user: User) -> QuerySet[HazardSource] | None:
    """Filings submitted for `user` to accept or return: /hazards/?state=submitted."""
    return authority.decidable(user, HazardSource.objects.filter(
        filing_state=FilingState.SUBMITTED))


def hazard_filings_returned(*, user: User) -> QuerySet[HazardSource] | None:
    """The user's organisation's filings sent back to it: /hazards/?state=returned."""
    return authority.owned_rows(user, HazardSource.objects.filter(
        filing_state=FilingState.RETURNED))


def hazard_grades_sql() -> str:
    """Per enterprise, as the text of a subquery `(enterprise_id, worst_level, s_sum)`: the
    worst GB 18218 level of its major hazard sources (1 is worst; NULL when none is graded)
    and the sum of their S = Σ q/Q. For set-based reads over every enterprise at once (the
    dynamic risk run); unscoped, so the caller's statement applies the scope it needs."""
    table = HazardSource._meta.db_table
    return (f'SELECT enterprise_id, min(level) FILTER (WHERE is_major) AS worst_level, '
            f'coalesce(sum(s_value), 0)::float8 AS s_sum FROM "{table}" GROUP BY enterprise_id')


def hazard_level_counts(*, scope: Scope) -> dict[int | None, int]:
    """Level (一级 … 四级, None: not evaluated) -> the caller's major hazard sources, for the
    workbench. One grouped query."""
    return dict(owned_filter(HazardSource.objects.all(), scope).order_by()
                .values_list("level").annotate(n=Count("pk")))
