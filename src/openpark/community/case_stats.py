"""随手拍统计: the cases reported in a year counted by department, by category, by grid and by month.
Pure: it works on plain tuples the caller reads in a few column queries (the cases, their state
changes and their deadlines) and needs no database.

For each group:
- 上报数: the cases reported; 立案数: those registered (now 待派遣 or further on, 挂账 included);
  结案数: those closed (已结案 or 已评价); 结案率 = 结案数 / 上报数;
- 按期结案率: the closed cases whose every stage deadline was met, over the closed cases;
- 返工率: the closed cases sent back for rework at least once, over the closed cases;
- 延期率: the dispatched cases (now 待签收 or further on) granted an extension, over the dispatched;
- 退回次数: how many times the group's cases were sent back by a department;
- the median time of each stage (核实 … 结案): a case's time in the state the stage waits in, from
  entering it to leaving it, added up over its stays (a case reworked stays in 处置中 twice), the
  median over the cases that left that state at least once. The 上报 record is the start.

Rates are in per cent with two decimals ("50.00%", "—" without a denominator); durations read in
words ("2 小时 15 分", "1 天 3 小时").
"""
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from statistics import median
from zoneinfo import ZoneInfo

from .cases import DONE_STATES, STAGE_OF_STATE
from .choices import CaseStage, CaseState

S = CaseState
PARK_TZ = ZoneInfo("Asia/Shanghai")
STAGES = tuple(CaseStage)
MONTHS = tuple(range(1, 13))
MONTH_LABELS = tuple(f"{m}月" for m in MONTHS)
TOTAL_LABEL = "合计"
NO_FIGURE = "—"

# A case registered is 待派遣 or further on; one dispatched is 待签收 or further on.
DISPATCHED_STATES = frozenset({S.DISPATCHED, S.HANDLING, S.REPLIED, S.CHECKED, S.PARKED, *DONE_STATES})
REGISTERED_STATES = frozenset({S.REGISTERED, *DISPATCHED_STATES})

COUNT_HEADERS = ("上报数", "立案数", "结案数", "结案率", "按期结案率", "返工率", "延期率", "退回次数")
HEADERS = (*COUNT_HEADERS, *(f"{stage.label}用时" for stage in STAGES))
# The workbook's columns: the same figures as numbers, the durations in hours (see Figures.numbers).
EXPORT_HEADERS = (*COUNT_HEADERS, *(f"{stage.label}用时（小时）" for stage in STAGES))
EXPORT_FORMATS = (None, "#,##0", "#,##0", "#,##0", "0.00%", "0.00%", "0.00%", "0.00%", "#,##0",
                  *("#,##0.00" for stage in STAGES))
# Which cases each column counts (what its figure links to): every case of the group, the
# registered ones, the closed ones, those closed with every stage in time, those closed after a
# rework, the dispatched ones, those given an extension.
ALL, REGISTERED, CLOSED, ON_TIME, REWORKED, DISPATCHED, EXTENDED = (
    "all", "registered", "closed", "on_time", "reworked", "dispatched", "extended")
COLUMN_CASES = (ALL, REGISTERED, CLOSED, CLOSED, ON_TIME, REWORKED, EXTENDED, ALL, *(ALL for _ in STAGES))
STATES_OF = {ALL: (), REGISTERED: tuple(sorted(REGISTERED_STATES)), CLOSED: tuple(sorted(DONE_STATES)),
             ON_TIME: tuple(sorted(DONE_STATES)), REWORKED: tuple(sorted(DONE_STATES)),
             DISPATCHED: tuple(sorted(DISPATCHED_STATES)), EXTENDED: tuple(sorted(DISPATCHED_STATES))}
# The case list's filters (besides the states) that narrow a column to the cases it counts.
FILTERS_OF = {ON_TIME: {"late": "false"}, REWORKED: {"reworked": "true"}, EXTENDED: {"extended": "true"}}


@dataclass(frozen=True)
class CaseRow:
    """One case as the statistics read it."""
    id: int
    reported_at: datetime
    state: str
    category_id: int | None = None
    department_id: int | None = None
    grid_id: int | None = None
    returns: int = 0
    reworks: int = 0
    extensions: int = 0


# Rules of one case ---------------------------------------------------------------------------------

def local_month(moment: datetime, tz: tzinfo = PARK_TZ) -> int:
    """The month (1–12) of a moment in the park's time (a case reported at 2026-01-31 17:00 UTC is
    a February case in Shanghai)."""
    return moment.astimezone(tz).month if moment.tzinfo else moment.month


def stage_seconds(changes: Iterable[tuple[int, datetime, str]]) -> dict[int, dict[str, float]]:
    """{case id: {stage: seconds}} from the state changes (case id, time, state entered), the 上报
    record first: the time from entering each timed state to leaving it, added up over the stays.
    A step that stays in the state (申请延期) does not end the stay; a state still held is not
    counted."""
    by_case: dict[int, list[tuple[datetime, str]]] = {}
    for case_id, moment, state in changes:
        by_case.setdefault(case_id, []).append((moment, state))
    found: dict[int, dict[str, float]] = {}
    for case_id, steps in by_case.items():
        steps.sort(key=lambda step: step[0])  # stable: records of the same moment keep their order
        spent: dict[str, float] = {}
        current, since = None, None
        for moment, state in steps:
            if state == current:
                continue
            stage = STAGE_OF_STATE.get(current)
            if stage is not None and since is not None:
                spent[stage] = spent.get(stage, 0.0) + max(0.0, (moment - since).total_seconds())
            current, since = state, moment
        found[case_id] = spent
    return found


def due_moment(due_on: date | None, due_at: datetime | None, tz: tzinfo = PARK_TZ) -> datetime | None:
    """The moment a deadline falls: its time when it has one (a limit in minutes), else the end of
    its day in the park's time; None without either."""
    if due_at is not None:
        return due_at
    if due_on is None:
        return None
    return datetime.combine(due_on, time.max, tzinfo=tz)


def deadline_met(due_on: date | None, due_at: datetime | None, met_at: datetime | None, tz: tzinfo = PARK_TZ) -> bool:
    """Whether a deadline was met: its state left (met_at) by the moment it fell."""
    due = due_moment(due_on, due_at, tz)
    return met_at is not None and (due is None or met_at <= due)


def late_cases(deadlines: Iterable[tuple[int, date | None, datetime | None, datetime | None]],
               tz: tzinfo = PARK_TZ) -> set[int]:
    """The ids of the cases with a deadline (case id, due_on, due_at, met_at) not met."""
    return {case_id for case_id, due_on, due_at, met_at in deadlines if not deadline_met(due_on, due_at, met_at, tz)}


# Figures of a group -----------------------------------------------------------------------------------

def rate(part: int, whole: int) -> Decimal | None:
    """part / whole in per cent, two decimals (half up); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def rate_text(value: Decimal | None) -> str:
    return NO_FIGURE if value is None else f"{value}%"


def fraction(value: Decimal | None) -> Decimal | str:
    """A rate in per cent as the fraction a spreadsheet formats as a percentage ("" for none)."""
    return "" if value is None else value / 100


def hours(seconds: float | None) -> Decimal | str:
    """A duration in hours, two decimals ("" for none)."""
    if seconds is None:
        return ""
    return (Decimal(str(seconds)) / 3600).quantize(Decimal("0.01"), ROUND_HALF_UP)


def duration_text(seconds: float | None) -> str:
    """A duration in words, to the minute: "45 分", "2 小时 15 分", "1 天 3 小时" (days and hours
    from a day on); "不足 1 分" under half a minute; "—" for none."""
    if seconds is None:
        return NO_FIGURE
    minutes = int(Decimal(str(seconds / 60)).quantize(Decimal(1), ROUND_HALF_UP))
    if minutes < 1:
        return "不足 1 分"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days:,} 天 {hours} 小时" if hours else f"{days:,} 天"
    if hours:
        return f"{hours} 小时 {minutes} 分" if minutes else f"{hours} 小时"
    return f"{minutes} 分"


def left_text(due: datetime | None, now: datetime) -> str:
    """What a queue says of a running deadline: "剩余 2 小时 15 分", or "已逾期"."""
    if due is None:
        return NO_FIGURE
    if due < now:
        return "已逾期"
    return f"剩余 {duration_text((due - now).total_seconds())}"


@dataclass
class Figures:
    reported: int = 0
    registered: int = 0
    closed: int = 0
    on_time: int = 0
    reworked: int = 0
    dispatched: int = 0
    extended: int = 0
    returns: int = 0
    durations: dict[str, list[float]] = field(default_factory=lambda: {stage: [] for stage in STAGES})

    def add(self, row: CaseRow, stages: dict[str, float], late: bool) -> None:
        self.reported += 1
        self.returns += row.returns
        if row.state in REGISTERED_STATES:
            self.registered += 1
        if row.state in DISPATCHED_STATES:
            self.dispatched += 1
            self.extended += row.extensions > 0
        if row.state in DONE_STATES:
            self.closed += 1
            self.on_time += not late
            self.reworked += row.reworks > 0
        for stage, seconds in stages.items():
            self.durations[stage].append(seconds)

    @property
    def closed_rate(self) -> Decimal | None:
        return rate(self.closed, self.reported)

    @property
    def on_time_rate(self) -> Decimal | None:
        return rate(self.on_time, self.closed)

    @property
    def rework_rate(self) -> Decimal | None:
        return rate(self.reworked, self.closed)

    @property
    def extension_rate(self) -> Decimal | None:
        return rate(self.extended, self.dispatched)

    def median(self, stage: str) -> float | None:
        values = self.durations[stage]
        return median(values) if values else None

    def values(self) -> tuple:
        """The figures for a spreadsheet, in the order of HEADERS: counts as numbers, rates and
        durations as their text."""
        return (self.reported, self.registered, self.closed, rate_text(self.closed_rate),
                rate_text(self.on_time_rate), rate_text(self.rework_rate), rate_text(self.extension_rate),
                self.returns, *(duration_text(self.median(stage)) for stage in STAGES))

    def numbers(self) -> tuple:
        """The figures for a workbook, in the order of EXPORT_HEADERS: counts as numbers, rates as
        fractions (shown in per cent by EXPORT_FORMATS), durations in hours, "" for none."""
        rates = (self.closed_rate, self.on_time_rate, self.rework_rate, self.extension_rate)
        return (self.reported, self.registered, self.closed, *(fraction(value) for value in rates), self.returns,
                *(hours(self.median(stage)) for stage in STAGES))

    def shown(self) -> tuple[str, ...]:
        """The figures as a table cell shows them, in the order of HEADERS."""
        return tuple(f"{value:,}" if isinstance(value, int) else value for value in self.values())


# The year's tables ------------------------------------------------------------------------------------

@dataclass
class Stats:
    total: Figures
    departments: dict[int | None, Figures]
    categories: dict[int | None, Figures]
    grids: dict[int | None, Figures]
    months: dict[int, Figures]


def grouped(rows: Iterable[CaseRow], key: Callable[[CaseRow], Hashable], times: dict[int, dict[str, float]],
            late: set[int]) -> dict[Hashable, Figures]:
    found: dict[Hashable, Figures] = {}
    for row in rows:
        found.setdefault(key(row), Figures()).add(row, times.get(row.id, {}), row.id in late)
    return found


def build(rows: Iterable[CaseRow], changes: Iterable[tuple[int, datetime, str]],
          deadlines: Iterable[tuple[int, date | None, datetime | None, datetime | None]],
          tz: tzinfo = PARK_TZ) -> Stats:
    """The tables of the cases `rows`, with their state changes (case id, time, state entered) and
    deadlines (case id, due_on, due_at, met_at)."""
    rows = list(rows)
    times, late = stage_seconds(changes), late_cases(deadlines, tz)
    total = grouped(rows, lambda row: None, times, late).get(None, Figures())
    months = grouped(rows, lambda row: local_month(row.reported_at, tz), times, late)
    return Stats(total=total,
                 departments=grouped(rows, lambda row: row.department_id, times, late),
                 categories=grouped(rows, lambda row: row.category_id, times, late),
                 grids=grouped(rows, lambda row: row.grid_id, times, late),
                 months={month: months.get(month) or Figures() for month in MONTHS})
