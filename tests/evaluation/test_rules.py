"""Classification quotas and ties, the scoring methods, missing-data rules, exemptions, bonus and
penalty items, and the checks a scheme goes through."""
import copy

import numpy as np
import pytest

from openpark.evaluation.engine import UNDETERMINED, Enterprises, evaluate, quota_grades
from openpark.evaluation.scheme import SchemeError, parse, preset

QUOTAS = (("A", 0.2), ("B", 0.4), ("C", 0.35), ("D", 0.05))


@pytest.mark.parametrize("n, expected", [
    (1, "B"),  # A: round(0.2) = 0; B up to round(0.6) = 1
    (2, "BC"),  # B up to round(1.2) = 1; C up to 2 − round(0.1) = 2
    (3, "ABC"),  # A round(0.6) = 1; B up to round(1.8) = 2; C up to 3 − round(0.15) = 3
    (7, "ABBBCCC"),  # A round(1.4) = 1; B up to round(4.2) = 4; C up to 7 − round(0.35) = 7
    (10, "AABBBBCCCD"),  # D: round(0.5) = 1, half up
    (20, "AAAA" + "B" * 8 + "C" * 7 + "D"),  # A 4; B up to 12; C up to 20 − 1 = 19
])
def test_quotas_for_small_n(n, expected):
    assert "".join(quota_grades(n, QUOTAS)) == expected


def one_indicator_scheme(**indicator):
    """A scheme of one 规上 indicator, 亩均税收, with the given overrides."""
    return {
        "name": "test", "version": 1, "groups": [{"key": "above", "label": "规上", "membership": "above_scale",
            "indicators": [{"key": "tax_per_mu", "name": "亩均税收", "numerator": "tax", "denominator": "land",
                            "weight": 100, "method": {"kind": "fixed", "value": 10}, **indicator}]}],
        "undetermined": {"utilities": True, "new_production_years": 2},
    }


def evaluate_rows(scheme, rows, year=2021):
    return evaluate(Enterprises.from_rows(rows), parse(scheme), year)


def test_equal_totals_are_ordered_by_tax_per_mu_then_by_code():
    scheme = one_indicator_scheme(cap=1)  # everyone at or above 10 万元/亩 scores the full 100
    rows = [{"code": code, "above_scale": True, "land": 1, "tax": tax}
            for code, tax in (("C", 30), ("B", 30), ("A", 20), ("D", 50), ("E", 5))]
    results = evaluate_rows(scheme, rows)
    assert list(results.total) == [100, 100, 100, 100, 50]
    by_rank = [rows[i]["code"] for i in np.argsort(results.rank)]
    assert by_rank == ["D", "B", "C", "A", "E"]  # D (50), then B before C (30 each, by code), A (20)
    assert dict(zip(by_rank, results.grade[np.argsort(results.rank)])) == {
        "D": "A", "B": "B", "C": "B", "A": "C", "E": "C"}  # n = 5: A 1, B up to 3, C up to 5 − 0


def test_missing_data_rules():
    rows = [{"code": "X", "above_scale": True, "land": 10, "tax": 50},
            {"code": "Y", "above_scale": True, "land": 10, "tax": 150},
            {"code": "Z", "above_scale": True, "land": 10}]
    assert evaluate_rows(one_indicator_scheme(), rows).scores["tax_per_mu"][2] == 0
    average = evaluate_rows(one_indicator_scheme(missing={"rule": "group_average"}), rows)
    assert average.scores["tax_per_mu"][2] == pytest.approx((50 + 150) / 2)  # (0.5 + 1.5) × 100 / 2
    penalty = evaluate_rows(one_indicator_scheme(missing={"rule": "penalty", "points": 5}), rows)
    assert penalty.scores["tax_per_mu"][2] == -5


def test_floor_and_cap():
    rows = [{"code": "L", "above_scale": True, "land": 10, "tax": -30},  # a refund: negative tax
            {"code": "H", "above_scale": True, "land": 10, "tax": 400}]
    plain = evaluate_rows(one_indicator_scheme(), rows)
    assert list(plain.scores["tax_per_mu"]) == [0, 400]  # floor 0; no cap: 4 × 100
    bounded = evaluate_rows(one_indicator_scheme(cap=1.2, floor=0.3), rows)
    assert list(bounded.scores["tax_per_mu"]) == pytest.approx([30, 120])


def test_min_max_best_and_industry_average():
    rows = [{"code": c, "above_scale": True, "industry": ind, "land": 10, "tax": tax}
            for c, ind, tax in (("P", "3670", 20), ("Q", "3611", 60), ("R", "2231", 100))]
    minmax = evaluate_rows(one_indicator_scheme(method={"kind": "minmax"}), rows)
    # 20 + 80 × (x − 2) / (10 − 2) percent of the weight.
    assert list(minmax.scores["tax_per_mu"]) == pytest.approx([20, 20 + 80 * 4 / 8, 100])
    best = evaluate_rows(one_indicator_scheme(method={"kind": "best"}), rows)
    assert list(best.scores["tax_per_mu"]) == pytest.approx([20, 60, 100])  # x / 10 × 100
    lower = evaluate_rows(one_indicator_scheme(method={"kind": "best"}, direction="lower"), rows)
    assert list(lower.scores["tax_per_mu"]) == pytest.approx([100, 0, 0])  # (2 − x / 2) × 100, floor 0
    industry = evaluate_rows(one_indicator_scheme(method={"kind": "industry_average", "k": 1}, cap=2), rows)
    # Division 36 (P and Q): Σ tax 80 / Σ land 20 = 4; division 22 (R): 10.
    assert list(industry.scores["tax_per_mu"]) == pytest.approx([2 / 4 * 100, 6 / 4 * 100, 100])


def test_exemptions_bonus_penalty_and_bands():
    scheme = one_indicator_scheme(cap=2)
    scheme["undetermined"]["exemptions"] = [{"code": "S", "reason": "重大项目在建"}]
    scheme["bonus"] = {"cap": 4, "items": [{"flag": "high_tech", "label": "高新技术企业", "points": 3},
                                           {"flag": "brand", "label": "驰名商标", "points": 2}]}
    scheme["penalty"] = {"items": [{"flag": "accident", "label": "安全生产事故", "points": 10}]}
    scheme["classification"] = {"mode": "bands", "bands": [{"grade": "A", "min": 100}, {"grade": "B", "min": 60},
                                                           {"grade": "C"}]}
    rows = [
        {"code": "S", "above_scale": True, "land": 10, "tax": 100},
        {"code": "T", "above_scale": True, "land": 10, "tax": 99, "high_tech": True, "brand": True},
        {"code": "U", "above_scale": True, "land": 10, "tax": 65, "accident": True},
        {"code": "V", "above_scale": True, "land": 10, "tax": 30, "exempt": True, "exempt_reason": "整体搬迁中"},
    ]
    results = evaluate_rows(scheme, rows)
    assert list(results.bonus) == [0, 4, 0, 0]  # 3 + 2 capped at 4
    assert list(results.total) == pytest.approx([100, 99 + 4, 65 - 10, 30])
    assert list(results.grade) == [UNDETERMINED, "A", "C", UNDETERMINED]
    assert list(results.reason) == ["重大项目在建", "", "", "整体搬迁中"]
    assert list(results.rank) == [0, 1, 2, 0]


def test_undetermined_enterprises_do_not_move_the_benchmark():
    scheme = copy.deepcopy(one_indicator_scheme(method={"kind": "group_average", "k": 1}, cap=2))
    rows = [{"code": "G1", "above_scale": True, "land": 10, "tax": 100},
            {"code": "G2", "above_scale": True, "land": 10, "tax": 50},
            {"code": "W", "above_scale": True, "industry": "4610", "land": 1, "tax": 1000}]
    results = evaluate_rows(scheme, rows)
    assert results.benchmarks[("above", "tax_per_mu")] == pytest.approx(150 / 20)
    assert results.grade[2] == UNDETERMINED and results.scores["tax_per_mu"][2] == 200  # scored, capped, not graded


def test_schemes_are_checked_and_every_problem_named():
    assert parse(preset("jiangsu-6")).name == "jiangsu-6"
    broken = preset("jiangsu-6")
    group = broken["groups"][0]
    group["indicators"][0]["numerator"] = "profit"
    group["indicators"][1]["method"] = {"kind": "median"}
    group["indicators"][2]["weight"] = "十"
    broken["classification"]["quotas"] = {"A": 0.5, "B": 0.6}
    with pytest.raises(SchemeError) as error:
        parse(broken)
    message = str(error.value)
    for part in ("“numerator”只能是", "“kind”只能是 fixed、group_average", "“weight”应为数字", "各等级比例之和应为 1"):
        assert part in message, message
    with pytest.raises(SchemeError, match="没有名为“zhejiang”的预置方案"):
        preset("zhejiang")


@pytest.mark.parametrize("change, message", [
    (lambda s: s["groups"][0]["indicators"][0].update(weight=10**400), "“weight”应为绝对值不超过"),
    (lambda s: s["groups"][0]["indicators"][0].update(weight=float("nan")), "“weight”应为绝对值不超过"),
    (lambda s: s["groups"][0]["indicators"][0].update(cap=float("inf")), "“cap”应为绝对值不超过"),
    (lambda s: s.update(undetermined=[1]), "方案的“undetermined”应为对象"),
    (lambda s: s.update(classification="quota"), "方案的“classification”应为对象"),
    (lambda s: s.update(bonus=5), "方案的“bonus”应为对象"),
    (lambda s: s["groups"][0]["indicators"][0].update(method="fixed"), "的“method”应为对象"),
    (lambda s: s["undetermined"].update(new_production_years=10**9), "“new_production_years”不能大于 50"),
], ids=["400-digit weight", "NaN", "infinite cap", "undetermined", "classification", "bonus", "method", "years"])
def test_numbers_too_large_and_parts_of_the_wrong_shape_are_named(change, message):
    """Before: OverflowError (a 400-digit weight as a float), AttributeError (a list where an
    object belongs), or NaN accepted into the stored scheme."""
    scheme = preset("jiangsu-6")
    change(scheme)
    with pytest.raises(SchemeError, match=message):
        parse(scheme)
