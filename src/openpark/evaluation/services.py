"""Runs in the platform: gather each enterprise's inputs for the year, compute them with the
engine, adjust (定档调档), publish, and compare two runs.

Gathering and computing are bulk paths: columns are fetched with `values_list`, the engine works
on numpy columns, and the results go back with `insert_rows`, whatever the number of enterprises.
"""
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Sum, Value, When
from django.utils import timezone

from openpark.core import imports, progress
from openpark.core.bulk import insert_rows
from openpark.core.scoping import is_park_wide, scope_queryset
from openpark.economy.models import Fact
from openpark.enterprises.chains import chain_names_by_enterprise
from openpark.enterprises.choices import EnterpriseStatus
from openpark.enterprises.models import AboveScaleYear, Enterprise, Industry, industry_labels
from openpark.enterprises.services import land_areas

from . import report
from . import scheme as schemes
from .choices import GROUP_LABELS, DisposalState, Grade, Movement, RunState
from .engine import Enterprises, Results, evaluate
from .models import DisposalCase, DisposalProgress, GradePolicy, Result, Run

# The economic indicators each input comes from (annual values; 1—12月 where the annual is missing).
FACT_INPUTS = {
    "tax": "tax_paid", "revenue": "main_business_revenue", "value_added": "industrial_value_added",
    "energy": "energy_consumption", "electricity": "electricity_consumption", "emissions": "pollutant_emissions",
    "rd": "rd_expenditure", "employees": "average_employees",
}
# Inputs taken from another indicator where an enterprise lacks the first one: 规下 enterprises
# report no 营业收入 to the statistics office; their sales are the tax department's 开票销售.
FALLBACK_INPUTS = {"revenue": "invoiced_sales"}
INPUT_COLUMNS = ("above_scale", "industry_code", "production_started_on", *Result.INPUTS, "flags", "exempt",
                 "exempt_reason")
# Enterprises whose status sets them aside as 不定等 (evaluated, not graded), with the reason.
EXEMPT_STATUSES = {EnterpriseStatus.RELOCATED: "企业搬迁中，不定等"}
GRADE_ORDER = {Grade.A: 4, Grade.B: 3, Grade.C: 2, Grade.D: 1}


def ship_presets(model) -> int:
    """Create the shipped schemes that are missing (by name and version) with `model`."""
    have = set(model._default_manager.values_list("name", "version"))
    missing = []
    for name in schemes.PRESETS:
        data = schemes.preset(name)
        if (data["name"], data["version"]) not in have:
            missing.append(model(name=data["name"], version=data["version"], title=data["title"], definition=data,
                                 note=data.get("source", ""), shipped=True))
    model._default_manager.bulk_create(missing)
    return len(missing)


DEFAULT_POLICIES = {
    Grade.A: "优先保障用地、用能、排污权等要素；电价、水价、气价不实行差别化加价；城镇土地使用税按规定给予减免；"
             "优先推荐申报各级扶持资金和荣誉。",
    Grade.B: "正常保障用地、用能等要素；不实行差别化加价；鼓励通过技术改造、提质增效争创 A 类。",
    Grade.C: "适度控制新增要素供给；按规定实行差别化电价、水价；由挂钩部门帮扶制定提升计划。",
    Grade.D: "不得新增工业用地；实行差别化电价、水价、气价加价；纳入低效用地整治，可选择提升改造、"
             "兼并重组、退租还产或有序退出，园区提供退出帮扶。",
    Grade.UNDETERMINED: "本年度参评但不定等（公用事业、投产未满两年或列入名单的企业），不适用差别化政策。",
}


def ship_grade_policies(model) -> int:
    """Create the default policy text of each class that has none, with `model`."""
    have = set(model._default_manager.values_list("grade", flat=True))
    missing = [model(grade=grade, text=text) for grade, text in DEFAULT_POLICIES.items() if grade not in have]
    model._default_manager.bulk_create(missing)
    return len(missing)


# ---------------------------------------------------------------- gathering


@dataclass
class Gathered:
    enterprises: int
    missing: Counter  # input name -> enterprises lacking it


def gather(run: Run, user=None) -> Gathered:
    """Take each enterprise's inputs for the run's year from the platform, replacing what the
    run held; the run becomes 已采集数据."""
    Run.machine.check(run, "gather", user)
    scheme = run.scheme.parsed()
    rows = _inputs(run.year)
    needed = _needed_inputs(scheme)
    for row in rows:
        group = "above_scale" if row["above_scale"] else "below_scale"
        row["missing"] = [name for name in needed.get(group, ()) if row[name] is None]
    with transaction.atomic():
        Run.all_objects.select_for_update().filter(pk=run.pk).first()
        _clear(run)
        insert_rows(Result, ["run_id", "enterprise_id", *INPUT_COLUMNS, "missing"],
                    [(run.pk, row["enterprise_id"], *(row[c] for c in INPUT_COLUMNS), row["missing"]) for row in rows])
        missing = Counter(name for row in rows for name in row["missing"])
        summary = {"enterprises": len(rows), "missing": dict(missing)}
        Run.machine.apply(run, "gather", user, note=f"采集 {len(rows)} 家企业的数据", summary=summary)
    return Gathered(len(rows), missing)


def _needed_inputs(scheme: schemes.Scheme) -> dict[str, list[str]]:
    """Membership ("above_scale"/"below_scale") -> the inputs its group's indicators use, land first."""
    needed = {}
    for group in scheme.groups:
        names = ["land"] + [field for i in group.indicators for field in (i.numerator, i.denominator)]
        needed.setdefault(group.membership, list(dict.fromkeys(names)))
    return needed


def _inputs(year: int) -> list[dict]:
    """One dict per enterprise in the park that year (not 注销), with the engine's inputs."""
    enterprises = Enterprise.objects.exclude(status=EnterpriseStatus.DEREGISTERED).values_list(
        "pk", "industry_id", "production_started_on", "status")
    above = set(AboveScaleYear.objects.filter(year=year).values_list("enterprise_id", flat=True))
    flags = _flags(year)
    land = land_areas(year)
    facts = _fact_inputs(year)
    rows = []
    for pk, industry, started, status in enterprises:
        values = facts.get(pk, {})
        rows.append({
            "enterprise_id": pk, "above_scale": pk in above, "industry_code": industry or "",
            "production_started_on": started, "land": land.get(pk),
            **{name: values.get(name) for name in FACT_INPUTS},
            "flags": flags.get(pk, {}), "exempt": status in EXEMPT_STATUSES,
            "exempt_reason": EXEMPT_STATUSES.get(status, ""),
        })
    return rows


def _flags(year: int) -> dict[int, dict[str, bool]]:
    """The flags a scheme's bonus and penalty items can name: "high_tech" (a certificate valid in
    the year), "tag:<标签>" for each of the enterprise's tags (专精特新, 绿色工厂 …) and "chain:<产业链>"
    for each chain it is in."""
    flags: dict[int, dict[str, bool]] = {}
    for pk in Enterprise.objects.high_tech_in(year).values_list("pk", flat=True):
        flags.setdefault(pk, {})["high_tech"] = True
    for pk, name in Enterprise.tags.through.objects.filter(tag__is_deleted=False).values_list("enterprise_id",
                                                                                              "tag__name"):
        flags.setdefault(pk, {})[f"tag:{name}"] = True
    for pk, names in chain_names_by_enterprise().items():
        for name in names:
            # Chains were tags once: a scheme written then names the chain "tag:<产业链>".
            flags.setdefault(pk, {}).update({f"chain:{name}": True, f"tag:{name}": True})
    return flags


def _fact_inputs(year: int) -> dict[int, dict[str, Decimal]]:
    """{enterprise: {input: value}} from the year's annual facts, and 1—12月 where there is no annual
    value; then, for an input still missing, from its fallback indicator (`FALLBACK_INPUTS`)."""
    by_code = {code: name for name, code in FACT_INPUTS.items()}
    values: dict[int, dict[str, Decimal]] = {}
    facts = Fact.objects.filter(year=year, indicator__code__in=by_code).filter(month__isnull=True)
    for enterprise, code, value in facts.values_list("enterprise_id", "indicator__code", "value").iterator(2000):
        values.setdefault(enterprise, {})[by_code[code]] = value
    december = Fact.objects.filter(year=year, month=12, indicator__code__in=by_code)
    for enterprise, code, value in december.values_list("enterprise_id", "indicator__code", "value").iterator(2000):
        values.setdefault(enterprise, {}).setdefault(by_code[code], value)
    fallback = {code: name for name, code in FALLBACK_INPUTS.items()}
    # Annual values first, then 1—12月, as above; each only where the first indicator gave nothing.
    facts = Fact.objects.filter(year=year, indicator__code__in=fallback).filter(Q(month__isnull=True) | Q(month=12))
    for enterprise, code, value, _month in facts.values_list("enterprise_id", "indicator__code", "value", "month") \
            .order_by("enterprise_id", F("month").asc(nulls_first=True)).iterator(2000):
        values.setdefault(enterprise, {}).setdefault(fallback[code], value)
    return values


def _clear(run: Run) -> None:
    if run.is_published:
        raise ValidationError("已发布的评价批次不能重新采集或计算。")
    # Results are derived rows, rewritten whole by gathering and computing: one fast DELETE, no
    # per-row records (the run's state change records what was done; see Result.record_deletions).
    Result.objects.filter(run=run).delete()


# ---------------------------------------------------------------- computing


def compute(run: Run, user=None) -> dict:
    """Evaluate the gathered inputs with the run's scheme and store the results, keeping the
    manual adjustments made before; the run becomes 已计算. Returns the counts by grade."""
    if run.state == RunState.DRAFT:
        raise ValidationError("尚未采集数据，不能计算。")
    Run.machine.check(run, "compute", user)
    scheme = run.scheme.parsed()
    stored = list(Result.objects.filter(run=run).order_by("pk").values_list(
        "enterprise_id", "enterprise__uscc", *INPUT_COLUMNS, "missing", "grade", "computed_grade",
        "adjustment_reason"))
    if not stored:
        raise ValidationError("尚未采集数据，不能计算。")
    data = _engine_input(stored)
    results = evaluate(data, scheme, run.year)
    rows = _result_rows(run, stored, results, scheme)
    with transaction.atomic():
        Run.all_objects.select_for_update().filter(pk=run.pk).first()
        _clear(run)
        insert_rows(Result, RESULT_COLUMNS, rows)
        counts = dict(Counter(row[RESULT_COLUMNS.index("grade")] or "未纳入" for row in rows))
        summary = {**run.summary, "grades": counts, "benchmarks": _benchmarks(results)}
        Run.machine.apply(run, "compute", user, note=f"按方案计算：{counts_text(counts)}",
                          summary=summary)
    return counts


def _benchmarks(results: Results) -> dict:
    """The benchmarks the run scored against, for the reports: {group: {indicator: number}}, or
    {group: {indicator: {industry division: number}}} for industry averages; none for min–max."""
    stored: dict[str, dict] = {}
    for (group, key), value in results.benchmarks.items():
        if np.isfinite(value):
            stored.setdefault(group, {})[key] = float(value)
    for (group, key), divisions in results.industry_benchmarks.items():
        stored.setdefault(group, {})[key] = {division: float(value) for division, value in divisions.items()}
    return stored


def counts_text(counts: dict) -> str:
    """Grade counts in words, in the given order: "A 45，B 90，…"."""
    return "，".join(f"{grade} {count}" for grade, count in counts.items())


RESULT_COLUMNS = ["run_id", "enterprise_id", *INPUT_COLUMNS, "missing", "group", "values", "scores", "bonus",
                  "penalty", "total", "rank", "computed_grade", "grade", "reason", "adjustment_reason"]


def _engine_input(stored: list[tuple]) -> Enterprises:
    columns = list(zip(*stored))
    at = {name: index for index, name in enumerate(["enterprise_id", "uscc", *INPUT_COLUMNS])}
    flags = columns[at["flags"]]
    flag_names = sorted({name for row in flags for name in row})
    return Enterprises(
        code=np.array(columns[at["uscc"]], dtype=str),
        above_scale=np.array(columns[at["above_scale"]], dtype=bool),
        industry=np.array(columns[at["industry_code"]], dtype=str),
        production_start=np.array(columns[at["production_started_on"]], dtype="datetime64[D]"),
        values={name: np.array([np.nan if v is None else float(v) for v in columns[at[name]]])
                for name in Result.INPUTS},
        flags={name: np.array([bool(row.get(name)) for row in flags]) for name in flag_names},
        exempt=np.array(columns[at["exempt"]], dtype=bool),
        exempt_reason=np.array(columns[at["exempt_reason"]], dtype=object),
    )


def _result_rows(run: Run, stored: list[tuple], results: Results, scheme: schemes.Scheme) -> list[tuple]:
    keys = scheme.indicator_keys
    rows = []
    for index, row in enumerate(stored):
        enterprise, _code, *inputs = row[:2 + len(INPUT_COLUMNS)]
        missing, grade, computed_grade, adjustment = row[2 + len(INPUT_COLUMNS):]
        new_grade = results.grade[index]
        kept = adjustment and grade != computed_grade  # a manual class survives recomputing
        group = results.group[index]
        rows.append((
            run.pk, enterprise, *inputs, missing, group,
            {k: _json_number(results.values[k][index]) for k in keys if group and not np.isnan(results.values[k][index])},
            {k: _json_number(results.scores[k][index]) for k in keys if group and not np.isnan(results.scores[k][index])},
            _number(results.bonus[index]), _number(results.penalty[index]), _number(results.total[index]),
            int(results.rank[index]) or None, new_grade, grade if kept else new_grade, results.reason[index],
            adjustment if kept else "",
        ))
    return rows


def _number(value) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value


def _json_number(value) -> float | str:
    """A JSON-safe number: an unbounded value (zero denominator) is kept as the text "inf"."""
    value = float(value)
    return value if np.isfinite(value) else "inf"


# ---------------------------------------------------------------- adjusting, publishing, comparing


def adjust(result: Result, grade: str, reason: str) -> Result:
    """定档调档: give the result another class, with the reason; recorded in the change log."""
    reason = (reason or "").strip()
    if result.run.state != RunState.COMPUTED:
        raise ValidationError("只有已计算、未发布的评价批次可以调档。")
    if not result.group:
        raise ValidationError("未纳入评价的企业不能定档。")
    if grade not in Grade.values:
        raise ValidationError(f"等级只能是 {'、'.join(Grade.values)}。")
    if not reason:
        raise ValidationError("调档须填写理由。")
    result.grade, result.adjustment_reason = grade, reason
    result.save(update_fields=["grade", "adjustment_reason"])
    return result


def start_gather(run: Run, name: str, user, note: str = "", evidence=()):
    """采集数据 from the run's page or the API: a background task, which makes the transition."""
    from . import tasks

    return progress.start(tasks.gather_run, f"采集数据：{run}", user, run.pk, user.pk)


def start_compute(run: Run, name: str, user, note: str = "", evidence=()):
    from . import tasks

    return progress.start(tasks.compute_run, f"计算：{run}", user, run.pk, user.pk)


def publish_transition(run: Run, name: str, user, note: str = "", evidence=()):
    publish(run, user, note)


def publish(run: Run, user, note: str = "") -> None:
    with transaction.atomic():
        counts = dict(Counter(Result.objects.filter(run=run).values_list("grade", flat=True)))
        Run.machine.apply(run, "publish", user, note=note or "发布评价结果",
                          summary={**run.summary, "published_grades": counts})


@dataclass
class Move:
    enterprise_id: int
    uscc: str
    name: str
    before: str
    after: str
    movement: str


def compare(earlier: Run, later: Run) -> list[Move]:
    """Each enterprise of either run with its class in both, and whether it moved up or down."""
    before = dict(Result.objects.filter(run=earlier).values_list("enterprise_id", "grade"))
    after = dict(Result.objects.filter(run=later).values_list("enterprise_id", "grade"))
    ids = sorted(set(before) | set(after))
    names = {}
    for chunk in imports.chunks(ids):
        names.update({pk: (code, name) for pk, code, name in
                      Enterprise.all_objects.filter(pk__in=chunk).values_list("pk", "uscc", "name")})
    moves = []
    for pk in ids:
        old, new = before.get(pk, ""), after.get(pk, "")
        moves.append(Move(pk, *names[pk], old, new, _movement(old, new)))
    return moves


def _movement(old: str, new: str) -> str:
    if old not in GRADE_ORDER or new not in GRADE_ORDER:
        return Movement.OTHER
    if GRADE_ORDER[new] > GRADE_ORDER[old]:
        return Movement.UP
    return Movement.DOWN if GRADE_ORDER[new] < GRADE_ORDER[old] else Movement.SAME


def default_title(year: int, scheme_title: str) -> str:
    return f"{year} 年度亩均效益评价（{scheme_title}）"


# ---------------------------------------------------------------- distributions

HISTOGRAM_STEP = 10
LARGEST_INDUSTRIES = 12


def distribution(run: Run) -> dict:
    """What the run's charts show: a histogram of the graded totals per group, and the classes
    per group, per zone and per industry division (the largest ones)."""
    rows = list(Result.objects.filter(run=run).exclude(group="").values_list(
        "group", "grade", "total", "rank", "enterprise__zone__name", "industry_code"))
    graded = [row for row in rows if row[3]]
    histogram = {}
    top = max((row[2] for row in graded), default=0)
    edges = np.arange(0, max(top, HISTOGRAM_STEP) + HISTOGRAM_STEP, HISTOGRAM_STEP)
    for key, label in GROUP_LABELS.items():
        totals = [row[2] for row in graded if row[0] == key]
        if totals:
            counts, _ = np.histogram(totals, bins=edges)
            histogram[label] = counts.tolist()
    names = dict(Industry.objects.filter(code__in={row[5][:2] for row in rows if row[5]})
                 .values_list("code", "name"))
    by_industry = _grade_counts(rows, lambda row: f"{row[5][:2]} {names.get(row[5][:2], '')}".strip() if row[5]
                                else "未填写")
    largest = sorted(by_industry, key=lambda name: -sum(by_industry[name].values()))[:LARGEST_INDUSTRIES]
    return {
        "grades": Grade.values,
        "grade_labels": {grade: str(label) for grade, label in Grade.choices},  # the legend's "A 类"
        "histogram": {"edges": [f"{int(a)}–{int(b)}" for a, b in zip(edges[:-1], edges[1:])], "groups": histogram},
        "by_group": _grade_counts(rows, lambda row: GROUP_LABELS.get(row[0], row[0])),
        "by_zone": _grade_counts(rows, lambda row: row[4] or "未填写"),
        "by_industry": {name: by_industry[name] for name in largest},
    }


def _grade_counts(rows, key) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        bucket = counts.setdefault(key(row), dict.fromkeys(Grade.values, 0))
        if row[1] in bucket:
            bucket[row[1]] += 1
    return dict(sorted(counts.items()))


# ---------------------------------------------------------------- who sees which results


# A results list's standing order: latest run first; in a run the graded by group (规上, 规下, a
# scheme's other groups) and rank, then the 不定等, then those not evaluated (未纳入).
STANDING_ORDER = (
    F("run__year").desc(), F("run_id").desc(),
    Case(When(rank__isnull=False, then=Value(0)), When(group="", then=Value(2)), default=Value(1)),
    Case(When(group="above", then=Value(0)), When(group="below", then=Value(1)), default=Value(2)), "group",
    F("rank").asc(nulls_last=True), F("total").desc(nulls_last=True), "enterprise__uscc",
)


def visible_results(queryset, user):
    """Results the user may see: park staff all; an enterprise its own, once the run is published."""
    queryset = scope_queryset(queryset, user)
    return queryset if is_park_wide(user) else queryset.filter(run__state=RunState.PUBLISHED)


# ---------------------------------------------------------------- the enterprise report


def report_data(result: Result) -> "report.ReportData":
    """Everything the enterprise's 体检报告 shows: its figures against its group and industry,
    its class and the policies it brings, what the next class would take, and its history."""
    run = result.run
    lines, graded = indicator_lines(result)
    target = extra = released = None
    if result.rank and not result.adjusted:  # an adjusted class is not the engine's: nothing to measure from
        answer = next_class_of(result)
        target, extra, released = answer.target, answer.extra_tax, answer.land_released
    policy = GradePolicy.objects.filter(grade=result.grade).values_list("text", flat=True).first() or ""
    history = list(Result.objects.filter(enterprise=result.enterprise, run__state=RunState.PUBLISHED)
                   .order_by("run__year", "run__pk").values_list("run__year", "grade"))
    return report.ReportData(
        enterprise=result.enterprise.name, code=result.enterprise.uscc, year=run.year, scheme=run.scheme.title,
        group=result.group_label if result.group else "", total=result.total, rank=result.rank, graded=graded,
        grade=result.grade, reason=result.reason, indicators=lines, bonus=result.bonus or 0.0,
        penalty=result.penalty or 0.0, policy=policy, target=target, extra_tax=extra, land_released=released,
        history=history, adjustment=result.adjustment_text, park=settings.OPENPARK_PARK_NAME,
        issuer=settings.OPENPARK_ISSUER, issued_on=timezone.localdate(),
    )


def indicator_lines(result: Result) -> tuple[list["report.IndicatorLine"], int]:
    """The result's indicators with the average scores of the graded enterprises of its group and
    of its industry division in the group; and how many are graded in the group."""
    scheme = result.run.scheme.parsed()
    peers = list(Result.objects.filter(run=result.run, group=result.group, rank__isnull=False)
                 .values_list("scores", "industry_code")) if result.group else []
    digits = scheme.industry_digits
    division = result.industry_code[:digits]
    benchmarks = (result.run.summary.get("benchmarks") or {}).get(result.group) or {}
    lines = []
    for key in scheme.indicator_keys:
        if key not in result.scores:
            continue
        indicator = scheme.indicator(key)
        lines.append(report.IndicatorLine(
            indicator.name, indicator.unit, _float(result.values.get(key)), result.scores[key], indicator.weight,
            _mean(scores.get(key) for scores, _ in peers),
            _mean(scores.get(key) for scores, code in peers if code[:digits] == division),
            _benchmark(benchmarks.get(key), division),
        ))
    return lines, len(peers)


def _benchmark(stored, division: str) -> float | None:
    """The benchmark an indicator was scored against: the group's, or that of the result's industry."""
    if isinstance(stored, dict):
        stored = stored.get(division)
    return _float(stored)


def class_history(enterprise, user) -> list[tuple[int, str, str]]:
    """(year, run, class as written: "A 类") of the enterprise in every run the user may see, oldest first."""
    results = visible_results(Result.objects.filter(enterprise=enterprise, run__is_deleted=False), user)
    return [(year, title, schemes.grade_label(grade) if grade else "")
            for year, title, grade in results.order_by("run__year", "run__pk").values_list("run__year", "run__title", "grade")]


def next_class_of(result: Result):
    """`whatif.next_class` for a result, over the stored inputs of its group in its run."""
    from .whatif import next_class

    stored = list(Result.objects.filter(run=result.run, group=result.group).order_by("pk").values_list(
        "enterprise_id", "enterprise__uscc", *INPUT_COLUMNS))
    index = next(i for i, row in enumerate(stored) if row[0] == result.enterprise_id)
    return next_class(_engine_input(stored), result.run.scheme.parsed(), result.run.year, index)


def _float(value) -> float | None:
    if value is None:
        return None
    return float("inf") if value == "inf" else float(value)


def _mean(values) -> float | None:
    numbers = [v for v in values if isinstance(v, (int, float))]
    return sum(numbers) / len(numbers) if numbers else None


# ---------------------------------------------------------------- low-efficiency land


@dataclass
class LowEfficiency:
    enterprise_id: int
    uscc: str
    name: str
    industry: str
    land: float
    tax: float | None
    tax_per_mu: float
    industry_average: float | None
    below_fixed: bool
    below_share: bool
    case_id: int | None = None
    industry_label: str = ""  # the industry by code and name

    @property
    def reasons(self) -> str:
        parts = []
        if self.below_fixed:
            parts.append("低于固定标准")
        if self.below_share:
            parts.append("低于行业平均的比例")
        if self.tax is None:
            parts.append("无税收记录，按 0 计")
        return "；".join(parts)


def low_efficiency(run: Run, rule) -> list[LowEfficiency]:
    """The enterprises of the run whose 亩均税收 (tax / land, missing tax as 0) is under the rule's
    fixed amount, or under its share of the industry division's Σ tax / Σ land; lowest first."""
    rows = list(Result.objects.filter(run=run, land__gt=0).order_by("pk").values_list(
        "enterprise_id", "enterprise__uscc", "enterprise__name", "industry_code", "land", "tax"))
    if not rows:
        return []
    digits = run.scheme.parsed().industry_digits
    ids, codes, names, industries, land, tax = zip(*rows)
    land = np.array(land, dtype=float)
    taxes = np.array([np.nan if t is None else float(t) for t in tax])
    paid = np.nan_to_num(taxes)
    per_mu = paid / land
    divisions, inverse = np.unique(np.array(industries, dtype=str).astype(f"U{digits}"), return_inverse=True)
    averages = (np.bincount(inverse, weights=paid) / np.bincount(inverse, weights=land))[inverse]
    below_fixed = per_mu < float(rule.tax_per_mu_below)
    below_share = per_mu < float(rule.industry_share_below) * averages
    low = np.flatnonzero(below_fixed | below_share)
    cases = dict(DisposalCase.objects.filter(year=run.year, enterprise_id__in=[ids[i] for i in low])
                 .exclude(state=DisposalState.CANCELLED).values_list("enterprise_id", "pk"))
    labels = industry_labels(industries[i] for i in low)
    found = [LowEfficiency(ids[i], codes[i], names[i], industries[i], float(land[i]),
                           None if np.isnan(taxes[i]) else float(taxes[i]), float(per_mu[i]), float(averages[i]),
                           bool(below_fixed[i]), bool(below_share[i]), cases.get(ids[i]),
                           labels.get(industries[i], "")) for i in low]
    return sorted(found, key=lambda row: (row.tax_per_mu, row.uscc))


def park_tax_per_mu(run: Run) -> float | None:
    """The park's 亩均税收 in the run: Σ tax / Σ land over the enterprises with land."""
    sums = Result.objects.filter(run=run, land__gt=0).aggregate(land=Sum("land"), tax=Sum("tax"))
    return float(sums["tax"] or 0) / float(sums["land"]) if sums["land"] else None


def park_growth(run: Run) -> tuple[float | None, float | None, float | None]:
    """(this year's park 亩均税收, last year's from its latest run, growth in percent)."""
    current = park_tax_per_mu(run)
    earlier_runs = Run.objects.filter(year=run.year - 1).exclude(state=RunState.DRAFT).order_by("-pk")
    earlier = earlier_runs.filter(state=RunState.PUBLISHED).first() or earlier_runs.first()
    previous = park_tax_per_mu(earlier) if earlier else None
    growth = (current / previous - 1) * 100 if current is not None and previous else None
    return current, previous, growth


def add_progress(case: DisposalCase, on, text: str, user) -> DisposalProgress:
    text = (text or "").strip()
    if not text:
        raise ValidationError("进展内容不能为空。")
    if case.state in (DisposalState.DONE, DisposalState.CANCELLED):
        raise ValidationError("处置案已办结或撤销，如需继续请先“重新处置”。")
    return DisposalProgress.objects.create(case=case, on=on, text=text, author=getattr(user, "username", ""))
