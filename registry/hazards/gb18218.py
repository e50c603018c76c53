"""GB 18218-2018 危险化学品重大危险源辨识: identification (S) and grading (R, level).

Pure functions over the reference tables shipped in `data/reference/` (no ORM). Arithmetic
is exact (`Fraction`): the standard specifies no rounding, so band edges such as R = 100
must compare exactly. Every result carries the steps of the calculation for display.

Rules where the standard is explicit (domain-standards.md §1):
- Q: Table 1 row for a named chemical, else the lowest Table 2 Q among its classes (§4.1.2).
- β: Table 3 for the named toxic gases, else Table 4 by hazard class symbol (§4.3).
- major hazard iff S ≥ 1 (inclusive); α from the people exposed within 500 m (Table 5);
  level from R by the bands of Table 6 (lower edge inclusive, upper edge exclusive).
Where it is silent (β of a chemical with several classes, none in Table 3) the rule is the
setting GB18218_BETA_RULE (the reference marks it ⚠): "largest" (default, conservative: the
largest β, ties broken by the smaller Q) or "lowest_q" (the β of the class with the lowest
Table 2 Q, the class §4.1.2 b) takes Q from); the step and the result say which was used.

Names: a Table 1 row answers to its name, the name without its qualifier, its aliases and
the project's extra names of `gb18218_table1_names.csv` (一氧化碳 is row 13 煤气, 甲烷 and
天然气 row 49, ...). Table 3 is keyed by gas name, so a row answering to a Table 3 name takes
that gas's β (煤气 takes 一氧化碳's β 2).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
PLACES = 7  # stored and shown decimal places (the reference asks for at least 6)
_QUALIFIER = re.compile(r"[（(［\[].*$")
# Aliases are ";"-separated in our CSV; row 14 keeps the standard's own "、" (砷化三氢、胂).
_ALIASES = re.compile(r"[;；、]")
BETA_RULES = ("largest", "lowest_q")


@dataclass(frozen=True)
class Table1Row:
    seq: int
    name: str
    aliases: tuple[str, ...]
    cas: str
    q: Fraction

    @property
    def base_name(self) -> str:
        return base_name(self.name)


def base_name(name: str) -> str:
    """The name without its qualifier: 氯化氢（无水） -> 氯化氢."""
    return _QUALIFIER.sub("", name).strip()


@dataclass(frozen=True)
class Table2Row:
    symbol: str
    category: str
    description: str
    q: Fraction


@dataclass(frozen=True)
class Band:
    low: Fraction | None   # inclusive
    high: Fraction | None  # exclusive for levels, inclusive for α (whole people)
    value: Fraction | int


@dataclass(frozen=True)
class Tables:
    table1: tuple[Table1Row, ...]
    table2: dict[str, Table2Row]
    beta_toxic: dict[str, Fraction]
    beta_symbol: dict[str, Fraction]
    symbols: dict[int, tuple[str, ...]]   # project data: classes of some Table 1 chemicals
    alpha: tuple[Band, ...]
    levels: tuple[Band, ...]

    def row(self, seq: int) -> Table1Row:
        for r in self.table1:
            if r.seq == seq:
                return r
        raise LookupError(f"GB 18218 Table 1 has no row {seq}")

    def find(self, text: str) -> Table1Row | None:
        """The Table 1 row called `text` (name, name without qualifier, alias or CAS)."""
        text = text.strip()
        for key in (lambda r: (r.name,), lambda r: (r.base_name,), lambda r: r.aliases,
                    lambda r: tuple(cas_numbers(r.cas))):
            hits = [r for r in self.table1 if text in key(r)]
            if len(hits) > 1:
                raise ValueError(_("“%(t)s”对应表1多个条目：%(s)s")
                                 % {"t": text, "s": ", ".join(str(r.seq) for r in hits)})
            if hits:
                return hits[0]
        return None

    def toxic_beta(self, names: Iterable[str]) -> tuple[str, Fraction] | None:
        """(gas, β) of the first of `names` that Table 3 lists."""
        for name in names:
            if name in self.beta_toxic:
                return name, self.beta_toxic[name]
        return None


def cas_numbers(cas: str) -> list[str]:
    """The CAS numbers in a Table 1 cell ("74-82-8（甲烷）；8006-14-2（天然气）")."""
    return re.findall(r"\d{2,7}-\d{2}-\d", cas)


def _read(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _num(text: str) -> Fraction | None:
    return Fraction(Decimal(text)) if text.strip() else None


def _split(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in _ALIASES.split(text) if a.strip())


def _extra_names(rows: list[dict[str, str]]) -> dict[int, tuple[str, ...]]:
    """Project data: more names of Table 1 rows (gb18218_table1_names.csv), each row checked
    against Table 1 by its name so a shifted line cannot name the wrong chemical."""
    names = {int(r["seq"]): r["name"] for r in rows}
    out = {}
    for line, r in enumerate(_read("gb18218_table1_names.csv"), start=2):
        if names.get(int(r["seq"])) != r["name"]:
            raise ValueError(f"gb18218_table1_names.csv line {line}: {r['name']!r} is not "
                             f"Table 1 row {r['seq']}")
        out[int(r["seq"])] = _split(r["names"])
    return out


@cache
def tables() -> Tables:
    """The GB 18218-2018 tables, read once from data/reference."""
    rows = _read("gb18218_table1.csv")
    extra = _extra_names(rows)
    t1 = tuple(Table1Row(int(r["seq"]), r["name"],
                         tuple(dict.fromkeys(_split(r["aliases"]) + extra.get(int(r["seq"]), ()))),
                         r["cas"], _num(r["critical_quantity_t"]))
               for r in rows)
    t2 = {r["symbol"]: Table2Row(r["symbol"], r["category"], r["description"],
                                 _num(r["critical_quantity_t"]))
          for r in _read("gb18218_table2.csv")}
    return Tables(
        table1=t1, table2=t2,
        beta_toxic={r["toxic_gas"]: _num(r["beta"]) for r in _read("gb18218_beta_toxic_gases.csv")},
        beta_symbol={r["symbol"]: _num(r["beta"]) for r in _read("gb18218_beta_by_symbol.csv")},
        symbols={int(r["seq"]): tuple(r["hazard_symbols"].split(";"))
                 for r in _read("gb18218_table1_symbols.csv")},
        alpha=tuple(Band(_num(r["min_people"]), _num(r["max_people"]), _num(r["alpha"]))
                    for r in _read("gb18218_alpha.csv")),
        levels=tuple(Band(_num(r["r_min_inclusive"]), _num(r["r_max_exclusive"]), int(r["level"]))
                     for r in _read("gb18218_levels.csv")),
    )


@dataclass(frozen=True)
class Substance:
    """A chemical as the calculation sees it: its Table 1 row, if any, and its classes."""

    name: str
    table1_seq: int | None = None
    hazard_symbols: tuple[str, ...] = ()
    symbols_note: str = ""  # where a class entered for one unit came from (类别依据)

    @classmethod
    def named(cls, text: str) -> Substance:
        """A Table 1 chemical by name, alias or CAS, with the classes the project knows."""
        row = tables().find(text)
        if row is None:
            raise ValueError(_("“%(t)s”不在GB 18218表1中，须给出危险性类别") % {"t": text})
        return cls(row.name, row.seq, tables().symbols.get(row.seq, ()))


def dec(value: Fraction | None) -> Decimal | None:
    """A value rounded for storage and display (comparisons use the exact Fraction)."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-PLACES), rounding=ROUND_HALF_UP)


def table1_row(name: str, seq: int) -> Table1Row:
    """The Table 1 row `seq` of the chemical called `name`; a number outside the table is
    an error naming the chemical (the catalogue's validation, imports and evaluation)."""
    try:
        return tables().row(seq)
    except LookupError:
        raise ValueError(_("“%(n)s”的GB 18218表1序号%(seq)s不存在（表1为第1–%(last)s项）") % {
            "n": name, "seq": seq, "last": len(tables().table1)}) from None


def table1_problem(name: str, seq: int | None) -> str:
    """Why `seq` is not a Table 1 row of the chemical `name`; "" if it is (or is None)."""
    try:
        if seq is not None:
            table1_row(name, seq)
    except ValueError as exc:
        return str(exc)
    return ""


def symbols_problem(name: str, symbols: Iterable[str]) -> str:
    """The first symbol that is not a Table 2 class, named with the chemical; "" if none."""
    for symbol in symbols:
        if symbol not in tables().table2:
            return _("“%(n)s”：“%(s)s”不是GB 18218表2的危险性类别符号") % {"n": name, "s": symbol}
    return ""


def duplicate_problem(name: str) -> str:
    """Why a catalogue entry outside Table 1 may not be called `name`: it is a Table 1 row
    (entered by hand 一氧化碳 would take W2's 10 t instead of row 13's 20 t); "" if not."""
    try:
        row = tables().find(name)
    except ValueError as exc:  # a name several rows share (硝化棉)
        return str(exc)
    if row is None:
        return ""
    return _("“%(n)s”是GB 18218表1第%(seq)s项“%(row)s”，已在目录中") % {
        "n": name, "seq": row.seq, "row": row.name}


# ---- critical quantity Q and correction factor β -------------------------------------
def critical_quantity(sub: Substance) -> tuple[Fraction, str, str]:
    """(Q, where it came from as a code, the step text) per §4.1.2."""
    if sub.table1_seq is not None:
        row = table1_row(sub.name, sub.table1_seq)
        return row.q, f"table1:{row.seq}", _("表1第%(seq)s项“%(name)s”") % {
            "seq": row.seq, "name": row.name}
    rows = [_table2(s) for s in sub.hazard_symbols]
    if not rows:
        raise ValueError(_("“%(n)s”不在表1中且未给出危险性类别，无法确定临界量") % {"n": sub.name})
    best = min(rows, key=lambda r: (r.q, _order(r.symbol)))
    text = _("表2 %(sym)s（%(cat)s，%(desc)s）") % {
        "sym": best.symbol, "cat": best.category, "desc": best.description}
    if len(rows) > 1:
        text += _("；有多种危险性类别（%(all)s），按§4.1.2 b)取临界量最小者") % {
            "all": "、".join(sub.hazard_symbols)}
    return best.q, f"table2:{best.symbol}", text


def beta_rule(rule: str | None = None) -> str:
    """The rule for β of a chemical with several classes: `rule`, else the setting."""
    rule = rule or getattr(settings, "GB18218_BETA_RULE", "largest")
    if rule not in BETA_RULES:
        raise ValueError(f"GB18218_BETA_RULE: {rule!r} is not one of {', '.join(BETA_RULES)}")
    return rule


def beta_rule_text(rule: str) -> str:
    """The rule in the words of the steps (the standard is silent: say what was chosen)."""
    if rule == "lowest_q":
        return _("标准未规定取哪一类，按确定临界量的类别（表2临界量最小者）取β")
    return _("标准未规定取哪一类，按从严原则取β最大者（β相同时取临界量较小者）")


def correction_beta(sub: Substance, rule: str | None = None) -> tuple[Fraction, str, str]:
    """(β, where it came from as a code, the step text) per §4.3."""
    t = tables()
    names = [sub.name]
    if sub.table1_seq is not None:
        row = table1_row(sub.name, sub.table1_seq)
        names += [row.name, row.base_name, *row.aliases]
    toxic = t.toxic_beta(names)
    if toxic:
        return toxic[1], f"table3:{toxic[0]}", _("表3 毒性气体“%(g)s”") % {"g": toxic[0]}
    rows = [_table2(s) for s in sub.hazard_symbols]
    if not rows:
        raise ValueError(_("“%(n)s”不在表3中且未给出危险性类别，无法确定校正系数β")
                         % {"n": sub.name})
    rule = beta_rule(rule)
    if rule == "lowest_q":
        best = min(rows, key=lambda r: (r.q, _order(r.symbol)))
    else:
        best = max(rows, key=lambda r: (t.beta_symbol[r.symbol], -r.q, -_order(r.symbol)))
    text = _("表4 %(sym)s") % {"sym": best.symbol}
    if sub.symbols_note:
        text += _("（本单元监管部门填写，依据：%(note)s）") % {"note": sub.symbols_note}
    if len(rows) > 1:
        text += _("；有多种危险性类别（%(all)s），%(rule)s") % {
            "all": "、".join(sub.hazard_symbols), "rule": beta_rule_text(rule)}
    return t.beta_symbol[best.symbol], f"table4:{best.symbol}", text


def _table2(symbol: str) -> Table2Row:
    try:
        return tables().table2[symbol]
    except KeyError:
        raise ValueError(_("未知的危险性类别符号“%(s)s”") % {"s": symbol}) from None


def _order(symbol: str) -> int:
    return list(tables().table2).index(symbol)


# ---- α and the level bands ----------------------------------------------------------
def correction_alpha(exposed_people: int | None) -> tuple[Fraction, str]:
    """(α, step text) from the people exposed within 500 m outside the plant (Table 5).
    Not entered is no number: 0 would silently give the least conservative α = 0.5."""
    if exposed_people is None:
        raise ValueError(_("未填写厂外500米内常住人口（0人也须填写），无法确定校正系数α"))
    if exposed_people < 0:
        raise ValueError(_("暴露人数不能为负数"))
    for band in tables().alpha:
        if (band.low is None or exposed_people >= band.low) and (
                band.high is None or exposed_people <= band.high):
            return Fraction(band.value), _("厂区边界外500米范围内常住人口%(n)s人，%(band)s，"
                                           "α = %(a)s") % {"n": exposed_people,
                                                           "band": _people_band(band),
                                                           "a": _fmt(band.value)}
    raise ValueError(_("暴露人数%(n)s不在表5任何区间内") % {"n": exposed_people})


def level_of(r: Fraction) -> tuple[int, str]:
    """(level 1-4, step text): lower band edge inclusive, upper edge exclusive (Table 6)."""
    for band in tables().levels:
        if (band.low is None or r >= band.low) and (band.high is None or r < band.high):
            return int(band.value), _("R = %(r)s，%(band)s，为%(lv)s级重大危险源") % {
                "r": _fmt(r), "band": _r_band(band), "lv": band.value}
    raise ValueError(f"R={r} outside every level band")


def _people_band(band: Band) -> str:
    if band.high is None:
        return _("%(lo)s人及以上") % {"lo": _fmt(band.low)}
    if band.low == band.high:
        return _("%(lo)s人") % {"lo": _fmt(band.low)}
    return _("%(lo)s～%(hi)s人") % {"lo": _fmt(band.low), "hi": _fmt(band.high)}


def _r_band(band: Band) -> str:
    if band.high is None:
        return f"R ≥ {_fmt(band.low)}"
    if band.low is None:
        return f"R < {_fmt(band.high)}"
    return f"{_fmt(band.high)} > R ≥ {_fmt(band.low)}"


def _fmt(value: Fraction | int | None) -> str:
    """Exact when short (0.75, 62.5), else rounded to PLACES: for step texts only."""
    text = format(dec(Fraction(value)), "f").rstrip("0").rstrip(".")
    return text or "0"


# ---- identification and grading ----------------------------------------------------
@dataclass(frozen=True)
class ChemicalStep:
    """One line of the calculation: q/Q and β·q/Q for one chemical."""

    name: str
    q: Fraction
    Q: Fraction
    Q_source: str
    Q_text: str
    beta: Fraction | None
    beta_source: str
    beta_text: str

    @property
    def ratio(self) -> Fraction:
        return self.q / self.Q

    @property
    def weighted(self) -> Fraction | None:
        return None if self.beta is None else self.beta * self.ratio


@dataclass(frozen=True)
class Result:
    """S, and for a major hazard α, R and the level, with the steps that gave them."""

    chemicals: tuple[ChemicalStep, ...]
    S: Fraction
    is_major: bool
    exposed_people: int | None = None
    alpha: Fraction | None = None
    alpha_text: str = ""
    R: Fraction | None = None
    level: int | None = None
    level_text: str = ""
    notes: tuple[str, ...] = field(default=())
    beta_rule: str = ""        # the rule for β of a chemical with several classes
    beta_rule_text: str = ""

    def as_json(self) -> dict:
        """The steps as JSON-ready data (numbers as decimal strings) for storage and the UI."""
        data = asdict(self)
        data["chemicals"] = [
            {**asdict(c), "ratio": c.ratio, "weighted": c.weighted} for c in self.chemicals]
        return _jsonable(data)


def _jsonable(value):
    if isinstance(value, Fraction):
        return format(dec(value), "f")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


Contents = Iterable[tuple[Substance | str, Decimal | Fraction | int | float | str]]


def identify(contents: Contents) -> Result:
    """S = Σ q/Q over the unit's contents (q = maximum design quantity, t); major iff S ≥ 1."""
    steps = tuple(_step(sub, q, with_beta=False) for sub, q in contents)
    return _identified(steps)


def grade(contents: Contents, exposed_people: int | None, *,
          rule: str | None = None) -> Result:
    """Identification, then for a major hazard R = α Σ β q/Q and its level 1-4.

    A major hazard that cannot be graded (a β or α that cannot be determined) raises
    ValueError giving every reason at once, so one correction is not followed by another
    surprise; a unit that is not major needs neither.
    """
    contents, rule = list(contents), beta_rule(rule)
    identified = identify(contents)
    steps, reasons = _beta_steps(contents, rule)
    if not identified.is_major:
        alpha, alpha_text = (None, "") if exposed_people is None else \
            correction_alpha(exposed_people)
        return Result(steps or identified.chemicals, identified.S, False, exposed_people,
                      alpha, alpha_text, beta_rule=rule, beta_rule_text=beta_rule_text(rule),
                      notes=identified.notes + (_("S < 1，未构成重大危险源，不分级"),))
    try:
        alpha, alpha_text = correction_alpha(exposed_people)
    except ValueError as exc:
        reasons.append(str(exc))
    if reasons:
        raise ValueError("；".join(reasons))
    r = alpha * sum((c.weighted for c in steps), Fraction(0))
    level, level_text = level_of(r)
    note = _("R = α × Σ βq/Q = %(a)s × %(sum)s = %(r)s") % {
        "a": _fmt(alpha), "sum": _fmt(r / alpha), "r": _fmt(r)}
    return Result(steps, identified.S, True, exposed_people, alpha, alpha_text, r, level,
                  level_text, identified.notes + (note,), rule, beta_rule_text(rule))


def _beta_steps(contents: list, rule: str) -> tuple[tuple[ChemicalStep, ...], list[str]]:
    """The steps with β, or () and why β could not be found (each chemical once)."""
    steps, reasons = [], []
    for sub, q in contents:
        try:
            steps.append(_step(sub, q, with_beta=True, rule=rule))
        except ValueError as exc:
            reasons.append(str(exc))
    return (() if reasons else tuple(steps)), reasons


def _identified(steps: tuple[ChemicalStep, ...]) -> Result:
    if not steps:
        raise ValueError(_("单元内没有危险化学品"))
    s = sum((c.ratio for c in steps), Fraction(0))
    major = s >= 1
    verdict = _("S ≥ 1，构成重大危险源") if major else _("S < 1，不构成重大危险源")
    note = _("S = Σ q/Q = %(s)s，%(verdict)s") % {"s": _fmt(s), "verdict": verdict}
    return Result(steps, s, major, notes=(note,))


def _step(sub: Substance | str, q, *, with_beta: bool, rule: str | None = None
          ) -> ChemicalStep:
    if isinstance(sub, str):
        sub = Substance.named(sub)
    tonnes = Fraction(Decimal(str(q))) if not isinstance(q, Fraction) else q
    if tonnes < 0:
        raise ValueError(_("“%(n)s”的数量不能为负数") % {"n": sub.name})
    big_q, q_source, q_text = critical_quantity(sub)
    beta, beta_source, beta_text = correction_beta(sub, rule) if with_beta else (None, "", "")
    return ChemicalStep(sub.name, tonnes, big_q, q_source, q_text, beta, beta_source, beta_text)


def parse_contents(text: str) -> list[tuple[str, str]]:
    """'氨:100;甲醇:1000' -> [('氨', '100'), ('甲醇', '1000')] (the test-vector notation)."""
    return [tuple(part.split(":", 1)) for part in text.split(";") if part.strip()]
