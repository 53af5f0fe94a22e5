"""活动统计: the activities of a year counted per volunteer team and month, per month for the whole
park, per activity kind and per organiser. Pure: it works on plain rows the caller reads in a few
queries (`services.report_rows`), and gives figures and their shown text.

For each group: activities held, people signed up, people who attended, the attendance rate
(attended / signed up), service hours delivered (each attendee × the activity's hours) and the
points granted for the activities (the ledger's grants, whenever they were made).
"""
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from openpark.core.limits import FIRST_YEAR, LAST_YEAR

MONTHS = tuple(range(1, 13))
MONTH_LABELS = tuple(f"{m}月" for m in MONTHS)
TOTAL_LABEL = "合计"
HEADERS = ("活动场次", "报名人次", "签到人次", "签到率", "服务时长（小时）", "发放积分")
NO_RATE = "—"
ZERO = Decimal(0)


@dataclass(frozen=True)
class ActivityRow:
    """One activity with its counts: what every table adds up."""
    id: int
    held_on: date
    kind: str
    team_id: int | None
    organiser_id: int | None
    hours: Decimal
    signed_up: int = 0
    attended: int = 0
    points: int = 0

    @property
    def month(self) -> int:
        return self.held_on.month


@dataclass
class Figures:
    activities: int = 0
    signed_up: int = 0
    attended: int = 0
    hours: Decimal = ZERO
    points: int = 0

    def add(self, row: ActivityRow) -> None:
        self.activities += 1
        self.signed_up += row.signed_up
        self.attended += row.attended
        self.hours += row.attended * row.hours
        self.points += row.points

    def merge(self, other: "Figures") -> None:
        self.activities += other.activities
        self.signed_up += other.signed_up
        self.attended += other.attended
        self.hours += other.hours
        self.points += other.points

    @property
    def rate(self) -> Decimal | None:
        """签到率 in per cent, one decimal; None when nobody signed up."""
        if not self.signed_up:
            return None
        return (Decimal(self.attended) * 100 / self.signed_up).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def shown(self) -> tuple[str, ...]:
        """The figures as a table cell shows them, in the order of HEADERS."""
        return (f"{self.activities:,}", f"{self.signed_up:,}", f"{self.attended:,}", rate_text(self.rate),
                hours_text(self.hours), f"{self.points:,}")

    def values(self) -> tuple:
        """The figures for a spreadsheet: counts and hours as numbers, the rate as its text."""
        return (self.activities, self.signed_up, self.attended, rate_text(self.rate),
                float(self.hours.quantize(Decimal("0.1"), ROUND_HALF_UP)), self.points)


def rate_text(rate: Decimal | None) -> str:
    return NO_RATE if rate is None else f"{rate}%"


def hours_text(hours: Decimal) -> str:
    return f"{Decimal(hours).quantize(Decimal('0.1'), ROUND_HALF_UP):,}"


def activity_id_of(source: str) -> int | None:
    """The activity of a grant's source ("activity:12:worker:3"), None for any other source."""
    parts = (source or "").split(":")
    if len(parts) == 4 and parts[0] == "activity" and parts[2] == "worker" and parts[1].isdigit():
        return int(parts[1])
    return None


def activity_rows(activities: Iterable[dict], counts: Iterable[dict], grants: Iterable[tuple[str, int]]
                  ) -> list[ActivityRow]:
    """The activities (dicts of id, held_on, kind, team_id, organiser_id, hours) with their counts
    (dicts of activity_id, signed_up, attended) and the points of their grants ((source, points))."""
    by_activity = {c["activity_id"]: c for c in counts}
    points: dict[int, int] = {}
    for source, amount in grants:
        activity_id = activity_id_of(source)
        if activity_id is not None:
            points[activity_id] = points.get(activity_id, 0) + amount
    rows = []
    for a in activities:
        count = by_activity.get(a["id"], {})
        rows.append(ActivityRow(a["id"], a["held_on"], a["kind"], a["team_id"], a["organiser_id"],
                                Decimal(a["hours"] or 0), count.get("signed_up", 0), count.get("attended", 0),
                                points.get(a["id"], 0)))
    return rows


@dataclass
class MonthTable:
    """Figures for each month of the year and the year's total."""
    months: dict[int, Figures] = field(default_factory=lambda: {m: Figures() for m in MONTHS})

    def add(self, row: ActivityRow) -> None:
        self.months[row.month].add(row)

    @property
    def total(self) -> Figures:
        total = Figures()
        for figures in self.months.values():
            total.merge(figures)
        return total

    def lines(self) -> list[tuple[str, Figures]]:
        """(1月, figures) … (12月, figures), then (合计, total)."""
        return [*((MONTH_LABELS[m - 1], self.months[m]) for m in MONTHS), (TOTAL_LABEL, self.total)]


def by_month(rows: Iterable[ActivityRow]) -> MonthTable:
    table = MonthTable()
    for row in rows:
        table.add(row)
    return table


def month_tables(rows: Iterable[ActivityRow], key: Callable[[ActivityRow], Hashable]) -> dict[Hashable, MonthTable]:
    """A month table for each value of `key` (a team, say); rows whose key is None are left out."""
    tables: dict[Hashable, MonthTable] = {}
    for row in rows:
        value = key(row)
        if value is not None:
            tables.setdefault(value, MonthTable()).add(row)
    return tables


def totals(rows: Iterable[ActivityRow], key: Callable[[ActivityRow], Hashable]) -> dict[Hashable, Figures]:
    """The year's figures for each value of `key` (None kept: activities with no team or organiser)."""
    found: dict[Hashable, Figures] = {}
    for row in rows:
        found.setdefault(key(row), Figures()).add(row)
    return found


def grand_total(rows: Iterable[ActivityRow]) -> Figures:
    total = Figures()
    for row in rows:
        total.add(row)
    return total


@dataclass
class Report:
    """The year's tables, labelled: what the page shows and the workbook holds."""
    year: int
    park: MonthTable
    kinds: list[tuple[str, Figures]]  # (kind label, figures), in the choices' order, then the total
    organisers: list[tuple[str, Figures]]
    teams: list[tuple[int, str, MonthTable]]  # (team id, name, months), every team, by name

    @property
    def total(self) -> Figures:
        return self.park.total


def build(year: int, rows: list[ActivityRow], kind_labels: dict[str, str], organiser_names: dict[int, str],
          team_names: dict[int, str]) -> Report:
    """The report of `year` from its activity rows and the names to label them with (kinds in the
    order given; organisers and teams by name; every team, even one with no activity)."""
    total = grand_total(rows)
    by_kind = totals(rows, lambda r: r.kind)
    kinds = [(label, by_kind[kind]) for kind, label in kind_labels.items() if kind in by_kind]
    kinds += [(kind, figures) for kind, figures in by_kind.items() if kind not in kind_labels]
    by_organiser = totals(rows, lambda r: r.organiser_id)
    organisers = sorted(((organiser_names.get(key, "未指定主办组织") if key is not None else "未指定主办组织", figures)
                         for key, figures in by_organiser.items()), key=lambda item: (item[0] == "未指定主办组织", item[0]))
    teams_found = month_tables(rows, lambda r: r.team_id)
    teams = [(team_id, name, teams_found.get(team_id) or MonthTable())
             for team_id, name in sorted(team_names.items(), key=lambda item: item[1])]
    return Report(year, by_month(rows), [*kinds, (TOTAL_LABEL, total)], [*organisers, (TOTAL_LABEL, total)], teams)


def parse_year(text: str | None, default: int, earliest: int = FIRST_YEAR, latest: int = LAST_YEAR) -> tuple[int, str]:
    """(year, error): the year asked for, or `default` and a message in Chinese when it is not a
    year the report can show."""
    text = (text or "").strip()
    if not text:
        return default, ""
    if not text.isdigit() or not earliest <= int(text) <= latest:
        return default, f"年份“{text[:20]}”无效，请填写 {earliest}—{latest} 之间的四位年份。"
    return int(text), ""
