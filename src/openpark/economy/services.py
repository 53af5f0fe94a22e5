"""Park figures for any period, computed from enterprise facts in the database.

Every figure is a sum over the enterprises in a scope (all, 规上 of the year, a zone, an
industry chain, an industry). Growth compares the same period of the previous year:

- 同口径 (`GrowthBasis.SAME_ENTERPRISES`, the default): both sums run over the enterprises in
  this year's scope that have a value in both years, so that enterprises entering or leaving the
  set do not count as growth;
- 各年自身范围 (`GrowthBasis.OWN_SETS`): this year's scope against last year's scope, each with
  all its values.

The sums are grouped aggregates in the database (one query per side, whatever the number of
enterprises); only the arithmetic of `growth` runs in Python.
"""
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Substr

from openpark.enterprises.chains import chain_names_by_enterprise, live_memberships
from openpark.enterprises.industry import industry_lookup
from openpark.enterprises.models import Enterprise, Industry

from . import growth
from .choices import Frequency, GrowthBasis, Reporters, ScopeKind
from .indicators import HIGH_TECH_OUTPUT, KEY_INDICATORS, OUTPUT, WAN_YUAN
from .models import CityFigure, Fact, Indicator

TOP_N = 20
SCOPES_WITH_VALUE = (ScopeKind.ZONE, ScopeKind.CHAIN, ScopeKind.INDUSTRY)


@dataclass(frozen=True)
class Scope:
    """Which enterprises a figure sums over; `value` is the zone id, chain id or industry code."""

    kind: str = ScopeKind.ALL
    value: str = ""

    @property
    def lacks_value(self) -> bool:
        """A zone, chain or industry scope without saying which one."""
        return self.kind in SCOPES_WITH_VALUE and not self.value

    def enterprises(self, year: int) -> QuerySet:
        """The enterprises of the scope in `year` (规上 depends on the year)."""
        queryset = Enterprise.objects.all()
        if self.kind == ScopeKind.ABOVE_SCALE:
            return queryset.above_scale_in(year)
        if self.kind == ScopeKind.ZONE:
            return queryset.filter(zone_id=self.value)
        if self.kind == ScopeKind.CHAIN:
            return queryset.filter(pk__in=self._chain_members())
        if self.kind == ScopeKind.INDUSTRY:
            return queryset.filter(**industry_lookup(self.value))
        return queryset

    def facts_filter(self, year: int) -> Q:
        """The same enterprises, as a condition on facts joined to their enterprise (which lets the
        database plan the breakdowns' joins better than a list of ids)."""
        condition = Q(enterprise__is_deleted=False)
        if self.kind == ScopeKind.ABOVE_SCALE:
            return condition & Q(enterprise__above_scale_years__year=year)
        if self.kind == ScopeKind.ZONE:
            return condition & Q(enterprise__zone_id=self.value)
        if self.kind == ScopeKind.CHAIN:
            return condition & Q(enterprise_id__in=self._chain_members())
        if self.kind == ScopeKind.INDUSTRY:
            return condition & Q(**industry_lookup(self.value, prefix="enterprise__"))
        return condition

    def _chain_members(self) -> QuerySet:
        """The chain's enterprises as a subquery (an enterprise at two links of it counts once)."""
        return live_memberships().filter(chain_id=self.value).values("enterprise_id")

    @property
    def by_year(self) -> bool:
        """Whether the scope's enterprises differ from year to year (规上 does)."""
        return self.kind == ScopeKind.ABOVE_SCALE

    def label(self) -> str:
        return str(ScopeKind(self.kind).label)


def month_lookup(month: int | None) -> dict:
    return {"month": month} if month else {"month__isnull": True}


def facts(year: int, month: int | None, scope: Scope, scope_year: int | None = None,
          every_month: bool = False) -> QuerySet:
    """Facts of one period (or, with `every_month`, of every month of the year) for the
    enterprises of `scope` in `scope_year` (default: `year`)."""
    period = {"month__isnull": False} if every_month else month_lookup(month)
    return Fact.objects.filter(scope.facts_filter(scope_year or year), year=year, **period)


def _sums(queryset: QuerySet, *keys: str) -> dict:
    """{key: sum of value}, to the cent (SQLite returns the sums with its own scale)."""
    rows = queryset.order_by().values(*keys).annotate(total=Sum("value")).values_list(*keys, "total")
    if len(keys) == 1:
        return {row[0]: _cents(row[1]) for row in rows}
    return {tuple(row[:-1]): _cents(row[-1]) for row in rows}


def _cents(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(growth.CENT)


@dataclass
class Comparison:
    """The sums of one period and of its base in the previous year, by key."""

    values: dict
    base_current: dict
    base_previous: dict
    previous: dict  # last year's sums over last year's scope

    def growth(self, key) -> Decimal | None:
        return growth.growth_pct(self.base_current.get(key), self.base_previous.get(key))


def compare(year: int, month: int | None, scope: Scope, basis: str, by_month: bool = False,
            indicators=None) -> Comparison:
    """Sums by indicator (and by month with `by_month`: every month of the year, 1—N月累计) of
    `year`, of last year, and the bases growth is computed on; of the given indicators only, if any.

    One scan of both years' facts: the database first sums each enterprise's value per key and
    year (at most one fact each), then sums those over the enterprises, counting in the 同口径
    bases only the enterprises with a value in both years.
    """
    keys = ["indicator_id", "month"] if by_month else ["indicator_id"]
    period = {"month__isnull": False} if by_month else month_lookup(month)
    this_scope = Q(enterprise_id__in=scope.enterprises(year).values("pk"))
    last_scope = Q(enterprise_id__in=scope.enterprises(year - 1).values("pk")) if scope.by_year else this_scope
    pairs = Fact.objects.filter(Q(year=year) | Q(year=year - 1), **period)
    if indicators is not None:
        pairs = pairs.filter(indicator__in=indicators)
    pairs = pairs.filter(this_scope | last_scope) if scope.by_year else pairs.filter(scope.facts_filter(year))
    pairs = pairs.order_by().values("enterprise_id", *keys).annotate(
        now=Sum("value", filter=Q(year=year) & this_scope if scope.by_year else Q(year=year)),
        before=Sum("value", filter=Q(year=year - 1) & this_scope if scope.by_year else Q(year=year - 1)),
        before_own=Sum("value", filter=Q(year=year - 1) & last_scope if scope.by_year else Q(year=year - 1)),
    )
    inner, params = pairs.query.sql_with_params()
    grouped = ", ".join(map(connection.ops.quote_name, keys))
    now, before, before_own = map(connection.ops.quote_name, ("now", "before", "before_own"))
    sql = (f"SELECT {grouped}, SUM({now}), SUM(CASE WHEN {before} IS NOT NULL THEN {now} END), "
           f"SUM(CASE WHEN {now} IS NOT NULL THEN {before} END), SUM({before_own}) "
           f"FROM ({inner}) pairs GROUP BY {grouped}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    width = len(keys)
    columns = [{}, {}, {}, {}]
    for row in rows:
        key = row[0] if width == 1 else tuple(row[:width])
        for sums, total in zip(columns, row[width:]):
            if total is not None:
                sums[key] = _cents(total)
    values, base_current, base_previous, previous = columns
    if basis == GrowthBasis.OWN_SETS:
        return Comparison(values, values, previous, previous)
    return Comparison(values, base_current, base_previous, previous)


@dataclass
class ParkFigure:
    indicator: Indicator
    value: Decimal | None
    growth_pct: Decimal | None
    status: str = ""
    city_value: Decimal | None = None
    city_share_pct: Decimal | None = None

    @property
    def value_yi(self) -> Decimal | None:
        return growth.to_yi(self.value) if self.indicator.unit == WAN_YUAN else None


def park_figures(year: int, month: int | None = None, scope: Scope = Scope(),
                 basis: str = GrowthBasis.SAME_ENTERPRISES) -> list[ParkFigure]:
    """Each indicator's park figure for the period, with growth, threshold status and city share."""
    comparison = compare(year, month, scope, basis)
    cities = dict(CityFigure.objects.filter(year=year, **month_lookup(month)).values_list("indicator_id", "value"))
    figures = []
    for indicator in Indicator.objects.all():
        value = comparison.values.get(indicator.pk)
        change = comparison.growth(indicator.pk)
        city = cities.get(indicator.pk)
        figures.append(ParkFigure(
            indicator, value, change,
            growth.status(change, indicator.alarm_threshold, indicator.excellent_threshold, indicator.higher_is_better),
            city, growth.share_pct(value, city),
        ))
    return figures


def high_tech_share_pct(year: int, month: int | None = None, places: int = 2) -> Decimal | None:
    """高新技术产业产值 as a percentage of the 工业总产值 of the year's 规上 enterprises."""
    sums = _sums(facts(year, month, Scope(ScopeKind.ABOVE_SCALE)).filter(
        indicator__code__in=[OUTPUT, HIGH_TECH_OUTPUT]), "indicator__code")
    return growth.share_pct(sums.get(HIGH_TECH_OUTPUT), sums.get(OUTPUT), places)


def high_tech_enterprise_count(year: int) -> int:
    """National high-tech enterprises in the year: holders of a certificate valid in it."""
    return Enterprise.objects.high_tech_in(year).count()


@dataclass
class MonthlySeries:
    indicator: Indicator
    months: list[int] = field(default_factory=list)
    values: list[Decimal | None] = field(default_factory=list)
    previous: list[Decimal | None] = field(default_factory=list)
    growth: list[Decimal | None] = field(default_factory=list)


def monthly_series(year: int, scope: Scope = Scope(), basis: str = GrowthBasis.SAME_ENTERPRISES,
                   indicators=None) -> list[MonthlySeries]:
    """1—N月累计 of each month of the year, with last year's and the cumulative growth."""
    indicators = list(indicators if indicators is not None else Indicator.objects.all())
    comparison = compare(year, None, scope, basis, by_month=True, indicators=indicators)
    last_year = comparison.previous
    result = []
    for indicator in indicators:
        series = MonthlySeries(indicator)
        for month in range(1, 13):
            key = (indicator.pk, month)
            if key not in comparison.values and key not in last_year:
                continue
            series.months.append(month)
            series.values.append(comparison.values.get(key))
            series.previous.append(last_year.get(key))
            series.growth.append(comparison.growth(key))
        result.append(series)
    return result


def breakdown(indicator: Indicator, year: int, month: int | None, by: str, scope: Scope = Scope()) -> list[tuple[str, Decimal]]:
    """The indicator's figure split by zone, industry division (GB/T 4754 大类) or chain."""
    queryset = facts(year, month, scope).filter(indicator=indicator)
    if by == "zone":
        rows = _sums(queryset, "enterprise__zone__name")
    elif by == "chain":
        rows = _by_chain(_sums(queryset, "enterprise_id"), queryset.order_by().values("enterprise_id"))
    elif by == "industry":
        rows = _sums(queryset.annotate(division=Substr("enterprise__industry_id", 1, 2)), "division")
        names = dict(Industry.objects.filter(code__in=[k for k in rows if k]).values_list("code", "name"))
        rows = {(f"{code} {names.get(code, '')}".strip() if code else None): total for code, total in rows.items()}
    else:
        raise ValueError(f"unknown breakdown: {by}")
    return sorted(((name or "未填写", total) for name, total in rows.items()), key=lambda row: -row[1])


def _by_chain(by_enterprise: dict, enterprise_ids) -> dict:
    """Enterprise sums added up per chain: an enterprise counts once in each of its chains. Only
    the memberships of `enterprise_ids` (those summed, as a queryset) are read."""
    rows: dict[str, Decimal] = {}
    for enterprise_id, names in chain_names_by_enterprise(enterprise_ids).items():
        for name in names:
            if by_enterprise.get(enterprise_id) is not None:
                rows[name] = rows.get(name, Decimal(0)) + by_enterprise[enterprise_id]
    return rows


def top_enterprises(indicator: Indicator, year: int, month: int | None, scope: Scope = Scope(), limit: int = TOP_N):
    """The enterprises with the largest values of the indicator in the period."""
    return list(
        facts(year, month, scope).filter(indicator=indicator).select_related("enterprise")
        .order_by("-value", "enterprise__name")[:limit]
    )


def enterprise_history(enterprise: Enterprise) -> dict:
    """One enterprise's annual figures by indicator and year, with growth on the year before."""
    values = {}
    for indicator_id, year, value in Fact.objects.filter(enterprise=enterprise, month__isnull=True).values_list(
        "indicator_id", "year", "value"
    ):
        values[(indicator_id, year)] = value
    years = sorted({year for _, year in values})
    rows = []
    for indicator in Indicator.objects.filter(pk__in={i for i, _ in values}):
        cells = [(values.get((indicator.pk, y)), growth.growth_pct(values.get((indicator.pk, y)),
                                                                  values.get((indicator.pk, y - 1))))
                 for y in years]
        rows.append({"indicator": indicator, "cells": cells})
    return {"years": years, "rows": rows}


BREAKDOWNS = {"zone": "按片区", "industry": "按行业大类", "chain": "按产业链"}


@dataclass(frozen=True)
class Coverage:
    """How many of the enterprises expected to report an indicator for a period have reported it."""

    reported: int
    expected: int

    @property
    def text(self) -> str:
        return f"已报送 {self.reported:,}/{self.expected:,} 家"

    @property
    def complete(self) -> bool:
        return self.reported >= self.expected


REPORTED_MONTHS = {Frequency.MONTHLY: range(1, 13), Frequency.QUARTERLY: (3, 6, 9, 12), Frequency.ANNUAL: ()}


def coverage(year: int, month: int | None = None, scope: Scope = Scope()) -> dict[int, Coverage]:
    """{indicator id: coverage} for the period: of the scope's enterprises expected to report each
    indicator (`Indicator.reporters`: that year's 规上 enterprises, or all, registered by the end of
    the period), how many have a value. An indicator not reported for that month (an annual one
    for 1—6月) is left out. Three queries, whatever the number of enterprises."""
    end = date(year, month, monthrange(year, month)[1]) if month else date(year, 12, 31)
    registered = scope.enterprises(year).filter(Q(registered_on__isnull=True) | Q(registered_on__lte=end))
    expected = {Reporters.ALL: set(registered.values_list("pk", flat=True)),
                Reporters.ABOVE_SCALE: set(registered.above_scale_in(year).values_list("pk", flat=True))}
    reported: dict[int, set] = {}
    rows = Fact.objects.filter(year=year, **month_lookup(month), enterprise_id__in=expected[Reporters.ALL]) \
        .order_by().values_list("indicator_id", "enterprise_id").distinct()
    for indicator_id, enterprise_id in rows:
        reported.setdefault(indicator_id, set()).add(enterprise_id)
    result = {}
    for indicator in Indicator.objects.all():
        if month and month not in REPORTED_MONTHS.get(indicator.frequency, ()):
            continue
        due = expected.get(indicator.reporters, expected[Reporters.ABOVE_SCALE])
        result[indicator.pk] = Coverage(len(reported.get(indicator.pk, set()) & due), len(due))
    return result


@dataclass
class Dashboard:
    """Everything the economic dashboard shows for a period, a scope and one analysed indicator."""

    figures: list[ParkFigure]
    series: MonthlySeries | None
    high_tech_share_pct: Decimal | None
    high_tech_count: int
    top: list
    breakdowns: dict[str, list[tuple[str, Decimal]]]
    coverage: dict[int, Coverage] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[ParkFigure, Coverage | None]]:
        """Each figure with the coverage of its indicator, for the table of all indicators."""
        return [(f, self.coverage.get(f.indicator.pk)) for f in self.figures]

    @property
    def key_figures(self) -> list[ParkFigure]:
        by_code = {f.indicator.code: f for f in self.figures if f.value is not None}
        return [by_code[code] for code in KEY_INDICATORS if code in by_code]

    @property
    def alarms(self) -> list[ParkFigure]:
        return [f for f in self.figures if f.status == "alarm"]


def dashboard(year: int, month: int | None, scope: Scope, basis: str, indicator: Indicator | None) -> Dashboard:
    return Dashboard(
        figures=park_figures(year, month, scope, basis),
        series=monthly_series(year, scope, basis, [indicator])[0] if indicator else None,
        high_tech_share_pct=high_tech_share_pct(year, month),
        high_tech_count=high_tech_enterprise_count(year),
        top=top_enterprises(indicator, year, month, scope) if indicator else [],
        breakdowns={key: breakdown(indicator, year, month, key, scope) for key in BREAKDOWNS} if indicator else {},
        coverage=coverage(year, month, scope),
    )


def summary(year: int, month: int | None = None, scope: Scope = Scope(),
            basis: str = GrowthBasis.SAME_ENTERPRISES) -> dict:
    """The park's key figures as plain JSON values, keyed by indicator code."""
    result = {}
    for figure in park_figures(year, month, scope, basis):
        if figure.value is None:
            continue
        result[figure.indicator.code] = {
            "name": figure.indicator.name, "unit": figure.indicator.unit,
            "value": _number(figure.value), "growth_pct": _number(figure.growth_pct),
        }
    share = high_tech_share_pct(year, month, places=0)
    result["high_tech_output_share_pct"] = int(share) if share is not None else None
    result["high_tech_enterprises"] = high_tech_enterprise_count(year)
    return result


def _number(value: Decimal | None):
    return None if value is None else float(value.quantize(growth.CENT))
