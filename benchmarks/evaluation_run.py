#!/usr/bin/env python
"""Benchmark: a complete 亩均 evaluation run in the platform on 100,000 enterprises, on SQLite.

    DEBUG=1 .venv/bin/python benchmarks/evaluation_run.py [--enterprises 100000]

1. Loads, from a fixed seed, N enterprises with their land (one parcel each, some let in part to
   a tenant), 规上 years for 30 %, high-tech certificates for 5 %, and the year's annual facts of
   the eight indicators the evaluation reads (实缴税收, 营业收入, 工业增加值, 综合能耗, 用电量,
   主要污染物排放量, R&D 经费, 年平均职工人数), some of them missing. Not timed.
2. Times a run with jiangsu-6 as the pages start it: `services.gather` (facts, land, 规上 and
   high-tech status into one result row per enterprise), then `services.compute` (the engine,
   and every result written back), each in its own transaction.
3. Prints the times and the grades, and whether the whole run met the target: under 60 s.

The database is a fresh SQLite file in a temporary directory (see common.py).
"""
import argparse
import os
import platform
import random
import shutil
import sqlite3
import tempfile
import time
from datetime import date
from decimal import Decimal

from common import setup_django

SEED = 20261129
YEAR = 2021
TARGET_SECONDS = 60.0
FACTS = {  # indicator: (median in its unit, share of enterprises that report it)
    "tax_paid": (60, 0.97), "main_business_revenue": (1500, 0.95), "industrial_value_added": (300, 0.35),
    "energy_consumption": (80, 0.35), "electricity_consumption": (60, 0.95), "pollutant_emissions": (3, 0.3),
    "rd_expenditure": (20, 0.3), "average_employees": (40, 0.35),
}
CLASSES = ("3670", "3611", "3484", "3819", "2231", "2926", "3399", "3985", "4411", "4610")


def load(enterprises: int) -> dict:
    from openpark.core.bulk import insert_rows
    from openpark.core.uscc import with_check_digit
    from openpark.economy.models import Fact, Indicator
    from openpark.enterprises.models import (
        AboveScaleYear, Enterprise, HighTechCertificate, LandParcel, ParcelUse, Zone,
    )

    rng = random.Random(SEED)
    zones = list(Zone.objects.values_list("pk", flat=True))
    ids = insert_rows(Enterprise, ["uscc", "name", "zone_id", "industry_id", "production_started_on"], [
        (with_check_digit(f"91321282MB{n:07d}"), f"评价企业{n:06d}有限公司", rng.choice(zones), rng.choice(CLASSES),
         date(rng.randint(2005, 2021), rng.randint(1, 12), 1))
        for n in range(enterprises)
    ])
    parcels = insert_rows(LandParcel, ["certificate_no", "area_mu", "holder_id", "acquired_on"], [
        (f"苏(2015)靖江市不动产权第{n:07d}号", Decimal(rng.lognormvariate(2.8, 0.8)).quantize(Decimal("0.01")), pk,
         date(2015, 1, 1))
        for n, pk in enumerate(ids)
    ])
    tenants = rng.sample(range(len(ids)), len(ids) // 20)
    insert_rows(ParcelUse, ["parcel_id", "enterprise_id", "area_mu", "started_on"], [
        (parcels[i], ids[(i + 1) % len(ids)], Decimal("1.00"), date(2018, 1, 1)) for i in tenants
    ])
    insert_rows(AboveScaleYear, ["enterprise_id", "year"], [(pk, YEAR) for pk in ids if rng.random() < 0.3])
    insert_rows(HighTechCertificate, ["enterprise_id", "number", "issued_on"], [
        (pk, f"GR2020{n:08d}", date(2020, 12, 1)) for n, pk in enumerate(ids) if rng.random() < 0.05
    ])
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    rows = [
        (pk, indicators[code], YEAR, None, Decimal(rng.lognormvariate(0, 1.0) * median).quantize(Decimal("0.01")))
        for pk in ids for code, (median, share) in FACTS.items() if rng.random() < share
    ]
    insert_rows(Fact, ["enterprise_id", "indicator_id", "year", "month", "value"], rows)
    return {"enterprises": len(ids), "facts": len(rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="openpark-bench-")
    try:
        setup_django(work)
        from openpark.core.context import acting_as
        from openpark.evaluation import services
        from openpark.evaluation.models import Result, Run, SchemeVersion

        print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, "
              f"{platform.platform()}")
        with acting_as(source="benchmark"):
            started = time.perf_counter()
            counts = load(args.enterprises)
            print(f"Loaded {counts['enterprises']:,} enterprises and {counts['facts']:,} facts "
                  f"in {time.perf_counter() - started:.1f} s (not counted)", flush=True)
            scheme = SchemeVersion.objects.get(name="jiangsu-6", version=1)
            run = Run.objects.create(year=YEAR, scheme=scheme, title="benchmark")
            started = time.perf_counter()
            gathered = services.gather(run)
            gather_seconds = time.perf_counter() - started
            started = time.perf_counter()
            grades = services.compute(run)
            compute_seconds = time.perf_counter() - started
        total = gather_seconds + compute_seconds
        stored = Result.objects.filter(run=run).exclude(total__isnull=True).count()
        print(f"  gather:  {gather_seconds:6.1f} s  ({gathered.enterprises:,} enterprises; missing "
              + ", ".join(f"{name} {count:,}" for name, count in gathered.missing.most_common()) + ")")
        print(f"  compute: {compute_seconds:6.1f} s  (grades {dict(sorted(grades.items()))}; {stored:,} results scored)")
        print(f"  run:     {total:6.1f} s  for {args.enterprises:,} enterprises")
        met = args.enterprises >= 100_000 and total < TARGET_SECONDS
        print(f"Target: 100,000 enterprises in < {TARGET_SECONDS:.0f} s: "
              f"{'met' if met else 'NOT met' if args.enterprises >= 100_000 else 'not judged'} ({total:.1f} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
