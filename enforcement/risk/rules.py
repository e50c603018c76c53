"""The grading rules (风险判定准则): which score is which of the four levels, per method.

No national thresholds exist (domain reference §2.1), so the rules are data: a supervising
department stores a version for its area (`RiskRuleSet`, a division code prefix) and the
newest version of the longest prefix that an enterprise's division code starts with grades
its risk points. `DEFAULT` applies where no area has its own (version "default"):

- LEC Variant A: D ≥ 320 红 · 160 ≤ D < 320 橙 · 70 ≤ D < 160 黄 · D < 70 蓝
  (so D = 70 is 黄 and D = 20 is 蓝; D = 320 and 160 cannot occur);
- LS Variant A: R ≥ 20 红 · 15–16 橙 · 9–12 黄 · 1–8 蓝;
- MES: R ≥ 180 一级 红 (R = 180, M3·E6·S10, lies in neither ">180" nor "90～150" of the
  classic table: we take it as 一级) · 90–150 二级 橙 · 50–80 三级 黄 · ≤ 48 四、五级 蓝.

A document is {"LEC": bands, "LS": bands, "MES": bands}; bands as in `methods.level_of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models.functions import Length
from django.utils.translation import gettext as _

from enforcement.risk.methods import Method, bands_problems, level_of


def _bands(*edges: float, inclusive: bool = True) -> list[dict]:
    return [*({"level": i + 1, "from": e, "inclusive": inclusive} for i, e in enumerate(edges)),
            {"level": len(edges) + 1}]


# The variants of the reference, offered as presets on the rule page and tested.
LEC_VARIANTS = {"A": _bands(320, 160, 70), "B": _bands(160, 70, 20, inclusive=False)}
LS_VARIANTS = {"A": _bands(20, 15, 9), "B": _bands(17, 11, 5), "C": _bands(20, 9, 4),
               "D": _bands(20, 10, 4)}
MES_DEFAULT = _bands(180, 90, 50)

DEFAULT: dict[str, Any] = {Method.LEC.value: LEC_VARIANTS["A"],
                           Method.LS.value: LS_VARIANTS["A"],
                           Method.MES.value: MES_DEFAULT}


def rules_problems(doc: Any) -> list[str]:
    """What is wrong with a rule document, each message naming the method and band."""
    if not isinstance(doc, dict):
        return [_("（根）：须为对象")]
    found = [f"{key}: " + _("未知的评价方法") for key in sorted(set(doc) - set(Method.values))]
    for method in Method.values:
        if method not in doc:
            found.append(f"{method}: " + _("缺少该方法的分级"))
        else:
            found += bands_problems(method, doc[method])
    return found


@dataclass(frozen=True)
class Rules:
    version: str   # what an assessment records: "default", "*v3", "320101v2"
    doc: dict

    def level(self, method: str, value: Decimal | int | str) -> int:
        return level_of(method, value, self.doc[method])


def version_label(area: str, version: int) -> str:
    return f"{area or '*'}v{version}"


DEFAULT_RULES = Rules("default", DEFAULT)


def rules_for(division_code: str) -> Rules:
    """The newest version of the longest area prefix of `division_code`, else DEFAULT.
    One query (assessments are rare: no cache to keep in step)."""
    from enforcement.risk.models import RiskRuleSet

    prefixes = [division_code[:n] for n in range(len(division_code) + 1)]
    row = RiskRuleSet.objects.filter(area__in=prefixes).annotate(span=Length("area")) \
        .order_by("-span", "-version").values_list("area", "version", "rules").first()
    if row is None:
        return DEFAULT_RULES
    area, version, doc = row
    return Rules(version_label(area, version), doc)
