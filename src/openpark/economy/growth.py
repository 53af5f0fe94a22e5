"""Growth, shares and thresholds of park figures: pure arithmetic, no database.

Growth on the same period of the previous year (同比) is (current − previous) / previous, in
percent. Whether `current` and `previous` are sums over the same enterprises (同口径) or over
each year's own set is decided by whoever computes the sums (`services`); here they are numbers.
"""
from decimal import ROUND_HALF_UP, Decimal

from openpark.core.units import WAN_PER_YI

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def growth_pct(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """Year-on-year growth in percent, to 2 decimals; None when there is no positive base."""
    if current is None or previous is None or previous <= 0:
        return None
    return ((Decimal(current) - Decimal(previous)) * HUNDRED / Decimal(previous)).quantize(CENT, ROUND_HALF_UP)


def share_pct(part: Decimal | None, whole: Decimal | None, places: int = 2) -> Decimal | None:
    """`part` as a percentage of `whole`."""
    if part is None or not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def status(growth: Decimal | None, alarm: Decimal | None, excellent: Decimal | None, higher_is_better: bool) -> str:
    """"alarm", "excellent" or "normal" for a growth against an indicator's thresholds; "" if no growth."""
    if growth is None:
        return ""
    sign = 1 if higher_is_better else -1
    if alarm is not None and sign * growth < sign * alarm:
        return "alarm"
    if excellent is not None and sign * growth >= sign * excellent:
        return "excellent"
    return "normal"


def to_yi(wan: Decimal | None) -> Decimal | None:
    """万元 to 亿元, to 2 decimals, as figures are published."""
    if wan is None:
        return None
    return (Decimal(wan) / WAN_PER_YI).quantize(CENT, ROUND_HALF_UP)
