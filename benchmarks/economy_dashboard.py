#!/usr/bin/env python
"""Benchmark: the economic dashboard over 1,000,000 enterprise facts, on SQLite and on PostgreSQL.

    DEBUG=1 .venv/bin/python benchmarks/economy_dashboard.py [--enterprises 10000] [--loads 5]
        [--backends sqlite,postgresql] [--postgres postgres://postgres@127.0.0.1:5432/postgres]

For each database, in its own subprocess (so that each gets its own settings):

1. Generates, from a fixed seed, a park of N enterprises (zones, GB/T 4754 classes, six
   chain memberships, 规上 years, 高新 certificates) and their facts for two years: four monthly indicators
   (工业总产值, 营业收入, 实缴税收, 用电量), each with the twelve 1—N月累计 values and the annual
   value, and 高新技术产业产值 for the high-tech enterprises. With 10,000 enterprises that is
   1,047,500 fact rows. Loaded with the platform's bulk insert, timed but not counted below.
2. Times the dashboard, median of --loads runs after one warm-up, for four views of the last
   year: the default (annual, all enterprises, 同口径), 1—6月 of the 规上 enterprises, annual with
   each year's own set, 1—12月 of one zone. Each is timed twice: the figures alone (every query
   the dashboard runs: `services.dashboard`) and the whole page as a logged-in user gets it
   (form, queries and template, through Django's test client).
3. Baseline, in the same run: the same figures computed in Python over ORM objects (the facts of
   both years iterated as model instances, enterprises with their zone, chains and 规上 years),
   for the default view and the 规上 view. The script checks that both give the same figures.
4. Prints the figures, the ratio baseline / figures, and whether every page load is under 1 s.

Nothing touches the dev database: SQLite lives in a temporary directory, and PostgreSQL gets a
new database, dropped at the end. Query logging is off, as in production.
"""
import argparse
import json
import os
import platform
import random
import sys
import time
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from common import measure_on_a_throwaway_database, run_worker, setup_django, timed

SEED = 20261129
YEAR = 2022
TARGET_SECONDS = 1.0
OUTPUT = "gross_industrial_output"
MONTHLY = (OUTPUT, "main_business_revenue", "tax_paid", "electricity_consumption")
HIGH_TECH = "high_tech_output"
CHAINS = ("汽车配件", "工程机械", "电机电器", "新能源", "新材料", "智能制造")
SEASON = (0.065, 0.055, 0.085, 0.083, 0.085, 0.088, 0.083, 0.082, 0.088, 0.087, 0.092, 0.107)
CENT = Decimal("0.01")
VIEWS = {  # label: (month, scope kind, scope needs a zone, basis)
    "年度 · 全部企业 · 同口径": (None, "all", False, "same"),
    "1—6月 · 规上企业 · 同口径": (6, "above_scale", False, "same"),
    "年度 · 全部企业 · 各年自身范围": (None, "all", False, "own"),
    "1—12月 · 一个片区 · 同口径": (12, "zone", True, "same"),
}
BASELINE_VIEWS = ("年度 · 全部企业 · 同口径", "1—6月 · 规上企业 · 同口径")


# ---------------------------------------------------------------- the generated park


def load_park(enterprises: int) -> dict:
    """Insert the enterprises, their chains, years, certificates and facts; return the counts."""
    from openpark.core.bulk import insert_rows
    from openpark.core.uscc import with_check_digit
    from openpark.economy.models import Fact, Indicator
    from openpark.enterprises.models import (AboveScaleYear, Chain, ChainMembership, Enterprise, HighTechCertificate,
                                             Industry, Zone)

    rng = random.Random(SEED)
    zones = list(Zone.objects.values_list("pk", flat=True))
    classes = list(Industry.objects.filter(code__regex=r"^(1[3-9]|2\d|3\d|4[0-3])\d\d$").values_list("code", flat=True))
    ids = insert_rows(Enterprise, ["uscc", "name", "zone_id", "industry_id"], [
        (with_check_digit(f"91321282MA{n:07d}"), f"基准企业{n:05d}有限公司",
         rng.choice(zones) if rng.random() < 0.9 else None, rng.choice(classes))
        for n in range(enterprises)
    ])
    shipped = dict(Chain.objects.values_list("name", "pk"))
    missing = [name for name in CHAINS if name not in shipped]
    shipped.update(zip(missing, insert_rows(Chain, ["name"], [(name,) for name in missing])))
    chains = [shipped[name] for name in CHAINS]
    insert_rows(ChainMembership, ["enterprise_id", "chain_id"],
                [(e, rng.choice(chains)) for e in ids if rng.random() < 0.4])
    above = [e for e in ids if rng.random() < 0.3]
    insert_rows(AboveScaleYear, ["enterprise_id", "year"],
                [(e, y) for e in above for y in (YEAR - 1, YEAR) if rng.random() < 0.93])
    high_tech = set(rng.sample(ids, len(ids) // 20))
    insert_rows(HighTechCertificate, ["enterprise_id", "number", "issued_on"],
                [(e, f"GR{YEAR - 1}{i:08d}", date(YEAR - 1, 11, 30)) for i, e in enumerate(sorted(high_tech))])
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    rows = []
    for enterprise in ids:
        size = rng.lognormvariate(8, 1.2)
        for year in (YEAR - 1, YEAR):
            annual_output = size * (rng.uniform(1.0, 1.4) if year == YEAR else 1)
            codes = MONTHLY + ((HIGH_TECH,) if enterprise in high_tech else ())
            for code in codes:
                annual = annual_output * rng.uniform(0.05, 1.1) if code != MONTHLY[0] else annual_output
                rows += _year_of_facts(enterprise, indicators[code], year, annual)
    insert_rows(Fact, ["enterprise_id", "indicator_id", "year", "month", "value"], rows)
    return {"enterprises": len(ids), "facts": len(rows)}


def _year_of_facts(enterprise: int, indicator: int, year: int, annual: float) -> list[tuple]:
    """The twelve 1—N月累计 values and the annual one."""
    rows, running = [], 0.0
    for month, share in enumerate(SEASON, start=1):
        running += share
        value = annual if month == 12 else annual * running
        rows.append((enterprise, indicator, year, month, Decimal(value).quantize(CENT)))
    rows.append((enterprise, indicator, year, None, Decimal(annual).quantize(CENT)))
    return rows


def refresh_statistics() -> None:
    """What the database does by itself in production (autovacuum on PostgreSQL; on SQLite the
    platform runs PRAGMA optimize after loads): planner statistics for the new rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# ---------------------------------------------------------------- timing the dashboard


def view_arguments(label: str) -> tuple:
    from openpark.economy.models import Indicator
    from openpark.economy.services import Scope
    from openpark.enterprises.models import Zone

    month, kind, needs_zone, basis = VIEWS[label]
    scope = Scope(kind, str(Zone.objects.order_by("order").first().pk) if needs_zone else "")
    return YEAR, month, scope, basis, Indicator.objects.get(code=MONTHLY[0])


def page_query(label: str) -> dict:
    year, month, scope, basis, indicator = view_arguments(label)
    query = {"year": year, "scope": scope.kind, "basis": basis, "indicator": indicator.code}
    if month:
        query["month"] = month
    if scope.value:
        query["zone"] = scope.value
    return query



def time_views(loads: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    from openpark.core.models import User
    from openpark.core.roles import ROLES_BY_SLUG
    from openpark.economy import services
    from django.contrib.auth.models import Group

    user = User.objects.create(username="bench-economy")
    user.groups.set(Group.objects.filter(name=ROLES_BY_SLUG["economy"].name))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    results = {}
    for label in VIEWS:
        arguments = view_arguments(label)
        query = page_query(label)

        def page(query=query):
            response = client.get(reverse("economy:dashboard"), query)
            assert response.status_code == 200, response.status_code

        results[label] = {
            "figures": timed(lambda arguments=arguments: services.dashboard(*arguments), loads),
            "page": timed(page, loads),
        }
    return results


# ---------------------------------------------------------------- the baseline: Python over ORM objects


def baseline(label: str) -> dict:
    """The dashboard's figures for the view, computed in Python from model instances."""
    from openpark.economy import growth
    from openpark.economy.models import Fact, Indicator
    from openpark.enterprises.models import Enterprise, HighTechCertificate

    year, month, scope, basis, analysed = view_arguments(label)
    enterprises = {e.pk: e for e in Enterprise.objects.select_related("zone", "industry")
                   .prefetch_related("chain_memberships__chain", "above_scale_years")}
    above = {y: {e.pk for e in enterprises.values() if any(a.year == y for a in e.above_scale_years.all())}
             for y in (year - 1, year)}

    def in_scope(enterprise_id, scope_year):
        if scope.kind == "above_scale":
            return enterprise_id in above[scope_year]
        if scope.kind == "zone":
            return str(enterprises[enterprise_id].zone_id) == scope.value
        return enterprise_id in enterprises

    period = {}  # (enterprise, indicator, year) -> value of the period
    monthly = {}  # (enterprise, indicator, year, month) -> value, for the analysed indicator
    for fact in Fact.objects.filter(year__in=(year - 1, year)).iterator(chunk_size=5000):
        if fact.month == month:
            period[(fact.enterprise_id, fact.indicator_id, fact.year)] = fact.value
        if fact.indicator_id == analysed.pk and fact.month is not None:
            monthly[(fact.enterprise_id, fact.indicator_id, fact.year, fact.month)] = fact.value
    indicators = list(Indicator.objects.all())
    values, base_now, base_before, before_own = (defaultdict(Decimal) for _ in range(4))
    for (enterprise, indicator, fact_year), value in period.items():
        if fact_year == year and in_scope(enterprise, year):
            values[indicator] += value
            if (enterprise, indicator, year - 1) in period:
                base_now[indicator] += value
        elif fact_year == year - 1:
            if in_scope(enterprise, year) and (enterprise, indicator, year) in period:
                base_before[indicator] += value
            if in_scope(enterprise, year - 1):
                before_own[indicator] += value
    if basis == "own":
        base_now, base_before = values, before_own
    figures = {}
    for indicator in indicators:
        if indicator.pk in values:
            figures[indicator.code] = [str(values[indicator.pk]),
                                       _text(growth.growth_pct(base_now.get(indicator.pk), base_before.get(indicator.pk)))]
    series = _baseline_series(monthly, analysed.pk, year, basis, in_scope)
    share = growth.share_pct(
        sum((v for (e, i, y), v in period.items() if y == year and e in above[year] and i == _pk(indicators, HIGH_TECH)),
            Decimal(0)) or None,
        sum((v for (e, i, y), v in period.items() if y == year and e in above[year] and i == _pk(indicators, OUTPUT)),
            Decimal(0)) or None, 0)
    certified = {c.enterprise_id for c in HighTechCertificate.objects.all()
                 if year - HighTechCertificate.VALID_YEARS + 1 <= c.issued_on.year <= year}
    top = sorted(((v, enterprises[e].name, e) for (e, i, y), v in period.items()
                  if y == year and i == analysed.pk and in_scope(e, year)), key=lambda t: (-t[0], t[1]))[:20]
    breakdowns = {"zone": defaultdict(Decimal), "industry": defaultdict(Decimal), "chain": defaultdict(Decimal)}
    for (e, i, y), v in period.items():
        if y == year and i == analysed.pk and in_scope(e, year):
            enterprise = enterprises[e]
            breakdowns["zone"][enterprise.zone.name if enterprise.zone else "未填写"] += v
            breakdowns["industry"][enterprise.industry_id[:2] if enterprise.industry_id else "未填写"] += v
            for membership in enterprise.chain_memberships.all():
                breakdowns["chain"][membership.chain.name] += v
    return {
        "figures": figures, "series": series, "share": _text(share), "count": len(certified),
        "top": [[e, str(v)] for v, _, e in top],
        "breakdowns": {k: {name: str(total) for name, total in rows.items()} for k, rows in breakdowns.items()},
    }


def _pk(indicators, code):
    return next(i.pk for i in indicators if i.code == code)


def _baseline_series(monthly, indicator, year, basis, in_scope) -> dict:
    """1—N月累计 by month of this year and last, and the cumulative growth, in one pass."""
    from openpark.economy import growth

    now, before, both_now, both_before = ({} for _ in range(4))

    def add(sums, month, value):
        sums[month] = sums.get(month, Decimal(0)) + value

    for (enterprise, _, fact_year, month), value in monthly.items():
        if fact_year == year and in_scope(enterprise, year):
            add(now, month, value)
            if (enterprise, indicator, year - 1, month) in monthly:
                add(both_now, month, value)
        elif fact_year == year - 1:
            if in_scope(enterprise, year - 1):
                add(before, month, value)
            if in_scope(enterprise, year) and (enterprise, indicator, year, month) in monthly:
                add(both_before, month, value)
    if basis == "own":
        both_now, both_before = now, before
    return {
        month: [_text(now.get(month)), _text(before.get(month)),
                _text(growth.growth_pct(both_now.get(month), both_before.get(month)))]
        for month in range(1, 13) if month in now or month in before
    }


def platform_figures(label: str) -> dict:
    """The same figures from the platform's own dashboard computation, in the baseline's shape."""
    from openpark.economy import services

    board = services.dashboard(*view_arguments(label))
    series = board.series
    return {
        "figures": {f.indicator.code: [str(f.value), _text(f.growth_pct)] for f in board.figures if f.value is not None},
        "series": {m: [_text(v), _text(p), _text(g)]
                   for m, v, p, g in zip(series.months, series.values, series.previous, series.growth)},
        "share": _text(board.high_tech_share_pct), "count": board.high_tech_count,
        "top": [[f.enterprise_id, str(f.value)] for f in board.top],
        "breakdowns": {k: {_division(name): str(total) for name, total in rows} for k, rows in board.breakdowns.items()},
    }


def _division(name: str) -> str:
    """"36 汽车制造业" → "36", as the baseline keys industries by their division code."""
    head = name.split(" ", 1)[0]
    return head if head.isdigit() else name


def _text(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(CENT))


# ---------------------------------------------------------------- one database, in a subprocess


def measure(args, data_dir: str, database_url: str | None) -> None:
    setup_django(data_dir, database_url)
    from django.db import connection

    from openpark.core.context import acting_as

    with acting_as(source="benchmark"):
        started = time.perf_counter()
        counts = load_park(args.enterprises)
        refresh_statistics()
        load_seconds = time.perf_counter() - started
        print(f"  {connection.vendor}: {counts['facts']:,} facts loaded in {load_seconds:.1f} s", file=sys.stderr, flush=True)
        views = time_views(args.loads)
        base = {}
        for label in BASELINE_VIEWS if args.baseline else ():
            started = time.perf_counter()
            expected = baseline(label)
            seconds = time.perf_counter() - started
            base[label] = {"seconds": seconds, "same": expected == platform_figures(label)}
            if not base[label]["same"]:
                print(json.dumps({"baseline": expected, "platform": platform_figures(label)}, ensure_ascii=False),
                      file=sys.stderr)
    print(json.dumps({"vendor": connection.vendor, "version": _version(connection), **counts,
                      "load_seconds": load_seconds, "views": views, "baseline": base}, ensure_ascii=False))


def _version(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        return cursor.fetchone()[0]


# ---------------------------------------------------------------- main


def report(result: dict) -> bool:
    """Print one database's figures; whether every page load met the target."""
    print(f"\n{result['vendor']} {result['version']}: {result['enterprises']:,} enterprises, "
          f"{result['facts']:,} facts (loaded in {result['load_seconds']:.1f} s)")
    print(f"  {'figures':>9}{'page':>9}{'page max':>10}{'baseline':>10}{'ratio':>7}  view")
    met = True
    for label, times in result["views"].items():
        base = result["baseline"].get(label)
        ratio = f"{base['seconds'] / times['figures']['median']:.0f}×" if base else ""
        baseline_text = f"{base['seconds']:.2f}s" if base else ""
        print(f"  {times['figures']['median']:>8.3f}s{times['page']['median']:>8.3f}s{times['page']['max']:>9.3f}s"
              f"{baseline_text:>10}{ratio:>7}  {label}")
        met &= times["page"]["max"] < TARGET_SECONDS
    for label, base in result["baseline"].items():
        print(f"  same figures as the baseline ({label}): {'yes' if base['same'] else 'NO'}")
    return met and all(base["same"] for base in result["baseline"].values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=5, help="timed loads of each view (after one warm-up)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server to create the throw-away database on")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return measure_on_a_throwaway_database(measure, args)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}")
    arguments = ["--enterprises", str(args.enterprises), "--loads", str(args.loads), "--postgres", args.postgres,
                 *([] if args.baseline else ["--no-baseline"])]
    results = [run_worker(__file__, backend, arguments) for backend in args.backends.split(",")]
    met = all(report(result) for result in results)
    print(f"\nTarget: every dashboard page load under {TARGET_SECONDS:.0f} s, and the same figures as the "
          f"baseline: {'met' if met else 'NOT met'}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
