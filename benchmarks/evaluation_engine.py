#!/usr/bin/env python
"""Benchmark: the 亩均论英雄 engine with jiangsu-6 on 100,000 and 1,000,000 synthetic enterprises.

    .venv/bin/python benchmarks/evaluation_engine.py [--sizes 100000,1000000] [--baseline-rows 100000] [--runs 3]

1. Generates, from a fixed seed, N enterprises: 30 % 规上, GB/T 4754 classes (utilities among
   them), production dates from 2010 on (some within the last two years), and the nine input
   values drawn log-normally, each missing for a few percent of the enterprises.
2. Times `engine.evaluate` with the jiangsu-6 preset for each size: the median of --runs runs
   after one warm-up. The data are numpy columns already; reading files is not counted.
3. Baseline, in the same run: the same evaluation written row by row in plain Python (loops over
   dicts for membership, 不定等 rules, benchmarks, scores, sorting and quotas) on the first
   --baseline-rows enterprises. The script checks that both give the same groups, grades,
   ranks and totals, and prints the ratio.
4. Targets: 1,000,000 enterprises in ≤ 2 s; the engine ≥ 20× the baseline.

No Django and no database: the engine is pure.
"""
import argparse
import os
import platform
import sys
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from common import timed as common_timed
from openpark.evaluation.engine import UNDETERMINED, UTILITY_DIVISIONS, Enterprises, evaluate
from openpark.evaluation.scheme import INPUT_FIELDS, parse, preset

SEED = 20261129
YEAR = 2021
TARGET_SECONDS = 2.0
TARGET_RATIO = 20.0
CLASSES = np.array(["3670", "3611", "3484", "3819", "2231", "2926", "3399", "3985", "4411", "4610"])
SCALES = {"land": 20, "tax": 100, "revenue": 1500, "value_added": 300, "energy": 80, "electricity": 60,
          "emissions": 3, "rd": 20, "employees": 40}


def generate(n: int) -> Enterprises:
    rng = np.random.default_rng(SEED)
    values = {}
    for name in INPUT_FIELDS:
        column = rng.lognormal(np.log(SCALES[name]), 1.0, n)
        column[rng.random(n) < (0.01 if name == "land" else 0.03)] = np.nan
        values[name] = column
    return Enterprises(
        code=np.char.add("91321282MA", np.char.zfill(np.arange(n).astype(str), 8)),
        above_scale=rng.random(n) < 0.3,
        industry=rng.choice(CLASSES, n),
        production_start=np.datetime64("2010-01-01") + rng.integers(0, 4300, n).astype("timedelta64[D]"),
        values=values,
    )


def rows_of(data: Enterprises, n: int) -> list[dict]:
    """The first n enterprises as plain dicts, as a row-by-row program would hold them."""
    rows = []
    for i in range(n):
        row = {"code": str(data.code[i]), "above_scale": bool(data.above_scale[i]), "industry": str(data.industry[i]),
               "production_start": data.production_start[i].astype(date)}
        row.update({name: (None if np.isnan(v) else float(v)) for name, v in ((f, data.values[f][i]) for f in INPUT_FIELDS)})
        rows.append(row)
    return rows


def subset(data: Enterprises, n: int) -> Enterprises:
    return Enterprises(code=data.code[:n], above_scale=data.above_scale[:n], industry=data.industry[:n],
                       production_start=data.production_start[:n],
                       values={name: column[:n] for name, column in data.values.items()})


# ---------------------------------------------------------------- the row-by-row baseline


def round_half_up(value) -> int:
    return int(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP))


def baseline(rows: list[dict], scheme, year: int) -> list[dict]:
    """jiangsu-6 (group averages, cap, floor, missing scores 0, quotas) one row at a time."""
    last_day = date(year - scheme.new_production_years, 12, 31)
    out = [{"group": "", "total": None, "rank": 0, "grade": ""} for _ in rows]
    taken = set()
    for spec in scheme.groups:
        members = []
        for index, row in enumerate(rows):
            if index in taken or row["above_scale"] != (spec.membership == "above_scale"):
                continue
            if spec.membership == "below_scale" and (row["land"] is None or row["land"] < spec.min_land):
                continue
            taken.add(index)
            out[index]["group"] = spec.key
            members.append(index)
        graded = []
        for index in members:
            row = rows[index]
            utility = row["industry"][:2] in UTILITY_DIVISIONS
            recent = row["production_start"] is not None and row["production_start"] > last_day
            if utility or recent:
                out[index]["grade"] = UNDETERMINED
            else:
                graded.append(index)
        totals = dict.fromkeys(members, 0.0)
        for indicator in spec.indicators:
            sum_numerator = sum_denominator = 0.0
            for index in graded:
                row = rows[index]
                if row[indicator.numerator] is not None and row[indicator.denominator] is not None:
                    sum_numerator += row[indicator.numerator]
                    sum_denominator += row[indicator.denominator]
            benchmark = indicator.k * sum_numerator / sum_denominator
            for index in members:
                row = rows[index]
                numerator, denominator = row[indicator.numerator], row[indicator.denominator]
                if numerator is None or denominator is None:
                    score = 0.0
                elif denominator == 0:
                    score = indicator.cap * indicator.weight if numerator > 0 else 0.0
                else:
                    ratio = numerator / denominator / benchmark
                    score = min(max(ratio, indicator.floor), indicator.cap) * indicator.weight
                totals[index] += score
        for index in members:
            out[index]["total"] = totals[index]

        def tie_break(index):
            row = rows[index]
            if row["tax"] is None or row["land"] is None or row["land"] == 0:
                return -float("inf") if row["tax"] is None or row["land"] is None else float("inf")
            return row["tax"] / row["land"]

        ordered = sorted(graded, key=lambda i: (-totals[i], -tie_break(i), rows[i]["code"]))
        n = len(ordered)
        ends = [round_half_up(n * Decimal("0.2")), round_half_up(n * Decimal("0.6")),
                n - round_half_up(n * Decimal("0.05")), n]
        for position, index in enumerate(ordered):
            out[index]["rank"] = position + 1
            out[index]["grade"] = next(grade for grade, end in zip("ABCD", ends) if position < end)
    return out


def same(results, expected: list[dict]) -> bool:
    for index, row in enumerate(expected):
        if (results.group[index], results.grade[index], int(results.rank[index])) != (row["group"], row["grade"], row["rank"]):
            return False
        total = results.total[index]
        if row["total"] is None:
            if not np.isnan(total):
                return False
        elif abs(total - row["total"]) > 1e-9 * max(1.0, abs(row["total"])):
            return False
    return True


# ---------------------------------------------------------------- main


def timed(function, runs: int) -> float:
    """The median of `runs` timings after a warm-up (benchmarks/common.py)."""
    return common_timed(function, runs)["median"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--baseline-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    scheme = parse(preset("jiangsu-6"))
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, {platform.platform()}")
    data = generate(max(sizes + [args.baseline_rows]))
    engine_seconds = {}
    for size in sizes:
        part = subset(data, size)
        engine_seconds[size] = timed(lambda part=part: evaluate(part, scheme, YEAR), args.runs)
        print(f"  engine, jiangsu-6: {size:>9,} enterprises {engine_seconds[size]:>8.3f} s "
              f"({size / engine_seconds[size]:,.0f} per second)")
    rows = rows_of(data, args.baseline_rows)
    started = time.perf_counter()
    expected = baseline(rows, scheme, YEAR)
    baseline_seconds = time.perf_counter() - started
    part = subset(data, args.baseline_rows)
    engine = timed(lambda part=part: evaluate(part, scheme, YEAR), args.runs)
    results = evaluate(part, scheme, YEAR)
    ratio = baseline_seconds / engine
    grades = {grade: int((results.grade == grade).sum()) for grade in ("A", "B", "C", "D", UNDETERMINED, "")}
    print(f"  baseline, row by row:  {args.baseline_rows:>9,} enterprises {baseline_seconds:>8.3f} s")
    print(f"  engine on the same:    {args.baseline_rows:>9,} enterprises {engine:>8.3f} s")
    print(f"  same groups, grades, ranks and totals as the baseline: {'yes' if same(results, expected) else 'NO'}")
    print(f"  grades: {grades}")
    print(f"  ratio engine / baseline: {ratio:.0f}×")
    largest = max(sizes)
    print(f"Targets: {largest:,} in ≤ {TARGET_SECONDS:g} s: "
          f"{'met' if largest >= 1_000_000 and engine_seconds[largest] <= TARGET_SECONDS else 'NOT met'} "
          f"({engine_seconds[largest]:.3f} s); ≥ {TARGET_RATIO:g}× the baseline: "
          f"{'met' if ratio >= TARGET_RATIO else 'NOT met'} ({ratio:.0f}×)")


if __name__ == "__main__":
    main()
