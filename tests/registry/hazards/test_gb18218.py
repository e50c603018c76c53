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


# ---- issue 9 §5: defects found by an independent re-implementation ----------------------

def test_carbon_monoxide_is_table1_row_13_and_takes_its_table3_beta():
    # 煤气（CO，CO和H₂、CH₄的混合物等）covers CO: Q 20 t (not W2's 10 t), β 2 from Table 3
    assert gb18218.tables().find("一氧化碳").seq == 13
    step = grade([("一氧化碳", 20)], 0).chemicals[0]
    assert (step.Q, step.Q_source, step.beta, step.beta_source) == (
        20, "table1:13", 2, "table3:一氧化碳")
    town_gas = grade([("煤气", 40)], 100)  # S 2, R = 2 × 2 × 2 = 8
    assert (town_gas.chemicals[0].beta_source, town_gas.R, town_gas.level) == (
        "table3:一氧化碳", 8, 4)


@pytest.mark.parametrize(("name", "seq"), [
    ("天然气", 49), ("甲烷", 49), ("胂", 14), ("砷化三氢", 14), ("环氧氯丙烷", 21),
    ("3-氯-1,2-环氧丙烷", 21), ("一氧化碳", 13)])
def test_common_names_resolve(name, seq):
    assert gb18218.tables().find(name).seq == seq
    assert identify([(name, 1)]).chemicals[0].Q_source == f"table1:{seq}"


def test_aliases_are_split_on_the_standards_own_separator():
    assert gb18218.tables().row(14).aliases == ("砷化三氢", "胂")  # printed 砷化三氢、胂
    for row in gb18218.tables().table1:
        assert not any("、" in a or ";" in a for a in row.aliases), row.seq


def test_every_alias_names_its_own_row_unless_the_standard_shares_it():
    shared = {"硝化棉"}  # rows 37-42
    for row in gb18218.tables().table1:
        for alias in set(row.aliases) - shared:
            assert gb18218.tables().find(alias).seq == row.seq, alias


def test_a_table1_row_outside_1_85_is_an_error_naming_the_chemical():
    bad = Substance("某化学品", 86)
    for run in (lambda: identify([(bad, 1)]), lambda: grade([(bad, 1)], 0)):
        with pytest.raises(ValueError, match="“某化学品”.*表1序号86.*1–85"):
            run()


def test_grading_needs_the_exposed_population():
    with pytest.raises(ValueError, match="未填写厂外500米内常住人口"):
        grade([("氯", "62.5")], None)
    assert identify([("氯", "62.5")]).is_major is True
    small = grade([("氯", "1")], None)  # S < 1: no α is needed to say it is not major
    assert (small.is_major, small.alpha, small.R, small.level) == (False, None, None, None)


def test_both_reasons_are_given_when_beta_and_people_are_missing():
    with pytest.raises(ValueError) as caught:
        grade([("汽油", 400)], None)
    assert str(caught.value) == (
        "“汽油（乙醇汽油、甲醇汽油）”不在表3中且未给出危险性类别，无法确定校正系数β；"
        "未填写厂外500米内常住人口（0人也须填写），无法确定校正系数α")


def test_a_not_major_unit_needs_no_beta():
    result = grade([("汽油", 100)], 10)  # S 0.5: not graded, so its open class is no error
    assert (result.is_major, result.chemicals[0].beta, result.level) == (False, None, None)


@pytest.mark.parametrize(("rule", "source", "r", "level"), [
    ("largest", "table4:J3", 104, 1), ("lowest_q", "table4:W2", 78, 2)])
def test_beta_rule_for_several_classes_is_a_setting(settings, rule, source, r, level):
    # 甲醛 (Table 1, Q 5) is W2 (Q 10, β 1.5) and J3 (Q 50, β 2): 130 t, S 26, α 2
    settings.GB18218_BETA_RULE = rule
    result = grade([("甲醛", 130)], 100)
    assert (result.chemicals[0].beta_source, result.R, result.level) == (source, r, level)
    data = result.as_json()
    assert data["beta_rule"] == rule
    assert data["beta_rule_text"] in result.chemicals[0].beta_text


def test_an_unknown_beta_rule_is_refused(settings):
    settings.GB18218_BETA_RULE = "smallest"
    with pytest.raises(ValueError, match="GB18218_BETA_RULE"):
        grade([("甲醛", 130)], 100)


def test_settings_refuse_an_unknown_beta_rule_naming_the_key():
    import os
    import subprocess
    import sys

    env = {**os.environ, "GB18218_BETA_RULE": "smallest"}
    run = subprocess.run([sys.executable, "-c", "import geo.settings"], env=env,
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "GB18218_BETA_RULE: 'smallest' is not one of largest, lowest_q" in run.stderr
