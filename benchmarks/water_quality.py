#!/usr/bin/env python
"""Benchmark: GB 3838-2002 grading of 100,000 and 1,000,000 synthetic water samples.

    .venv/bin/python benchmarks/water_quality.py [--sizes 100000,1000000] [--baseline-rows 20000] [--runs 3]

1. Generates, from a fixed seed, N samples with every parameter of GB 3838-2002 Table 1, each
   drawn log-normally: organics and nutrients around their class II limits times a pollution
   level of the sample, dissolved oxygen falling as that level rises, pH around 7.5, metals and
   other toxics mostly under their class I limits; every class occurs. 3 % of the values are
   missing and 5 % below the detection limit; 20 % of the samples come from lakes and reservoirs.
2. Times `water_quality.grade_table` (every parameter's class, the sample's class and the
   exceedance multiples) for each size, then the same with the texts a report shows (水质类别,
   水质状况 and 超标项目): the median of --runs runs after one warm-up. The data are numpy
   columns already: reading files is not counted.
3. Baseline, in the same run: the scalar path, `water_quality.assess`, one sample (a dict of
   values, "ND" written as labs write it) at a time, on the first --baseline-rows samples,
   extrapolated per sample. The script checks that both give the same classes and exceedance
   texts, and prints the ratio.
4. Targets: 1,000,000 samples graded, texts included, in ≤ 5 s; the vectorised path ≥ 20× the
   scalar one per sample.

No Django and no database: the grader is pure.
"""
import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from common import timed as common_timed
from openpark.environment import water_quality as wq

SEED = 20261201
TARGET_SECONDS = 5.0
TARGET_RATIO = 20.0


NUTRIENTS = ("permanganate_index", "cod", "bod5", "ammonia_nitrogen", "total_phosphorus", "total_nitrogen",
             "faecal_coliform")


def generate(n: int):
    """(columns, below-detection masks, lake mask) of n samples. Each sample has a pollution level
    shared by its organic and nutrient parameters (drawn around their class II limits), dissolved
    oxygen falling as it rises; metals and other toxics mostly well under their class I limits."""
    rng = np.random.default_rng(SEED)
    pollution = rng.lognormal(0.0, 0.7, n)
    columns, below = {}, {}
    for parameter in wq.PARAMETERS:
        if parameter.key == "ph":
            values = rng.normal(7.5, 0.5, n)
        elif parameter.key == "dissolved_oxygen":
            values = 9.0 / pollution * rng.lognormal(0.0, 0.2, n)
        elif parameter.key in NUTRIENTS:
            values = parameter.limits[1] * pollution * rng.lognormal(0.0, 0.3, n)
        else:
            values = parameter.limits[0] * 0.4 * rng.lognormal(0.0, 0.6, n)
        values[rng.random(n) < 0.03] = np.nan
        mask = np.zeros(n, dtype=bool)
        if parameter.key not in ("ph", "dissolved_oxygen"):
            mask = (rng.random(n) < 0.05) & ~np.isnan(values)
            values[mask] = np.nan
        columns[parameter.key] = values
        below[parameter.key] = mask
    return columns, below, rng.random(n) < 0.2


def rows_of(columns, below, lake, n: int) -> list[tuple[dict, str]]:
    """The first n samples as a row-by-row program holds them: dicts of values, "ND" below detection."""
    rows = []
    for i in range(n):
        values = {}
        for key, column in columns.items():
            if below[key][i]:
                values[key] = "ND"
            elif not np.isnan(column[i]):
                values[key] = float(column[i])
        rows.append((values, "湖库" if lake[i] else "河流"))
    return rows


def subset(columns, below, lake, n: int):
    return ({key: column[:n] for key, column in columns.items()}, {key: mask[:n] for key, mask in below.items()},
            lake[:n])


def grade_with_texts(columns, below, lake):
    table = wq.grade_table(columns, lake, below)
    return table, table.labels(), table.grades(), table.exceedance_texts()


def timed(function, runs: int) -> float:
    """The median of `runs` timings after a warm-up (benchmarks/common.py)."""
    return common_timed(function, runs)["median"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, {platform.platform()}")
    columns, below, lake = generate(max(sizes + [args.baseline_rows]))
    figures = {}
    for size in sizes:
        part = subset(columns, below, lake, size)
        classes = timed(lambda part=part: wq.grade_table(part[0], part[2], part[1]), args.runs)
        texts = timed(lambda part=part: grade_with_texts(*part), args.runs)
        figures[size] = texts
        print(f"  grade_table:            {size:>9,} samples {classes:>8.3f} s ({size / classes:,.0f} per second)")
        print(f"  grade_table with texts: {size:>9,} samples {texts:>8.3f} s ({size / texts:,.0f} per second)")
    n = args.baseline_rows
    rows = rows_of(columns, below, lake, n)
    started = time.perf_counter()
    expected = [wq.assess(values, kind) for values, kind in rows]
    baseline = time.perf_counter() - started
    part = subset(columns, below, lake, n)
    vectorised = timed(lambda: grade_with_texts(*part), args.runs)
    table, labels, grades, texts = grade_with_texts(*part)
    same = all(
        labels[i] == (item.water_class.label if item.water_class else "") and texts[i] == item.exceedance_text
        and all(int(table.classes[key][i]) == water_class for key, water_class in item.classes.items())
        for i, item in enumerate(expected))
    counts = {label: int((labels == label).sum()) for label in wq.CLASS_LABELS[1:]}
    print(f"  baseline, assess per sample: {n:>9,} samples {baseline:>8.3f} s ({baseline / n * 1e6:.1f} µs a sample)")
    print(f"  vectorised on the same:      {n:>9,} samples {vectorised:>8.3f} s ({vectorised / n * 1e6:.2f} µs a sample)")
    print(f"  same classes and exceedances as the baseline: {'yes' if same else 'NO'}")
    print(f"  classes of the first {n:,}: " + ", ".join(f"{label} {count:,}" for label, count in counts.items()))
    ratio = baseline / vectorised
    largest = max(sizes)
    print(f"  ratio vectorised / baseline (per sample): {ratio:.0f}×  (target ≥ {TARGET_RATIO:.0f}×)")
    print(f"  baseline extrapolated to {largest:,} samples: {baseline / n * largest:.0f} s, "
          f"{baseline / n * largest / figures[largest]:.0f}× the vectorised path with texts")
    met = figures[largest] <= TARGET_SECONDS and ratio >= TARGET_RATIO
    print(f"  {largest:,} samples with texts in {figures[largest]:.2f} s (target ≤ {TARGET_SECONDS:.0f} s): "
          f"{'targets met' if met else 'TARGET MISSED'}")


if __name__ == "__main__":
    main()
