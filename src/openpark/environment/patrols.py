"""River patrols (巡河), computed without a database: the length of a patrol's track (haversine over
its points), its duration, whether it counts under its level's rule (minimum minutes and
kilometres, in an active month), the months a rule is active in, and the period a rule counts in.

A track is a GeoJSON LineString or MultiLineString in WGS-84 [longitude, latitude]; the pieces of a
MultiLineString are measured apart (a pause in the recording is no distance walked).
"""
import math
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
ALL_MONTHS = tuple(range(1, 13))


def haversine_km(a, b) -> float:
    """The great-circle distance in kilometres between two [longitude, latitude] points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (float(a[0]), float(a[1]), float(b[0]), float(b[1])))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def lines_of(track: dict) -> list[list]:
    """The lines of a LineString or MultiLineString geometry (a Feature's geometry is read)."""
    if track.get("type") == "Feature":
        track = track.get("geometry") or {}
    if track.get("type") == "LineString":
        return [track["coordinates"]]
    if track.get("type") == "MultiLineString":
        return list(track["coordinates"])
    raise ValueError("巡河轨迹应为 GeoJSON 的线（LineString 或 MultiLineString）。")


def track_km(track: dict | None) -> float | None:
    """The length of the track in kilometres; None without a track."""
    if not track:
        return None
    return sum(haversine_km(a, b) for line in lines_of(track) for a, b in zip(line, line[1:]))


def rounded_km(km: float | None) -> Decimal | None:
    return None if km is None else Decimal(str(km)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def duration_minutes(started_at: datetime, ended_at: datetime) -> int:
    """Whole minutes from the start to the end (29 min 59 s is 29)."""
    return max(0, int((ended_at - started_at).total_seconds() // 60))


def parse_months(text) -> list[int]:
    """The months a rule is active in, from "1-12", "3-11", "1,3,5-7" or "1、2、12" (a list of
    numbers is read as it is); ValueError in Chinese when a month is not 1–12 or none is given."""
    if isinstance(text, (list, tuple)):
        parts = [str(part) for part in text]
    else:
        parts = [part for part in str(text or "").replace("，", ",").replace("、", ",").replace("～", "-")
                 .replace("~", "-").replace("—", "-").replace(" ", "").split(",") if part]
    months = set()
    for part in parts:
        ends = part.split("-")
        try:
            numbers = [int(end) for end in ends]
        except ValueError as exc:
            raise ValueError(f"月份“{part}”应为 1–12 的数字或范围，如“1-12”“3-11”“1,3,5-7”。") from exc
        if len(numbers) not in (1, 2) or any(not 1 <= n <= 12 for n in numbers):
            raise ValueError(f"月份“{part}”应在 1–12 之间。")
        if len(numbers) == 2 and numbers[0] > numbers[1]:
            raise ValueError(f"月份范围“{part}”的起始月份不能晚于结束月份。")
        months.update(range(numbers[0], numbers[-1] + 1))
    if not months:
        raise ValueError("请至少填写一个月份，如“1-12”。")
    return sorted(months)


def months_text(months) -> str:
    """[1, 2, …, 12] as "1-12", [3, 4, 5, 9] as "3-5、9" (how a rule's months read)."""
    runs, months = [], sorted(set(months or ()))
    for month in months:
        if runs and runs[-1][1] == month - 1:
            runs[-1][1] = month
        else:
            runs.append([month, month])
    return "、".join(f"{a}-{b}" if a != b else str(a) for a, b in runs)


def meets_rule(minutes: int | None, km, month: int, min_minutes: int, min_km, active_months) -> bool:
    """Whether a patrol counts: at least the minimum minutes and kilometres, in an active month.
    A patrol without a known distance does not count."""
    if minutes is None or km is None:
        return False
    return month in set(active_months) and minutes >= min_minutes and Decimal(str(km)) >= Decimal(str(min_km))


def period_start(period: str, today: date) -> date:
    """The first day of the period a rule counts in: this week's Monday, or the month's first day."""
    if period == "week":
        return today - timedelta(days=today.weekday())
    return today.replace(day=1)


def behind(required: int, done: int) -> int:
    """How many patrols a chief still owes this period."""
    return max(0, required - done)
