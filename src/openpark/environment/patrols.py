"""River patrols (巡河), computed without a database: the length of a patrol's track (haversine over
its points), its duration, whether it counts under its level's rule (minimum minutes and
kilometres, in an active month), the months a rule is active in, and the period a rule counts in.

A track is a GeoJSON LineString or MultiLineString in WGS-84 [longitude, latitude]; the pieces of a
MultiLineString are measured apart (a pause in the recording is no distance walked). A GPX file (what
phones and hand-held receivers record) is read into one (`parse_gpx`), each of its track segments a
piece, with the times of its first and last points.
"""
import json
import math
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
ALL_MONTHS = tuple(range(1, 13))
# A patrol goes on foot, by bicycle or by boat: a phone records a point every few seconds, so an
# hour-long patrol is well under a thousand points; 5,000 is a day's recording. A track above it is
# refused (it would make every map and page that draws it heavy).
MAX_TRACK_POINTS = 5000
# The fastest a patrol plausibly goes on average: a patrol boat or a bicycle averages well under
# 30 km/h over a whole patrol; a faster average means a track recorded from a car, a track going
# back and forth over itself, or wrong start/end times.
MAX_PATROL_KMH = 30
MAP_TRACK_POINTS = 200  # the most points of one track sent to the map
# The longest one patrol lasts: a patrol is walked, cycled or sailed within a day; a longer one is a
# mistyped end (an end decades ahead would count millions of minutes towards the rule).
MAX_PATROL_HOURS = 24
# How far a recorded end may lie ahead of the server's clock (a phone's clock runs a little fast).
CLOCK_SKEW = timedelta(minutes=5)


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


def track_points(track: dict | None) -> int:
    """How many points the track holds (all its lines)."""
    if not track:
        return 0
    return sum(len(line) for line in lines_of(track))


def check_track_size(track: dict | None, limit: int = MAX_TRACK_POINTS) -> None:
    """ValueError in Chinese when the track holds more points than the limit."""
    if isinstance(track, dict) and track.get("type") in ("LineString", "MultiLineString"):
        coordinates = track.get("coordinates")
        lines = [coordinates] if track["type"] == "LineString" else coordinates
        count = sum(len(line) for line in lines if isinstance(line, (list, tuple))) \
            if isinstance(lines, (list, tuple)) else 0
        if count > limit:
            raise ValueError(f"巡河轨迹有 {count:,} 个坐标点，超过上限 {limit:,} 个，请抽稀后再上传。")


def average_kmh(km, minutes) -> float | None:
    """The average speed in km/h of a patrol of km kilometres over minutes minutes; None when
    either is unknown or the duration is zero."""
    if km is None or not minutes:
        return None
    return float(km) * 60 / minutes


def implausible_speed(km, minutes, limit: float = MAX_PATROL_KMH) -> str | None:
    """A Chinese message when the patrol's average speed is above the limit (a patrol on foot, by
    bicycle or by boat does not average more); None when plausible or unknown. A patrol of
    distance but under a minute is implausible too."""
    if km is None or float(km) <= 0:
        return None
    speed = average_kmh(km, minutes)
    if speed is None:
        return f"巡河距离 {float(km):.2f} 千米而时长不足 1 分钟，请核对起止时间和轨迹。"
    if speed > limit:
        return (f"巡河平均速度 {speed:.1f} 千米/小时，超过 {limit} 千米/小时（步行、骑行或乘船巡河的上限），"
                "请核对起止时间和轨迹。")
    return None


def simplify_line(line: list, limit: int = MAP_TRACK_POINTS) -> list:
    """At most limit points of a line, evenly spaced, its first and last kept (a map drawing)."""
    if len(line) <= limit:
        return list(line)
    limit = max(2, limit)
    step = (len(line) - 1) / (limit - 1)
    return [line[round(i * step)] for i in range(limit)]


def simplify_track(track: dict, limit: int = MAP_TRACK_POINTS) -> dict:
    """The track with at most limit points in all, each line thinned in proportion to its length
    (every line keeps at least its two ends)."""
    lines = lines_of(track)
    total = sum(len(line) for line in lines)
    if total <= limit:
        return track
    thinned = [simplify_line(line, max(2, limit * len(line) // total)) for line in lines]
    if track.get("type") == "Feature":
        track = track.get("geometry") or {}
    if track.get("type") == "LineString":
        return {"type": "LineString", "coordinates": thinned[0]}
    return {"type": "MultiLineString", "coordinates": thinned}


def rounded_km(km: float | None) -> Decimal | None:
    return None if km is None else Decimal(str(km)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def duration_minutes(started_at: datetime, ended_at: datetime) -> int:
    """Whole minutes from the start to the end (29 min 59 s is 29)."""
    return max(0, int((ended_at - started_at).total_seconds() // 60))


def time_errors(started_at: datetime | None, ended_at: datetime | None, now: datetime) -> dict[str, str]:
    """{field: Chinese message} for a patrol's start and end: neither in the future (the end within
    CLOCK_SKEW), the end after the start, and at most MAX_PATROL_HOURS between them."""
    errors = {}
    if started_at and started_at > now:
        errors["started_at"] = "开始时间不能晚于现在。"
    if ended_at and ended_at > now + CLOCK_SKEW:
        errors["ended_at"] = "结束时间不能晚于现在。"
    elif started_at and ended_at and ended_at <= started_at:
        errors["ended_at"] = "结束时间须晚于开始时间。"
    elif started_at and ended_at and ended_at - started_at > timedelta(hours=MAX_PATROL_HOURS):
        hours = (ended_at - started_at).total_seconds() / 3600
        errors["ended_at"] = (f"一次巡河不能超过 {MAX_PATROL_HOURS} 小时（现为 {hours:,.1f} 小时），"
                              "请核对结束时间。")
    return errors


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


def not_counted_reason(minutes: int | None, km, month: int, min_minutes: int, min_km, active_months) -> str:
    """Why a patrol does not count under its rule, in Chinese ("" when it counts): outside the
    rule's active months, shorter than its minimum minutes, without a known distance or shorter
    than its minimum kilometres. Every reason that applies, joined."""
    reasons = []
    if month not in set(active_months):
        reasons.append(f"{month} 月不在巡河规定的适用月份（{months_text(active_months) or '无'}）内")
    if minutes is None or minutes < min_minutes:
        reasons.append(f"时长{'未知' if minutes is None else f' {minutes} 分钟'}，不足 {min_minutes} 分钟")
    if km is None:
        reasons.append("没有巡河距离（无轨迹，也未填写距离）")
    elif Decimal(str(km)) < Decimal(str(min_km)):
        reasons.append(f"距离 {Decimal(str(km)):.2f} 千米，不足 {Decimal(str(min_km)):.2f} 千米")
    return "；".join(reasons)


def meets_rule(minutes: int | None, km, month: int, min_minutes: int, min_km, active_months) -> bool:
    """Whether a patrol counts: at least the minimum minutes and kilometres, in an active month.
    A patrol without a known distance does not count."""
    return not not_counted_reason(minutes, km, month, min_minutes, min_km, active_months)


def period_start(period: str, today: date) -> date:
    """The first day of the period a rule counts in: this week's Monday, or the month's first day."""
    if period == "week":
        return today - timedelta(days=today.weekday())
    return today.replace(day=1)


def behind(required: int, done: int) -> int:
    """How many patrols a chief still owes this period."""
    return max(0, required - done)


# Behind on patrols (巡河未达标) ------------------------------------------------------------------
#
# The rule: a chief is behind when
#   1. the patrols still owed this period are more than the days left in it, today included: a
#      chief makes at most one counting patrol a day, so the period can no longer be met; or
#   2. the last completed period ended with patrols owed (its rule active then).
# So nobody is behind for having no patrol yet on the first days of a period: a chief who must
# patrol once a month is behind only once the month is over without a patrol (for the whole next
# month, as its record), or, for four a month, from the day fewer than four days are left.
# `services.chiefs_with_duty` computes it for the page, the dashboard, the alert and the API.


def period_end(period: str, today: date) -> date:
    """The last day of the period a rule counts in: this week's Sunday, or the month's last day."""
    start = period_start(period, today)
    if period == "week":
        return start + timedelta(days=6)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def previous_period_start(period: str, today: date) -> date:
    """The first day of the period before today's."""
    return period_start(period, period_start(period, today) - timedelta(days=1))


def days_left(period: str, today: date) -> int:
    """The days left in today's period, today included."""
    return (period_end(period, today) - today).days + 1


def is_behind(owed: int, left: int, owed_before: int = 0) -> bool:
    """Whether a chief is behind (the rule above): `owed` patrols still missing this period with
    `left` days left in it, `owed_before` missing at the end of the last period."""
    return owed > left or owed_before > 0


# GPX tracks (巡河轨迹文件) -----------------------------------------------------------------------
#
# GPX 1.0 and 1.1 (topografix.com): <gpx><trk><trkseg><trkpt lat=".." lon=".."><time>..</time>. Read
# with the standard library's ElementTree; a file with a DOCTYPE (entities: the "billion laughs") is
# refused before it is parsed, and Expat's own limits guard what slips past that check.

# A day's recording at a point a second with a verbose app stays well under this.
MAX_TRACK_FILE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class TrackFile:
    """A track read from a file: the GeoJSON line, and the times of its first and last points
    (aware, UTC) when the file has them."""

    track: dict
    started_at: datetime | None = None
    ended_at: datetime | None = None


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _gpx_time(text: str, number: int) -> datetime:
    text = (text or "").strip()
    try:
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError as exc:
        raise ValueError(f"GPX 文件第 {number:,} 个轨迹点的时间“{text[:40]}”无法识别，应如 2026-11-20T08:00:00Z。") from exc
    # GPX times are UTC; one without a zone is read as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _gpx_coordinate(point, name: str, label: str, bound: float, number: int) -> float:
    text = point.get(name)
    if text is None:
        raise ValueError(f"GPX 文件第 {number:,} 个轨迹点缺少{label}（{name}）。")
    try:
        value = float(text)
    except ValueError as exc:
        raise ValueError(f"GPX 文件第 {number:,} 个轨迹点的{label}“{text[:40]}”不是数字。") from exc
    if not math.isfinite(value) or not -bound <= value <= bound:
        raise ValueError(f"GPX 文件第 {number:,} 个轨迹点的{label} {text[:40]} 超出范围（-{bound:g}～{bound:g}）。")
    return value


def parse_gpx(data: bytes, limit: int = MAX_TRACK_POINTS) -> TrackFile:
    """The track of a GPX file: each track segment (trkseg) a line of [longitude, latitude] points,
    one LineString for one segment, a MultiLineString for several; the earliest and latest point
    times. A segment of a single point is no distance and is left out. ValueError in Chinese for a
    file that is not GPX, is malformed, has no track points, a point without or with a bad
    coordinate or time, or more points than the limit."""
    if len(data) > MAX_TRACK_FILE_BYTES:
        raise ValueError(f"GPX 文件超过 {MAX_TRACK_FILE_BYTES // (1024 * 1024)} MB，请抽稀轨迹后再上传。")
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise ValueError("GPX 文件不能包含 DOCTYPE 或实体声明。")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise ValueError(f"GPX 文件格式有误，无法读取（第 {line} 行第 {column + 1} 列附近）。") from exc
    if _local(root.tag) != "gpx":
        raise ValueError("上传的文件不是 GPX 轨迹（根元素应为 gpx）。")
    lines, times, number = [], [], 0
    for track in (child for child in root if _local(child.tag) == "trk"):
        for segment in (child for child in track if _local(child.tag) == "trkseg"):
            line = []
            for point in (child for child in segment if _local(child.tag) == "trkpt"):
                number += 1
                if number > limit:
                    raise ValueError(f"巡河轨迹超过上限 {limit:,} 个坐标点，请抽稀后再上传。")
                latitude = _gpx_coordinate(point, "lat", "纬度", 90, number)
                longitude = _gpx_coordinate(point, "lon", "经度", 180, number)
                line.append([longitude, latitude])
                for child in point:
                    if _local(child.tag) == "time" and (child.text or "").strip():
                        times.append(_gpx_time(child.text, number))
            if len(line) >= 2:
                lines.append(line)
    if not number:
        raise ValueError("GPX 文件中没有轨迹点（trk / trkseg / trkpt）；航点（wpt）和规划路线（rte）不是巡河轨迹。")
    if not lines:
        raise ValueError("GPX 轨迹至少需要一段含 2 个以上坐标点的轨迹段。")
    track = {"type": "LineString", "coordinates": lines[0]} if len(lines) == 1 else \
        {"type": "MultiLineString", "coordinates": lines}
    return TrackFile(track, min(times) if times else None, max(times) if times else None)


def read_track_file(data: bytes) -> TrackFile:
    """A track file as uploaded: GPX (XML) or GeoJSON (a line, or a Feature of one; checked as the
    typed track is, by the model); ValueError in Chinese for anything else."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"<":
        return parse_gpx(data)
    if start in (b"{", b"["):
        if len(data) > MAX_TRACK_FILE_BYTES:
            raise ValueError(f"轨迹文件超过 {MAX_TRACK_FILE_BYTES // (1024 * 1024)} MB，请抽稀轨迹后再上传。")
        try:
            value = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValueError("轨迹文件不是有效的 GeoJSON。") from exc
        if not isinstance(value, dict):
            raise ValueError("巡河轨迹应为 GeoJSON 的线（LineString 或 MultiLineString）。")
        return TrackFile(value)
    raise ValueError("轨迹文件应为 GPX 或 GeoJSON 文件（手机或 GPS 设备导出的 .gpx、.geojson）。")
