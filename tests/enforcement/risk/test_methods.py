"""LEC, LS and MES against the reference tables (domain-standards §2) and their edges, and
the grading rule documents (default, variants, refused documents)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from enforcement.risk import methods
from enforcement.risk.methods import Method, level_of, possible_scores, score
from enforcement.risk.rules import DEFAULT, DEFAULT_RULES, LEC_VARIANTS, LS_VARIANTS, rules_problems


def test_value_tables_are_the_reference_tables():
    values = lambda table: [str(v) for v, _c in table]  # noqa: E731
    assert values(methods.LEC_L) == ["10", "6", "3", "1", "0.5", "0.2", "0.1"]
    assert values(methods.LEC_E) == ["10", "6", "3", "2", "1", "0.5"]
    assert values(methods.LEC_C) == ["100", "40", "15", "7", "3", "1"]
    assert values(methods.LS_L) == values(methods.LS_S) == ["5", "4", "3", "2", "1"]
    assert values(methods.MES_M) == ["5", "3", "1"]
    assert values(methods.MES_E1) == values(methods.MES_E2) == ["10", "6", "3", "2", "1", "0.5"]
    assert values(methods.MES_S) == ["10", "8", "4", "2", "1"]
    assert str(methods.LEC_L[5][1]) == "极不可能"
    assert str(methods.LEC_C[0][1]) == "大灾难，许多人死亡（10人以上）"
    assert str(methods.MES_E2[0][1]) == "常态"
    assert methods.criterion("MES", "E", Decimal(6), "E2") == "每天工作时间出现"


def test_scores_are_exact_products():
    assert score("LEC", {"L": 1, "E": 10, "C": 7}).value == 70
    # 0.2 × 1 × 100 is exactly 20 (a float product would be 20.000000000000004)
    assert score("LEC", {"L": "0.2", "E": "1", "C": "100"}).value == Decimal(20)
    assert score("LEC", {"L": 0.5, "E": 0.5, "C": 1}).value == Decimal("0.25")
    assert score("LS", {"L": 4, "S": 5}).value == 20
    assert score("MES", {"M": 3, "E": 6, "S": 10}).value == 180
    assert score("MES", {"M": 1, "E": 0.5, "S": 1, "exposure": "E2"}).value == Decimal("0.5")
    assert score("LEC", {"L": 0.2, "E": 1, "C": 100}).factors_json() == \
        {"L": "0.2", "E": "1", "C": "100"}


@pytest.mark.parametrize(("method", "factors", "field"), [
    ("LEC", {"L": 4, "E": 10, "C": 7}, "L"),       # 4 is not on the L table
    ("LEC", {"L": 1, "E": 10}, "C"),               # missing
    ("LEC", {"L": 1, "E": "abc", "C": 7}, "E"),
    ("LS", {"L": 6, "S": 1}, "L"),
    ("LS", {"L": 1, "S": 0}, "S"),
    ("MES", {"M": 2, "E": 6, "S": 10}, "M"),
    ("MES", {"M": 3, "E": 6, "S": 5}, "S"),
    ("MES", {"M": 3, "E": 6, "S": 10, "exposure": "E3"}, "exposure"),
    ("XYZ", {}, "method"),
])
def test_invalid_factor_values_are_refused_naming_the_field(method, factors, field):
    with pytest.raises(ValidationError) as caught:
        score(method, factors)
    assert field in caught.value.message_dict


def test_every_bad_factor_is_named_at_once():
    with pytest.raises(ValidationError) as caught:
        score("LEC", {"L": 4, "E": 4, "C": 7})
    assert sorted(caught.value.message_dict) == ["E", "L"]
    assert "10、6、3、2、1、0.5" in caught.value.message_dict["E"][0]


def test_possible_scores_match_the_reference_enumeration():
    lec = possible_scores("LEC")
    assert Decimal(320) not in lec and Decimal(160) not in lec
    assert Decimal(70) in lec and Decimal(20) in lec
    assert sorted(int(v) for v in possible_scores("LS")) == \
        [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25]
    mes = possible_scores("MES")
    assert Decimal(180) in mes
    # no product falls into the gaps of the classic MES table
    assert not [v for v in mes if 150 < v < 180 or 80 < v < 90 or 48 < v < 50 or 18 < v < 20]


@pytest.mark.parametrize(("method", "value"), [
    ("LEC", 320), ("LEC", 160), ("LEC", 71), ("LS", 7), ("LS", 11), ("LS", 13), ("LS", 17),
    ("LS", 24), ("LS", 0), ("MES", 181), ("MES", 7), ("LEC", "x")])
def test_impossible_scores_are_refused(method, value):
    with pytest.raises(ValidationError) as caught:
        DEFAULT_RULES.level(method, value)
    assert "score" in caught.value.message_dict


@pytest.mark.parametrize(("value", "level"), [
    (1500, 1), (400, 1), (270, 2), (180, 2), (126, 3), (90, 3), (70, 3), (63, 4), (20, 4),
    (Decimal("0.05"), 4)])
def test_default_lec_is_variant_a(value, level):
    """D ≥ 320 红 · 160 ≤ D < 320 橙 · 70 ≤ D < 160 黄 · D < 70 蓝: D = 70 is 黄, 20 蓝."""
    assert DEFAULT_RULES.level("LEC", value) == level


def test_lec_variant_b_decides_the_edges_the_other_way():
    bands = LEC_VARIANTS["B"]  # D > 160 · 70 < D ≤ 160 · 20 < D ≤ 70 · D ≤ 20
    assert [level_of("LEC", v, bands) for v in (180, 90, 70, 21, 20, 18)] == [1, 2, 3, 3, 4, 4]


def test_mes_180_is_grade_one_red():
    assert DEFAULT_RULES.level("MES", 180) == 1
    assert [DEFAULT_RULES.level("MES", v) for v in (200, 150, 90, 80, 50, 48, 20, 18)] == \
        [1, 2, 2, 3, 3, 4, 4, 4]


LS_REFERENCE = {  # variant: (重大, 较大, 一般, 低) ranges of the reference table, inclusive
    "A": ((20, 25), (15, 16), (9, 12), (1, 8)),
    "B": ((17, 25), (11, 16), (5, 10), (1, 4)),
    "C": ((20, 25), (9, 16), (4, 8), (1, 3)),
    "D": ((20, 25), (10, 16), (4, 9), (1, 3)),
}


@pytest.mark.parametrize("variant", sorted(LS_REFERENCE))
def test_ls_variants_match_the_reference_table(variant):
    for value in possible_scores("LS"):
        expected = next(level for level, (low, high) in enumerate(LS_REFERENCE[variant], 1)
                        if low <= value <= high)
        assert level_of("LS", value, LS_VARIANTS[variant]) == expected, value
    assert rules_problems({**DEFAULT, "LS": LS_VARIANTS[variant]}) == []


def test_default_ls_is_variant_a():
    assert DEFAULT["LS"] == LS_VARIANTS["A"]


def test_rule_documents_are_checked_naming_the_method():
    assert rules_problems(DEFAULT) == []
    assert rules_problems([]) == ["（根）：须为对象"]
    missing = {k: v for k, v in DEFAULT.items() if k != "MES"}
    assert rules_problems(missing) == ["MES: 缺少该方法的分级"]
    rising = {**DEFAULT, "LS": [{"level": 1, "from": 9}, {"level": 2, "from": 15},
                                {"level": 3, "from": 4}, {"level": 4}]}
    assert rules_problems(rising) == ["LS/1: 下限须逐档降低"]
    three = {**DEFAULT, "LEC": [{"level": 1, "from": 320}, {"level": 2, "from": 70},
                                {"level": 4}]}
    assert rules_problems(three) == ["LEC: 须依次给出等级 1、2、3、4 四档"]
    capped = {**DEFAULT, "MES": [*DEFAULT["MES"][:3], {"level": 4, "from": 1}]}
    assert rules_problems(capped) == ["MES/3: 最后一档（低风险）不设下限"]
    odd = {**DEFAULT, "LQ": []}
    assert rules_problems(odd) == ["LQ: 未知的评价方法"]
    assert Method.values == ["LEC", "LS", "MES"]


def test_band_text_states_the_edges():
    assert methods.band_text(DEFAULT["LEC"]) == [
        (1, "320 ≤ ·"), (2, "160 ≤ · < 320"), (3, "70 ≤ · < 160"), (4, "· < 70")]
    assert methods.band_text(LEC_VARIANTS["B"])[3] == (4, "· ≤ 20")


def test_classic_lec_grade_words():
    assert methods.lec_grade(Decimal(70)) == "显著危险，需要整改"
    assert methods.lec_grade(Decimal(18)) == "稍有危险，可以接受"
