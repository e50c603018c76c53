"""Risk assessment methods (风险评价方法), pure Python and no database: LEC, LS and MES
with the value tables of the domain reference §2, and the grading of a score into the
four levels 重大/较大/一般/低 (红/橙/黄/蓝, level 1–4) by a rule document.

No national standard fixes the score → level thresholds (reference §2.1), so a rule
document (`rules.py`, versioned per area) gives, per method, bands from level 1 down:
each band but the last has a lower edge `from` that is inclusive (`≥`) or exclusive (`>`);
the first band whose edge the score passes gives the level, the last band takes the rest.

Values are Decimal: 0.2 × 1 × 100 must be exactly 20 at the LEC edge, not 20.000000000000004.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import product
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import IntegerChoices, TextChoices
from django.utils.translation import gettext_lazy as _


class Method(TextChoices):
    LEC = "LEC", _("LEC 作业条件危险性分析法")
    LS = "LS", _("LS 风险矩阵法")
    MES = "MES", _("MES 作业条件风险程度评价")


class Level(IntegerChoices):
    """The four risk levels and their colours (reference §2.1)."""

    MAJOR = 1, _("重大风险（红）")
    LARGER = 2, _("较大风险（橙）")
    GENERAL = 3, _("一般风险（黄）")
    LOW = 4, _("低风险（蓝）")


def _d(text: str) -> Decimal:
    return Decimal(text)


# ---- the value tables (reference §2.2–2.4): (value, criterion) ---------------------------
LEC_L = ((_d("10"), _("完全可以预料")), (_d("6"), _("相当可能")),
         (_d("3"), _("可能，但不经常")), (_d("1"), _("可能性小，完全意外")),
         (_d("0.5"), _("很不可能，可以设想")), (_d("0.2"), _("极不可能")),
         (_d("0.1"), _("实际不可能")))
LEC_E = ((_d("10"), _("连续暴露")), (_d("6"), _("每天工作时间内暴露")),
         (_d("3"), _("每周一次或偶然暴露")), (_d("2"), _("每月一次暴露")),
         (_d("1"), _("每年几次暴露")), (_d("0.5"), _("非常罕见地暴露")))
LEC_C = ((_d("100"), _("大灾难，许多人死亡（10人以上）")), (_d("40"), _("灾难，数人死亡")),
         (_d("15"), _("非常严重，一人死亡")), (_d("7"), _("严重，重伤")),
         (_d("3"), _("重大，致残")), (_d("1"), _("引人注目，需要救护")))

LS_L = ((_d("5"), _("每次作业或每月发生；无检查标准或不按标准检查；无规程或从不执行；不胜任；"
                    "无监控措施或从未投用、无应急措施")),
        (_d("4"), _("每季度发生；标准不完善或很少检查；规程不完善或很少执行；有资格证但无有效培训；"
                    "措施部分投用，应急措施不完善或未演练")),
        (_d("3"), _("每年发生；变更后未及时修订或多数不按标准；一般胜任；"
                    "应急措施变更未修订或操作人员不清楚")),
        (_d("2"), _("每年发生或曾经发生；标准完善但偶尔不执行；胜任但偶尔出错；"
                    "联锁偶尔失效，应急措施每年仅演练一次")),
        (_d("1"), _("从未发生；标准完善、严格执行；高度胜任；"
                    "联锁从未失效，应急措施每年至少演练两次")))
LS_S = ((_d("5"), _("3人及以上死亡或7人及以上重伤；直接经济损失100万元以上；违反法律法规；"
                    "破坏周边环境；国际媒体")),
        (_d("4"), _("1～2人死亡、3～6人重伤或严重职业病；10万～100万元；潜在不符合法规；"
                    "操作区域环境破坏；国家主流媒体")),
        (_d("3"), _("1～2人重伤或3～6人轻伤；1万～10万元；不符合分部程序；操作点范围；省级媒体")),
        (_d("2"), _("1～2人轻伤；5000元～1万元；不符合公司制度；设备设施周围；无公众影响")),
        (_d("1"), _("无伤害；5000元以下；完全符合；基本无影响；本岗位")))

MES_M = ((_d("5"), _("无控制措施")),
         (_d("3"), _("有减轻后果的应急措施，如警报系统、个体防护用品")),
         (_d("1"), _("有预防措施，如机器防护装置等，但须保证有效")))
# E1: people exposed (injury, occupational disease); E2: a dangerous state present
# (property, environment). Same values, different criteria: the assessor says which.
MES_E1 = ((_d("10"), _("连续暴露")), (_d("6"), _("每天工作时间内暴露")),
          (_d("3"), _("每周一次或偶然暴露")), (_d("2"), _("每月一次暴露")),
          (_d("1"), _("每年几次暴露")), (_d("0.5"), _("更少地暴露")))
MES_E2 = ((_d("10"), _("常态")), (_d("6"), _("每天工作时间出现")),
          (_d("3"), _("每周一次或偶然出现")), (_d("2"), _("每月一次出现")),
          (_d("1"), _("每年几次出现")), (_d("0.5"), _("更少地出现")))
MES_S = ((_d("10"), _("有多人死亡；重大环境影响的不可控排放")),
         (_d("8"), _("有一人死亡或多人永久失能；职业病（多人）；中等环境影响的不可控排放")),
         (_d("4"), _("永久失能（一人）；职业病（一人）；较轻环境影响的不可控排放")),
         (_d("2"), _("需医院治疗，缺工；职业性多发病；局部环境影响的可控排放")),
         (_d("1"), _("轻微，仅需急救；职业因素引起的身体不适；无环境影响")))

# The factors of each method, in formula order: field name → its value table.
FACTORS: dict[str, dict[str, tuple]] = {
    Method.LEC: {"L": LEC_L, "E": LEC_E, "C": LEC_C},
    Method.LS: {"L": LS_L, "S": LS_S},
    Method.MES: {"M": MES_M, "E": MES_E1, "S": MES_S},
}
MES_EXPOSURE = {"E1": MES_E1, "E2": MES_E2}  # the `exposure` key of an MES assessment


@dataclass(frozen=True)
class Score:
    method: str
    factors: dict[str, Decimal]
    value: Decimal

    def factors_json(self) -> dict[str, str]:
        """The factors as stored on an assessment (strings keep 0.5 and 0.2 exact)."""
        return {k: plain(v) for k, v in self.factors.items()}


def plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def score(method: str, factors: dict[str, Any]) -> Score:
    """D = L×E×C, R = L×S or R = M×E×S from the factor values, each of which must be a
    value of its table; a missing or foreign value is refused with its field named
    (an MES `exposure` of E1/E2 only picks the criteria, the values are the same)."""
    if method not in FACTORS:
        raise ValidationError({"method": _("未知的评价方法：%(m)s") % {"m": method}})
    if method == Method.MES and factors.get("exposure", "E1") not in MES_EXPOSURE:
        raise ValidationError({"exposure": _("暴露类型须为 E1（人体暴露）或 E2（危险状态出现）")})
    values, errors = {}, {}
    for name, table in FACTORS[method].items():
        allowed = [value for value, _criterion in table]
        value = _decimal(factors.get(name))
        if value is None or value not in allowed:
            errors[name] = _("%(f)s 的取值须为 %(v)s 之一") % {
                "f": name, "v": "、".join(plain(v) for v in allowed)}
        else:
            values[name] = value
    if errors:
        raise ValidationError(errors)
    result = Decimal(1)
    for value in values.values():
        result *= value
    return Score(method, values, result)


def _decimal(raw: Any) -> Decimal | None:
    if raw is None or isinstance(raw, bool) or raw == "":
        return None
    try:
        return Decimal(str(raw).strip())
    except ArithmeticError:
        return None


@cache
def possible_scores(method: str) -> frozenset[Decimal]:
    """Every product the tables allow (LEC: no 320 or 160; LS: no 7, 11, 13…)."""
    tables = FACTORS[method].values()
    out = set()
    for combo in product(*([v for v, _c in table] for table in tables)):
        value = Decimal(1)
        for factor in combo:
            value *= factor
        out.add(value.normalize())
    return frozenset(out)


def criterion(method: str, name: str, value: Decimal, exposure: str = "E1") -> str:
    """The Chinese criterion of one factor value (for the assessment record)."""
    table = MES_EXPOSURE[exposure] if method == Method.MES and name == "E" \
        else FACTORS[method][name]
    return str(next(text for v, text in table if v == value))


# ---- grading by a rule document --------------------------------------------------------
def level_of(method: str, value: Decimal | int | str, bands: list[dict]) -> int:
    """The level (1–4) of a score under one method's bands. A score the tables cannot
    produce is refused: it is a typing error, not a risk."""
    value = _decimal(value)
    if value is None or value.normalize() not in possible_scores(method):
        raise ValidationError({"score": _("%(m)s 得分 %(v)s 不可能由取值表得出") % {
            "m": method, "v": value}})
    for band in bands:
        edge = band.get("from")
        if edge is None:
            return band["level"]
        edge = Decimal(str(edge))
        if value > edge or (band.get("inclusive", True) and value == edge):
            return band["level"]
    raise AssertionError("the last band takes the rest (rules_problems checks it)")


def bands_problems(method: str, bands: Any) -> list[str]:
    """What is wrong with one method's bands: levels 1, 2, 3, 4 in order, edges falling,
    the last band without an edge. Each message names the method and the band."""
    if not isinstance(bands, list) or [b.get("level") if isinstance(b, dict) else None
                                       for b in bands] != [1, 2, 3, 4]:
        return [f"{method}: " + str(_("须依次给出等级 1、2、3、4 四档"))]
    found, previous = [], None
    for i, band in enumerate(bands):
        edge = band.get("from")
        last = i == len(bands) - 1
        if last and edge is not None:
            found.append(f"{method}/{i}: " + str(_("最后一档（低风险）不设下限")))
        if not last:
            if not isinstance(edge, int | float) or isinstance(edge, bool) or edge <= 0:
                found.append(f"{method}/{i}: " + str(_("下限须为正数")))
                continue
            if previous is not None and edge >= previous:
                found.append(f"{method}/{i}: " + str(_("下限须逐档降低")))
            previous = edge
        if not isinstance(band.get("inclusive", True), bool):
            found.append(f"{method}/{i}: " + str(_("inclusive 须为 true 或 false")))
        unknown = set(band) - {"level", "from", "inclusive"}
        if unknown:
            found.append(f"{method}/{i}: " + str(_("未知的键 %(k)s") % {"k": sorted(unknown)}))
    return found


def band_text(bands: list[dict]) -> list[tuple[int, str]]:
    """Each level with its range in words ("D ≥ 320", "70 ≤ · < 160"), for the rule page."""
    out, upper = [], None
    for band in bands:
        edge, inclusive = band.get("from"), band.get("inclusive", True)
        low = "" if edge is None else f"{edge} {'≤' if inclusive else '<'} "
        high = "" if upper is None else f" {'<' if upper[1] else '≤'} {upper[0]}"
        out.append((band["level"], f"{low}·{high}".strip()))
        upper = (edge, inclusive)
    return out


# Classic grades shown beside the level (reference §2.2 and §2.4), for the record only.
LEC_GRADES = ((Decimal(320), _("极其危险，不能继续作业")),
              (Decimal(160), _("高度危险，要立即整改")),
              (Decimal(70), _("显著危险，需要整改")), (Decimal(20), _("一般危险，需要注意")),
              (Decimal(0), _("稍有危险，可以接受")))


def lec_grade(value: Decimal) -> str:
    """The classic D grade's words (> 320 … < 20; D = 70 and 20 read as the higher)."""
    return str(next(text for edge, text in LEC_GRADES if value >= edge))
