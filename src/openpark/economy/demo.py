"""Demo data of the economy app: enterprise facts for 2020–2022, monthly (1—N月累计) and annual.

Generated deterministically so that the park figures of 2021, computed by `services` from these
enterprise-level values, are exactly the published ones (`chengnan-facts.yaml`, economy_2021):
each published total is spread over the enterprises that report it, and last year's values of
the enterprises present in both years are scaled so that the 同口径 growth is the published one.
Only 规上 enterprises report the statistics office's indicators; tax data (实缴税收, and 开票销售,
the 规下 enterprises' sales) and power data cover every
enterprise; fixed-asset investment covers 规上 enterprises and the utilities.
"""
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from openpark.core.bulk import insert_instances, insert_rows
from openpark.core.changes import record_bulk_changes, record_created
from openpark.core.choices import ChangeAction
from openpark.core.facts import park_facts
from openpark.core.units import WAN_PER_YI
from openpark.enterprises.models import AboveScaleYear, Enterprise

from .indicators import HIGH_TECH_OUTPUT, INVOICED_SALES, ship, ship_aliases, ship_reporters
from .models import CityFigure, Fact, Indicator
from .periods import period_label

SEED = 20220131
YEARS = (2020, 2021, 2022)
PUBLISHED_YEAR = 2021
CENT = Decimal("0.01")
# Share of a year's output made in each month (the Spring Festival falls in January–February).
SEASON = (0.065, 0.055, 0.085, 0.083, 0.085, 0.088, 0.083, 0.082, 0.088, 0.087, 0.092, 0.107)
# Indicators that follow 工业总产值 by a ratio drawn per enterprise: (code, low, high).
FOLLOW_OUTPUT = (
    ("industrial_value_added", 0.18, 0.32), ("energy_consumption", 0.02, 0.12),
    ("electricity_consumption", 0.004, 0.02), ("rd_expenditure", 0.01, 0.05),
    ("export_value", 0.0, 0.45), ("pollutant_emissions", 0.00002, 0.0002),
)


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def spread(rng: random.Random, keys: list, total: Decimal, weights: dict | None = None) -> dict:
    """`total` split over `keys` in cents, by the given weights or random ones; sums exactly."""
    if not keys:
        return {}
    weights = weights or {k: rng.lognormvariate(0, 0.9) for k in keys}
    scale = Decimal(total) / Decimal(sum(weights[k] for k in keys))
    values = {k: cents(Decimal(weights[k]) * scale) for k in keys}
    largest = max(keys, key=lambda k: values[k])
    values[largest] += Decimal(total) - sum(values.values())
    return values


def previous_year(rng: random.Random, current: dict, previous_keys: list, growth_pct: Decimal | None) -> dict:
    """Last year's values: for keys in both years, scaled so that their sum grows by exactly
    `growth_pct` (random growth when None); keys only in last year get values of their own."""
    both = [k for k in previous_keys if k in current]
    weights = {k: float(current[k]) / rng.uniform(0.85, 1.7) for k in both}
    if growth_pct is None:
        total = cents(sum(weights.values()))
    else:
        total = cents(sum(current[k] for k in both) / (1 + Decimal(growth_pct) / 100))
    values = spread(rng, both, total, weights)
    median = sorted(current.values())[len(current) // 2] if current else Decimal(100)
    values.update({k: cents(float(median) * rng.uniform(0.3, 1.5)) for k in previous_keys if k not in current})
    return values


def next_year(rng: random.Random, current: dict, next_keys: list) -> dict:
    median = sorted(current.values())[len(current) // 2] if current else Decimal(100)
    return {
        k: cents(float(current[k]) * rng.uniform(0.92, 1.3)) if k in current else cents(float(median) * rng.uniform(0.3, 1.2))
        for k in next_keys
    }


def yearly(rng, sets: dict[int, list], total_2021: Decimal, growth_2021: Decimal | None) -> dict[int, dict]:
    """Values of one indicator for 2020–2022 over each year's reporting set."""
    values = {PUBLISHED_YEAR: spread(rng, sets[PUBLISHED_YEAR], total_2021)}
    values[2020] = previous_year(rng, values[PUBLISHED_YEAR], sets[2020], growth_2021)
    values[2022] = next_year(rng, values[PUBLISHED_YEAR], sets[2022])
    return values


def cumulative(rng: random.Random, annual: Decimal, months: tuple[int, ...]) -> dict[int, Decimal]:
    """1—N月累计 values that end in December at the annual value."""
    weights = [w * rng.uniform(0.85, 1.15) for w in SEASON]
    total, running, result = sum(weights), 0.0, {}
    for month in range(1, 13):
        running += weights[month - 1]
        if month in months:
            result[month] = annual if month == 12 else cents(float(annual) * running / total)
    return result


class Generator:
    """All facts of the demo park, keyed by (enterprise code, indicator code, year) → annual value."""

    def __init__(self, enterprises: dict[str, Enterprise], above_scale: dict[int, list[str]]):
        self.rng = random.Random(SEED)
        self.enterprises = enterprises
        self.reporting = {y: sorted(above_scale.get(y, [])) for y in YEARS}
        self.values: dict[str, dict[int, dict]] = {}
        # (indicator, year, enterprise) of the values drawn by `_invoiced_sales_and_power`, whose
        # months are drawn apart from the others' (see `load`).
        self.added: set[tuple[str, int, str]] = set()

    def published(self, code: str) -> tuple[Decimal, Decimal | None]:
        figure = park_facts()["economy_2021"][code]
        growth = figure.get("growth_pct")
        return Decimal(str(figure["value"])) * WAN_PER_YI, Decimal(str(growth)) if growth is not None else None

    def generate(self) -> dict[str, dict[int, dict]]:
        for code in ("gross_industrial_output", "main_business_revenue", "profit"):
            self.values[code] = yearly(self.rng, self.reporting, *self.published(code))
        self._profit_and_tax()
        self._investment()
        self._high_tech_output()
        for code, low, high in FOLLOW_OUTPUT:
            self.values[code] = self._follow("gross_industrial_output", low, high)
        self.values["average_employees"] = {
            y: {k: Decimal(max(20, int(float(v) / self.rng.uniform(60, 160)))) for k, v in values.items()}
            for y, values in self.values["gross_industrial_output"].items()
        }
        self._tax_paid()
        self._invoiced_sales_and_power()
        return self.values

    def _follow(self, source: str, low: float, high: float) -> dict[int, dict]:
        ratio = {}
        result = defaultdict(dict)
        for year, values in self.values[source].items():
            for key, value in values.items():
                ratio.setdefault(key, self.rng.uniform(low, high))
                result[year][key] = cents(float(value) * ratio[key] * self.rng.uniform(0.95, 1.05))
        return dict(result)

    def _profit_and_tax(self) -> None:
        """利税 = 利润 + taxes: the taxes are spread so that both 利税 and its growth are as published."""
        total, growth = self.published("profit_and_tax")
        profit = self.values["profit"]
        taxes = {PUBLISHED_YEAR: spread(self.rng, self.reporting[PUBLISHED_YEAR], total - sum(profit[PUBLISHED_YEAR].values()))}
        both = [k for k in self.reporting[2020] if k in taxes[PUBLISHED_YEAR]]
        with_tax_2021 = sum(profit[PUBLISHED_YEAR][k] + taxes[PUBLISHED_YEAR][k] for k in both)
        taxes_2020 = cents(with_tax_2021 / (1 + growth / 100)) - sum(profit[2020][k] for k in both)
        taxes[2020] = spread(self.rng, both, taxes_2020, {k: float(taxes[PUBLISHED_YEAR][k]) for k in both})
        taxes[2022] = next_year(self.rng, taxes[PUBLISHED_YEAR], self.reporting[2022])
        self.values["taxes"] = taxes
        self.values["profit_and_tax"] = {
            y: {k: profit[y][k] + taxes[y].get(k, Decimal(0)) for k in profit[y]} for y in YEARS
        }

    def _investment(self) -> None:
        """固定资产投资 of 规上 enterprises and of those outside manufacturing (the utilities);
        制造业投资 is that of section C."""
        total, growth = self.published("fixed_asset_investment")
        manufacturing, _ = self.published("manufacturing_investment")
        outside = [k for k, e in self.enterprises.items() if e.industry and e.industry.section != "C"]
        sets = {y: sorted(set(self.reporting[y]) | set(outside)) for y in YEARS}
        is_manufacturing = {k: k not in outside for k in self.enterprises}
        current = {
            **spread(self.rng, [k for k in sets[PUBLISHED_YEAR] if is_manufacturing[k]], manufacturing),
            **spread(self.rng, [k for k in sets[PUBLISHED_YEAR] if not is_manufacturing[k]], total - manufacturing),
        }
        investment = {PUBLISHED_YEAR: current, 2020: previous_year(self.rng, current, sets[2020], growth),
                      2022: next_year(self.rng, current, sets[2022])}
        self.values["fixed_asset_investment"] = investment
        self.values["manufacturing_investment"] = {
            y: {k: v for k, v in values.items() if is_manufacturing[k]} for y, values in investment.items()
        }
        self.values["technical_renovation_investment"] = {
            y: {k: cents(float(v) * self.rng.uniform(0.1, 0.5)) for k, v in values.items() if is_manufacturing[k]}
            for y, values in investment.items()
        }

    def _high_tech_output(self) -> None:
        """高新技术产业产值: part of each enterprise's output, 59 % of the park's in 2021."""
        share = Decimal(park_facts()["economy_2021"]["high_tech_output_share_pct"]) / 100
        output = self.values["gross_industrial_output"]
        result = {}
        for year, values in output.items():
            weights = {k: float(v) * self.rng.uniform(0.25, 0.95) for k, v in values.items()}
            target = sum(values.values()) * share if year == PUBLISHED_YEAR else cents(sum(weights.values()))
            result[year] = spread(self.rng, list(values), cents(target), weights)
            assert all(result[year][k] <= values[k] for k in values), "high-tech output above output"
        self.values[HIGH_TECH_OUTPUT] = result

    def _tax_paid(self) -> None:
        """实缴税收 of every enterprise: the taxes of 规上 ones, a small amount for the others."""
        taxes = self.values.pop("taxes")
        result = defaultdict(dict)
        for year in YEARS:
            for key in self.enterprises:
                paid = taxes[year].get(key)
                result[year][key] = cents(float(paid) * self.rng.uniform(0.8, 1.0)) if paid else cents(self.rng.uniform(5, 300))
        self.values["tax_paid"] = dict(result)


    def _invoiced_sales_and_power(self) -> None:
        """开票销售 (the tax department's sales) of every enterprise: about its 营业收入 for 规上 ones,
        its tax over a tax burden of 3–9 % for the others; and the power of 规下 ones (规上 ones
        have theirs from their output). Drawn from a generator of their own, so that the figures
        drawn before stay as published."""
        rng = random.Random(SEED + 2)
        revenue, tax, power = (self.values[code] for code in ("main_business_revenue", "tax_paid",
                                                              "electricity_consumption"))
        sales = {}
        for year in YEARS:
            sales[year] = {}
            for key in sorted(tax[year]):
                if key in revenue[year]:
                    sales[year][key] = cents(float(revenue[year][key]) * rng.uniform(0.95, 1.05))
                else:
                    sales[year][key] = cents(float(tax[year][key]) / rng.uniform(0.03, 0.09))
                    power[year][key] = cents(float(sales[year][key]) * rng.uniform(0.004, 0.02))
                    self.added.add(("electricity_consumption", year, key))
                self.added.add((INVOICED_SALES, year, key))
        self.values[INVOICED_SALES] = sales


def months_of(frequency: str) -> tuple[int, ...]:
    if frequency == "monthly":
        return tuple(range(1, 13))
    if frequency == "quarterly":
        return (3, 6, 9, 12)
    return ()


def load(out) -> None:
    ship(Indicator)  # a flushed database (browser tests) has lost the migration's rows
    ship_aliases(Indicator)
    ship_reporters(Indicator)
    indicators = {i.code: i for i in Indicator.objects.all()}
    if Fact.all_objects.exists():
        out.write(f"经济指标数据：已有 {Fact.all_objects.count()} 条，未重复生成。")
        return
    enterprises = {e.uscc: e for e in Enterprise.objects.select_related("industry")}
    above_scale = defaultdict(list)
    for code, year in AboveScaleYear.objects.values_list("enterprise__uscc", "year"):
        above_scale[year].append(code)
    generator = Generator(enterprises, above_scale)
    values = generator.generate()
    rng, added_rng = random.Random(SEED + 1), random.Random(SEED + 3)
    rows, names = [], []  # (enterprise, indicator, year, month, value) and each fact's name
    for indicator_code in sorted(values):
        indicator = indicators[indicator_code]
        months = months_of(indicator.frequency)
        for year in YEARS:
            for key in sorted(values[indicator_code][year]):
                annual = values[indicator_code][year][key]
                enterprise = enterprises[key]
                registered = enterprise.registered_on
                if registered is not None and year < registered.year:
                    continue
                rows.append((enterprise.pk, indicator.pk, year, None, annual))
                names.append(f"{enterprise.name} {indicator.name} {period_label(year, None)}")
                # No month before the enterprise was registered (the months are drawn all the same).
                drawn = cumulative(added_rng if (indicator_code, year, key) in generator.added else rng, annual, months)
                for month, value in drawn.items():
                    if registered is None or (year, month) >= (registered.year, registered.month):
                        rows.append((enterprise.pk, indicator.pk, year, month, value))
                        names.append(f"{enterprise.name} {indicator.name} {period_label(year, month)}")
    _insert_facts(rows, names)
    city = _city_figures(indicators, values)
    out.write(f"经济指标数据：新建 {len(rows)} 条（{YEARS[0]}—{YEARS[-1]} 年，月度累计与年度）；全市参考值 {len(city)} 条。")


FACT_COLUMNS = ("enterprise_id", "indicator_id", "year", "month", "value")


@dataclass(frozen=True)
class _Written:
    """A fact as its change record names it, written without a model instance."""

    recorded_model: type
    pk: int
    text: str

    def __str__(self):
        return self.text


def _insert_facts(rows: list[tuple], names: list[str]) -> None:
    """Insert the facts as plain rows and record their creation in bulk, each record's values
    those a saved Fact gives (`changes.snapshot_texts`): 80,000 model instances, built and then
    read back field by field, took most of the demo's loading time."""
    now = timezone.now()
    keys = insert_rows(Fact, FACT_COLUMNS, rows, constants={"created_at": now, "updated_at": now})
    encoder = DjangoJSONEncoder()
    stored = {"created_at": encoder.default(now), "is_deleted": False, "deleted_at": None}  # one time, encoded once
    # (name, attname) of the recorded fields: a field added to Fact and not given here fails loudly.
    recorded = [(f.name, f.attname) for f in Fact._meta.concrete_fields if f.name not in Fact.change_log_exclude]
    encode = encoder.encode

    def after(key, row) -> str:
        values = {Fact._meta.pk.attname: key, **stored, **dict(zip(FACT_COLUMNS, row))}
        return encode({name: values[attname] for name, attname in recorded})

    record_bulk_changes((_Written(Fact, key, name[:200]), ChangeAction.CREATE, None, after(key, row))
                        for key, row, name in zip(keys, rows, names))


def _city_figures(indicators: dict, values: dict) -> list[CityFigure]:
    """The city's figures the park's share is read against: the park makes about one seventh of
    the city's industrial output and one tenth of its tax revenue."""
    shares = park_facts()["park"]["share_of_city"]
    figures = []
    for code, share in (("gross_industrial_output", shares["industrial_sales"]),
                        ("tax_paid", shares["general_budget_revenue"])):
        denominator = Decimal(str(share).split("/")[1])
        for year in YEARS:
            park = sum(values[code][year].values())
            figures.append(CityFigure(indicator=indicators[code], year=year, value=cents(park * denominator),
                                      note=f"演示数据：园区约占全市 {share}"))
    insert_instances(CityFigure, figures)
    record_created(figures)
    return figures
