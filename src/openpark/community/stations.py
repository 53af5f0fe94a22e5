"""Which service stations are open at a time, and which of them are nearest to a point: pure
functions, no database.

Opening hours are a daily span: `opens_at`–`closes_at` (local time). No hours at all means the
station never closes (24 小时); a span whose closing time is earlier than its opening time runs
past midnight (18:00–02:00); equal times mean open round the clock as well.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import time

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG), for the great-circle distance


@dataclass(frozen=True)
class Place:
    """A station as the search needs it."""

    key: object
    longitude: float
    latitude: float
    opens_at: time | None = None
    closes_at: time | None = None


def is_open(opens_at: time | None, closes_at: time | None, at: time) -> bool:
    if opens_at is None or closes_at is None or opens_at == closes_at:
        return True
    if opens_at < closes_at:
        return opens_at <= at < closes_at
    return at >= opens_at or at < closes_at  # past midnight


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def nearest_open(places, longitude: float, latitude: float, at: time, limit: int | None = None) -> list[tuple]:
    """(place, distance in metres) of the places open at `at`, nearest first (ties by key)."""
    found = [(place, distance_m(longitude, latitude, place.longitude, place.latitude))
             for place in places if is_open(place.opens_at, place.closes_at, at)]
    found.sort(key=lambda pair: (pair[1], str(pair[0].key)))
    return found if limit is None else found[:limit]
