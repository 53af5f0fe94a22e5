"""Each shipped scheme on a small example computed by hand; the arithmetic is written out."""
from datetime import date

import pytest

from openpark.evaluation.engine import UNDETERMINED, Enterprises, evaluate
from openpark.evaluation.scheme import parse, preset

YEAR = 2021


def firm(code, above_scale=True, industry="3670", **values):
    return {"code": code, "above_scale": above_scale, "industry": industry, **values}


def run(name, rows, year=YEAR):
    return evaluate(Enterprises.from_rows(rows), parse(preset(name)), year)


def row_of(results, index):
    return {key: scores[index] for key, scores in results.scores.items()}


# Three graded 规上 enterprises, a 规上 utility (不定等), a 规上 newcomer (不定等), two 规下 with
# enough land, and one 规下 with too little.
ABOVE = [
    firm("A1", land=10, tax=100, revenue=1000, energy=50, emissions=2, value_added=300, employees=30, rd=30),
    firm("A2", land=20, tax=100, revenue=1500, energy=100, emissions=4, value_added=400, employees=50, rd=15),
    firm("A3", land=10, tax=40, revenue=500, energy=20, emissions=None, value_added=100, employees=20, rd=0),
    firm("U1", industry="4411", land=50, tax=900, revenue=9000, energy=10, emissions=1, value_added=900,
         employees=10, rd=0),
    firm("N1", production_start=date(2020, 3, 1), land=5, tax=500, revenue=900, energy=10, emissions=1,
         value_added=90, employees=9, rd=9),
]
BELOW = [
    firm("B1", above_scale=False, land=5, tax=20, revenue=200, electricity=40),
    firm("B2", above_scale=False, land=3, tax=3, revenue=60, electricity=10),
    firm("B3", above_scale=False, land=2.5, tax=50, revenue=500, electricity=5),
]


def test_jiangsu_6():
    results = run("jiangsu-6", ABOVE + BELOW)
    # 规上 benchmarks: Σ numerator / Σ denominator over A1–A3 (the utility and the newcomer are 不定等).
    tax_mu, revenue_mu = 240 / 40, 3000 / 40
    tax_energy, labour, rd = 240 / 170, 800 / 100, 45 / 3000
    tax_emission = 200 / 6  # A3 has no emissions: its tax does not count either
    a1 = row_of(results, 0)
    assert a1["tax_per_mu"] == pytest.approx(min(10 / tax_mu, 1.5) * 40)  # 10 / 6 = 1.67 → capped at 1.5
    assert a1["revenue_per_mu"] == pytest.approx(min(100 / revenue_mu, 1.5) * 20)
    assert a1["tax_per_energy"] == pytest.approx(min(2 / tax_energy, 1.5) * 10)
    assert a1["tax_per_emission"] == pytest.approx(min(50 / tax_emission, 1.5) * 10)
    assert a1["labour_productivity"] == pytest.approx(min(10 / labour, 1.5) * 10)
    assert a1["rd_ratio"] == pytest.approx(min(0.03 / rd, 1.5) * 10)
    assert results.total[0] == pytest.approx(sum(a1.values()))
    assert row_of(results, 1)["tax_per_emission"] == pytest.approx(25 / tax_emission * 10)  # 0.75 × 10
    a3 = row_of(results, 2)
    assert a3["tax_per_emission"] == 0  # missing: scores 0
    assert a3["rd_ratio"] == 0  # 0 / 500 is a value, and it scores 0
    assert a3["tax_per_mu"] == pytest.approx(4 / tax_mu * 40)
    assert list(results.rank[:3]) == [1, 2, 3]
    # n = 3: A round(0.6) = 1, B up to round(1.8) = 2, C up to 3 − round(0.15) = 3.
    assert list(results.grade[:3]) == ["A", "B", "C"]
    assert results.grade[3] == results.grade[4] == UNDETERMINED
    assert "门类 D" in results.reason[3] and "2019年12月31日后投产" in results.reason[4]
    assert results.rank[3] == results.rank[4] == 0
    # 规下: B1 and B2 (land ≥ 3); B3 is excluded.
    below_tax, below_revenue = 23 / 8, 260 / 8
    b2 = row_of(results, 6)
    assert b2["tax_per_mu"] == pytest.approx(min(1 / below_tax, 1.5) * 60)
    assert b2["revenue_per_mu"] == pytest.approx(min(20 / below_revenue, 1.5) * 40)
    assert list(results.group[5:]) == ["below", "below", ""]
    assert list(results.grade[5:7]) == ["B", "C"]  # n = 2: A round(0.4) = 0, B up to round(1.2) = 1
    assert results.grade[7] == "" and "不足 3 亩" in results.reason[7]
    assert results.benchmarks[("above", "tax_per_mu")] == pytest.approx(6)


def test_huangyan_2022():
    results = run("huangyan-2022", ABOVE + BELOW)
    a1 = row_of(results, 0)
    assert a1["tax_per_mu"] == pytest.approx(10 / 24.097 * 30)
    assert a1["value_added_per_mu"] == pytest.approx(30 / 136.16 * 20)
    assert a1["value_added_per_energy"] == pytest.approx(6 / 2.694 * 20)  # 2.23 × 20: no cap
    assert a1["value_added_per_emission"] == pytest.approx(150 / 4929.81 * 10)
    assert a1["labour_productivity"] == pytest.approx(10 / 18.14 * 10)
    assert a1["rd_ratio"] == pytest.approx(0.03 / 0.0302 * 10)  # a fraction, not a percent
    # A3 has no emissions: the average emission score of the 规上 enterprises that have it (A1, A2).
    average = (150 / 4929.81 * 10 + 100 / 4929.81 * 10) / 2
    assert row_of(results, 2)["value_added_per_emission"] == pytest.approx(average)
    b1 = row_of(results, 5)
    assert b1["tax_per_mu"] == pytest.approx(4 / 11.5932 * 50)
    assert b1["tax_per_electricity"] == pytest.approx(0.5 / 0.2352 * 50)
    assert results.total[5] == pytest.approx(4 / 11.5932 * 50 + 0.5 / 0.2352 * 50)


def test_huaian_2024():
    results = run("huaian-2024", ABOVE + BELOW)
    benchmark = 2 * 240 / 40  # 2 × the group's Σ tax / Σ land
    a1, a3 = row_of(results, 0), row_of(results, 2)
    assert a1["tax_per_mu"] == pytest.approx(min(10 / benchmark, 1) * 45)
    assert a1["revenue_per_mu"] == pytest.approx(min(100 / (2 * 3000 / 40), 1) * 35)
    assert a1["tax_per_energy"] == pytest.approx(min(2 / (2 * 240 / 170), 1) * 20)
    assert a3["tax_per_energy"] == pytest.approx(min(2 / (2 * 240 / 170), 1) * 20)
    b1 = row_of(results, 5)
    assert b1["tax_per_mu"] == pytest.approx(min(4 / (2 * 23 / 8), 1) * 45)
    assert set(results.scores) == {"tax_per_mu", "revenue_per_mu", "tax_per_energy"}


def test_zero_denominators_score_the_cap_or_count_as_missing():
    rows = [firm("Z1", land=10, tax=100, revenue=1000, energy=0, emissions=1, value_added=200, employees=10, rd=10),
            firm("Z2", land=10, tax=50, revenue=1000, energy=10, emissions=1, value_added=200, employees=10, rd=10)]
    capped = run("jiangsu-6", rows)
    assert capped.scores["tax_per_energy"][0] == 1.5 * 10  # positive tax, no energy: the cap
    uncapped = run("huangyan-2022", rows)
    assert uncapped.scores["value_added_per_energy"][0] == 0  # no cap: missing, scored 0
    assert capped.values["tax_per_energy"][0] == float("inf")
