"""Units every app shares: money in 万元 (1 亿元 = 10000 万元), land in 亩 (1 亩 = 10000/15 m²)."""
from decimal import ROUND_HALF_UP, Decimal

WAN_PER_YI = 10000  # 万元 per 亿元
SQUARE_METRES_PER_MU = Decimal(10000) / Decimal(15)


def square_metres_to_mu(square_metres, places: int = 4) -> Decimal:
    return (Decimal(square_metres) * Decimal(15) / Decimal(10000)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
