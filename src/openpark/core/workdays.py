"""Working days on the official Chinese calendar: the State Council's public holidays, and the
weekend days made working days in exchange (调休).

The `chinesecalendar` package knows the years up to its release and raises for later ones, so
the platform keeps the calendar in a table (`CalendarDay`, `CalendarYear`), seeded from the
package and extended by an administrator each winter when the next year's holidays are
published. For a year the table does not know, the plain Monday-to-Friday rule applies and a
deadline that depends on it is marked provisional. Nothing here ever raises for a date.

`Calendar` is pure: it holds the days that differ from the weekday rule and the years known.
"""
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
MAX_DAYS = 3660  # a deadline further than ten years out is a mistake, not a plan


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


def shipped_days() -> list[tuple[date, bool, str]]:
    """(day, is working day, name) of every day the package lists: holidays, including the weekend
    days inside them, and the weekend days made working days."""
    days = [(day, False, HOLIDAY_NAMES.get(name, name)) for day, name in chinese_calendar.holidays.items()]
    days += [(day, True, f"{HOLIDAY_NAMES.get(name, name)}调休上班") for day, name in chinese_calendar.workdays.items()]
    return sorted(days)


def shipped_years() -> list[int]:
    return sorted({day.year for day, *_ in shipped_days()})
