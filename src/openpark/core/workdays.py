"""Working days on the official Chinese calendar: the State Council's public holidays, and the
weekend days made working days in exchange (调休).

The `chinesecalendar` package knows the years up to its release and raises for later ones, so
the platform keeps the calendar in a table (`CalendarDay`, `CalendarYear`), seeded from the
package and extended by an administrator each winter when the next year's holidays are
published. For a year the table does not know, the plain Monday-to-Friday rule applies and a
deadline that depends on it is marked provisional. Nothing here ever raises for a date.

`Calendar` is pure: it holds the days that differ from the weekday rule and the years known.
Besides whole working days it counts working time (`add_working_minutes`): the minutes inside the
periods of a working day (`WorkingHours`, 08:30–12:00 and 13:30–17:30 unless the park says
otherwise) on the days the calendar says are worked.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import chinese_calendar

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
MAX_DAYS = 3660  # a deadline further than ten years out is a mistake, not a plan
MAX_MINUTES = MAX_DAYS * 24 * 60  # the same cap for a limit in minutes
DEFAULT_WORKING_HOURS = "08:30-12:00,13:30-17:30"
_PERIOD = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*[-－—~～至]\s*(\d{1,2})[:：](\d{2})\s*$")


def _minute(hour: str, minute: str) -> int | None:
    h, m = int(hour), int(minute)
    if m > 59 or h > 24 or (h == 24 and m):
        return None
    return h * 60 + m


@dataclass(frozen=True)
class WorkingHours:
    """The periods of a working day, as minutes after midnight: ((510, 720), (810, 1050)) for
    08:30–12:00 and 13:30–17:30. In order, not overlapping, none empty."""

    periods: tuple[tuple[int, int], ...] = ((8 * 60 + 30, 12 * 60), (13 * 60 + 30, 17 * 60 + 30))

    @classmethod
    def parse(cls, text: str) -> "WorkingHours":
        """Read "08:30-12:00,13:30-17:30"; ValueError, in Chinese, for anything else."""
        example = f"应为“{DEFAULT_WORKING_HOURS}”这样的时段，用逗号分隔"
        parts = [part for part in re.split(r"[,，;；]", text or "") if part.strip()]
        if not parts:
            raise ValueError(f"工作时间不能为空：{example}。")
        periods = []
        for part in parts:
            found = _PERIOD.match(part)
            start = _minute(*found.groups()[:2]) if found else None
            end = _minute(*found.groups()[2:]) if found else None
            if start is None or end is None:
                raise ValueError(f"工作时间“{part.strip()}”格式不对：{example}。")
            if end <= start:
                raise ValueError(f"工作时间“{part.strip()}”的结束时刻应晚于开始时刻。")
            if periods and start < periods[-1][1]:
                raise ValueError(f"工作时间“{part.strip()}”与前一时段重叠或顺序颠倒：各时段应按时间先后排列。")
            periods.append((start, end))
        return cls(tuple(periods))

    @property
    def minutes_per_day(self) -> int:
        return sum(end - start for start, end in self.periods)

    def __str__(self) -> str:
        return ",".join(f"{_hhmm(start)}-{_hhmm(end)}" for start, end in self.periods)

    def contains(self, moment: datetime) -> bool:
        """Whether the wall-clock time of `moment` lies inside a period (its end excluded)."""
        minute = moment.hour * 60 + moment.minute + (moment.second + moment.microsecond / 1e6) / 60
        return any(start <= minute < end for start, end in self.periods)

    def spans(self, day: date) -> list[tuple[datetime, datetime]]:
        """The periods of `day` as naive datetimes."""
        midnight = datetime.combine(day, time())
        return [(midnight + timedelta(minutes=start), midnight + timedelta(minutes=end)) for start, end in self.periods]


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class WorkingTime:
    at: datetime
    provisional: bool  # some day counted lies in a year whose official calendar is not known


@dataclass(frozen=True)
class Deadline:
    day: date
    provisional: bool  # some day counted lies in a year whose official calendar is not known


@dataclass(frozen=True)
class Calendar:
    exceptions: dict[date, bool]  # day -> whether it is a working day, where the table says so
    years: frozenset[int]  # years whose official calendar the table holds

    def is_workday(self, day: date) -> bool:
        found = self.exceptions.get(day)
        return found if found is not None else day.weekday() < 5

    def known(self, day: date) -> bool:
        return day.year in self.years

    def add_working_days(self, start: date, days: int) -> Deadline:
        """The `days`-th working day after `start` (start itself not counted); 0 is `start`."""
        if not 0 <= days <= MAX_DAYS:
            raise ValueError(f"工作日数应在 0 到 {MAX_DAYS} 之间，现为 {days}")
        day, counted, provisional = start, 0, not self.known(start)
        while counted < days:
            day += timedelta(days=1)
            provisional |= not self.known(day)
            if self.is_workday(day):
                counted += 1
        return Deadline(day, provisional)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for offset in range(1, (end - start).days + 1) if self.is_workday(start + timedelta(offset)))

    def add_working_minutes(self, start: datetime, minutes: int, hours: WorkingHours) -> WorkingTime:
        """The moment `minutes` minutes of working time after `start`: only the minutes inside
        `hours` on working days count. A start outside working hours counts from the next working
        period (0 minutes from inside working hours is `start` itself). Counted on the wall clock
        of `start` (naive, or aware in its own time zone) and given in the same time zone: pass
        local time. Whole days off are skipped a day at a time, whole working days likewise."""
        if not 0 <= minutes <= MAX_MINUTES:
            raise ValueError(f"分钟数应在 0 到 {MAX_MINUTES} 之间，现为 {minutes}")
        zone, cursor = start.tzinfo, start.replace(tzinfo=None)
        day, remaining = cursor.date(), timedelta(minutes=minutes)
        provisional = not self.known(day)
        whole_day = timedelta(minutes=hours.minutes_per_day)
        while True:
            if day >= date.max - timedelta(days=1):  # the end of the calendar itself: never raise
                return WorkingTime(datetime.max.replace(tzinfo=zone), True)
            if self.is_workday(day):
                spans = hours.spans(day)
                if cursor <= spans[0][0] and remaining > whole_day:
                    remaining -= whole_day
                else:
                    for begin, end in spans:
                        if end <= cursor:
                            continue
                        begin = max(begin, cursor)
                        if remaining <= end - begin:
                            return WorkingTime((begin + remaining).replace(tzinfo=zone), provisional)
                        remaining -= end - begin
            day += timedelta(days=1)
            cursor = datetime.combine(day, time())
            provisional |= not self.known(day)

    def working_minutes_between(self, start: datetime, end: datetime, hours: WorkingHours) -> int:
        """Whole minutes of working time from `start` to `end`; negative when `end` is earlier.
        Both naive, or both aware (`end` is read in the time zone of `start`)."""
        if end < start:
            return -self.working_minutes_between(end, start, hours)
        if start.tzinfo is not None and end.tzinfo is not None:
            end = end.astimezone(start.tzinfo)
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
        total, day = timedelta(), start.date()
        while day <= end.date():
            if self.is_workday(day):
                for begin, finish in hours.spans(day):
                    overlap = min(finish, end) - max(begin, start)
                    if overlap > timedelta():
                        total += overlap
            day += timedelta(days=1)
        return int(total.total_seconds() // 60)


def shipped_days() -> list[tuple[date, bool, str]]:
    """(day, is working day, name) of every day the package lists: holidays, including the weekend
    days inside them, and the weekend days made working days."""
    days = [(day, False, HOLIDAY_NAMES.get(name, name)) for day, name in chinese_calendar.holidays.items()]
    days += [(day, True, f"{HOLIDAY_NAMES.get(name, name)}调休上班") for day, name in chinese_calendar.workdays.items()]
    return sorted(days)


def shipped_years() -> list[int]:
    return sorted({day.year for day, *_ in shipped_days()})
