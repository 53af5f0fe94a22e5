"""What it would take an enterprise to reach the next class: the least extra tax, or the least
land released, found by re-running the engine on its group, so that the answer is exact for the
scheme in use, benchmarks moving with the enterprise's own figures included.

Pure, like the engine. Within a group the class only improves as tax rises (or land falls):
the enterprise's own ratios grow faster than the group averages they are measured against, so
a bisection finds the threshold. The answer is rounded up to the cent (0.01 万元) or to 0.01 亩,
so that applying it reaches the class.
"""
import math
from dataclasses import dataclass, replace

import numpy as np

from .engine import Enterprises, evaluate
from .scheme import Scheme

STEP = 0.01  # 0.01 万元 of tax; 0.01 亩 of land
CLASS_ORDER = ("D", "C", "B", "A")
MAX_DOUBLINGS = 40


@dataclass(frozen=True)
class NextClass:
    current: str
    target: str | None  # None: already in the best class, or not graded
    extra_tax: float | None  # 万元; None: tax alone cannot get there
    land_released: float | None  # 亩; None: releasing land alone cannot get there


def next_class(data: Enterprises, scheme: Scheme, year: int, index: int) -> NextClass:
    """The next class up for enterprise `index` and what either route would take."""
    results = evaluate(data, scheme, year)
    current = results.grade[index]
    if current not in CLASS_ORDER or current == CLASS_ORDER[-1]:
        return NextClass(current, None, None, None)
    target = CLASS_ORDER[CLASS_ORDER.index(current) + 1]
    members = np.flatnonzero(results.group == results.group[index])
    group = _subset(data, members)
    position = int(np.flatnonzero(members == index)[0])

    def reaches(field: str, value: float) -> bool:
        changed = _with_value(group, field, position, value)
        grade = evaluate(changed, scheme, year).grade[position]
        return grade in CLASS_ORDER and CLASS_ORDER.index(grade) >= CLASS_ORDER.index(target)

    tax = float(np.nan_to_num(group.values["tax"][position]))
    land = group.values["land"][position]
    extra = _least_increase(lambda delta: reaches("tax", tax + delta))
    released = None
    if np.isfinite(land) and land > 0:
        released = _least_release(lambda delta: reaches("land", land - delta), land, _minimum_land(scheme, results,
                                                                                                  index))
    return NextClass(current, target, extra, released)


def _subset(data: Enterprises, rows: np.ndarray) -> Enterprises:
    return Enterprises(
        code=data.code[rows], above_scale=data.above_scale[rows], industry=data.industry[rows],
        production_start=data.production_start[rows],
        values={name: column[rows].copy() for name, column in data.values.items()},
        flags={name: column[rows] for name, column in data.flags.items()},
        exempt=None if data.exempt is None else data.exempt[rows],
        exempt_reason=None if data.exempt_reason is None else data.exempt_reason[rows],
    )


def _with_value(data: Enterprises, field: str, position: int, value: float) -> Enterprises:
    column = data.values[field].copy()
    column[position] = value
    return replace(data, values={**data.values, field: column})


def _minimum_land(scheme: Scheme, results, index: int) -> float:
    """The land below which the enterprise would leave its group (规下 needs a minimum)."""
    spec = next(g for g in scheme.groups if g.key == results.group[index])
    return spec.min_land if spec.membership == "below_scale" else 0.0


def _least_increase(reaches) -> float | None:
    """The least multiple of STEP that reaches, found by doubling then bisecting; None if none does."""
    high = STEP
    for _ in range(MAX_DOUBLINGS):
        if reaches(high):
            break
        high *= 2
    else:
        return None
    return _bisect(reaches, 0.0, high)


def _least_release(reaches, land: float, minimum: float) -> float | None:
    """The least land to release (a multiple of STEP), keeping at least `minimum` and some land."""
    most = math.floor((land - max(minimum, STEP)) / STEP) * STEP
    if most <= 0 or not reaches(most):
        return None
    return _bisect(reaches, 0.0, most)


def _bisect(reaches, low: float, high: float) -> float:
    """The least multiple of STEP in (low, high] that reaches, given that `high` reaches."""
    low_steps, high_steps = math.floor(low / STEP + 1e-9), math.ceil(high / STEP - 1e-9)
    while high_steps - low_steps > 1:
        middle = (low_steps + high_steps) // 2
        if reaches(middle * STEP):
            high_steps = middle
        else:
            low_steps = middle
    return round(high_steps * STEP, 2)
