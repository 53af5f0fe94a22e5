"""Reporting periods: a year, and for monthly data the month up to which values run (1—N月累计).

Departments write periods in many ways: "2021", "2021年度", "2021年1-6月", "2021年6月", "2021-06",
"202106"; months as 6, "6月", "1—6月". Parsing is lenient about those forms and strict about the
meaning: a month range must start in January, because monthly values are cumulative.
"""
import re
import unicodedata

from openpark.core.limits import FIRST_YEAR, LAST_YEAR, in_year_range

from .choices import Frequency

QUARTER_ENDS = (3, 6, 9, 12)
ANNUAL_WORDS = frozenset({"", "全年", "年报", "年度"})
_DASHES = str.maketrans({"—": "-", "–": "-", "~": "-", "～": "-", "至": "-", "到": "-", "－": "-"})
_YEAR = re.compile(r"(\d{4})(?:年度?)?")
_MONTH = re.compile(r"(?:(\d{1,2})月?-)?(\d{1,2})月?份?(?:累计)?")
_PERIOD = re.compile(r"(\d{4})(?:年度?|[-./])?(.*)")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-\d{1,2}(?:\d{1,2}:\d{2}(?::\d{2})?)?")  # a date cell: its month


def period_label(year: int, month: int | None) -> str:
    if month is None:
        return f"{year}年"
    return f"{year}年1月" if month == 1 else f"{year}年1—{month}月"


def _clean(text) -> str:
    text = unicodedata.normalize("NFKC", str(text)).translate(_DASHES)
    return "".join(text.split())


def parse_year(text) -> int:
    match = _YEAR.fullmatch(_clean(text))
    if not match:
        raise ValueError(f"“{text}”不是年份，应为四位数字，如 2021")
    return _checked_year(int(match.group(1)))


def _checked_year(year: int) -> int:
    if not in_year_range(year):
        raise ValueError(f"年份 {year} 超出范围（{FIRST_YEAR}—{LAST_YEAR}）")
    return year


def parse_month(text) -> int | None:
    """The month N of 1—N月累计; None for annual data ("", "全年", "年度")."""
    cleaned = _clean(text if text is not None else "")
    if cleaned in ANNUAL_WORDS:
        return None
    match = _MONTH.fullmatch(cleaned)
    if not match:
        raise ValueError(f"“{text}”不是月份，应填截至月份，如 6 或“1-6月”；年度数据留空")
    first, month = match.group(1), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"月份 {month} 超出范围（1—12）")
    if first is not None and int(first) != 1:
        raise ValueError(f"“{text}”不是 1—N 月累计：月度数据应从 1 月起累计，如“1-{month}月”")
    return month


def parse_period(text) -> tuple[int, int | None]:
    """(year, month or None) from one cell such as "2021年1-6月", "2021-06", "202106" or "2021年度"."""
    cleaned = _clean(text)
    date = _DATE.fullmatch(cleaned)
    if date:
        return _checked_year(int(date.group(1))), parse_month(date.group(2))
    match = _PERIOD.fullmatch(cleaned)
    if not match:
        raise ValueError(f"“{text}”不是报告期，应如“2021年1-6月”“2021-06”或“2021年”")
    rest = match.group(2)
    return _checked_year(int(match.group(1))), parse_month(rest.removeprefix("年").removesuffix("累计"))


def frequency_problem(frequency: str, month: int | None, indicator_name: str) -> str:
    """Why a value of an indicator of this frequency cannot be kept for this period; "" when it can."""
    if month is None or frequency == Frequency.MONTHLY:
        return ""
    if frequency == Frequency.ANNUAL:
        return f"“{indicator_name}”是年度指标，只能填报年度数据（月份留空）"
    if month not in QUARTER_ENDS:
        return f"“{indicator_name}”是季度指标，月份只能是 3、6、9、12 或留空"
    return ""
