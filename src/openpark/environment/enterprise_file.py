"""The rules of the enterprise environmental file (一企一档, environmental part) that need no
database: a discharge permit's number, term, renewal date and status; the outlet codes of HJ
608-2017; hazardous-waste categories; the revision of an emergency plan. The models, the
importers, the list filters, the panel and the dashboard all read these, so they always agree.
"""
import re
import unicodedata
from datetime import date, timedelta

from openpark.core import uscc

PERMIT_YEARS = 5  # a discharge permit is valid five years
RENEWAL_DAYS = 60  # renewal is applied for 60 days before expiry
RENEWAL_NOTICE_DAYS = 30  # 即将到期 from 30 days before the renewal date (90 days before expiry)
PLAN_REVISION_YEARS = 3  # an emergency plan is reviewed (and revised) at least every three years

# The values of choices.PermitStatus
VALID, EXPIRING, RENEWAL_LATE, EXPIRED = "valid", "expiring", "renewal_late", "expired"

PERMIT_NUMBER_HELP = "排污许可证编号为统一社会信用代码（18 位）+ 3 位顺序码 + 1 位字母，如 91321282MA1XXXXXX2001V。"
OUTLET_CODE = re.compile(r"D[WA]\d{3}")
OUTLET_CODE_HELP = "排放口编码按 HJ 608-2017：废水排放口 DW001、废气排放口 DA001（DW 或 DA 后接 3 位数字）。"
WASTE_CODE = re.compile(r"HW(\d{2})")
WASTE_CATEGORIES = 50  # 国家危险废物名录（2021 年版）: HW01–HW50
WASTE_CODE_HELP = "危险废物类别代码为 HW 加 2 位数字（HW01–HW50），如 HW08。"


def normalise(value) -> str:
    """Half-width, no white space, upper case (as people type codes)."""
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split()).upper()


def check_permit_number(value) -> str:
    """The normalised permit number, or ValueError with the reason in Chinese.

    The national format (HJ 608-2017 and the permit system): the holder's 统一社会信用代码 checked
    as every USCC of the platform (`core.uscc`), three digits of sequence and one letter."""
    number = normalise(value)
    if len(number) != 22:
        raise ValueError(f"排污许可证编号应为 22 位，“{number}”为 {len(number)} 位。{PERMIT_NUMBER_HELP}")
    try:
        uscc.validate(number[:18])
    except ValueError as exc:
        raise ValueError(f"排污许可证编号的前 18 位应为持证单位的统一社会信用代码：{exc}") from None
    if not number[18:21].isdigit():
        raise ValueError(f"排污许可证编号第 19—21 位应为 3 位数字顺序码，“{number[18:21]}”不是。")
    if not ("A" <= number[21] <= "Z"):
        raise ValueError(f"排污许可证编号最后一位应为大写字母，“{number[21]}”不是。")
    return number


def permit_holder_code(number: str) -> str:
    """The 统一社会信用代码 a permit number starts with."""
    return normalise(number)[:18]


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_expiry(issued_on: date) -> date:
    """A permit issued on `issued_on` is valid five years."""
    return add_years(issued_on, PERMIT_YEARS)


def renewal_due(expires_on: date) -> date:
    """The day by which renewal is applied for: 60 days before expiry."""
    return expires_on - timedelta(days=RENEWAL_DAYS)


def expiring_until(today: date) -> date:
    """The last expiry date whose renewal is due on `today`: its renewal date is at most 30 days
    ahead (即将到期), or passed (已过延续申请期限), or it has expired."""
    return today + timedelta(days=RENEWAL_DAYS + RENEWAL_NOTICE_DAYS)


def permit_status(expires_on: date, today: date) -> str:
    """Where a permit stands on `today`, the one rule:
    - 已过期 from the day after its expiry day;
    - 已过延续申请期限 once its renewal date (60 days before expiry) has passed, until it expires;
    - 即将到期 from 30 days before its renewal date to that date, the day itself included;
    - 有效 before."""
    if expires_on < today:
        return EXPIRED
    if renewal_due(expires_on) < today:
        return RENEWAL_LATE
    if expires_on <= expiring_until(today):
        return EXPIRING
    return VALID


def status_bounds(status: str, today: date) -> tuple[date | None, date | None]:
    """The expiry dates (first, last; None: open) of the permits with `status` on `today`: the rule
    of `permit_status` as ranges, for a filter."""
    return {EXPIRED: (None, today - timedelta(days=1)),
            RENEWAL_LATE: (today, today + timedelta(days=RENEWAL_DAYS - 1)),
            EXPIRING: (today + timedelta(days=RENEWAL_DAYS), expiring_until(today)),
            VALID: (expiring_until(today) + timedelta(days=1), None)}[status]


def permit_status_text(expires_on: date, today: date) -> str:
    """The status as people read it: 有效; 即将到期（N 天后需申请延续）; 已过延续申请期限（N 天后到期）;
    已过期."""
    status = permit_status(expires_on, today)
    if status == EXPIRING:
        days = (renewal_due(expires_on) - today).days
        return f"即将到期（{days} 天后需申请延续）" if days else "即将到期（今天须申请延续）"
    if status == RENEWAL_LATE:
        days = days_left(expires_on, today)
        return f"已过延续申请期限（{days} 天后到期）" if days else "已过延续申请期限（今天到期）"
    return {VALID: "有效", EXPIRED: "已过期"}[status]


def days_left(expires_on: date, today: date) -> int:
    """Days from `today` to expiry (negative once expired)."""
    return (expires_on - today).days


def check_outlet_code(value) -> str:
    code = normalise(value)
    if not OUTLET_CODE.fullmatch(code):
        raise ValueError(f"排放口编码“{code}”格式不正确。{OUTLET_CODE_HELP}")
    return code


def check_waste_code(value) -> str:
    code = normalise(value)
    match = WASTE_CODE.fullmatch(code)
    if not match or not 1 <= int(match.group(1)) <= WASTE_CATEGORIES:
        raise ValueError(f"危险废物类别代码“{code}”不正确。{WASTE_CODE_HELP}")
    return code


def plan_revision_due(filed_on: date) -> date:
    """An emergency plan is reviewed within three years of its filing."""
    return add_years(filed_on, PLAN_REVISION_YEARS)
