"""Importing hazard sources with their chemicals: the `hazard_sources` layer's import hook.

`manage.py import_layer hazard_sources FILE` reads the layer's declared columns as for any
layer; this hook adds a `chemicals` column such as `氯:5;液氨:20` (name, alias or CAS, then
the maximum design quantity in tonnes), checks it with every other cell (an unknown or
ambiguous chemical is an error naming the row), copies the owner from the enterprise and,
when the column is present, stores the chemicals and runs the GB 18218 evaluation of every
imported source inside the import's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from geo.places import owned_copy_rows
from layers.imports import ImportHook
from registry.enterprises.models import Enterprise
from registry.hazards import gb18218
from registry.hazards.models import Chemical, HazardSource, HazardSourceChemical
from registry.hazards.selectors import chemical_lookup
from registry.hazards.services import hazard_source_evaluate

COLUMN = "chemicals"
_ITEM = re.compile(r"[;；]")
_PAIR = re.compile(r"[:：]")

Items = list[tuple[Chemical, Decimal]]


def parse_chemicals(text: str, lookup: dict[str, list[Chemical]]) -> tuple[Items, list[str]]:
    """'氯:5;液氨:20' -> ([(氯, 5), (氨, 20)], problems)."""
    items, problems, seen = [], [], set()
    for part in (p.strip() for p in _ITEM.split(text or "") if p.strip()):
        pieces = _PAIR.split(part, maxsplit=1)
        if len(pieces) != 2:
            problems.append(_("“%(p)s”应写成“名称:吨数”") % {"p": part})
            continue
        name, amount = (piece.strip() for piece in pieces)
        hits = lookup.get(name, [])
        if not hits:
            problems.append(_("化学品目录中没有“%(n)s”") % {"n": name})
            continue
        if len(hits) > 1:
            problems.append(_("“%(n)s”对应多个化学品：%(all)s，请写全称")
                            % {"n": name, "all": "、".join(c.name for c in hits)})
            continue
        problem = gb18218.table1_problem(hits[0].name, hits[0].gb18218_seq)
        tonnes = _tonnes(amount)
        if problem:
            problems.append(problem)
        elif tonnes is None:
            problems.append(_("“%(n)s”的吨数“%(a)s”不是非负数") % {"n": name, "a": amount})
        elif hits[0].pk in seen:
            problems.append(_("“%(n)s”重复填写") % {"n": hits[0].name})
        else:
            seen.add(hits[0].pk)
            items.append((hits[0], tonnes))
    return items, problems


def _tonnes(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


class HazardSourceImport(ImportHook):
    columns = (COLUMN,)

    def __init__(self) -> None:
        self.items: dict[int, Items] | None = None

    def check(self, cells: dict[str, list], values: dict[str, list],
              error: Callable[[int, str, str], None]) -> None:
        self._check_divisions(values, error)
        if COLUMN not in cells:
            return
        lookup, self.items = chemical_lookup(), {}
        for i, text in enumerate(cells[COLUMN]):
            items, problems = parse_chemicals(text if isinstance(text, str) else "", lookup)
            for problem in problems:
                error(i, COLUMN, problem)
            self.items[i] = items

    def _check_divisions(self, values: dict[str, list], error) -> None:
        """A source lies in its enterprise's division (the scope copies it from there)."""
        wanted = {e for e in values.get("enterprise", []) if e is not None}
        codes = dict(Enterprise.objects.filter(pk__in=wanted)
                     .values_list("pk", "division_code"))
        for i, (ent, code) in enumerate(zip(values.get("enterprise", []),
                                            values.get("division_code", []), strict=False)):
            if ent in codes and code and code != codes[ent]:
                error(i, "division_code", _("与企业的区划代码 %(c)s 不一致") % {"c": codes[ent]})

    def written(self, ids: list[int], values: dict[str, list]) -> None:
        owned_copy_rows(HazardSource, ids)
        if self.items is None:
            return  # no chemicals column: rows as the generic importer wrote them
        HazardSourceChemical.objects.bulk_create(
            HazardSourceChemical(source_id=ids[i], chemical=chem, max_tonnes=tonnes)
            for i, items in self.items.items() for chem, tonnes in items)
        for source in HazardSource.objects.filter(pk__in=ids).select_related("enterprise"):
            hazard_source_evaluate(source)
