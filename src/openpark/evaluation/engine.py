"""The 亩均论英雄 evaluation engine: a scheme applied to a table of enterprises, with numpy.

Pure: no Django, no database. Every step works on whole columns: group membership, 不定等
rules, each indicator's value, benchmark and score, bonus and penalty, ranks and classes. See
`scheme` for what a scheme can say, and `evaluate` for the order of the rules.
"""
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from openpark.core.codes import normalise_industry_code

from .scheme import INPUT_FIELDS, Indicator, Items, Scheme

UNDETERMINED = "不定等"
UTILITY_DIVISIONS = ("44", "45", "46")  # GB/T 4754-2017 section D: power, gas, water


@dataclass
class Enterprises:
    """The engine's input: one row per enterprise, as columns of equal length.

    `values` holds the INPUT_FIELDS as floats, NaN where missing; `flags` the bonus and penalty
    items (and anything else) as booleans; `exempt` and `exempt_reason` an exemption given with
    the data (a major project under construction, a relocation …).
    """

    code: np.ndarray
    above_scale: np.ndarray
    industry: np.ndarray
    production_start: np.ndarray  # datetime64[D], NaT where unknown
    values: dict[str, np.ndarray]
    flags: dict[str, np.ndarray] = field(default_factory=dict)
    exempt: np.ndarray | None = None
    exempt_reason: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.code)

    @classmethod
    def from_rows(cls, rows: list[dict]) -> "Enterprises":
        """From dicts with the keys code, above_scale, industry, production_start (a date),
        the INPUT_FIELDS, exempt, exempt_reason and any flags; absent keys are missing."""
        known = {"code", "above_scale", "industry", "production_start", "exempt", "exempt_reason", *INPUT_FIELDS}
        flag_names = sorted({key for row in rows for key in row} - known)
        return cls(
            code=np.array([str(r["code"]) for r in rows], dtype=str),
            above_scale=np.array([bool(r.get("above_scale")) for r in rows], dtype=bool),
            industry=industry_codes([r.get("industry") for r in rows]),
            production_start=np.array([r.get("production_start") for r in rows], dtype="datetime64[D]"),
            values={name: np.array([_number(r.get(name)) for r in rows], dtype=float) for name in INPUT_FIELDS},
            flags={name: np.array([bool(r.get(name)) for r in rows], dtype=bool) for name in flag_names},
            exempt=np.array([bool(r.get("exempt")) for r in rows], dtype=bool),
            exempt_reason=np.array([r.get("exempt_reason") or "" for r in rows], dtype=object),
        )


def industry_codes(values) -> np.ndarray:
    """Industry codes as the engine compares them: "D4610", "d 4610" and "４６１０" are "4610"."""
    return np.array([normalise_industry_code(value) for value in values], dtype=str)


def _number(value) -> float:
    return np.nan if value is None or value == "" else float(value)


@dataclass
class Results:
    """The engine's output, row for row with the input. Indicator values and scores are NaN
    where the enterprise's group has no such indicator; totals NaN for excluded enterprises;
    rank 0 where not ranked; grade "" where excluded."""

    group: np.ndarray
    values: dict[str, np.ndarray]
    scores: dict[str, np.ndarray]
    bonus: np.ndarray
    penalty: np.ndarray
    total: np.ndarray
    rank: np.ndarray
    grade: np.ndarray
    reason: np.ndarray
    benchmarks: dict[tuple[str, str], float] = field(default_factory=dict)  # (group, indicator) -> benchmark
    # (group, indicator) -> {industry division: benchmark}, for `industry_average` indicators
    industry_benchmarks: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)


class _Labels:
    """A column of texts kept as numbers while the engine works: comparing and assigning Python
    strings row by row is what would cost time on a million rows."""

    def __init__(self, n: int):
        self.ids = np.zeros(n, dtype=np.int32)
        self.texts = {"": 0}

    def id_of(self, text: str) -> int:
        return self.texts.setdefault(text, len(self.texts))

    def set(self, mask: np.ndarray, text: str, keep: bool = False) -> None:
        """Give `text` to the rows of `mask`; with `keep`, only to those that have none yet."""
        self.ids[mask & (self.ids == 0) if keep else mask] = self.id_of(text)

    def set_rows(self, rows, texts) -> None:
        """Give each of `rows` its own text, where it has none yet."""
        for row, text in zip(rows, texts):
            if self.ids[row] == 0:
                self.ids[row] = self.id_of(text)

    def column(self) -> np.ndarray:
        return np.array(list(self.texts), dtype=object)[self.ids]


def evaluate(data: Enterprises, scheme: Scheme, year: int) -> Results:
    """Score and classify every enterprise of `data` for `year` under `scheme`.

    1. Each enterprise joins the first group it qualifies for (规上, or 规下 with enough land);
       the others are excluded, with the reason.
    2. Among members, the 不定等 rules (named exemptions, exemptions in the data, utilities,
       recent production) set some aside: they are scored but neither ranked nor graded, and
       they do not count in any benchmark.
    3. Each indicator is scored per group; bonus and penalty items are added; the graded are
       ranked by total and classified.
    """
    n = len(data)
    data = replace(data, industry=industry_codes(data.industry))
    group, reason, grade = _Labels(n), _Labels(n), _Labels(n)
    results = Results(
        group=None, values={key: np.full(n, np.nan) for key in scheme.indicator_keys},
        scores={key: np.full(n, np.nan) for key in scheme.indicator_keys},
        bonus=np.full(n, np.nan), penalty=np.full(n, np.nan), total=np.full(n, np.nan),
        rank=np.zeros(n, dtype=np.int64), grade=None, reason=None,
    )
    members = _assign_groups(data, scheme, group, reason)
    in_a_group = group.ids != 0
    undetermined = _undetermined(data, scheme, year, reason, in_a_group)
    grade.set(undetermined, UNDETERMINED)
    bonus, penalty = _items(data, scheme.bonus), _items(data, scheme.penalty)
    for spec, member in zip(scheme.groups, members):
        rows = np.flatnonzero(member)
        graded = ~undetermined[rows]
        total = bonus[rows] - penalty[rows]
        for indicator in spec.indicators:
            values, scores, benchmark = _score(data, rows, indicator, graded, scheme.industry_digits)
            results.values[indicator.key][rows] = values
            results.scores[indicator.key][rows] = scores
            if isinstance(benchmark, dict):
                results.industry_benchmarks[(spec.key, indicator.key)] = benchmark
                benchmark = np.nan
            results.benchmarks[(spec.key, indicator.key)] = benchmark
            total += scores
        results.bonus[rows], results.penalty[rows], results.total[rows] = bonus[rows], penalty[rows], total
        _rank_and_grade(data, scheme, rows[graded], results, grade)
    results.group, results.reason, results.grade = group.column(), reason.column(), grade.column()
    return results


def _assign_groups(data: Enterprises, scheme: Scheme, group: _Labels, reason: _Labels) -> list[np.ndarray]:
    land = data.values["land"]
    taken = np.zeros(len(data), dtype=bool)
    members = []
    for spec in scheme.groups:
        candidates = data.above_scale if spec.membership == "above_scale" else ~data.above_scale
        member = candidates & ~taken
        if spec.membership == "below_scale":
            member &= land >= spec.min_land  # NaN compares False: no land, not a member
            reason.set(candidates & ~taken & np.isnan(land), "缺少用地面积，未纳入评价", keep=True)
            reason.set(candidates & ~taken & (land < spec.min_land),
                       f"{spec.label}企业用地不足 {spec.min_land:g} 亩，不纳入评价", keep=True)
        group.set(member, spec.key)
        taken |= member
        members.append(member)
    for membership, label in (("above_scale", "规上"), ("below_scale", "规下")):
        if not any(spec.membership == membership for spec in scheme.groups):
            is_kind = data.above_scale if membership == "above_scale" else ~data.above_scale
            reason.set(is_kind & ~taken, f"本方案不评价{label}企业", keep=True)
    return members


def _undetermined(data: Enterprises, scheme: Scheme, year: int, reason: _Labels, in_a_group: np.ndarray) -> np.ndarray:
    """Members set aside as 不定等, their reasons written; the first rule that applies gives the reason."""
    result = np.zeros(len(data), dtype=bool)
    if scheme.exemptions:
        named = np.flatnonzero(np.isin(data.code, list(scheme.exemptions)) & in_a_group)
        reason.set_rows(named, (scheme.exemptions[data.code[index]] for index in named))
        result[named] = True
    if data.exempt is not None:
        given = np.flatnonzero(data.exempt & in_a_group)
        texts = data.exempt_reason[given] if data.exempt_reason is not None else [""] * given.size
        reason.set_rows(given, (text or "列为不定等" for text in texts))
        result[given] = True
    if scheme.utilities_undetermined:
        utility = np.isin(data.industry.astype("U2"), UTILITY_DIVISIONS) & in_a_group
        reason.set(utility, "电力、燃气及水的生产和供应业（GB/T 4754 门类 D），不定等", keep=True)
        result |= utility
    if scheme.new_production_years is not None:
        last_day = np.datetime64(date(year - scheme.new_production_years, 12, 31), "D")
        recent = ~np.isnat(data.production_start) & (data.production_start > last_day) & in_a_group
        reason.set(recent, f"{last_day.astype(date):%Y年%m月%d日}后投产，投产未满 {scheme.new_production_years} 年，不定等",
                   keep=True)
        result |= recent
    return result


def _items(data: Enterprises, items: Items) -> np.ndarray:
    points = np.zeros(len(data))
    for item in items.items:
        flag = data.flags.get(item.flag)
        if flag is not None:
            points += np.where(flag, item.points, 0.0)
    return points if items.cap is None else np.minimum(points, items.cap)


def _score(data: Enterprises, rows: np.ndarray, indicator: Indicator, graded: np.ndarray, industry_digits: int):
    """(values, scores, benchmark) of one indicator for the group's `rows` (`graded` marks those
    ranked); the benchmark is {industry division: benchmark} for industry averages, NaN for min–max."""
    numerator, denominator = data.values[indicator.numerator][rows], data.values[indicator.denominator][rows]
    present = ~np.isnan(numerator) & ~np.isnan(denominator)
    defined = present & (denominator != 0)
    unbounded = present & (denominator == 0) & (numerator > 0)
    values = np.full(rows.size, np.nan)
    np.divide(numerator, denominator, out=values, where=defined)
    values[unbounded] = np.inf
    industry = data.industry[rows] if indicator.method == "industry_average" else None
    ratio, benchmark = _ratio(indicator, values, numerator, denominator, graded, defined, present, industry,
                              industry_digits)
    cap = indicator.cap if indicator.cap is not None else (1.0 if indicator.method == "minmax" else None)
    scores = np.clip(ratio, indicator.floor, np.inf if cap is None else cap) * indicator.weight
    if cap is not None:
        scores[unbounded] = cap * indicator.weight
    missing = np.isnan(scores)
    scores[missing] = _missing_score(indicator, scores, graded & ~missing)
    return values, scores, benchmark


def _ratio(indicator, values, numerator, denominator, graded, defined, present, industry, industry_digits):
    """The indicator's score as a fraction of its weight, before cap and floor; NaN where missing."""
    finite = defined & np.isfinite(values)
    method = indicator.method
    benchmark = np.nan
    if method == "minmax":
        pool = values[graded & finite]
        if not pool.size:
            return np.full(len(values), np.nan), benchmark
        low, high = pool.min(), pool.max()
        spread = (values - low if indicator.higher_is_better else high - values)
        position = np.divide(spread, high - low, out=np.ones_like(values), where=high > low)
        return np.where(finite, 0.2 + 0.8 * position, np.nan), benchmark
    if method == "fixed":
        benchmark = indicator.benchmark
        reference = benchmark
    elif method == "best":
        pool = values[graded & finite]
        benchmark = (pool.max() if indicator.higher_is_better else pool.min()) if pool.size else np.nan
        reference = benchmark
    elif method == "group_average":
        basis = graded & present
        total = denominator[basis].sum()
        benchmark = indicator.k * numerator[basis].sum() / total if total else np.nan
        reference = benchmark
    else:  # industry_average
        averages, divisions = _industry_averages(industry, numerator, denominator, graded & present, industry_digits)
        reference = indicator.k * averages
        benchmark = {division: indicator.k * float(average) for division, average in divisions.items()
                     if np.isfinite(average)}
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(finite & (reference != 0), values / reference, np.nan)
    return (share if indicator.higher_is_better else 2 - share), benchmark


def _industry_averages(industry, numerator, denominator, basis, digits) -> tuple[np.ndarray, dict]:
    """Per row, Σ numerator / Σ denominator over the basis rows of its industry (NaN without any);
    and the same by industry division."""
    divisions, inverse = np.unique(industry.astype(f"U{digits}"), return_inverse=True)
    sums_numerator = np.bincount(inverse[basis], weights=numerator[basis], minlength=len(divisions))
    sums_denominator = np.bincount(inverse[basis], weights=denominator[basis], minlength=len(divisions))
    with np.errstate(divide="ignore", invalid="ignore"):
        averages = np.where(sums_denominator != 0, sums_numerator / sums_denominator, np.nan)
    return averages[inverse], dict(zip(divisions.tolist(), averages.tolist()))


def _missing_score(indicator: Indicator, scores: np.ndarray, having: np.ndarray) -> float:
    if indicator.missing == "group_average":
        return float(scores[having].mean()) if having.any() else 0.0
    if indicator.missing == "penalty":
        return -indicator.missing_points
    return 0.0


def _rank_and_grade(data: Enterprises, scheme: Scheme, rows: np.ndarray, results: Results, grade: _Labels) -> None:
    """Rank the graded `rows` of a group: total descending, then the tie-break indicator's value
    descending, then the code ascending; then classify."""
    if not rows.size:
        return
    total = results.total[rows]
    tie_break = results.values[scheme.tie_break][rows]
    tie_break = np.where(np.isnan(tie_break), -np.inf, tie_break)
    order = _within_ties(np.argsort(-total), total, tie_break, data.code[rows])
    ranked = rows[order]
    results.rank[ranked] = np.arange(1, ranked.size + 1)
    if scheme.classification == "bands":
        for band_grade, mask in _banded(scheme, total):
            grade.ids[rows[mask]] = grade.id_of(band_grade)
        return
    grades = quota_grades(ranked.size, scheme.quotas)
    start = 0
    for letter, end in _runs(grades):
        grade.ids[ranked[start:end]] = grade.id_of(letter)
        start = end


def _within_ties(order: np.ndarray, total: np.ndarray, tie_break: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """`order` (by total) with each run of equal totals ordered by the tie-break value descending,
    then by code. Sorting every row by three keys would cost more than the whole evaluation;
    equal totals are few."""
    t = total[order]
    tied = t[1:] == t[:-1]
    if not tied.any():
        return order
    edges = np.diff(np.concatenate(([0], tied.astype(np.int8), [0])))
    order = order.copy()
    for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) + 1):
        run = order[start:end]
        order[start:end] = run[np.lexsort((codes[run], -tie_break[run]))]
    return order


def _runs(grades: np.ndarray):
    """(grade, end) of each run of equal grades."""
    if not grades.size:
        return
    changes = np.flatnonzero(grades[1:] != grades[:-1]) + 1
    for end in (*changes, grades.size):
        yield grades[end - 1], int(end)


def _banded(scheme: Scheme, total: np.ndarray):
    """(grade, mask of `total`) for each band: the first band whose minimum the total reaches."""
    left = np.ones(total.size, dtype=bool)
    for band in scheme.bands:
        mask = left if band.min_score is None else left & (total >= band.min_score)
        yield band.grade, mask
        left &= ~mask


def round_half_up(value) -> int:
    return int(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP))


def quota_grades(n: int, quotas: tuple[tuple[str, float], ...]) -> np.ndarray:
    """Grades of the positions 1 … n, best first: each class but the last two ends at
    round(n × the cumulative share); the second to last ends at n − round(n × the last share)."""
    grades = np.empty(n, dtype=object)
    shares = [Decimal(str(share)) for _, share in quotas]  # exact: 0.05 × 10 is 0.5, rounded up
    start, cumulative = 0, Decimal(0)
    for index, (grade, _) in enumerate(quotas):
        cumulative += shares[index]
        if index == len(quotas) - 1:
            end = n
        elif index == len(quotas) - 2:
            end = n - round_half_up(n * shares[-1])
        else:
            end = round_half_up(n * cumulative)
        end = max(start, min(n, end))
        grades[start:end] = grade
        start = end
    return grades
