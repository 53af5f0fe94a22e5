"""The fact sheet (企业指标数据): one row per enterprise and period, one column per indicator.

The columns follow the indicator definitions, so an indicator a park adds can be imported at
once, under its name or any of its other names. The period is chosen at upload or read from the
sheet (年份 and 月份, or 报告期). Importing a period replaces, for the enterprises and indicator
columns in the file, the values of that period: a new value is added, a different one changed,
a blank cell removes the value kept so far (soft deletion, recorded like every change).
"""
from dataclasses import dataclass, field
from itertools import groupby

from django.utils import timezone

from openpark.core import imports
from openpark.core.importing import CellError, ImportSpec
from openpark.enterprises.models import Enterprise

from .forms import FactImportOptionsForm
from .headers import INDICATOR_FIELD, USCC_COLUMN, fact_spec
from .models import SAME_FIGURE, Fact, Indicator, align_annual_and_december
from .periods import frequency_problem, parse_month, parse_period, parse_year, period_label

@dataclass
class FactPlan(imports.Plan):
    indicators: dict = field(default_factory=dict)  # column field -> Indicator, for the file's indicator columns


class FactImporter(imports.ModelImporter):
    """Each indicator cell of a row is one fact, matched to the stored fact of its enterprise,
    indicator and period; a blank cell deletes the stored one."""

    model = Fact
    key = ("enterprise", "indicator", "year", "month")
    plan_class = FactPlan
    count_unit = "个数值"
    options_form = FactImportOptionsForm
    notes = ("一张表可包含多个指标列，列名为指标名称或其“其他名称”，可带单位（如“营业收入（元）”会换算为万元）。"
             "月度数据为 1—N 月累计。重新导入某一期间，将以文件中的值替换这些企业该期间、文件所含指标的原值；"
             "单元格留空即删除原值（可在修改记录中查到并恢复）。")

    name = "economy.fact"
    title = "企业指标数据"

    @property
    def spec(self) -> ImportSpec:
        return fact_spec(Indicator.objects.order_by("order", "code"))

    def describe_options(self, options: dict) -> str:
        if options.get("year"):
            return f"数据期间：{period_label(options['year'], options.get('month'))}（导入时选择）"
        return "数据期间：按文件中的“年份”“月份”或“报告期”列"

    # Checking ------------------------------------------------------------------------------------

    def check(self, plan) -> list[CellError]:
        plan.indicators = self._indicators_in(plan.columns)
        errors = []
        if not plan.indicators and not any(e.row == 0 for e in plan.errors):
            names = "、".join(c.label for c in plan.spec.columns if c.field.startswith(INDICATOR_FIELD))
            errors.append(CellError("", 0, "", "", f"文件中没有可识别的指标列。可用的列名有：{names}"))
        errors += _unknown_enterprises(plan.rows)
        for row in plan.rows:
            errors += _period_errors(row, plan.indicators, plan.options)
        return errors + _annual_and_december_errors(plan.rows, plan.indicators)

    def write(self, plan) -> dict[str, int]:
        """Write the file's facts, then correct the annual or 1—12月累计 fact each written one must
        agree with (recorded, with the reason)."""
        counts = super().write(plan)
        written = [change.instance for change in plan.changes if change.saves_instance]
        changed, now = align_annual_and_december(written), timezone.now()
        for fact in changed:
            fact.updated_at = now
        imports.RelatedChanges(Fact, updates=changed, update_fields=("value", "updated_at"),
                               reason="随导入的数据同步更正（年度数据与 1—12 月累计数应一致）").write()
        return counts

    @staticmethod
    def _indicators_in(columns) -> dict[str, Indicator]:
        """Column field -> indicator, for the indicator columns the file has."""
        codes = {c.field.removeprefix(INDICATOR_FIELD): c.field for c in columns if c.field.startswith(INDICATOR_FIELD)}
        return {codes[i.code]: i for i in Indicator.objects.filter(code__in=codes)}

    def records(self, plan):
        """A fact per indicator cell; a blank cell asks for the stored fact to be deleted."""
        for row in plan.rows:
            enterprise, (year, month) = row.values["_enterprise"], row.values["_period"]
            for name, indicator in plan.indicators.items():
                value = row.values.get(name)
                yield imports.Record(row, {"enterprise": enterprise, "indicator": indicator, "year": year,
                                           "month": month, "value": value}, delete=value is None)

    def describe_key(self, plan, record) -> str:
        return f"同一企业同一期间（{period_label(record.values['year'], record.values['month'])}）"

    # Counting and showing ------------------------------------------------------------------------

    def counts(self, plan) -> dict[str, int]:
        return {**super().counts(plan), "enterprises": len({row.values["_enterprise"].pk for row in plan.rows})}

    def record_label(self, change) -> str:
        values = change.record.values
        return f"{values['enterprise'].name} {period_label(values['year'], values['month'])}"

    def field_label(self, plan, model_field, record) -> str:
        if model_field.name == "value":
            return _header(record.values["indicator"])
        return super().field_label(plan, model_field, record)

    def preview_headers(self, plan) -> list[str]:
        return [USCC_COLUMN.label, "企业名称", "期间", *(_header(i) for i in plan.indicators.values())]

    def preview_row(self, plan, row) -> list[str]:
        return [row.values["uscc"], row.values["_enterprise"].name, period_label(*row.values["_period"]),
                *(imports.display(row.values.get(name)) for name in plan.indicators)]

    def preview_summary(self, preview: dict) -> str:
        return f"共 {preview['total']} 行（{preview['enterprises']} 家企业），将{_effect(preview)}"

    def result_summary(self, counts: dict) -> str:
        return f"{counts['total']} 行（{counts['enterprises']} 家企业），已{_effect(counts)}"

    # Export --------------------------------------------------------------------------------------

    def export_rows(self, queryset, user=None):
        """One row per enterprise and period, the indicators side by side: the import layout."""
        facts = queryset.order_by("enterprise__uscc", "year", "month").values_list(
            "enterprise__uscc", "enterprise__name", "year", "month", "indicator__code", "value"
        )
        for (code, name, year, month), group in groupby(facts.iterator(chunk_size=5000), key=lambda f: f[:4]):
            row = {"uscc": code, "enterprise_name": name, "year": year, "month": month}
            row.update((f"{INDICATOR_FIELD}{f[4]}", f[5]) for f in group)
            yield row


def _unknown_enterprises(rows) -> list[CellError]:
    """Sets values["_enterprise"] to the enterprise (its code and name read); an error for each code
    that is not a park enterprise."""
    codes = list({row.values["uscc"] for row in rows})
    known, deleted = {}, set()
    for chunk in imports.chunks(codes):
        for enterprise in Enterprise.all_objects.filter(uscc__in=chunk).only("uscc", "name", "is_deleted"):
            if enterprise.is_deleted:
                deleted.add(enterprise.uscc)
            else:
                known[enterprise.uscc] = enterprise
    errors = []
    for row in rows:
        code = row.values["uscc"]
        if code in known:
            row.values["_enterprise"] = known[code]
            continue
        named = f"（{row.values['enterprise_name']}）" if row.values.get("enterprise_name") else ""
        reason = (f"企业{named}已从企业名录中删除，请先恢复该企业" if code in deleted else
                  f"园区企业中没有这个统一社会信用代码{named}，请先在企业名录中登记该企业，或改正代码")
        errors.append(CellError(row.sheet, row.row, USCC_COLUMN.label, code, reason))
    return errors


def _period_errors(row, indicators, options) -> list[CellError]:
    """Works out the row's period into values["_period"]; the errors of its period and of values the
    period cannot hold (a monthly value of an annual indicator)."""
    values, errors = row.values, []

    def fail(column, value, reason):
        errors.append(CellError(row.sheet, row.row, column, value, reason))

    period = _period_of(values, options, fail)
    if period is not None:
        values["_period"] = period
        for name, indicator in indicators.items():
            problem = frequency_problem(indicator.frequency, period[1], indicator.name)
            if problem and values.get(name) is not None:
                fail(_header(indicator), values[name], problem)
    return errors


def _annual_and_december_errors(rows, indicators) -> list[CellError]:
    """A file giving both an enterprise's annual figure and its 1—12月累计 of one year must give
    the same number."""
    seen, errors = {}, []
    for row in rows:
        period = row.values.get("_period")
        if period is None or period[1] not in SAME_FIGURE or "_enterprise" not in row.values:
            continue
        year, month = period
        for name, indicator in indicators.items():
            value = row.values.get(name)
            key = (row.values["_enterprise"].pk, indicator.pk, year)
            other = seen.get((*key, SAME_FIGURE[month]))
            if value is not None and other is not None and other[1] != value:
                errors.append(CellError(row.sheet, row.row, _header(indicator), value,
                                        f"与第 {other[0]} 行{period_label(year, SAME_FIGURE[month])}"
                                        f"的数值（{other[1]}）不一致：年度数据与 1—12 月累计数应相同"))
            if value is not None:
                seen[(*key, month)] = (row.row, value)
    return errors


def _header(indicator) -> str:
    return f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name


class _PeriodCellError(ValueError):
    def __init__(self, column: str, value, reason: str):
        super().__init__(reason)
        self.column, self.value = column, value


def _period_of(values, options, fail) -> tuple[int, int | None] | None:
    """The row's (year, month): from its own cells, else as chosen at upload; None after a failure."""
    try:
        written = _written_period(values)
    except _PeriodCellError as exc:
        fail(exc.column, exc.value, str(exc))
        return None
    chosen = (options["year"], options.get("month")) if options.get("year") else None
    if written is not None and chosen is not None and written != chosen:
        column = "报告期" if values.get("period") else "年份"
        fail(column, values.get("period") or values["year"],
             f"文件中的期间（{period_label(*written)}）与导入时选择的期间（{period_label(*chosen)}）不一致")
        return None
    if written is None and chosen is None:
        fail("", "", "未填写期间：请在导入时选择年份和月份，或在文件中提供“年份”“月份”或“报告期”列")
        return None
    return written or chosen


def _written_period(values) -> tuple[int, int | None] | None:
    if values.get("period"):
        return _parsed(parse_period, "报告期", values["period"])
    if values.get("year"):
        return _parsed(parse_year, "年份", values["year"]), _parsed(parse_month, "月份", values.get("month"))
    if values.get("month"):
        raise _PeriodCellError("月份", values["month"], "填写了月份，须同时填写年份")
    return None


def _parsed(parse, column: str, value):
    try:
        return parse(value)
    except ValueError as exc:
        raise _PeriodCellError(column, value, str(exc)) from None


def _effect(counts: dict) -> str:
    parts = [f"{verb} {counts.get(key, 0)} 个数值" for verb, key in (("新增", "create"), ("修改", "update"), ("删除", "delete"))]
    if counts.get("restore"):
        parts.insert(2, f"恢复 {counts['restore']} 个数值")
    deleted = "（文件中留空的原有数值）" if counts["delete"] else ""
    return f"{'、'.join(parts)}{deleted}，{counts['unchanged']} 个不变"


fact_importer = imports.register(FactImporter())
