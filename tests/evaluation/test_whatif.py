"""What it takes to reach the next class: applying the answer reaches it, a cent less does not."""
import numpy as np
import pytest

from openpark.evaluation.engine import Enterprises, evaluate
from openpark.evaluation.scheme import parse, preset
from openpark.evaluation.whatif import STEP, next_class

from .test_presets import ABOVE, BELOW, YEAR

SCHEMES = ["jiangsu-6", "huangyan-2022", "huaian-2024"]


def grade_with(rows, scheme, index, **change):
    changed = [dict(row) for row in rows]
    changed[index].update(change)
    return evaluate(Enterprises.from_rows(changed), scheme, YEAR).grade[index]


@pytest.mark.parametrize("name", SCHEMES)
@pytest.mark.parametrize("index", [1, 2, 6])  # a 规上 B, a 规上 C, a 规下 C
def test_applying_the_answer_reaches_the_next_class_exactly(name, index):
    scheme = parse(preset(name))
    rows = ABOVE + BELOW
    answer = next_class(Enterprises.from_rows(rows), scheme, YEAR, index)
    assert answer.current == grade_with(rows, scheme, index) and answer.target is not None
    tax, land = rows[index]["tax"], rows[index]["land"]
    assert answer.extra_tax is not None and answer.extra_tax > 0
    assert grade_with(rows, scheme, index, tax=tax + answer.extra_tax) == answer.target
    assert grade_with(rows, scheme, index, tax=tax + answer.extra_tax - STEP) == answer.current
    if answer.land_released is not None:
        assert grade_with(rows, scheme, index, land=land - answer.land_released) == answer.target
        assert grade_with(rows, scheme, index, land=land - answer.land_released + STEP) == answer.current


def test_the_best_and_the_ungraded_have_no_next_class():
    scheme = parse(preset("jiangsu-6"))
    data = Enterprises.from_rows(ABOVE + BELOW)
    top = int(np.flatnonzero(evaluate(data, scheme, YEAR).grade == "A")[0])
    assert next_class(data, scheme, YEAR, top).target is None
    assert next_class(data, scheme, YEAR, 3).current == "不定等" and next_class(data, scheme, YEAR, 3).target is None


def test_a_capped_scheme_may_not_be_reachable_by_land_alone():
    scheme = parse(preset("huaian-2024"))  # every score capped at the weight
    rows = [{"code": f"E{i}", "above_scale": True, "land": 10, "tax": tax, "revenue": 100 * (i + 1), "energy": 10}
            for i, tax in enumerate((10, 20, 30, 40, 50))]
    answer = next_class(Enterprises.from_rows(rows), scheme, YEAR, 0)
    assert answer.target == "B"
    assert grade_with(rows, scheme, 0, tax=10 + answer.extra_tax) == "B"
    # Releasing land keeps the land above 0 亩; whatever the answer, it must hold exactly.
    if answer.land_released is not None:
        assert 0 < answer.land_released < 10
        assert grade_with(rows, scheme, 0, land=10 - answer.land_released) == "B"
