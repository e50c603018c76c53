"""GB 18218-2018 identification and grading against the reference test vectors."""

from __future__ import annotations

import csv
from decimal import Decimal
from fractions import Fraction

import pytest

from registry.hazards import gb18218
from registry.hazards.gb18218 import Substance, grade, identify, parse_contents

with open(gb18218.REFERENCE_DIR / "gb18218_test_vectors.csv", encoding="utf-8") as fh:
    VECTORS = list(csv.DictReader(fh))


def test_every_reference_vector_is_here():
    assert [v["case"] for v in VECTORS] == [
        "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9a", "T9b"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["case"] for v in VECTORS])
def test_reference_vector(vector):
    contents = parse_contents(vector["contents"])
    result = grade(contents, int(vector["exposed_people"]))
    assert gb18218.dec(result.S) == Decimal(vector["expected_S"])
    assert identify(contents).S == result.S
    expected = vector["expected_result"]
    if expected.startswith("not a major hazard"):
        assert (result.is_major, result.level, result.R) == (False, None, None)
    else:
        assert result.is_major is True
    if vector["expected_R"]:
        assert gb18218.dec(result.R) == Decimal(vector["expected_R"])
    if expected.startswith("level"):
        assert result.level == int(expected.split()[1])


def test_tables_are_complete():
    t = gb18218.tables()
    assert (len(t.table1), len(t.table2), len(t.beta_toxic), len(t.beta_symbol)) == (85, 24, 14, 24)
    assert t.find("氢气").q == 5 and t.find("液氯").q == 5 and t.find("氧气").q == 200
    assert t.find("8006-14-2").seq == 49
    assert t.find("氯化氢").seq == 11


def test_shared_alias_is_refused_not_guessed():
    with pytest.raises(ValueError, match="37, 38, 39, 40, 41"):
        identify([("硝化棉", 1)])


def test_band_edges_are_exact():
    # R = 100 exactly is level 1; a hair below is level 2 (no float rounding on the way)
    assert grade([("氯", "62.5")], 100).level == 1
    assert grade([("氯", "62.4999999")], 100).level == 2
    assert grade([("氯", "31.2499999")], 100).level == 3
    assert grade([("氯", "24.9999999")], 0).level == 4
    assert grade([("光气", "0.3")], 0).S == 1


@pytest.mark.parametrize(("people", "alpha"), [
    (0, "0.5"), (1, "1"), (29, "1"), (30, "1.2"), (49, "1.2"), (50, "1.5"), (99, "1.5"),
    (100, "2"), (5000, "2")])
def test_alpha_bands(people, alpha):
    assert gb18218.correction_alpha(people)[0] == Fraction(alpha)


def test_unnamed_chemical_takes_lowest_q_and_largest_beta():
    # not in Table 1: flammable gas (W2, Q 10, β 1.5) and acute toxic gas cat. 1 (J1, Q 5, β 4)
    sub = Substance("某毒性可燃气体", None, ("W2", "J1"))
    result = grade([(sub, 5)], 0)
    step = result.chemicals[0]
    assert (step.Q, step.Q_source, step.beta, step.beta_source) == (5, "table2:J1", 4, "table4:J1")
    assert "取临界量最小者" in step.Q_text and "从严原则取β最大者" in step.beta_text
    assert (result.S, result.R, result.level) == (1, 2, 4)


def test_beta_rule_prefers_largest_beta_even_when_q_came_from_elsewhere():
    # W5.1 gives Q 10 and β 1.5; J3 gives Q 50 and β 2: Q from W5.1, β from J3
    step = grade([(Substance("某液体", None, ("J3", "W5.1")), 10)], 0).chemicals[0]
    assert (step.Q_source, step.beta_source) == ("table2:W5.1", "table4:J3")


def test_table1_chemical_without_class_outside_table3_cannot_be_graded():
    assert identify([("汽油", 400)]).S == 2  # its class is left open in the symbols file
    with pytest.raises(ValueError, match="无法确定校正系数β"):
        grade([("汽油", 400)], 0)


def test_table1_classes_from_the_symbols_file():
    benzene = grade([("苯", 100)], 0).chemicals[0]  # flammable liquid cat 2 -> W5.3, β 1
    assert (benzene.beta, benzene.beta_source) == (1, "table4:W5.3")
    hydrogen = grade([("氢气", 10)], 100)  # W2, β 1.5: R = 2 × 1.5 × 2 = 6
    assert (hydrogen.R, hydrogen.level) == (6, 4)
    phosphorus = grade([("白磷", 50)], 0).chemicals[0]  # W8 and J5 both β 1: smaller Q (W8)
    assert (phosphorus.beta_source, phosphorus.Q) == ("table4:W8", 50)
    assert "按从严原则取β最大者" in phosphorus.beta_text
    acrolein = grade([("丙烯醛", 20)], 0).chemicals[0]  # J2 (Q 50) beats W5.3 (Q 1000)
    assert acrolein.beta_source == "table4:J2"


def test_steps_as_json():
    data = grade(parse_contents("碳酰氯:0.2;氯:3"), 150).as_json()
    assert data["chemicals"] == [
        {"name": "碳酰氯", "q": "0.2000000", "Q": "0.3000000", "Q_source": "table1:6",
         "Q_text": "表1第6项“碳酰氯”", "beta": "20.0000000", "beta_source": "table3:碳酰氯",
         "beta_text": "表3 毒性气体“碳酰氯”", "ratio": "0.6666667", "weighted": "13.3333333"},
        {"name": "氯", "q": "3.0000000", "Q": "5.0000000", "Q_source": "table1:12",
         "Q_text": "表1第12项“氯”", "beta": "4.0000000", "beta_source": "table3:氯",
         "beta_text": "表3 毒性气体“氯”", "ratio": "0.6000000", "weighted": "2.4000000"},
    ]
    assert (data["S"], data["R"], data["alpha"], data["level"], data["is_major"]) == (
        "1.2666667", "31.4666667", "2.0000000", 3, True)
    assert data["alpha_text"] == "厂区边界外500米范围内常住人口150人，100人及以上，α = 2"
    assert data["level_text"] == "R = 31.4666667，50 > R ≥ 10，为3级重大危险源"
    assert data["notes"] == ["S = Σ q/Q = 1.2666667，S ≥ 1，构成重大危险源",
                             "R = α × Σ βq/Q = 2 × 15.7333333 = 31.4666667"]
