"""The fact sheet (企业指标数据): one row per enterprise and period, one column per indicator.

The columns follow the indicator definitions, so an indicator a park adds can be imported at
once, under its name or any of its other names. The period is chosen at upload or read from the
sheet (年份 and 月份, or 报告期). Importing a period replaces, for the enterprises and indicator
columns in the file, the values of that period: a new value is added, a different one changed,
a blank cell removes the value kept so far (soft deletion, recorded like every change).
"""
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.utils import timezone

from openpark.core import bulk, imports, importing
from openpark.core.changes import record_bulk_changes, record_created, snapshot_texts
from openpark.core.choices import ChangeAction
from openpark.core.importing import CellError, ImportSpec
from openpark.enterprises.models import Enterprise

from .forms import FactImportOptionsForm
from .headers import INDICATOR_FIELD, USCC_COLUMN, fact_spec
from .models import Fact, Indicator
from .periods import frequency_problem, parse_month, parse_period, parse_year, period_label

@dataclass
class FactPlan(imports.Plan):
    indicators: dict = field(default_factory=dict)  # column field -> Indicator, for the file's indicator columns
    stored: dict = field(default_factory=dict)  # see _stored


@dataclass
class Changes:
    """What importing the file does to the stored facts."""

    creates: list[tuple] = field(default_factory=list)  # (enterprise, indicator, year, month, value)
    updates: dict[int, Decimal] = field(default_factory=dict)  # fact pk -> new value (restores included)
    deletes: list[int] = field(default_factory=list)
    unchanged: int = 0

    def counts(self, rows: int, enterprises: int) -> dict[str, int]:
        return {"total": rows, "enterprises": enterprises, "create": len(self.creates),
                "update": len(self.updates), "delete": len(self.deletes), "unchanged": self.unchanged}


class FactImporter(imports.ModelImporter):
    model = Fact
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

    def plan(self, data, filename, options=None) -> "FactPlan":
        spec = self.spec
        sheets = importing.read_workbook(data, filename)
        result = importing.parse_rows(sheets, spec, imports.column_map(options))
        indicators = self._indicators_in(result.columns)
        errors = list(result.errors)
        if not indicators and not any(e.row == 0 for e in errors):
            names = "、".join(c.label for c in spec.columns if c.field.startswith(INDICATOR_FIELD))
            errors.append(CellError("", 0, "", "", f"文件中没有可识别的指标列。可用的列名有：{names}"))
        errors += _unknown_enterprises(result.rows)
        for row in result.rows:
            errors += _period_errors(row, indicators, options or {})
        errors += _repeated_periods(result.rows)
        bad = {(e.sheet, e.row) for e in errors}
        rows = [row for row in result.rows if (row.sheet, row.row) not in bad]
        stored = _stored(rows, indicators) if not errors else {}
        return FactPlan(rows=rows, errors=errors, columns=result.columns, sheets=sheets, spec=spec,
                        unmatched=result.unmatched, mapped=imports.mapped_columns(result, options),
                        indicators=indicators, stored=stored)

    @staticmethod
    def _indicators_in(columns) -> dict[str, Indicator]:
        """Column field -> indicator, for the indicator columns the file has."""
        codes = {c.field.removeprefix(INDICATOR_FIELD): c.field for c in columns if c.field.startswith(INDICATOR_FIELD)}
        return {codes[i.code]: i for i in Indicator.objects.filter(code__in=codes)}

    @staticmethod
    def changes(plan: "FactPlan") -> Changes:
        changes = Changes()
        for row in plan.rows:
            enterprise, (year, month) = row.values["_enterprise"][0], row.values["_period"]
            for name, indicator in plan.indicators.items():
                value = row.values.get(name)
                pk, old, is_deleted = plan.stored.get((enterprise, indicator.pk, year, month), (None, None, True))
                if pk is None:
                    if value is not None:
                        changes.creates.append((enterprise, indicator.pk, year, month, value))
                elif value is None:
                    if not is_deleted:
                        changes.deletes.append(pk)
                elif is_deleted or value != old:
                    changes.updates[pk] = value
                else:
                    changes.unchanged += 1
        return changes

    def _counts(self, plan, changes: Changes) -> dict[str, int]:
        return changes.counts(len(plan.rows), len({row.values["_enterprise"][0] for row in plan.rows}))

    def preview(self, plan) -> dict:
        indicators = plan.indicators
        headers = [USCC_COLUMN.label, "企业名称", "期间", *(_header(i) for i in indicators.values())]
        rows = [
            [row.values["uscc"], row.values["_enterprise"][1], period_label(*row.values["_period"]),
             *(imports.display(row.values.get(name)) for name in indicators)]
            for row in plan.rows[:imports.PREVIEW_ROWS]
        ]
        return {"headers": headers, "rows": rows, **self._counts(plan, self.changes(plan)), **self.columns_preview(plan)}

    def preview_summary(self, preview: dict) -> str:
        return f"共 {preview['total']} 行（{preview['enterprises']} 家企业），将{_effect(preview)}"

    def result_summary(self, counts: dict) -> str:
        return f"{counts['total']} 行（{counts['enterprises']} 家企业），已{_effect(counts)}"

    # Writing -------------------------------------------------------------------------------------

    def write(self, plan) -> dict[str, int]:
        changes = self.changes(plan)
        created = [Fact(enterprise_id=e, indicator_id=i, year=y, month=m, value=v) for e, i, y, m, v in changes.creates]
        bulk.insert_instances(Fact, created)
        record_created(created)
        self._write_changed(changes)
        return self._counts(plan, changes)

    @staticmethod
    def _write_changed(changes: Changes) -> None:
        pks = [*changes.updates, *changes.deletes]
        facts = [fact for chunk in imports.chunks(pks) for fact in Fact.all_objects.filter(pk__in=chunk)]
        befores = snapshot_texts(facts)
        now = timezone.now()
        actions = []
        for fact in facts:
            if fact.pk in changes.updates:
                actions.append(ChangeAction.RESTORE if fact.is_deleted else ChangeAction.UPDATE)
                fact.value, fact.is_deleted, fact.deleted_at = changes.updates[fact.pk], False, None
            else:
                actions.append(ChangeAction.DELETE)
                fact.is_deleted, fact.deleted_at = True, now
            fact.updated_at = now
        Fact.all_objects.bulk_update(facts, ["value", "is_deleted", "deleted_at", "updated_at"],
                                     batch_size=imports.BATCH)
        record_bulk_changes(zip(facts, actions, befores, snapshot_texts(facts)))

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
    """Sets values["_enterprise"] to (id, name); an error for each code that is not a park enterprise."""
    codes = list({row.values["uscc"] for row in rows})
    known, deleted = {}, set()
    for chunk in imports.chunks(codes):
        found = Enterprise.all_objects.filter(uscc__in=chunk).values_list("pk", "uscc", "name", "is_deleted")
        for pk, code, name, is_deleted in found:
            if is_deleted:
                deleted.add(code)
            else:
                known[code] = (pk, name)
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


def _stored(rows, indicators) -> dict[tuple, tuple]:
    """(enterprise, indicator, year, month) -> (pk, value, is_deleted) of the stored facts of the file's periods."""
    wanted = {(row.values["_enterprise"][0], *row.values["_period"]) for row in rows}
    enterprises = sorted({key[0] for key in wanted})
    years = {key[1] for key in wanted}
    ids = [i.pk for i in indicators.values()]
    stored = {}
    for chunk in imports.chunks(enterprises):
        facts = Fact.all_objects.filter(enterprise_id__in=chunk, indicator_id__in=ids, year__in=years)
        for pk, enterprise, indicator, year, month, value, is_deleted in facts.values_list(
            "pk", "enterprise_id", "indicator_id", "year", "month", "value", "is_deleted"
        ):
            if (enterprise, year, month) in wanted:
                stored[(enterprise, indicator, year, month)] = (pk, value, is_deleted)
    return stored


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


def _repeated_periods(rows) -> list[CellError]:
    """An error for each row whose enterprise and period an earlier row already has."""
    first, errors = {}, []
    for row in rows:
        if "_enterprise" not in row.values or "_period" not in row.values:
            continue
        key = (row.values["_enterprise"][0], row.values["_period"])
        sheet, number = first.setdefault(key, (row.sheet, row.row))
        if (sheet, number) != (row.sheet, row.row):
            where = f"第 {number} 行" if sheet == row.sheet else f"工作表“{sheet}”第 {number} 行"
            errors.append(CellError(row.sheet, row.row, USCC_COLUMN.label, row.values["uscc"],
                                    f"同一企业同一期间（{period_label(*key[1])}）与{where}重复"))
    return errors


def _effect(counts: dict) -> str:
    parts = [f"{verb} {counts[key]} 个数值" for verb, key in (("新增", "create"), ("修改", "update"), ("删除", "delete"))]
    deleted = "（文件中留空的原有数值）" if counts["delete"] else ""
    return f"{'、'.join(parts)}{deleted}，{counts['unchanged']} 个不变"


fact_importer = imports.register(FactImporter())
