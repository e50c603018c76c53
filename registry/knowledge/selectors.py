"""Knowledge base search (知识库检索) across laws and accident cases, in PostgreSQL only.

Queries of three characters or more use pg_trgm: rows where the query is word-similar
(`<%`) to a title or text column, or contains it as a substring (ILIKE), both served by
the GIN trigram indexes, ranked by word_similarity with title matches first. pg_trgm
pads each word with blanks, and Chinese runs have no blanks, so a one- or two-character
query (常见的双字词 such as 应急, 爆炸) yields no trigram that can occur inside a
longer run: those queries go to the substring path (ILIKE, a sequential scan, fine for a
knowledge base of thousands of rows), ranked title match first, newest first. Terms
separated by blanks must all match (预案 备案), each by its own path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest

from geo.scope import Scope
from layers.base import registry
from registry.knowledge.models import AccidentCase, AccidentType, Regulation  # noqa: F401 (AccidentType: lent to other modules, GB 6441 choices)

MIN_TRIGRAM_CHARS = 3     # below this, trigrams cannot find a word inside Chinese text
WORD_SIMILARITY = 0.3     # pg_trgm.word_similarity_threshold for `<%`: admits one typo
TEXT_WEIGHT = 0.8         # a match in the body ranks below the same match in the title
MAX_QUERY = 100
MAX_TERMS = 5

LAW_COLUMNS = ("title", "text")
LAW_SUBSTRING_COLUMNS = ("title", "document_number", "issuer", "text")
CASE_COLUMNS = ("title", "summary", "cause")
CASE_SUBSTRING_COLUMNS = ("title", "place", "summary", "cause", "lessons")


class WordSimilar(Func):
    """`query <% column`: true when word_similarity passes the threshold (GIN-indexable)."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class ILike(Func):
    """`column ILIKE pattern` (Django's icontains wraps both sides in UPPER(), which the
    trigram index cannot serve)."""

    arg_joiner = " ILIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()


@dataclass
class SearchResults:
    query: str
    mode: str                       # "trigram", "substring" or "" (no query)
    laws: list[Regulation] = field(default_factory=list)
    cases: list[AccidentCase] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"laws": 0, "cases": 0})


def _pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _substring(query: str, columns: tuple[str, ...]) -> Q:
    pattern = _pattern(query)
    return reduce(or_, (Q(ILike(F(c), Value(pattern))) for c in columns))


def _trigram(query: str, columns: tuple[str, ...], substring_columns: tuple[str, ...]) -> Q:
    similar = reduce(or_, (Q(WordSimilar(Value(query), F(c))) for c in columns))
    return similar | _substring(query, substring_columns)


def _trigram_rank(query: str, columns: tuple[str, ...]) -> Func:
    title, *rest = columns
    scores = [TrigramWordSimilarity(query, title)]
    scores += [TrigramWordSimilarity(query, c) * Value(TEXT_WEIGHT) for c in rest]
    return Greatest(*scores, output_field=FloatField()) + _title_first(query)


def _title_first(query: str) -> Case:
    """1 where the title contains `query`, else 0."""
    return Case(When(Q(ILike(F("title"), Value(_pattern(query)))), then=Value(1.0)),
                default=Value(0.0), output_field=FloatField())


def _term_filter(term: str, columns: tuple[str, ...], substring_columns: tuple[str, ...]) -> Q:
    if len(term) < MIN_TRIGRAM_CHARS:
        return _substring(term, substring_columns)
    return _trigram(term, columns, substring_columns)


def _term_rank(term: str, columns: tuple[str, ...]) -> Func:
    return _title_first(term) if len(term) < MIN_TRIGRAM_CHARS else _trigram_rank(term, columns)


def _matching(qs: QuerySet, terms: list[str], columns: tuple[str, ...],
              substring_columns: tuple[str, ...], newest: str) -> QuerySet:
    """Rows matching every term (terms are separated by blanks), ranked by the sum."""
    for term in terms:
        qs = qs.filter(_term_filter(term, columns, substring_columns))
    rank = sum((_term_rank(term, columns) for term in terms[1:]), _term_rank(terms[0], columns))
    return qs.annotate(rank=rank).order_by("-rank", f"-{newest}", "id")


def laws_matching(terms: list[str]) -> QuerySet[Regulation]:
    """Laws matching all `terms`, best first, each with `rank`."""
    return _matching(Regulation.objects.all(), terms, LAW_COLUMNS, LAW_SUBSTRING_COLUMNS,
                     "issued")


def cases_matching(terms: list[str], *, scope: Scope) -> QuerySet[AccidentCase]:
    """Accident cases the caller may read matching all `terms`, best first, with `rank`."""
    return _matching(registry.get("accident_cases").queryset(scope), terms, CASE_COLUMNS,
                     CASE_SUBSTRING_COLUMNS, "occurred")


def knowledge_search(*, query: str, scope: Scope, limit: int = 50) -> SearchResults:
    """Search laws and accident cases; counts are of all matches, lists are cut at `limit`."""
    terms = (query or "").split()[:MAX_TERMS]
    query = " ".join(terms)[:MAX_QUERY]
    if not terms:
        return SearchResults(query="", mode="")
    short = all(len(term) < MIN_TRIGRAM_CHARS for term in terms)
    with transaction.atomic():
        # `<%` reads its threshold from the session; set it for this transaction only.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                           [str(WORD_SIMILARITY)])
        laws, cases = laws_matching(terms), cases_matching(terms, scope=scope)
        return SearchResults(
            query=query, mode="substring" if short else "trigram",
            laws=list(laws[:limit]), cases=list(cases[:limit]),
            counts={"laws": laws.count(), "cases": cases.count()})


def regulation_get(*, regulation_id: int) -> Regulation | None:
    return Regulation.objects.filter(pk=regulation_id).first()


def accident_case_get(*, scope: Scope, case_id: int) -> AccidentCase | None:
    return registry.get("accident_cases").queryset(scope).filter(pk=case_id).first()
